// Moving a person to another household: pick grid → building → household among the user's own,
// and the new 与户主关系.
import { h, toast, dialog } from '../dom.js';
import * as reg from '../reg.js';
import * as session from '../session.js';
import { navigate } from '../main.js';
import { nameOf, buildingName } from './place.js';

export function relationshipSelect(cat, value) {
  const table = cat.codes['gb4761-relationship'];
  const sel = h('select#f-relationship', { name: 'relationship' }, h('option', { value: '' }, '— 请选择 —'),
    (table ? table.entries : []).map((e) => h('option', { value: e.code }, e.label)));
  sel.value = value || '';
  return sel;
}

// The grids of GET /tree (tree_handlers.h), with their community's name.
function grids(tree) {
  const out = [];
  for (const d of tree.districts) for (const s of d.streets) for (const c of s.communities) {
    for (const g of c.grids) out.push({ id: g.id, label: `${c.name} · ${g.name}` });
  }
  return out;
}

async function all(loader) {
  const items = [];
  let after = 0;
  for (let i = 0; i < 20; i += 1) {
    const page = await loader(after);
    items.push(...page.items);
    if (page.next_after === null) break;
    after = page.next_after;
  }
  return items;
}

export function moveButton(cat, person) {
  if (!session.may('write_register') || person.status === 'deceased') return null;
  return h('button#move-person', {
    type: 'button',
    onclick: async () => {
      const gridSel = h('select#move-grid', h('option', { value: '' }, '— 网格 —'));
      const bldSel = h('select#move-building', { disabled: true }, h('option', { value: '' }, '— 楼栋 —'));
      const hhSel = h('select#move-household', { disabled: true }, h('option', { value: '' }, '— 户 —'));
      const rel = relationshipSelect(cat, '');
      const err = h('div');
      for (const g of grids(await reg.tree())) gridSel.append(h('option', { value: g.id }, g.label));
      gridSel.onchange = async () => {
        bldSel.replaceChildren(h('option', { value: '' }, '— 楼栋 —'));
        hhSel.replaceChildren(h('option', { value: '' }, '— 户 —'));
        hhSel.disabled = true;
        if (!gridSel.value) { bldSel.disabled = true; return; }
        for (const b of await all((a) => reg.gridBuildings(gridSel.value, a))) {
          bldSel.append(h('option', { value: b.id }, buildingName(b)));
        }
        bldSel.disabled = false;
      };
      bldSel.onchange = async () => {
        hhSel.replaceChildren(h('option', { value: '' }, '— 户 —'));
        if (!bldSel.value) { hhSel.disabled = true; return; }
        for (const x of await all((a) => reg.buildingHouseholds(bldSel.value, a))) {
          if (String(x.id) === String(person.parent_id)) continue;
          hhSel.append(h('option', { value: x.id }, `${nameOf(x)}${x.fields.room && x.fields.household_number ? ` ${x.fields.room}` : ''}`));
        }
        hhSel.disabled = false;
      };
      await dialog(`迁往其他户：${person.fields.name}`, h('div', err,
        h('div.fields', h('div.field', h('label', { for: 'move-grid' }, '网格'), gridSel),
          h('div.field', h('label', { for: 'move-building' }, '楼栋'), bldSel),
          h('div.field', h('label', { for: 'move-household' }, '户'), hhSel),
          h('div.field', h('label', { for: rel.id }, '在新户中与户主关系'), rel)),
        h('p.small.muted', '迁移会保留原户中的居住记录（历史）。')), [
        { label: '取消' },
        {
          label: '迁移', primary: true,
          onClick: async () => {
            if (!hhSel.value || !rel.value) {
              err.replaceChildren(h('div.notice.error', '请选择目标户和与户主关系'));
              return false;
            }
            try {
              await reg.movePerson(person.id, hhSel.value, rel.value, person.etag);
            } catch (e) {
              const detail = e.fieldErrors ? Object.values(e.fieldErrors())[0] : '';
              err.replaceChildren(h('div.notice.error', { role: 'alert' }, detail || e.message));
              return false;
            }
            toast('已迁入新户');
            navigate(`/persons/${person.id}`, { replace: true });
            return true;
          },
        }]);
    },
  }, '迁往其他户');
}
