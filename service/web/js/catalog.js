// The field catalog from GET /api/v1/catalog (schema/fields.yaml on the server), loaded once per
// session: forms, labels and code tables all come from here, never from a list in the UI.

import * as api from './api.js';

let cached = null;

export async function load() {
  if (cached) return cached;
  const { data } = await api.get('/api/v1/catalog');
  const byEntity = {};
  for (const f of data.fields) (byEntity[f.entity] ||= []).push(f);
  const codes = {};
  for (const [id, entries] of Object.entries(data.codes)) {
    codes[id] = { entries, byCode: Object.fromEntries(entries.map((e) => [e.code, e.label])) };
  }
  const tags = Object.fromEntries(data.tags.map((t) => [t.key, t]));
  const entityLabels = Object.fromEntries(data.entities.map((e) => [e.key, e.label]));
  cached = {
    raw: data,
    fields: (entity) => byEntity[entity] || [],
    field: (entity, key) => (byEntity[entity] || []).find((f) => f.key === key),
    tags,
    tagList: data.tags,
    codes,
    entityLabel: (e) => entityLabels[e] || e,
    // The label of a code in a field's table, or the code itself when unknown.
    label(entity, key, value) {
      if (value === null || value === undefined || value === '') return '';
      const f = this.field(entity, key);
      if (f && f.type === 'boolean') return value === '1' ? '是' : value === '0' ? '否' : value;
      if (!f || !f.codes || !codes[f.codes]) return value;
      return codes[f.codes].byCode[value] || value;
    },
    codeLabel(table, value) {
      return (codes[table] && codes[table].byCode[value]) || value;
    },
  };
  return cached;
}

export function reset() { cached = null; }
