// The signed-in session on the client: who is signed in, and when the server will end the session
// for inactivity (30 minutes after the last request) or for age (12 hours). The top bar shows the
// time left; two minutes before the idle expiry a warning offers 继续 (one request that counts as
// activity) or 退出. The server is the authority: GET /me (passive: it does not itself extend the
// session) is asked again every minute, so activity in another tab is seen here too.

import * as api from './api.js';
import { h, clear } from './dom.js';

const WARN_SECONDS = 120;
const SYNC_SECONDS = 60;

let me = null;          // the answer of GET /me (auth_handlers.h)
let idleSeconds = 1800; // the server's idle timeout
let idleDeadline = 0;   // ms epoch
let absoluteDeadline = 0;
let lastSync = 0;
let timer = null;
const changeListeners = [];

// The signed-in user as GET /me answered: {user: {name, role, display_name}, role_label, roles,
// scopes, grants, via, permissions, ...}, or null.
export function current() { return me; }
export function onChange(fn) { changeListeners.push(fn); }
function changed() { for (const fn of changeListeners) fn(me); }

// Whether the signed-in user holds a permission by its API name (read_register, write_register,
// review_queue, run_tables, manage_connectors, manage_mappings, manage_users, read_audit). The
// server decides; the UI only hides what the server would refuse.
export function may(permission) { return Boolean(me) && me.permissions.includes(permission); }

// Takes the answer of GET /me. Deadlines (ISO 8601 UTC, null for API tokens) are kept relative to
// the server's clock ("now"), so a client clock that is off does not move them.
function adopt(data) {
  me = data;
  idleSeconds = data.idle_timeout_seconds;
  const now = Date.now();
  const skew = now - Date.parse(data.now);
  idleDeadline = data.idle_expires_at ? Date.parse(data.idle_expires_at) + skew : now + idleSeconds * 1000;
  absoluteDeadline = data.expires_at ? Date.parse(data.expires_at) + skew : 0;
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

// Signs in, then reads /me for what the user may do (the login answer does not carry it).
export async function login(user, password) {
  await api.post('/api/v1/login', { name: user, password }, { noAuthRedirect: true });
  localStorage.setItem(MARK, '1');
  const { data } = await api.get('/api/v1/me', null, { passive: true, noAuthRedirect: true });
  adopt(data);
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

// 继续: any request that is not passive counts as activity; ask for something small the user may
// read, then re-read the deadlines.
async function extend() {
  try {
    await api.get(may('read_register') ? '/api/v1/catalog' : '/api/v1/mappings', { limit: 1 });
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
      .then(({ data }) => {
        const before = me && me.permissions.join(' ');
        adopt(data);
        if (before !== me.permissions.join(' ')) changed();
      })
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
