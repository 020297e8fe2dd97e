// A list with a total, numbered pages and a page jump, its page kept in the URL (?page=N), so
// the back button returns to the page the worker was on and a link can be shared. The server
// pages by position: load(after, limit) → {items, total} where after = (page - 1) * limit.
import { h, clear } from './dom.js';
import { navigate } from './main.js';

// The URL of the current page with ?page=N (other parameters kept).
function pageUrl(page) {
  const params = new URLSearchParams(location.search);
  if (page > 1) params.set('page', String(page));
  else params.delete('page');
  const qs = params.toString();
  return location.pathname + (qs ? `?${qs}` : '');
}

// pagedList({headers, row, load, page, pageSize, empty, unit, id}) → element. `page` is the
// 1-based page from the URL; `row(item, answer)` makes a <tr>; `unit` names what is counted
// ("人", "户").
export function pagedList({ headers, row, load, page = 1, pageSize = 20, empty = '没有记录', unit = '条', id }) {
  const tbody = h('tbody');
  const summary = h('p.list-total', { 'aria-live': 'polite' }, '正在加载…');
  const nav = h('nav.pager', { 'aria-label': '翻页' });
  const table = h('table.list', h('thead', h('tr', headers.map((x) =>
    h('th', { class: x.num ? 'num' : '', scope: 'col' }, x.label || x)))), tbody);
  const wrap = h('div.paged-list', { id }, summary, h('div.table-wrap', table), nav);
  const current = Math.max(1, Number.parseInt(page, 10) || 1);
  (async () => {
    tbody.append(h('tr', h('td.empty', { colspan: headers.length }, '正在加载…')));
    let res;
    try {
      res = await load((current - 1) * pageSize, pageSize);
    } catch (e) {
      clear(tbody).append(h('tr', h('td.empty', { colspan: headers.length }, e.message || String(e))));
      summary.textContent = '';
      return;
    }
    const total = Number(res.total) || 0;
    const pages = Math.max(1, Math.ceil(total / pageSize));
    clear(tbody);
    if (!res.items.length) tbody.append(h('tr', h('td.empty', { colspan: headers.length }, current > pages ? `没有第 ${current} 页（共 ${pages} 页）` : empty)));
    for (const item of res.items) tbody.append(row(item, res));
    summary.textContent = `共 ${total} ${unit} · 第 ${Math.min(current, pages)} / ${pages} 页`;
    const link = (p, label, rel) => (p >= 1 && p <= pages && p !== current
      ? h('a.button', { href: pageUrl(p), 'data-link': true, rel, dataset: { page: p } }, label)
      : h('span.button.disabled', { 'aria-disabled': 'true' }, label));
    const jump = h('input#page-jump', {
      type: 'number', min: 1, max: pages, value: Math.min(current, pages), inputmode: 'numeric',
      'aria-label': `跳转到第几页（共 ${pages} 页）`,
    });
    const go = h('form.page-jump', {
      onsubmit: (ev) => {
        ev.preventDefault();
        const p = Math.min(pages, Math.max(1, Number.parseInt(jump.value, 10) || 1));
        navigate(pageUrl(p));
      },
    }, h('label', { for: 'page-jump' }, '跳至'), jump, h('span', '页'), h('button', { type: 'submit' }, '跳转'));
    clear(nav).append(link(current - 1, '上一页', 'prev'), link(current + 1, '下一页', 'next'), pages > 1 ? go : null);
  })();
  return wrap;
}
