// The register's API as the pages use it: one function per operation, so the pages do not
// depend on URL shapes and each operation can say whether this server offers it (can()).
import * as api from './api.js';
import { h } from './dom.js';

// Operation → [method, path] it needs.
const OPS = {
  tree: ['GET', '/api/v1/tree'],
  searchPersons: ['GET', '/api/v1/persons/search'],
  getPerson: ['GET', '/api/v1/persons/{id}'],
  createPerson: ['POST', '/api/v1/persons'],
  updatePerson: ['PUT', '/api/v1/persons/{id}'],
  movePerson: ['POST', '/api/v1/persons/{id}/move'],
  provenance: ['GET', '/api/v1/persons/{id}/provenance'],
  fieldHistory: ['GET', '/api/v1/persons/{id}/history'],
  memberships: ['GET', '/api/v1/persons/{id}/memberships'],
  tags: ['GET', '/api/v1/persons/{id}/tags'],
  addTag: ['POST', '/api/v1/persons/{id}/tags'],
  updateTag: ['PUT', '/api/v1/persons/{id}/tags/{tag_id}'],
  deleteTag: ['DELETE', '/api/v1/persons/{id}/tags/{tag_id}'],
  gridBuildings: ['GET', '/api/v1/grids/{id}/buildings'],
  getGrid: ['GET', '/api/v1/grids/{id}'],
  listGrids: ['GET', '/api/v1/grids'],
  getBuilding: ['GET', '/api/v1/buildings/{id}'],
  createBuilding: ['POST', '/api/v1/buildings'],
  buildingHouseholds: ['GET', '/api/v1/households'],
  getHousehold: ['GET', '/api/v1/households/{id}'],
  createHousehold: ['POST', '/api/v1/households'],
  updateHousehold: ['PUT', '/api/v1/households/{id}'],
  householdMembers: ['GET', '/api/v1/persons'],
  setHead: ['POST', '/api/v1/households/{id}/head'],
  reviewList: ['GET', '/api/v1/review'],
  reviewGet: ['GET', '/api/v1/review/{id}'],
  reviewLink: ['POST', '/api/v1/review/{id}/link'],
  reviewKeepApart: ['POST', '/api/v1/review/{id}/keep-apart'],
  reviewChoose: ['POST', '/api/v1/review/{id}/choose'],
};

export function can(op) {
  const [method, path] = OPS[op];
  return api.has(method, path);
}

const P = (id) => encodeURIComponent(id);

export async function tree() {
  return (await api.get('/api/v1/tree')).data;
}

// Normalises a row from the API: {id, parent_id, version, status, values, etag, ...rest}.
function row(data, etag) {
  if (!data) return data;
  const values = data.values || data.fields || {};
  return { ...data, values, etag: etag || data.etag || (data.version ? `"${data.version}"` : null) };
}

function page(data) {
  return { ...data, items: (data.items || []).map((x) => row(x)) };
}

export async function searchPersons(q, kind, after) {
  const query = { q, after: after || undefined, limit: 20 };
  return page((await api.get('/api/v1/persons/search', query)).data);
}

export async function findPersons(query) {
  return page((await api.get('/api/v1/persons/search', { ...query, limit: 10 })).data).items;
}

export async function getPerson(id) {
  const r = await api.get(`/api/v1/persons/${P(id)}`);
  return row(r.data, r.etag);
}

export async function createPerson(values, householdId) {
  const body = { fields: values };
  if (householdId) body.parent_id = Number(householdId);
  const r = await api.post('/api/v1/persons', body);
  return row(r.data, r.etag);
}

export async function updatePerson(id, values, etag, status) {
  const r = await api.put(`/api/v1/persons/${P(id)}`, { fields: values, status }, { ifMatch: etag });
  return row(r.data, r.etag);
}

export async function movePerson(id, householdId, relationship, etag) {
  const r = await api.post(`/api/v1/persons/${P(id)}/move`, { household_id: Number(householdId), relationship }, { ifMatch: etag });
  return row(r.data, r.etag);
}

export async function provenance(id) {
  return (await api.get(`/api/v1/persons/${P(id)}/provenance`)).data;
}

export async function fieldHistory(id, field) {
  return (await api.get(`/api/v1/persons/${P(id)}/history`, { field })).data;
}

export async function memberships(id) {
  return (await api.get(`/api/v1/persons/${P(id)}/memberships`)).data;
}

export async function tags(id) {
  return (await api.get(`/api/v1/persons/${P(id)}/tags`)).data;
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

async function children(plural, parentId, after, extra = {}) {
  return page((await api.get(`/api/v1/${plural}`, { parent_id: parentId, after: after || undefined, limit: 50, ...extra })).data);
}

export async function get(plural, id) {
  const r = await api.get(`/api/v1/${plural}/${P(id)}`);
  return row(r.data, r.etag);
}

export const getGrid = (id) => get('grids', id);
export const getBuilding = (id) => get('buildings', id);
export const getHousehold = (id) => get('households', id);
// The tree view's page of a grid's buildings, with counts of households and persons.
export async function gridBuildings(id, after) {
  const data = (await api.get(`/api/v1/grids/${P(id)}/buildings`, { after: after || undefined })).data;
  return { ...data, items: (data.items || []).map((b) => ({ ...b, type: 'building', values: { name: b.name, address: b.address } })) };
}
export const buildingHouseholds = (id, after) => children('households', id, after);
export const listGrids = (after) => children('grids', undefined, after, { limit: 500 });
export const listCommunities = (after) => children('communities', undefined, after, { limit: 500 });

export async function createBuilding(gridId, values) {
  const r = await api.post('/api/v1/buildings', { parent_id: Number(gridId), fields: values });
  return row(r.data, r.etag);
}

export async function createHousehold(buildingId, values) {
  const r = await api.post('/api/v1/households', { parent_id: Number(buildingId), fields: values });
  return row(r.data, r.etag);
}

export async function updateHousehold(id, values, etag) {
  const r = await api.put(`/api/v1/households/${P(id)}`, { fields: values }, { ifMatch: etag });
  return row(r.data, r.etag);
}

export async function householdMembers(id) {
  return page((await api.get('/api/v1/persons', { parent_id: id, status: 'all', limit: 200 })).data).items;
}

export async function setHead(householdId, personId, etag, previousHeadRelationship) {
  const body = { person_id: Number(personId) };
  if (previousHeadRelationship) body.previous_head_relationship = previousHeadRelationship;
  const r = await api.post(`/api/v1/households/${P(householdId)}/head`, body, { ifMatch: etag });
  return row(r.data, r.etag);
}

// The chain of rows above `entity` (grid → building → household), fetched one GET each.
export async function ancestors(entity) {
  const kinds = { person: 'households', household: 'buildings', building: 'grids', grid: 'communities' };
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
  const r = await api.get(`/api/v1/review/${P(id)}`);
  return { ...r.data, etag: r.etag };
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
