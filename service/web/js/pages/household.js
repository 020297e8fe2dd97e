// 户: a new household under a building, or an existing one with its form, its members, 设为户主
// and 添加成员 (the last two, and saving, for those who may write the register).
import { h, toast, notice, dialog } from '../dom.js';
import { relationshipSelect } from './person_move.js';
import * as reg from '../reg.js';
import * as session from '../session.js';
import { navigate } from '../main.js';
import { load as loadCatalog } from '../catalog.js';
import { buildForm } from '../form.js';
import { resolveConflict } from '../conflict.js';
import { crumbs, nameOf } from './place.js';
import * as idn from '../idnumber.js';

export const title = (p) => (p.id ? '户' : '新增户');

function fieldsFor(cat) {
  return cat.fields('household').filter((f) => !f.derived && f.key !== 'head_person_id');
}

// Saves `form` (create or update); on 422 shows the errors by the fields, on 412 the conflict.
async function save(cat, form, household, buildingId, status) {
  form.clearErrors();
  status.replaceChildren();
  try {
    if (!household) {
      // The server refuses an all-blank household too; saying so here saves the round trip.
      if (!Object.values(form.values()).some((v) => v !== null)) {
        status.append(notice('error', '请至少填写一项户信息（如户号、房号或家庭地址）后再保存'));
        return;
      }
      const created = await reg.createHousehold(buildingId, form.values());
      toast('已新增户，请添加家庭成员');
      navigate(`/households/${created.id}`, { replace: true });
      return;
    }
    const changed = form.changedValues();
    if (!Object.keys(changed).length) { toast('没有修改'); return; }
    await reg.updateHousehold(household.id, changed, household.etag);
    toast('已保存');
    navigate(`/households/${household.id}`, { replace: true });
  } catch (e) {
    if (e.status === 422) {
      const rest = form.setErrors(e.fieldErrors());
      status.append(notice('error', e.message, Object.values(rest).length ? `：${Object.values(rest).join('；')}` : ''));
    } else if (e.status === 412 && household) {
      const current = await reg.getHousehold(household.id);
      const r = await resolveConflict({ catalog: cat, entity: 'household', base: household.fields, mine: form.changedValues(), theirs: current.fields });
      if (!r) return;
      if (r.discard) { navigate(`/households/${household.id}`, { replace: true }); return; }
      await reg.updateHousehold(household.id, r.values, current.etag);
      toast('已按所选保存');
      navigate(`/households/${household.id}`, { replace: true });
    } else {
      status.append(notice('error', e.message));
    }
  }
}

function membersCard(cat, household, members) {
  const headId = household.fields.head_person_id;
  const writer = session.may('write_register');
  const rows = members.map((p) => {
    const isHead = String(p.id) === String(headId);
    return h('tr', { dataset: { person: p.id } },
      h('td', h('a', { href: `/persons/${p.id}`, 'data-link': true }, p.fields.name || '（无姓名）'),
        isHead ? h('span.badge.blue', { title: '户主' }, ' 户主') : null),
      h('td', cat.label('person', 'relationship', p.fields.relationship)),
      h('td', cat.label('person', 'gender', p.fields.gender)),
      h('td.nowrap', p.fields.birth_date || ''),
      h('td.mono', p.fields.id_number ? idn.maskId(p.fields.id_number) : ''),
      h('td', reg.statusBadge(p.status)),
      h('td.nowrap', isHead || !writer ? null : h('button.link', {
        type: 'button',
        onclick: async () => {
          const previous = members.find((m) => String(m.id) === String(headId));
          const rel = relationshipSelect(cat, '');
          rel.id = 'previous-head-relationship';
          for (const o of [...rel.options]) if (o.value === '02') o.remove();
          const err = h('div.err#err-previous-head', { role: 'alert', hidden: true });
          const body = h('div', h('p', `将 ${p.fields.name} 设为本户户主。`),
            previous ? h('div.field', h('label', { for: rel.id }, `原户主 ${previous.fields.name} 的新关系`), rel, err) : null);
          await dialog('设为户主', body, [{ label: '取消' }, {
            label: '确定', primary: true,
            onClick: async () => {
              if (previous && !rel.value) {
                err.textContent = '请为原户主选择新的与户主关系';
                err.hidden = false;
                rel.focus();
                return false;
              }
              try {
                await reg.setHead(household.id, p.id, household.etag, rel.value || undefined);
                toast('户主已更新');
                navigate(`/households/${household.id}`, { replace: true });
                return true;
              } catch (e) {
                err.textContent = e.message;
                err.hidden = false;
                return false;
              }
            },
          }]);
        },
      }, '设为户主')));
  });
  const add = writer ? h('a.button.primary#add-member', { href: `/persons/new?household=${household.id}`, 'data-link': true }, '添加成员') : null;
  return h('div.card#members',
    h('div.page-head', h('h2', `家庭成员（${members.filter((m) => m.status === 'active').length} 人）`), h('span.spacer'), add),
    h('div.table-wrap', h('table.list', h('thead', h('tr', ['姓名', '与户主关系', '性别', '出生日期', '身份证号', '状态', ''].map((x) => h('th', x)))),
      h('tbody', rows.length ? rows : h('tr', h('td.empty', { colspan: 7 }, writer ? '还没有成员，请点击“添加成员”' : '还没有成员'))))));
}

export async function render({ id }, query) {
  const cat = await loadCatalog();
  if (!id) {
    const buildingId = query.building;
    const building = buildingId ? await reg.getBuilding(buildingId) : null;
    const form = buildForm(cat, fieldsFor(cat), { flat: true });
    const status = h('div');
    return h('div', crumbs(building, { self: true }),
      h('div.page-head', h('h1', '新增户'), building ? h('span.muted', nameOf(building)) : null),
      h('form.card#household-form', { onsubmit: (ev) => { ev.preventDefault(); save(cat, form, null, buildingId, status); } },
        status, form.el,
        h('div.form-actions', h('button.primary#save-household', { type: 'submit' }, '保存并添加成员'),
          h('a.button', { href: buildingId ? `/buildings/${buildingId}` : '/residents', 'data-link': true }, '取消'))));
  }
  const [household, members] = await Promise.all([reg.getHousehold(id), reg.householdMembers(id)]);
  const writer = session.may('write_register');
  const form = buildForm(cat, fieldsFor(cat), { values: household.fields, masked: new Set(household.masked), flat: true, readOnly: !writer });
  const status = h('div');
  return h('div', crumbs(household),
    h('div.page-head', h('h1', `户：${nameOf(household)}`), household.fields.address ? h('span.muted', household.fields.address) : null),
    membersCard(cat, household, members),
    h('form.card#household-form', { onsubmit: (ev) => { ev.preventDefault(); save(cat, form, household, null, status); } },
      h('h2', '户信息'), status, form.el,
      writer ? h('div.form-actions', h('button.primary#save-household', { type: 'submit' }, '保存户信息')) : null));
}
