// A grid's buildings, with the total, numbered pages and a page jump (the page in the URL, as
// the residents list), and adding a building (for those who may write the register).
import { h, dialog, toast } from '../dom.js';
import { pagedList } from '../pager.js';
import * as reg from '../reg.js';
import * as session from '../session.js';
import { navigate } from '../main.js';
import { load as loadCatalog } from '../catalog.js';
import { buildForm } from '../form.js';
import { crumbs, buildingName } from './place.js';

// "共 3 栋楼 · 120 户 · 310 人" from the caller's tree (GET /tree counts), or null.
async function totals(id) {
  const tree = await reg.cachedTree();
  for (const d of tree.districts) for (const s of d.streets) for (const c of s.communities) {
    const g = c.grids.find((x) => String(x.id) === String(id));
    if (g) return `共 ${g.counts.buildings} 栋楼 · ${g.counts.households} 户 · ${g.counts.persons} 人`;
  }
  return null;
}

export const title = '网格';

export async function render({ id }, query = {}) {
  const cat = await loadCatalog();
  const grid = await reg.getGrid(id);
  const add = session.may('write_register') ? h('button#add-building', {
    type: 'button',
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
  }, '新增楼栋') : null;
  const list = pagedList({
    id: 'buildings-list',
    headers: ['楼栋', '地址', { label: '户数', num: true }, { label: '在册人数', num: true }],
    unit: '栋楼',
    page: query.page,
    load: (offset, limit) => reg.gridBuildingsAt(id, offset, limit),
    empty: '这个网格还没有楼栋',
    row: (b) => h('tr.clickable', { onclick: (ev) => { if (!ev.target.closest('a')) navigate(`/buildings/${b.id}`); }, dataset: { building: b.id } },
      h('td', h('a', { href: `/buildings/${b.id}`, 'data-link': true }, buildingName(b))),
      h('td', b.address || ''), h('td.num', b.households), h('td.num', b.persons)),
  });
  const total = h('p.list-total#grid-total');
  totals(id).then((t) => { total.textContent = t || ''; }).catch(() => {});
  return h('div', crumbs(grid),
    h('div.page-head', h('h1', grid.fields.name || grid.fields.code || `网格 ${id}`), h('span.spacer'), add),
    h('div.card', total, list));
}

