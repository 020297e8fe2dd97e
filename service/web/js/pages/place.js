// Breadcrumbs up the tree (居民 › 社区 › 网格 › 楼栋 › 户) for a row, filled in as the rows above
// it arrive (one GET each), so the page itself does not wait for them.
import { h } from '../dom.js';
import * as reg from '../reg.js';

const LINKS = { grid: (id) => `/grids/${id}`, building: (id) => `/buildings/${id}`, household: (id) => `/households/${id}` };

export function nameOf(row) {
  if (!row) return '';
  const v = row.values || {};
  switch (row.type) {
    case 'household': return v.household_number || v.room || `户 ${row.id}`;
    case 'building': return v.name || v.address || `楼栋 ${row.id}`;
    case 'person': return v.name || `人员 ${row.id}`;
    default: return v.name || v.code || `${row.type} ${row.id}`;
  }
}

export function crumbs(entity, { self = false } = {}) {
  const el = h('div.crumbs', h('a', { href: '/residents', 'data-link': true }, '居民'));
  if (!entity) return el;
  const chain = entity.type === 'person' && !entity.parent_id ? Promise.resolve([]) : reg.ancestors(entity);
  chain.then((rows) => {
    for (const r of self ? [...rows, entity] : rows) {
      const link = LINKS[r.type];
      el.append(' › ', link ? h('a', { href: link(r.id), 'data-link': true }, nameOf(r)) : h('span', nameOf(r)));
    }
  }).catch(() => {});
  return el;
}
