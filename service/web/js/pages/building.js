// A building's households (paged), and adding a household.
import { h, pagedTable } from '../dom.js';
import * as reg from '../reg.js';
import { navigate } from '../main.js';
import { crumbs, nameOf } from './place.js';
import { load as loadCatalog } from '../catalog.js';

export const title = '楼栋';

export async function render({ id }) {
  const cat = await loadCatalog();
  let building = null;
  if (reg.can('getBuilding')) building = await reg.getBuilding(id);
  const name = building ? (building.values.name || building.values.address || `楼栋 ${id}`) : `楼栋 ${id}`;
  const add = h('a.button.primary#add-household', { href: `/households/new?building=${id}`, 'data-link': true }, '新增户');
  if (!reg.can('createHousehold')) { add.classList.add('disabled'); add.title = '此功能尚未开放'; }
  const list = pagedTable(
    ['户号', '房号', '家庭地址', '户别'],
    (x) => h('tr.clickable', { onclick: () => navigate(`/households/${x.id}`), dataset: { household: x.id } },
      h('td', h('a', { href: `/households/${x.id}`, 'data-link': true }, nameOf(x))),
      h('td', x.values.room || ''),
      h('td', x.values.address || ''),
      h('td', cat.label('household', 'household_type', x.values.household_type))),
    (after) => reg.buildingHouseholds(id, after),
    { empty: '这栋楼还没有登记户' });
  return h('div', crumbs(building),
    h('div.page-head', h('h1', name), building && building.values.address ? h('span.muted', building.values.address) : null,
      h('span.spacer'), add),
    h('div.card', list));
}
