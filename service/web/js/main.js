// The single-page app: client-side routes over history.pushState (the server answers index.html
// for any page path, so links and reloads work), the top bar for the signed-in user's role, and
// the session's idle-expiry warning. What the menu offers comes from the server (GET /me).

import * as api from './api.js';
import { h, clear, toast } from './dom.js';
import * as session from './session.js';

// [pattern, module, nav key]. Modules are loaded on first use. A page needs the permission of its
// menu entry (NAV below); the login and start pages need none.
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
  ['/admin/deliveries', './pages/deliveries.js', 'deliveries'],
  ['/admin/users', './pages/users.js', 'users'],
  ['/admin/audit', './pages/audit.js', 'audit'],
  ['/quality', './pages/quality.js', 'quality'],
  ['/transfers', './pages/transfers.js', 'transfers'],
  ['/account/password', './pages/password.js', ''],
  ['/requests', './pages/requests.js', 'requests'],
  ['/requests/:id', './pages/request.js', 'requests'],
];

// The menu: each entry shows when the signed-in user holds its permission (GET /me).
const NAV = [
  { key: 'residents', label: '居民', href: '/residents', permission: 'read_register' },
  { key: 'review', label: '待核实', href: '/review', permission: 'review_queue' },
  { key: 'tables', label: '报表', href: '/tables', permission: 'run_tables' },
  { key: 'quality', label: '数据质量', href: '/quality', permission: 'read_register' },
  // Moving a person in from another grid: filed by a worker, approved by the holding grid's.
  { key: 'transfers', label: '迁入申请', href: '/transfers', permission: 'write_register', roles: ['grid_worker', 'community_admin', 'admin'] },
  // Departments file table requests; admins review them; security admins confirm their grants
  // (a grid worker has none of these). `also`: a second permission that opens the entry too.
  { key: 'requests', label: '新表申请', href: '/requests', permission: 'run_tables', also: 'manage_users', roles: ['department', 'admin', 'security_admin'] },
  { sep: true },
  { key: 'mappings', label: '报表映射', href: '/admin/mappings', permission: 'manage_mappings' },
  { key: 'connectors', label: '数据接入', href: '/admin/connectors', permission: 'manage_connectors' },
  { key: 'deliveries', label: '推送', href: '/admin/deliveries', permission: 'manage_connectors' },
  { key: 'users', label: '用户与授权', href: '/admin/users', permission: 'manage_users' },
  { key: 'audit', label: '审计日志', href: '/admin/audit', permission: 'read_audit' },
];

// The permission a page of menu entry `navKey` needs, or null.
function permissionFor(navKey) {
  const item = NAV.find((n) => n.key === navKey);
  return item ? item.permission : null;
}

// Whether the signed-in user may use the pages of menu entry `item`: its permission, and its
// roles when it names some.
function allowed(item) {
  if (!session.may(item.permission) && !(item.also && session.may(item.also))) return false;
  const me = session.current();
  return !item.roles || (me && item.roles.includes(me.user.role));
}

// A page the user may not use: said plainly, with nothing on it to click but the way back. The
// server would refuse its requests anyway; this keeps controls it would refuse off the screen.
function forbidden(me) {
  return h('div.card.unavailable#forbidden', h('strong', '无权访问此页面'),
    h('div', `当前账号（${me.role_label}）没有使用此页面的权限。`),
    h('a', { href: '/', 'data-link': true }, '返回首页'));
}

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
  // A separator shows only between two groups that both have entries.
  let pendingSep = false;
  for (const item of NAV) {
    if (item.sep) { pendingSep = nav.childElementCount > 0; continue; }
    if (!allowed(item)) continue;
    if (pendingSep) { nav.append(h('span.sep')); pendingSep = false; }
    nav.append(h('a', {
      href: item.href, 'data-link': true, class: item.key === activeKey ? 'active' : '',
      'aria-current': item.key === activeKey ? 'page' : null,
    }, item.label));
  }
}

function renderWho() {
  const who = document.getElementById('who');
  clear(who);
  const me = session.current();
  if (!me) return;
  who.append(
    h('span', me.user.display_name || me.user.name),
    h('span.role', me.role_label),
    h('span.timer#session-timer', { title: '无操作自动退出的剩余时间' }),
    h('a#change-password', { href: '/account/password', 'data-link': true }, '修改密码'),
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
  const permission = permissionFor(found.nav);
  const navItem = NAV.find((n) => n.key === found.nav);
  if (permission && !allowed(navItem)) {
    clear(app).append(forbidden(me));
    document.title = '无权访问 · 一张表';
    return;
  }
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

// Below 600 px a list shows each row as a card, every value under its column's name: each cell
// of a table.list carries its column's header as data-label (css/app.css). Done here for every
// table any page renders, now or later (pagers, dialogs), so no page has to.
function labelTableCells(root) {
  for (const table of root.querySelectorAll('table.list:not(.compare)')) {
    const heads = [...table.querySelectorAll(':scope > thead > tr:first-child > th')].map((th) => th.textContent.trim());
    if (!heads.length) continue;
    for (const tr of table.querySelectorAll(':scope > tbody > tr')) {
      [...tr.children].forEach((td, i) => {
        if (td.tagName === 'TD' && heads[i] && !td.dataset.label && !td.classList.contains('empty')) td.dataset.label = heads[i];
      });
    }
  }
}
// A table wider (or a box taller) than its frame scrolls inside it; one with nothing focusable
// in it is made focusable, so a keyboard user can scroll it too (WCAG 2.1.1), and named after
// the heading above it.
function focusableScrollers(root) {
  for (const el of root.querySelectorAll('.table-wrap, .scroll-region, pre.block, .dlg-body')) {
    const scrolls = el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
    if (!scrolls || el.hasAttribute('tabindex')
      || el.querySelector('a[href], button, input, select, textarea, [tabindex]')) continue;
    el.tabIndex = 0;
    if (!el.getAttribute('role')) el.setAttribute('role', 'region');
    if (!el.getAttribute('aria-label')) {
      const heading = el.closest('.card, dialog')?.querySelector('h1, h2, h3, .dlg-head');
      el.setAttribute('aria-label', heading ? `${heading.textContent.trim()}（可滚动）` : '可滚动区域');
    }
  }
}
let labelQueued = false;
const tidy = () => {
  if (labelQueued) return;
  labelQueued = true;
  requestAnimationFrame(() => { labelQueued = false; labelTableCells(document.body); focusableScrollers(document.body); });
};
new MutationObserver(tidy).observe(document.body, { childList: true, subtree: true });
window.addEventListener('resize', tidy);

// Below 600 px the menu folds behind one button (css/app.css); following a link folds it again.
function setMenuOpen(open) {
  document.getElementById('top').classList.toggle('open', open);
  document.getElementById('nav-toggle').setAttribute('aria-expanded', String(open));
}
document.getElementById('nav-toggle').addEventListener('click', () => {
  setMenuOpen(!document.getElementById('top').classList.contains('open'));
});
document.addEventListener('keydown', (ev) => {
  if (ev.key === 'Escape' && document.getElementById('top').classList.contains('open')) {
    setMenuOpen(false);
    document.getElementById('nav-toggle').focus();
  }
});

document.addEventListener('click', (ev) => {
  const a = ev.target.closest('a[data-link]');
  if (a && a.closest('#menu')) setMenuOpen(false);
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
  await session.restore();
  render();
}()).catch((e) => toast(e.message || String(e), 'error'));
