// Breadcrumbs up the tree (居民 › 社区 › 网格 › 楼栋 › 户) for a row, filled in as the rows above
// it arrive, so the page itself does not wait for them. Rows from the grid down are fetched one
// GET each (the caller sees them: they are in a grid of the caller's scope); the levels above a
// grid come from GET /tree, the tree the caller may see, so a grid worker's page never asks for
// a community outside their scope (which the server would refuse and audit as a denial).
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

// The community (tree node) holding grid `gridId` in the caller's tree, or null.
export async function communityOf(gridId) {
  const tree = await reg.cachedTree();
  for (const d of tree.districts) {
    for (const s of d.streets) {
      for (const c of s.communities) {
        if (c.grids.some((g) => String(g.id) === String(gridId))) return c;
      }
    }
  }
  return null;
}

export function crumbs(entity, { self = false } = {}) {
  const el = h('nav.crumbs', { 'aria-label': '所在位置' }, h('a', { href: '/residents', 'data-link': true }, '居民'));
  if (!entity) return el;
  (async () => {
    const rows = await reg.ancestors(entity);
    const chain = self ? [...rows, entity] : rows;
    const grid = [...rows, entity].find((r) => r.type === 'grid');
    const community = grid ? await communityOf(grid.id).catch(() => null) : null;
    if (community) el.append(' › ', h('span', community.name || community.code));
    for (const r of chain) {
      const link = LINKS[r.type];
      el.append(' › ', link ? h('a', { href: link(r.id), 'data-link': true }, nameOf(r)) : h('span', nameOf(r)));
    }
  })().catch(() => {});
  return el;
}
