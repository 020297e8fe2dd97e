// Table requests on the API (service/src/http/request_handlers.h): a department files one with
// its blank template; an admin reviews, edits the draft, approves or declines; a security admin
// confirms the grant; an admin turns a monthly / on-change request into a delivery.
import * as api from './api.js';

const YAML = 'text/yaml; charset=utf-8';

// The file's bytes as standard base64 (the API takes the template inside a JSON body).
function fileBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(new Error('无法读取所选文件'));
    reader.readAsDataURL(file);
  });
}

export async function file(form, templateFile) {
  const body = { ...form, template_name: templateFile.name, template_base64: await fileBase64(templateFile) };
  const r = await api.post('/api/v1/requests', body);
  return { ...r.data, etag: r.etag };
}

export async function list() {
  const { data } = await api.get('/api/v1/requests', { limit: 200 });
  return data.items;
}

export async function get(id) {
  const r = await api.get(`/api/v1/requests/${encodeURIComponent(id)}`);
  return { ...r.data, etag: r.etag };
}

// An empty JSON body: a cookie-authenticated write without application/json is refused (CSRF).
export async function startReview(id, etag) {
  const r = await api.post(`/api/v1/requests/${encodeURIComponent(id)}/review`, {}, { ifMatch: etag });
  return { ...r.data, etag: r.etag };
}

export async function saveDraft(id, yaml, etag) {
  const r = await api.put(`/api/v1/requests/${encodeURIComponent(id)}/draft`, yaml, { contentType: YAML, ifMatch: etag });
  return { ...r.data, etag: r.etag };
}

// `choice`: {columns, unmasked, scope, note} (request_handlers.h).
export async function approve(id, choice, etag) {
  const r = await api.post(`/api/v1/requests/${encodeURIComponent(id)}/approve`, choice, { ifMatch: etag });
  return { ...r.data, etag: r.etag };
}

export async function grant(id, etag) {
  const r = await api.post(`/api/v1/requests/${encodeURIComponent(id)}/grant`, {}, { ifMatch: etag });
  return { ...r.data, etag: r.etag };
}

export async function deliveryDraft(id) {
  const { data } = await api.get(`/api/v1/requests/${encodeURIComponent(id)}/delivery`);
  return data;
}

export async function saveDelivery(id, yaml) {
  const { data } = await api.post(`/api/v1/requests/${encodeURIComponent(id)}/delivery`, { yaml });
  return data;
}

export async function decline(id, reason, etag) {
  const r = await api.post(`/api/v1/requests/${encodeURIComponent(id)}/decline`, { reason }, { ifMatch: etag });
  return { ...r.data, etag: r.etag };
}

// What people read for a column's fill (request_draft.h).
export const FILL_LABELS = {
  register: '登记库自动填写',
  identifier: '登记库填写，默认遮蔽（身份证号、电话需按列授权）',
  sensitive: '需敏感数据授权',
  blank: '无法填写（打印空白，手工填写）',
  number: '系统填写（编号或固定值）',
};

export const STATUS_BADGE = {
  submitted: 'blue', drafted: 'blue', in_review: 'amber', awaiting_grant: 'amber', approved: 'green', declined: 'red',
};

// "本表约 N 行，共 C 格，其中 R 格（P%）由登记库自动填写".
export function savingsText(r) {
  const s = r.savings;
  if (!s || !s.cells) return `共 ${r.counts.columns} 列，其中 ${r.counts.register + r.counts.identifier + r.counts.sensitive} 列可由登记库填写`;
  const pct = Math.round((s.register_cells * 100) / s.cells);
  return `按当前登记库约 ${s.data_rows} 行、${s.cells} 格，其中 ${s.register_cells} 格（${pct}%）由登记库自动填写，无需重复录入`;
}
