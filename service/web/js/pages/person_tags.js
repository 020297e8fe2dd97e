// A person's special-population tags (低保, 残疾, 高龄…), each with its typed attributes and
// validity, added and edited in a dialog whose form comes from the tag's catalog definition.
import { h, toast, dialog, confirmDialog, fmtTime } from '../dom.js';
import * as reg from '../reg.js';
import { buildForm } from '../form.js';
import { navigate } from '../main.js';

const VALIDITY = [
  { key: 'valid_from', label: '有效期自', type: 'date' },
  { key: 'valid_to', label: '有效期至', type: 'date' },
];

async function editTag(cat, person, def, existing) {
  const fields = [...def.attributes.map((a) => ({ ...a, entity: 'tag' })), ...VALIDITY];
  const values = { ...(existing ? existing.attrs || existing.attributes || {} : {}),
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
          for (const d of e.details || []) map[String(d.field || '').replace(/^(attrs|attributes)\./, '')] = d.message;
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
  if (!reg.can('tags')) {
    card.replaceChildren(h('h2', '特殊人群标签'), h('p.muted', '此功能尚未开放（标签接口尚未提供）。'));
    return card;
  }
  reg.tags(person.id).then((data) => {
    const list = data.items || data || [];
    const rows = list.map((t) => {
      const def = cat.tags[t.tag] || { label: t.tag, attributes: [] };
      const attrs = t.attrs || t.attributes || {};
      return h('tr', { dataset: { tag: t.tag } },
        h('td', h('strong', def.label), def.department ? h('div.small.muted', def.department) : null),
        h('td', def.visible === false ? h('span.badge', '已遮蔽') : def.attributes.map((a) =>
          (attrs[a.key] ? h('div.small', `${a.label}：`, a.codes ? cat.codeLabel(a.codes, attrs[a.key]) : attrs[a.key]) : null))),
        h('td.small.nowrap', t.valid_from || t.valid_to ? `${t.valid_from || '…'} 至 ${t.valid_to || '今'}` : ''),
        h('td.small', t.source && !t.source.startsWith('manual') ? `来源：${t.source}` : `录入：${(t.source || '').replace(/^manual:?/, '')}`,
          t.updated_at ? h('div.muted', fmtTime(t.updated_at)) : null),
        h('td.nowrap', reg.can('updateTag') && def.visible !== false
          ? h('button.link', { type: 'button', onclick: () => editTag(cat, person, def, t) }, '编辑') : null,
        reg.can('deleteTag') && def.visible !== false ? h('button.link', {
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
      cat.tagList.filter((t) => t.visible !== false).map((t) => h('option', { value: t.key }, t.label)));
    picker.addEventListener('change', () => {
      const def = cat.tags[picker.value];
      picker.value = '';
      if (def) editTag(cat, person, def, null);
    });
    card.replaceChildren(h('div.page-head', h('h2', '特殊人群标签'), h('span.spacer'), reg.can('addTag') ? picker : null),
      h('div.table-wrap', h('table.list', h('thead', h('tr', ['标签', '属性', '有效期', '来源', ''].map((x) => h('th', x)))),
        h('tbody', rows.length ? rows : h('tr', h('td.empty', { colspan: 5 }, '没有标签'))))));
  }).catch((e) => card.replaceChildren(h('h2', '特殊人群标签'), h('div.notice.error', e.message)));
  return card;
}
