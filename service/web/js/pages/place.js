// Breadcrumbs up the tree (居民 › 社区 › 网格 › 楼栋 › 户) for a row, filled in as the rows above
// it arrive (one GET each), so the page itself does not wait for them.
import { h } from '../dom.js';
import * as reg from '../reg.js';

const LINKS = { grid: (id) => `/grids/${id}`, building: (id) => `/buildings/${id}`, household: (id) => `/households/${id}` };

// The name a row of the register (register_json.h) is shown by.
export function nameOf(row) {
  const v = row.fields;
  switch (row.type) {
    case 'household': return v.household_number || v.room || `户 ${row.id}`;
    case 'building': return v.name || v.address || `楼栋 ${row.id}`;
    case 'person': return v.name || `人员 ${row.id}`;
    default: return v.name || v.code || `${row.type} ${row.id}`;
  }
}

// The same for a building of the tree view (GET /grids/{id}/buildings: {id, name?, address?}).
export function buildingName(b) {
  return b.name || b.address || `楼栋 ${b.id}`;
}

export function crumbs(entity, { self = false } = {}) {
  const el = h('div.crumbs', h('a', { href: '/residents', 'data-link': true }, '居民'));
  if (!entity) return el;
  reg.ancestors(entity).then((rows) => {
    for (const r of self ? [...rows, entity] : rows) {
      const link = LINKS[r.type];
      el.append(' › ', link ? h('a', { href: link(r.id), 'data-link': true }, nameOf(r)) : h('span', nameOf(r)));
    }
  }).catch(() => {});
  return el;
}
