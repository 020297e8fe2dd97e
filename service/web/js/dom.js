// Small DOM helpers shared by every page: element building without innerHTML (values from the
// register are always set as text, never parsed as HTML), toasts, dialogs, and common widgets.

// h('div.card#x', {onclick, class, ...attrs}, ...children): builds an element. Children may be
// strings, numbers, nodes, arrays, or null/false (skipped).
export function h(tag, attrs, ...children) {
  let name = tag;
  const classes = [];
  let id = '';
  const m = tag.match(/^([a-z0-9-]+)?((?:[.#][\w-]+)*)$/i);
  if (m) {
    name = m[1] || 'div';
    for (const part of (m[2] || '').match(/[.#][\w-]+/g) || []) {
      if (part[0] === '.') classes.push(part.slice(1));
      else id = part.slice(1);
    }
  }
  const el = document.createElement(name);
  if (classes.length) el.className = classes.join(' ');
  if (id) el.id = id;
  // A first argument that is not an attribute object is a child — 0 too (a count of zero must
  // show as 0, not vanish as a falsy "no attributes").
  if (attrs !== null && attrs !== undefined && attrs !== false
    && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v);
    } else if (k === 'class') {
      el.className = [el.className, v].filter(Boolean).join(' ');
    } else if (k === 'dataset') {
      Object.assign(el.dataset, v);
    } else if (k === 'value' && 'value' in el) {
      el.value = v;
    } else if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'readOnly') {
      el[k] = Boolean(v);
    } else if (v === true) {
      el.setAttribute(k, '');
    } else {
      el.setAttribute(k, String(v));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false || c === true) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function toast(message, kind = '') {
  const box = document.getElementById('toasts');
  const t = h('div.toast', { class: kind, role: kind === 'error' ? 'alert' : 'status' }, message);
  box.append(t);
  setTimeout(() => t.remove(), kind === 'error' ? 8000 : 4000);
}

// Opens a modal dialog. `body` is a node; `buttons` is [{label, primary, danger, onClick}], where
// onClick may return false (or a promise of false) to keep the dialog open. Resolves with the
// label of the button that closed it, or null when dismissed with Esc.
export function dialog(title, body, buttons = [{ label: '关闭' }]) {
  return new Promise((resolve) => {
    const foot = h('div.dlg-foot');
    const dlg = h('dialog', {}, h('div.dlg-head', title), h('div.dlg-body', body), foot);
    for (const b of buttons) {
      foot.append(h('button', {
        type: 'button',
        class: b.primary ? 'primary' : b.danger ? 'danger' : '',
        onclick: async () => {
          const keep = b.onClick ? await b.onClick() : true;
          if (keep === false) return;
          dlg.close();
          resolve(b.label);
        },
      }, b.label));
    }
    dlg.addEventListener('cancel', () => resolve(null));
    dlg.addEventListener('close', () => dlg.remove());
    document.body.append(dlg);
    dlg.showModal();
  });
}

export async function confirmDialog(title, message, okLabel = '确定') {
  const r = await dialog(title, h('p', message), [{ label: '取消' }, { label: okLabel, primary: true }]);
  return r === okLabel;
}

export function notice(kind, ...text) {
  return h('div.notice', { class: kind, role: kind === 'error' ? 'alert' : null }, ...text);
}

// Formats a UTC timestamp "YYYY-MM-DD HH:MM:SS" (or ISO) as local time "YYYY-MM-DD HH:MM".
export function fmtTime(ts) {
  if (!ts) return '';
  let s = String(ts);
  if (/^\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?$/.test(s)) s = s.replace(' ', 'T') + 'Z';
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return String(ts);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function today() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

// A keyset pager: calls load(after) → {items, next_after}; renders rows with `row(item)` into a
// table with `headers`. Keeps a stack of previous cursors for 上一页.
export function pagedTable(headers, row, load, { empty = '没有记录', onRows } = {}) {
  const tbody = h('tbody');
  const info = h('span.muted.small');
  const prev = h('button', { type: 'button' }, '上一页');
  const next = h('button', { type: 'button' }, '下一页');
  const wrap = h('div', h('div.table-wrap', h('table.list', h('thead', h('tr', headers.map((x) =>
    h('th', { class: x.num ? 'num' : '' }, x.label || x)))), tbody)),
  h('div.pager', prev, next, info));
  const stack = [];
  let cursor = 0;
  let page = 1;
  async function show(after) {
    clear(tbody);
    tbody.append(h('tr', h('td.empty', { colspan: headers.length }, '正在加载…')));
    let res;
    try {
      res = await load(after);
    } catch (e) {
      clear(tbody);
      tbody.append(h('tr', h('td.empty', { colspan: headers.length }, e.message || String(e))));
      return;
    }
    clear(tbody);
    const { items } = res;
    if (!items.length) tbody.append(h('tr', h('td.empty', { colspan: headers.length }, empty)));
    for (const item of items) tbody.append(row(item));
    cursor = after;
    next.disabled = res.next_after === null;
    next.onclick = () => { stack.push(cursor); page += 1; show(res.next_after); };
    prev.disabled = stack.length === 0;
    info.textContent = `第 ${page} 页`;
    if (onRows) onRows(items);
  }
  prev.onclick = () => { page -= 1; show(stack.pop()); };
  wrap.reload = () => show(cursor);
  show(0);
  return wrap;
}

// Triggers a browser download of a Blob.
export function saveBlob(blob, fileName) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: fileName });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
