// A grid's buildings (paged), and adding a building.
import { h, pagedTable, dialog, toast } from '../dom.js';
import * as reg from '../reg.js';
import { navigate } from '../main.js';
import { load as loadCatalog } from '../catalog.js';
import { buildForm } from '../form.js';
import { crumbs, nameOf } from './place.js';

export const title = '网格';

export async function render({ id }) {
  const cat = await loadCatalog();
  let grid = null;
  if (reg.can('getGrid')) {
    try { grid = await reg.getGrid(id); } catch (e) { if (e.status === 404) throw e; }
  }
  const name = grid ? grid.values.name : `网格 ${id}`;
  const add = h('button', {
    type: 'button',
    disabled: !reg.can('createBuilding'),
    title: reg.can('createBuilding') ? '' : '此功能尚未开放',
    onclick: async () => {
      const form = buildForm(cat, cat.fields('building'), { flat: true });
      await dialog('新增楼栋', form.el, [{ label: '取消' }, {
        label: '保存', primary: true,
        onClick: async () => {
          try {
            const b = await reg.createBuilding(id, form.values());
            toast('楼栋已保存');
            navigate(`/buildings/${b.id}`);
            return true;
          } catch (e) {
            const rest = form.setErrors(e.fieldErrors());
            if (!Object.keys(e.fieldErrors()).length || Object.keys(rest).length) toast(e.message, 'error');
            return false;
          }
        },
      }]);
    },
  }, '新增楼栋');
  const list = pagedTable(
    ['楼栋', '地址', { label: '户数', num: true }, { label: '在册人数', num: true }],
    (b) => h('tr.clickable', { onclick: () => navigate(`/buildings/${b.id}`) },
      h('td', h('a', { href: `/buildings/${b.id}`, 'data-link': true }, nameOf(b))),
      h('td', b.address || ''), h('td.num', b.households ?? ''), h('td.num', b.persons ?? '')),
    (after) => reg.gridBuildings(id, after),
    { empty: '这个网格还没有楼栋' });
  return h('div', crumbs(grid),
    h('div.page-head', h('h1', name), h('span.spacer'), add),
    h('div.card', list));
}

