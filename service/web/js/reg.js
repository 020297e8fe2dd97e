// The register's API as the pages use it: one function per operation, so the pages do not
// depend on URL shapes. Rows are the server's (register_json.h): {id, type, parent_id, version,
// status, fields, masked}; a single row also carries the `etag` its answer came with.
import * as api from './api.js';
import { h } from './dom.js';

const P = (id) => encodeURIComponent(id);

export async function tree() {
  return (await api.get('/api/v1/tree')).data;
}

// The caller's tree, fetched once a minute at most: breadcrumbs read the names above a grid from
// it (the caller may not read those rows themselves).
let treeCache = null;
export function cachedTree() {
  if (!treeCache || Date.now() - treeCache.at > 60000) {
    treeCache = { at: Date.now(), promise: tree() };
    treeCache.promise.catch(() => { treeCache = null; });
  }
  return treeCache.promise;
}

// A single-row answer with the ETag to send back in If-Match.
const row = (r) => ({ ...r.data, etag: r.etag });

// {items: [row], next_after, total, criterion}: the persons the caller may see that `q` finds
// (the server decides whether q is a name or address part, an ID number, its last four
// characters, a part of it or a phone number). Paged by position: `after` matches skipped.
export async function searchPersons(q, after, limit = 20) {
  return (await api.get('/api/v1/persons/search', { q, after: after || undefined, limit })).data;
}

export async function findPersons(query) {
  return (await api.get('/api/v1/persons/search', { ...query, limit: 10 })).data.items;
}

export async function getPerson(id, { reveal = false } = {}) {
  return row(await api.get(`/api/v1/persons/${P(id)}`, reveal ? { reveal: '1' } : undefined));
}

export async function createPerson(values, householdId) {
  const body = { fields: values };
  if (householdId) body.parent_id = Number(householdId);
  return row(await api.post('/api/v1/persons', body));
}

export async function updatePerson(id, values, etag, status) {
  return row(await api.put(`/api/v1/persons/${P(id)}`, { fields: values, status }, { ifMatch: etag }));
}

export async function movePerson(id, householdId, relationship, etag) {
  return row(await api.post(`/api/v1/persons/${P(id)}/move`, { household_id: Number(householdId), relationship }, { ifMatch: etag }));
}

// Where each current value came from: [{field, label, value, source, actor, observed_at, pinned}].
export async function provenance(id) {
  return (await api.get(`/api/v1/persons/${P(id)}/provenance`, { limit: 500 })).data.items;
}

// Every observation of one field, oldest first (the same shape as provenance).
export async function fieldHistory(id, field) {
  return (await api.get(`/api/v1/persons/${P(id)}/history`, { field, limit: 500 })).data.items;
}

// The person's tags the caller may see: [{id, person_id, tag, label, attrs, valid_from, valid_to,
// source, version}].
export async function tags(id) {
  return (await api.get(`/api/v1/persons/${P(id)}/tags`)).data.items;
}

export async function addTag(personId, tag) {
  return (await api.post(`/api/v1/persons/${P(personId)}/tags`, tag)).data;
}

export async function updateTag(personId, tagId, tag, etag) {
  return (await api.put(`/api/v1/persons/${P(personId)}/tags/${P(tagId)}`, tag, { ifMatch: etag })).data;
}

export async function deleteTag(personId, tagId, etag) {
  return (await api.del(`/api/v1/persons/${P(personId)}/tags/${P(tagId)}`, { ifMatch: etag })).data;
}

async function children(plural, parentId, after) {
  return (await api.get(`/api/v1/${plural}`, { parent_id: parentId, after: after || undefined, limit: 50 })).data;
}

export async function get(plural, id) {
  return row(await api.get(`/api/v1/${plural}/${P(id)}`));
}

export const getGrid = (id) => get('grids', id);
export const getBuilding = (id) => get('buildings', id);
export const getHousehold = (id) => get('households', id);
// The tree view's page of a grid's buildings: {items: [{id, name, address, households, persons}],
// next_after} (tree_handlers.h; name and address only when they have a value).
export async function gridBuildings(id, after) {
  return (await api.get(`/api/v1/grids/${P(id)}/buildings`, { after: after || undefined })).data;
}
// A grid's buildings by position (a numbered pager's page): {items, total, next_after}.
export async function gridBuildingsAt(id, offset, limit = 20) {
  return (await api.get(`/api/v1/grids/${P(id)}/buildings`, { offset, limit })).data;
}
export const buildingHouseholds = (id, after) => children('households', id, after);
// A building's households with their summaries (household_summary.h): {items: [row],
// summaries: {id: {members, head_id?, head_name?, tags: [{tag, label, members}]}}, next_after,
// total}; paged by position.
export async function householdSummaries(buildingId, after, limit = 20) {
  return (await api.get('/api/v1/households', { parent_id: buildingId, summary: 1, after: after || undefined, limit })).data;
}

export async function createBuilding(gridId, values) {
  return row(await api.post('/api/v1/buildings', { parent_id: Number(gridId), fields: values }));
}

export async function createHousehold(buildingId, values) {
  return row(await api.post('/api/v1/households', { parent_id: Number(buildingId), fields: values }));
}

export async function updateHousehold(id, values, etag) {
  return row(await api.put(`/api/v1/households/${P(id)}`, { fields: values }, { ifMatch: etag }));
}

export async function householdMembers(id) {
  return (await api.get('/api/v1/persons', { parent_id: id, status: 'all', limit: 200 })).data.items;
}

export async function setHead(householdId, personId, etag, previousHeadRelationship) {
  const body = { person_id: Number(personId) };
  if (previousHeadRelationship) body.previous_head_relationship = previousHeadRelationship;
  return row(await api.post(`/api/v1/households/${P(householdId)}/head`, body, { ifMatch: etag }));
}

// The chain of rows above `entity` up to its grid (grid → building → household), fetched one GET
// each. It stops at the grid: the rows above it may lie outside the caller's scope (a grid
// worker may not read their community), so their names come from the tree (place.js).
export async function ancestors(entity) {
  const kinds = { person: 'households', household: 'buildings', building: 'grids' };
  const out = [];
  let cur = entity;
  while (cur && cur.parent_id && kinds[cur.type] && out.length < 4) {
    const plural = kinds[cur.type];
    try {
      cur = await get(plural, cur.parent_id);
    } catch (e) { break; }
    out.unshift(cur);
  }
  return out;
}

export async function reviewList(status, after) {
  return (await api.get('/api/v1/review', { status: status || 'all', after: after || undefined, limit: 20 })).data;
}

export async function reviewGet(id) {
  return row(await api.get(`/api/v1/review/${P(id)}`));
}

// action: link | keep-apart | choose (body {value}).
export async function reviewResolve(id, action, body, etag) {
  return (await api.post(`/api/v1/review/${P(id)}/${action}`, body || {}, { ifMatch: etag })).data;
}

const STATUS = {
  active: ['在册', 'green'],
  moved_away: ['已迁出', 'amber'],
  deceased: ['已故', ''],
};
export function statusLabel(status) { return (STATUS[status] || [status || ''])[0]; }
export function statusBadge(status) {
  const [label, color] = STATUS[status] || [status || '', ''];
  return label ? h('span.badge', { class: color }, label) : '';
}

// Transfer requests (transfer_handlers.h): {id, state, state_label, reason, requester, created_at,
// decider, decision_reason, decided_at, version, mine, can_decide, from: {grid, community},
// to: {household_id?, grid, community}, person: {id_number_masked, id?, name?}}.
export async function requestTransfer(body) {
  return (await api.post('/api/v1/transfers', body)).data;
}

export async function listTransfers(state = 'all') {
  return (await api.get('/api/v1/transfers', { state })).data.items;
}

export async function decideTransfer(t, approve, reason) {
  const body = reason ? { reason } : {};
  return (await api.post(`/api/v1/transfers/${P(t.id)}/${approve ? 'approve' : 'decline'}`, body, { ifMatch: `"${t.version}"` })).data;
}
