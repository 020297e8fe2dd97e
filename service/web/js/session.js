// The signed-in session on the client: who is signed in, and when the server will end the session
// for inactivity (30 minutes after the last request) or for age (12 hours). The top bar shows the
// time left; two minutes before the idle expiry a warning offers 继续 (one request that counts as
// activity) or 退出. The server is the authority: GET /me (passive: it does not itself extend the
// session) is asked again every minute, so activity in another tab is seen here too.

import * as api from './api.js';
import { h, clear } from './dom.js';

const WARN_SECONDS = 120;
const SYNC_SECONDS = 60;

let me = null;          // {user, display_name, role, scopes, grants}
let idleSeconds = 1800; // the server's idle timeout
let idleDeadline = 0;   // ms epoch
let absoluteDeadline = 0;
let lastSync = 0;
let timer = null;
const changeListeners = [];

export function current() { return me; }
export function onChange(fn) { changeListeners.push(fn); }
function changed() { for (const fn of changeListeners) fn(me); }

function parseTime(v) {
  if (!v) return 0;
  if (typeof v === 'number') return v > 1e12 ? v : v * 1000;
  let s = String(v);
  if (/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(s)) s = s.replace(' ', 'T') + 'Z';
  const t = Date.parse(s);
  return Number.isNaN(t) ? 0 : t;
}

// Takes the answer of POST /login or GET /me. Deadlines are kept relative to the server's clock
// ("now" in /me), so a client clock that is off does not move them.
function adopt(data) {
  const u = data.user && typeof data.user === 'object' ? { ...data, ...data.user } : data;
  me = {
    user: u.name || (typeof u.user === 'string' ? u.user : '') || (me && me.user) || '',
    display_name: u.display_name || (me && me.display_name) || '',
    role: u.role || (me && me.role),
    scopes: u.scopes || (me && me.scopes) || [],
    grants: u.grants || (me && me.grants) || [],
    permissions: u.permissions || (me && me.permissions) || [],
  };
  if (data.idle_timeout_seconds) idleSeconds = data.idle_timeout_seconds;
  const now = Date.now();
  const skew = data.now ? now - parseTime(data.now) : 0;
  idleDeadline = data.idle_expires_at ? parseTime(data.idle_expires_at) + skew : now + idleSeconds * 1000;
  absoluteDeadline = data.expires_at ? parseTime(data.expires_at) + skew : 0;
  lastSync = now;
  startTimer();
}

// Whether this browser signed in and has not signed out: only then is GET /me worth asking at
// start (the cookie itself is HttpOnly). Saves a pointless 401, which the server audits.
const MARK = 'onetable.signed_in';

export async function restore() {
  if (!localStorage.getItem(MARK)) { me = null; return; }
  try {
    const { data } = await api.get('/api/v1/me', null, { passive: true, noAuthRedirect: true });
    adopt(data);
  } catch (e) {
    me = null;
    if (e.status === 401) localStorage.removeItem(MARK);
  }
}

export async function login(user, password) {
  const { data } = await api.post('/api/v1/login', { name: user, password }, { noAuthRedirect: true });
  localStorage.setItem(MARK, '1');
  adopt(data);
  if (!me.role) await restore();
}

export async function logout() {
  try { await api.post('/api/v1/logout', {}, { noAuthRedirect: true }); } catch (e) { /* gone already */ }
  end('');
}

// The server said the session is over (a 401 on an ordinary request).
export function expired(message) { end(message); }

function end(message) {
  me = null;
  localStorage.removeItem(MARK);
  stopTimer();
  hideWarning();
  if (message) sessionStorage.setItem('onetable.login_message', message);
  if (location.pathname !== '/login') {
    sessionStorage.setItem('onetable.after_login', location.pathname + location.search);
    history.replaceState(null, '', '/login');
  }
  changed();
}

// Any request that is not passive extends the session on the server: mirror it here.
api.on('activity', () => {
  if (!me) return;
  idleDeadline = Date.now() + idleSeconds * 1000;
  hideWarning();
});

// 继续: any request that is not passive counts as activity; ask for something small that every
// role may read, then re-read the deadlines.
async function extend() {
  try {
    await api.get(me && me.role === 'department' ? '/api/v1/mappings' : '/api/v1/catalog', { limit: 1 });
    const { data } = await api.get('/api/v1/me', null, { passive: true });
    adopt(data);
  } catch (e) { /* a 401 ends the session through the api listener */ }
  hideWarning();
  tick();
}

function fmt(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function showWarning(left, absolute) {
  const box = document.getElementById('session-warning');
  if (!box) return;
  if (!box.hidden && box.dataset.kind === (absolute ? 'abs' : 'idle')) {
    const t = box.querySelector('.left');
    if (t) t.textContent = fmt(left);
    return;
  }
  clear(box);
  box.dataset.kind = absolute ? 'abs' : 'idle';
  if (absolute) {
    box.append(h('p', '本次登录已接近 12 小时上限，将在 ', h('strong.left', fmt(left)),
      ' 后自动退出。请保存正在编辑的内容，然后重新登录。'),
    h('div.row', h('button', { type: 'button', onclick: hideWarning }, '知道了')));
  } else {
    box.append(h('p', '由于长时间没有操作，会话将在 ', h('strong.left', fmt(left)),
      ' 后过期。过期后未保存的内容会丢失。'),
    h('div.row',
      h('button.primary#session-continue', { type: 'button', onclick: extend }, '继续'),
      h('button', { type: 'button', onclick: () => logout() }, '退出')));
  }
  box.hidden = false;
}

function hideWarning() {
  const box = document.getElementById('session-warning');
  if (box) box.hidden = true;
}

export function tick() {
  if (!me) return;
  const now = Date.now();
  const idleLeft = idleDeadline - now;
  const absLeft = absoluteDeadline ? absoluteDeadline - now : Infinity;
  const left = Math.min(idleLeft, absLeft);
  const el = document.getElementById('session-timer');
  if (el) el.textContent = `会话 ${fmt(left)}`;
  if (left <= 0) {
    end('由于长时间没有操作，会话已过期，请重新登录');
    return;
  }
  if (left <= WARN_SECONDS * 1000) showWarning(left, absLeft < idleLeft);
  else hideWarning();  // activity here or in another tab moved the end away
  if (now - lastSync > SYNC_SECONDS * 1000 || (left <= WARN_SECONDS * 1000 && now - lastSync > 15000)) {
    lastSync = now;
    api.get('/api/v1/me', null, { passive: true, noAuthRedirect: true })
      .then(({ data }) => { const role = me && me.role; adopt(data); if (role !== me.role) changed(); })
      .catch((e) => { if (e.status === 401) end('会话已过期，请重新登录'); });
  }
}

function startTimer() {
  stopTimer();
  timer = setInterval(tick, 1000);
}

function stopTimer() {
  if (timer) clearInterval(timer);
  timer = null;
}
