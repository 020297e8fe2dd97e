// The single-page app: client-side routes over history.pushState (the server answers index.html
// for any page path, so links and reloads work), the top bar for the signed-in user's role, and
// the session's idle-expiry warning.

import * as api from './api.js';
import { h, clear, toast } from './dom.js';
import * as session from './session.js';

// [pattern, module, nav key]. Modules are loaded on first use.
const ROUTES = [
  ['/login', './pages/login.js', ''],
  ['/', './pages/home.js', ''],
  ['/residents', './pages/residents.js', 'residents'],
  ['/grids/:id', './pages/grid.js', 'residents'],
  ['/buildings/:id', './pages/building.js', 'residents'],
  ['/households/new', './pages/household.js', 'residents'],
  ['/households/:id', './pages/household.js', 'residents'],
  ['/persons/new', './pages/person.js', 'residents'],
  ['/persons/:id', './pages/person.js', 'residents'],
  ['/review', './pages/review.js', 'review'],
  ['/tables', './pages/tables.js', 'tables'],
  ['/admin/mappings', './pages/mappings.js', 'mappings'],
  ['/admin/mappings/new', './pages/mapping_edit.js', 'mappings'],
  ['/admin/mappings/:id+', './pages/mapping_edit.js', 'mappings'],
  ['/admin/connectors', './pages/connectors.js', 'connectors'],
  ['/admin/connectors/:id', './pages/connector.js', 'connectors'],
  ['/admin/users', './pages/users.js', 'users'],
  ['/admin/audit', './pages/audit.js', 'audit'],
  ['/quality', './pages/quality.js', 'quality'],
];

const NAV = [
  { key: 'residents', label: '居民', href: '/residents', roles: ['admin', 'community_admin', 'grid_worker'] },
  { key: 'review', label: '待核实', href: '/review', roles: ['admin', 'community_admin', 'grid_worker'] },
  { key: 'tables', label: '报表', href: '/tables', roles: ['admin', 'community_admin', 'grid_worker', 'department'] },
  { key: 'quality', label: '数据质量', href: '/quality', roles: ['admin', 'community_admin', 'grid_worker'] },
  { sep: true, roles: ['admin'] },
  { key: 'mappings', label: '报表映射', href: '/admin/mappings', roles: ['admin'] },
  { key: 'connectors', label: '数据接入', href: '/admin/connectors', roles: ['admin'] },
  { key: 'users', label: '用户与授权', href: '/admin/users', roles: ['admin'] },
  { key: 'audit', label: '审计日志', href: '/admin/audit', roles: ['admin'] },
];

export const ROLE_LABELS = {
  admin: '管理员',
  community_admin: '社区管理员',
  grid_worker: '网格员',
  department: '部门用户',
};

function match(pattern, path) {
  const ps = pattern.split('/');
  const xs = path.split('/');
  const params = {};
  for (let i = 0; i < ps.length; i += 1) {
    const p = ps[i];
    if (p.endsWith('+') && p.startsWith(':')) {
      // Rest parameter: mapping ids hold a slash ("minzheng/gaoling-jintie").
      const rest = xs.slice(i).join('/');
      if (!rest) return null;
      params[p.slice(1, -1)] = decodeURIComponent(rest);
      return params;
    }
    if (i >= xs.length) return null;
    if (p.startsWith(':')) {
      if (!xs[i]) return null;
      params[p.slice(1)] = decodeURIComponent(xs[i]);
    } else if (p !== xs[i]) {
      return null;
    }
  }
  return xs.length === ps.length ? params : null;
}

export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  render();
}

function renderNav(activeKey) {
  const nav = document.getElementById('nav');
  clear(nav);
  const me = session.current();
  if (!me) return;
  for (const item of NAV) {
    if (!item.roles.includes(me.role)) continue;
    if (item.sep) { nav.append(h('span.sep')); continue; }
    nav.append(h('a', { href: item.href, 'data-link': true, class: item.key === activeKey ? 'active' : '' }, item.label));
  }
}

function renderWho() {
  const who = document.getElementById('who');
  clear(who);
  const me = session.current();
  if (!me) return;
  who.append(
    h('span', me.display_name || me.user),
    h('span.role', ROLE_LABELS[me.role] || me.role),
    h('span.timer#session-timer', { title: '无操作自动退出的剩余时间' }),
    h('button', { type: 'button', onclick: () => session.logout() }, '退出'),
  );
  session.tick();
}

let renderSeq = 0;

export async function render() {
  const seq = ++renderSeq;
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const query = Object.fromEntries(new URLSearchParams(location.search));
  const app = document.getElementById('app');
  let found = null;
  for (const [pattern, module, nav] of ROUTES) {
    const params = match(pattern, path);
    if (params) { found = { module, nav, params }; break; }
  }
  if (!found) {
    clear(app).append(h('div.card.unavailable', h('strong', '页面不存在'), h('a', { href: '/', 'data-link': true }, '返回首页')));
    return;
  }
  const me = session.current();
  if (!me && found.module !== './pages/login.js') {
    sessionStorage.setItem('onetable.after_login', location.pathname + location.search);
    navigate('/login', { replace: true });
    return;
  }
  if (me && found.module === './pages/login.js') {
    navigate('/', { replace: true });
    return;
  }
  document.getElementById('top').hidden = !me;
  renderNav(found.nav);
  renderWho();
  try {
    const mod = await import(found.module);
    if (seq !== renderSeq) return;
    const node = await mod.render(found.params, query);
    if (seq !== renderSeq) return;
    clear(app).append(node);
    document.title = (mod.title ? `${typeof mod.title === 'function' ? mod.title(found.params) : mod.title} · ` : '') + '一张表';
    app.focus({ preventScroll: true });
  } catch (e) {
    if (seq !== renderSeq) return;
    if (e instanceof api.ApiError && e.status === 401) return; // session.js took over
    console.error(e);
    clear(app).append(h('div.notice.error', { role: 'alert' }, e.message || String(e)),
      h('p', h('a', { href: '/', 'data-link': true }, '返回首页')));
  }
}

document.addEventListener('click', (ev) => {
  const a = ev.target.closest('a[data-link]');
  if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey) return;
  ev.preventDefault();
  navigate(a.getAttribute('href'));
});
window.addEventListener('popstate', render);

api.on('unauthenticated', () => {
  if (!session.current()) return;
  session.expired('会话已过期，请重新登录');
});

session.onChange(() => render());

(async function boot() {
  await api.loadRoutes();
  await session.restore();
  render();
}()).catch((e) => toast(e.message || String(e), 'error'));
