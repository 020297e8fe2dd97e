// Mappings and generated tables on the API: listing what the user may run, previewing,
// downloading, and (for admins) validating, previewing and saving mapping drafts.
import * as api from './api.js';

// Mapping ids hold a slash ("minzheng/gaoling-jintie"); each part is encoded on its own.
const enc = (id) => String(id).split('/').map(encodeURIComponent).join('/');
const YAML = 'text/yaml; charset=utf-8';

// The mappings the caller may run (mapping_handlers.h): [{id, valid, title, department, purpose,
// grain, columns, restricted_by}], and for mapping managers also files that do not check
// ({id, valid: false, problems}).
export async function list() {
  const { data } = await api.get('/api/v1/mappings', { limit: 500 });
  return data.items;
}

// The file as saved, with the ETag a save must send back; {exists: false} for a new id.
export async function source(id) {
  const r = await api.get(`/api/v1/mappings/${enc(id)}/source`);
  return { ...r.data, etag: r.etag };
}

export async function preview(id, params) {
  const { data } = await api.get(`/api/v1/mappings/${enc(id)}/preview`, { ...params, limit: 20 });
  return data;
}

export async function savings(id, params) {
  const { data } = await api.get(`/api/v1/savings/${enc(id)}`, params);
  return data;
}

// Downloads the table. `onBytes(n)` sees the bytes received so far; `signal` (AbortSignal)
// cancels the download.
export async function download(id, params, { signal, onBytes } = {}) {
  const { response } = await api.get(`/api/v1/tables/${enc(id)}`, params, { raw: true, signal });
  let blob;
  if (response.body && onBytes) {
    const reader = response.body.getReader();
    const parts = [];
    let n = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        n += value.length;
        onBytes(n);
      }
    } catch (e) {
      if (e.name === 'AbortError') throw new api.ApiError(0, { error: { code: 'cancelled', message: '已取消', details: [] } });
      throw e;
    }
    blob = new Blob(parts, { type: response.headers.get('Content-Type') || '' });
  } else {
    blob = await response.blob();
  }
  const fallback = `${String(id).replace(/\//g, '-')}.${params.format || 'xlsx'}`;
  return { blob, name: api.downloadName(response, fallback) };
}

// → {valid, id, title, problems: [{file, line, column, message, text}]}
export async function validate(yaml) {
  const { data } = await api.post('/api/v1/mappings/validate', yaml, { contentType: YAML });
  return data;
}

export async function previewDraft(yaml, params) {
  const { data } = await api.request('POST', '/api/v1/mappings/preview', {
    body: yaml, contentType: YAML, query: { ...params, limit: 20 },
  });
  return data;
}

export async function save(id, yaml, etag) {
  const r = await api.put(`/api/v1/mappings/${enc(id)}`, yaml, { contentType: YAML, ifMatch: etag || undefined });
  return { ...r.data, etag: r.etag };
}

export async function draftFromTemplate(file, title) {
  const { data } = await api.request('POST', '/api/v1/mappings/draft', {
    body: await file.arrayBuffer(), contentType: 'application/octet-stream',
    query: { name: file.name, title: title || undefined },
  });
  return data;
}
