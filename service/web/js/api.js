// The API client: JSON over fetch to /api/v1 with the session cookie, the API's error shape
// turned into ApiError, and ETags kept for If-Match.

export class ApiError extends Error {
  constructor(status, body, response) {
    // Every API error is {"error": {code, message, details}}; an answer without that shape came
    // from something in front of the server (a proxy) or the network.
    const err = body && body.error ? body.error : { code: '', message: `请求失败（HTTP ${status}）`, details: [] };
    super(err.message);
    this.status = status;
    this.code = err.code;
    this.details = err.details;
    this.body = body;
    this.response = response;
  }
  // Field key -> Chinese message, from a 422's details.
  fieldErrors() {
    const out = {};
    for (const d of this.details) {
      if (d.field && !out[d.field]) out[d.field] = d.message;
    }
    return out;
  }
}

const listeners = { unauthenticated: [], activity: [] };
export function on(event, fn) { listeners[event].push(fn); }
function emit(event, ...args) { for (const fn of listeners[event]) fn(...args); }

function url(path, query) {
  const u = new URL(path.startsWith('/') ? path : `/api/v1/${path}`, location.origin);
  for (const [k, v] of Object.entries(query || {})) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) for (const x of v) u.searchParams.append(k, x);
    else u.searchParams.set(k, v);
  }
  return u.pathname + u.search;
}

// request('GET', '/api/v1/persons/3', {query, body, ifMatch, raw, passive}) →
// {status, data, etag, response}. Throws ApiError for 4xx/5xx. `raw` leaves the body unread
// (downloads). A 401 outside login tells the app (the session is over).
export async function request(method, path, opts = {}) {
  const headers = { Accept: 'application/json' };
  let body = opts.body;
  if (body instanceof ArrayBuffer || body instanceof Blob) {
    headers['Content-Type'] = opts.contentType || 'application/octet-stream';
  } else if (typeof body === 'string') {
    headers['Content-Type'] = opts.contentType || 'text/plain; charset=utf-8';
  } else if (body !== undefined && !(body instanceof FormData)) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(body);
  }
  if (opts.ifMatch) headers['If-Match'] = opts.ifMatch;
  Object.assign(headers, opts.headers || {});
  let response;
  try {
    response = await fetch(url(path, opts.query), {
      method,
      headers,
      credentials: 'same-origin',
      body,
      signal: opts.signal,
    });
  } catch (e) {
    if (e.name === 'AbortError') throw new ApiError(0, { error: { code: 'cancelled', message: '已取消', details: [] } });
    throw new ApiError(0, { error: { code: 'network', message: '无法连接服务器，请检查网络后重试', details: [] } });
  }
  const etag = response.headers.get('ETag');
  if (!opts.passive && response.status !== 401) emit('activity', response);
  if (opts.raw && response.ok) return { status: response.status, etag, response };
  let data = null;
  const type = response.headers.get('Content-Type') || '';
  if (type.includes('json')) {
    try { data = await response.json(); } catch (e) { data = null; }
  } else {
    data = await response.text();
  }
  if (!response.ok) {
    const err = new ApiError(response.status, typeof data === 'object' ? data : null, response);
    if (response.status === 401 && !opts.noAuthRedirect) emit('unauthenticated', err);
    throw err;
  }
  return { status: response.status, data, etag, response };
}

export const get = (path, query, opts = {}) => request('GET', path, { ...opts, query });
export const post = (path, body, opts = {}) => request('POST', path, { ...opts, body });
export const put = (path, body, opts = {}) => request('PUT', path, { ...opts, body });
export const patch = (path, body, opts = {}) => request('PATCH', path, { ...opts, body });
export const del = (path, opts = {}) => request('DELETE', path, opts);

// The file name of a download from its Content-Disposition (RFC 6266 filename* first).
export function downloadName(response, fallback) {
  const cd = response.headers.get('Content-Disposition') || '';
  const star = cd.match(/filename\*=UTF-8''([^;]+)/i);
  if (star) { try { return decodeURIComponent(star[1]); } catch (e) { /* fall through */ } }
  const plain = cd.match(/filename="?([^";]+)"?/i);
  return plain ? plain[1] : fallback;
}
