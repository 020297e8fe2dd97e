// A building's households (paged), and adding a household (for those who may write the register).
import { h, pagedTable } from '../dom.js';
import * as reg from '../reg.js';
import * as session from '../session.js';
import { navigate } from '../main.js';
import { crumbs, nameOf } from './place.js';
import { load as loadCatalog } from '../catalog.js';

export const title = '楼栋';

export async function render({ id }) {
  const cat = await loadCatalog();
  const building = await reg.getBuilding(id);
  const add = session.may('write_register')
    ? h('a.button.primary#add-household', { href: `/households/new?building=${id}`, 'data-link': true }, '新增户') : null;
  const list = pagedTable(
    ['户号', '房号', '家庭地址', '户别'],
    (x) => h('tr.clickable', { onclick: () => navigate(`/households/${x.id}`), dataset: { household: x.id } },
      h('td', h('a', { href: `/households/${x.id}`, 'data-link': true }, nameOf(x))),
      h('td', x.fields.room || ''),
      h('td', x.fields.address || ''),
      h('td', cat.label('household', 'household_type', x.fields.household_type))),
    (after) => reg.buildingHouseholds(id, after),
    { empty: '这栋楼还没有登记户' });
  return h('div', crumbs(building),
    h('div.page-head', h('h1', nameOf(building)), building.fields.address ? h('span.muted', building.fields.address) : null,
      h('span.spacer'), add),
    h('div.card', list));
}
