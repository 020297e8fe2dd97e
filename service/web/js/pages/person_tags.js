// A person's special-population tags (低保, 残疾, 高龄…), each with its typed attributes and
// validity, added and edited (by those who may write the register) in a dialog whose form comes
// from the tag's catalog definition.
import { h, toast, dialog, confirmDialog } from '../dom.js';
import * as reg from '../reg.js';
import * as session from '../session.js';
import { buildForm } from '../form.js';
import { navigate } from '../main.js';

const VALIDITY = [
  { key: 'valid_from', label: '有效期自', type: 'date' },
  { key: 'valid_to', label: '有效期至', type: 'date' },
];

async function editTag(cat, person, def, existing) {
  const fields = [...def.attributes.map((a) => ({ ...a, entity: 'tag' })), ...VALIDITY];
  const values = { ...(existing ? existing.attrs : {}),
    valid_from: existing ? existing.valid_from : '', valid_to: existing ? existing.valid_to : '' };
  const form = buildForm(cat, fields, { values, flat: true });
  const err = h('div');
  await dialog(`${existing ? '编辑' : '添加'}标签：${def.label}`, h('div', err, form.el), [
    { label: '取消' },
    {
      label: '保存', primary: true,
      onClick: async () => {
        const v = form.values();
        const body = { valid_from: v.valid_from, valid_to: v.valid_to, attrs: {} };
        for (const a of def.attributes) {
          // On update, null clears an attribute; on create, absent ones are simply not sent.
          if (v[a.key] !== null || existing) body.attrs[a.key] = v[a.key];
        }
        try {
          if (existing) await reg.updateTag(person.id, existing.id, body, `"${existing.version}"`);
          else await reg.addTag(person.id, { tag: def.key, ...body });
        } catch (e) {
          const map = {};
          for (const d of e.details) map[d.field.replace(/^attrs\./, '')] = d.message;
          const rest = form.setErrors(map);
          err.replaceChildren(h('div.notice.error', e.message, Object.values(rest).length ? `：${Object.values(rest).join('；')}` : ''));
          return false;
        }
        toast('标签已保存');
        navigate(`/persons/${person.id}`, { replace: true });
        return true;
      },
    },
  ]);
}

export function tagsCard(cat, person) {
  const card = h('div.card#tags', h('h2', '特殊人群标签'), h('p.muted', '正在加载…'));
  const writer = session.may('write_register');
  reg.tags(person.id).then((list) => {
    const rows = list.map((t) => {
      // The server lists only tags the caller may see; one the catalog no longer defines is shown
      // by its label, without attributes or edits.
      const def = cat.tags[t.tag] || { label: t.label, attributes: [], unknown: true };
      const attrs = t.attrs;
      const editable = writer && !def.unknown;
      return h('tr', { dataset: { tag: t.tag } },
        h('td', h('strong', def.label), def.department ? h('div.small.muted', def.department) : null),
        h('td', def.attributes.map((a) =>
          (attrs[a.key] ? h('div.small', `${a.label}：`, a.codes ? cat.codeLabel(a.codes, attrs[a.key]) : attrs[a.key]) : null))),
        h('td.small.nowrap', t.valid_from || t.valid_to ? `${t.valid_from || '…'} 至 ${t.valid_to || '今'}` : ''),
        h('td.small', t.source.startsWith('manual') ? `录入：${t.source.replace(/^manual:?/, '')}` : `来源：${t.source}`),
        h('td.nowrap', editable
          ? h('button.link', { type: 'button', onclick: () => editTag(cat, person, def, t) }, '编辑') : null,
        editable ? h('button.link', {
          type: 'button',
          onclick: async () => {
            if (!await confirmDialog('删除标签', `确定删除「${def.label}」标签吗？`, '删除')) return;
            try {
              await reg.deleteTag(person.id, t.id, `"${t.version}"`);
              toast('已删除');
              navigate(`/persons/${person.id}`, { replace: true });
            } catch (e) { toast(e.message, 'error'); }
          },
        }, '删除') : null));
    });
    const picker = h('select#tag-picker', { 'aria-label': '选择标签' }, h('option', { value: '' }, '— 添加标签 —'),
      cat.tagList.filter((t) => t.visible).map((t) => h('option', { value: t.key }, t.label)));
    picker.addEventListener('change', () => {
      const def = cat.tags[picker.value];
      picker.value = '';
      if (def) editTag(cat, person, def, null);
    });
    card.replaceChildren(h('div.page-head', h('h2', '特殊人群标签'), h('span.spacer'), writer ? picker : null),
      h('div.table-wrap', h('table.list', h('thead', h('tr', ['标签', '属性', '有效期', '来源', ''].map((x) => h('th', x)))),
        h('tbody', rows.length ? rows : h('tr', h('td.empty', { colspan: 5 }, '没有标签'))))));
  }).catch((e) => card.replaceChildren(h('h2', '特殊人群标签'), h('div.notice.error', e.message)));
  return card;
}
