// 报表: the department tables this user may run. Pick one, its scope, reference date and format;
// preview the first rows (with how many cells the register filled: the entry saved), download.
// With a "changes since" date the same buttons give the change roster (新增 / 变更 / 减少 between
// that date and the reference date; mapping/change_roster.h).
import { h, clear, notice, saveBlob, today } from '../dom.js';
import * as session from '../session.js';
import * as reg from '../reg.js';
import * as tbl from '../tables_api.js';
import * as api from '../api.js';
import { progressPanel } from '../run_progress.js';

const sizeText = (n) => (n < 1024 ? `${n} 字节` : n < 1048576 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1048576).toFixed(1)} MB`);

export const title = '报表';

// The scopes a table may be run for: the caller's communities and grids (GET /tree), or only
// "everything I may see" for those without the register (departments).
function scopeOptions(tree) {
  const opts = [h('option', { value: '' }, '我有权查看的全部范围')];
  if (!tree) return opts;
  for (const d of tree.districts) for (const s of d.streets) for (const c of s.communities) {
    if (c.code) opts.push(h('option', { value: c.code }, `${c.name}（社区）`));
    for (const g of c.grids) opts.push(h('option', { value: g.code }, `　${c.name} · ${g.name}`));
  }
  return opts;
}

// A preview (mapping_handlers.h): {headers, masked, rows: [{cells, total}], data_rows, truncated,
// scope, as_of}.
export function previewTable(data) {
  const masked = new Set(data.masked);
  // A wide table scrolls inside its own region, which the keyboard can reach (tabindex), so the
  // page itself stays as wide as the window.
  return h('div.table-wrap.scroll-region#preview-table', { tabindex: 0, role: 'region', 'aria-label': '预览（可左右滚动）' }, h('table.list.keep-table',
    h('thead', h('tr', data.headers.map((x) => h('th', x, masked.has(x) ? h('span.badge', { title: '您无权查看此列' }, '遮蔽') : null)))),
    h('tbody', data.rows.length ? data.rows.map((r) => h('tr', { class: r.total ? 'total' : '' }, r.cells.map((c) => h('td', c ?? ''))))
      : h('tr', h('td.empty', { colspan: Math.max(1, data.headers.length) }, '没有符合条件的行')))),
  h('p.small.muted', `${data.truncated ? `预览前 ${data.data_rows} 行` : `共 ${data.data_rows} 行`}${data.as_of ? `；统计时点 ${data.as_of}` : ''}${data.scope ? `；范围 ${data.scope}` : ''}。`));
}

// The entry-savings figure: of the table's body cells, how many the register filled.
export function savingsLine(c) {
  if (!c.cells) return null;
  const pct = Math.round((100 * c.register_cells) / c.cells);
  return h('div.notice.ok#savings', h('strong', `节省录入 ${pct}%`),
    `：这张表共 ${c.data_rows} 行、${c.cells} 个单元格，其中 ${c.register_cells} 个直接取自登记库，无需手工填写。`);
}

function panel(mapping, tree) {
  const scope = h('select#table-scope', scopeOptions(tree));
  const asOf = h('input#table-as-of', { type: 'date' });
  const since = h('input#table-changes-since', { type: 'date' });
  const format = h('select#table-format', h('option', { value: 'xlsx' }, 'Excel（XLSX）'),
    h('option', { value: 'csv' }, 'CSV（UTF-8）'), h('option', { value: 'json' }, 'JSON'));
  const out = h('div#table-output');
  const status = h('div');
  const params = () => ({
    scope: scope.value || undefined, as_of: asOf.value || undefined, changes_since: since.value || undefined,
  });
  const preview = h('button#table-preview', {
    type: 'button',
    onclick: async () => {
      status.replaceChildren();
      clear(out).append(h('p.muted', '正在生成预览…'));
      try {
        const [data, saved] = await Promise.all([tbl.preview(mapping.id, params()), tbl.savings(mapping.id, params())]);
        clear(out).append(savingsLine(saved) || '', previewTable(data));
      } catch (e) {
        clear(out);
        status.append(notice('error', e.message));
      }
    },
  }, '预览前 20 行');
  const download = h('button.primary#table-download', {
    type: 'button',
    onclick: async () => {
      status.replaceChildren();
      download.disabled = true;
      // Generating a large table takes seconds: the panel shows the rows generated so far (the
      // server's count for this download's token, table_progress.h), the time, what has arrived,
      // and 取消 stops it on the server and here.
      const abort = new AbortController();
      const token = (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`.replace(/\./g, '')).replace(/[^A-Za-z0-9_-]/g, '');
      let rows = 0;
      let received = 0;
      const show = () => panel.update(received ? `正在下载：已生成 ${rows} 行，已接收 ${sizeText(received)}` : `正在生成：已生成 ${rows} 行`);
      const panel = progressPanel({
        id: 'table-progress',
        onCancel: async () => {
          await api.post(`/api/v1/table-progress/${token}/cancel`, {}, { passive: true }).catch(() => {});
          abort.abort();
        },
      });
      panel.update('正在生成报表…');
      status.append(panel.el);
      let polling = true;
      (async () => {
        while (polling) {
          await new Promise((r) => setTimeout(r, 500));
          if (!polling) break;
          try {
            const { data } = await api.get(`/api/v1/table-progress/${token}`, undefined, { passive: true });
            rows = data.rows;
            show();
          } catch (e) { /* not started yet, or over */ }
        }
      })();
      try {
        const { blob, name } = await tbl.download(mapping.id, { ...params(), format: format.value, progress: token }, {
          signal: abort.signal,
          onBytes: (n) => { received = n; show(); },
        });
        polling = false;
        const final = await api.get(`/api/v1/table-progress/${token}`, undefined, { passive: true }).then((r) => r.data.rows).catch(() => rows);
        saveBlob(blob, name);
        panel.done('ok', h('strong', '已下载：'), `${name}（${final} 行，${sizeText(blob.size)}）`);
      } catch (e) {
        polling = false;
        if (e.code === 'cancelled') panel.done('warn', '已取消下载');
        else panel.done('error', h('strong', '未能生成：'), e.message);
      } finally {
        download.disabled = false;
      }
    },
  }, '下载');
  // A table chosen by sensitive data the user is not granted (the 低保 roster: the list itself
  // tells who receives 低保) is refused by the server; say so before anyone tries.
  const restricted = mapping.restricted_by;
  if (restricted.length) preview.disabled = download.disabled = true;
  return h('div.card#table-panel',
    h('h2', mapping.title),
    h('dl.kv', h('dt', '部门'), h('dd', mapping.department), h('dt', '用途'), h('dd', mapping.purpose),
      h('dt', '每行'), h('dd', { person: '一人', household: '一户', building: '一栋楼', grid: '一个网格', community: '一个社区' }[mapping.grain]),
      h('dt', '映射编号'), h('dd.mono', mapping.id)),
    h('div.fields', h('div.field', h('label', { for: 'table-scope' }, '范围'), scope),
      h('div.field', h('label', { for: 'table-as-of' }, '统计时点（参考日期）'), asOf,
        h('div.hint', `留空则按映射的默认时点（今天是 ${today()}）；过去的时点按当时登记库的状态生成`)),
      h('div.field', h('label', { for: 'table-changes-since' }, '变动名单：自'), since,
        h('div.hint', '填写后只列出此日至统计时点之间新增、变更、减少的行（首两列为变动类型、变动项）')),
      h('div.field', h('label', { for: 'table-format' }, '格式'), format)),
    restricted.length ? h('div.notice.warn#table-restricted',
      `这张表按敏感信息（${restricted.join('、')}）选取人员，名单本身即属敏感信息。您的账号未获该敏感信息的授权，不能预览或下载；如工作需要，请联系管理员授权。`) : '',
    h('div.row', { class: 'form-actions' }, preview, download),
    status, out);
}

export async function render(params, query) {
  const [all, tree] = await Promise.all([tbl.list(), session.may('read_register') ? reg.tree() : null]);
  // A mapping manager is also told of files that do not check; those cannot be run.
  const list = all.filter((m) => m.valid);
  const side = h('div.card', h('h2', '可生成的报表'));
  const main = h('div', h('div.card.muted', '请从左侧选择一张报表。'));
  const byDept = {};
  for (const m of list) (byDept[m.department] ||= []).push(m);
  const select = (m) => {
    clear(main).append(panel(m, tree));
    history.replaceState(null, '', `/tables?m=${encodeURIComponent(m.id)}`);
    for (const a of side.querySelectorAll('a')) a.classList.toggle('active', a.dataset.mapping === m.id);
  };
  if (!list.length) side.append(h('p.muted', '您还没有获授权的报表。请联系管理员。'));
  for (const [dept, ms] of Object.entries(byDept)) {
    side.append(h('h3', dept), h('ul', ms.map((m) => h('li', h('a', {
      href: '#', dataset: { mapping: m.id },
      onclick: (ev) => { ev.preventDefault(); select(m); },
    }, m.title, m.restricted_by.length ? h('span.badge', { title: '需敏感信息授权' }, '需授权') : null)))));
  }
  const initial = list.find((m) => m.id === query.m) || (!query.m && list.length === 1 ? list[0] : null);
  if (initial) {
    select(initial);
  } else if (query.m) {
    // Opened by a link to a table this account may not run (or that does not exist): say so,
    // rather than ask to pick one from the list.
    clear(main).append(h('div.card.unavailable#table-not-granted', { role: 'alert' },
      h('strong', '没有此报表的授权'),
      h('div', `当前账号没有报表「${query.m}」的授权，不能预览或下载。如工作需要，请联系安全管理员授权。`),
      list.length ? h('div.muted', '您可以从左侧列表选择已获授权的报表。') : null));
  }
  return h('div', h('div.page-head', h('h1', '报表')), h('div.split', side, main));
}
