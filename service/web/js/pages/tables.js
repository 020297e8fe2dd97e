// 报表: the department tables this user may run. Pick one, its scope, reference date and format;
// preview the first rows (with how many cells the register filled: the entry saved), download.
import { h, clear, notice, unavailable, saveBlob, today } from '../dom.js';
import * as session from '../session.js';
import * as tbl from '../tables_api.js';
import { browseTree } from './residents.js';

export const title = '报表';

function scopeOptions(tree) {
  const opts = [h('option', { value: '' }, '我有权查看的全部范围')];
  for (const d of tree.districts || []) for (const s of d.streets || []) for (const c of s.communities || []) {
    if (c.code) opts.push(h('option', { value: c.code }, `${c.name}（社区）`));
    for (const g of c.grids || []) opts.push(h('option', { value: g.code }, `　${c.name} · ${g.name}`));
  }
  return opts;
}

export function previewTable(data) {
  const header = data.headers || [];
  const masked = new Set(data.masked || []);
  const rows = data.rows || [];
  return h('div.table-wrap#preview-table', h('table.list',
    h('thead', h('tr', header.map((x) => h('th', x, masked.has(x) ? h('span.badge', { title: '您无权查看此列' }, '遮蔽') : null)))),
    h('tbody', rows.length ? rows.map((r) => h('tr', { class: r.total ? 'total' : '' }, (r.cells || r).map((c) => h('td', c ?? ''))))
      : h('tr', h('td.empty', { colspan: Math.max(1, header.length) }, '没有符合条件的行')))),
  h('p.small.muted', `${data.truncated ? `预览前 ${data.data_rows} 行` : `共 ${data.data_rows ?? rows.length} 行`}${data.as_of ? `；统计时点 ${data.as_of}` : ''}${data.scope ? `；范围 ${data.scope}` : ''}。`));
}

// The entry-savings figure: of the table's body cells, how many the register filled.
export function savingsLine(c) {
  if (!c || !c.cells) return null;
  const pct = Math.round((100 * c.register_cells) / c.cells);
  return h('div.notice.ok#savings', h('strong', `节省录入 ${pct}%`),
    `：这张表共 ${c.data_rows} 行、${c.cells} 个单元格，其中 ${c.register_cells} 个直接取自登记库，无需手工填写。`);
}

function panel(mapping, tree) {
  const scope = h('select#table-scope', scopeOptions(tree || {}));
  const asOf = h('input#table-as-of', { type: 'date' });
  const format = h('select#table-format', h('option', { value: 'xlsx' }, 'Excel（XLSX）'),
    h('option', { value: 'csv' }, 'CSV（UTF-8）'), h('option', { value: 'json' }, 'JSON'));
  const out = h('div#table-output');
  const status = h('div');
  const params = () => ({ scope: scope.value || undefined, as_of: asOf.value || undefined });
  const preview = h('button#table-preview', {
    type: 'button',
    onclick: async () => {
      status.replaceChildren();
      clear(out).append(h('p.muted', '正在生成预览…'));
      try {
        const [data, saved] = await Promise.all([tbl.preview(mapping.id, params()),
          tbl.can('savings') ? tbl.savings(mapping.id, params()).catch(() => null) : null]);
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
      try {
        const { blob, name } = await tbl.download(mapping.id, { ...params(), format: format.value });
        saveBlob(blob, name);
        status.append(notice('ok', `已下载：${name}`));
      } catch (e) {
        status.append(notice('error', e.message));
      } finally {
        download.disabled = false;
      }
    },
  }, '下载');
  // A table chosen by sensitive data the user is not granted (the 低保 roster: the list itself
  // tells who receives 低保) is refused by the server; say so before anyone tries.
  const restricted = mapping.restricted_by || [];
  if (restricted.length) preview.disabled = download.disabled = true;
  return h('div.card#table-panel',
    h('h2', mapping.title || mapping.id),
    h('dl.kv', h('dt', '部门'), h('dd', mapping.department || '—'), h('dt', '用途'), h('dd', mapping.purpose || '—'),
      h('dt', '每行'), h('dd', { person: '一人', household: '一户', building: '一栋楼', grid: '一个网格', community: '一个社区' }[mapping.grain] || mapping.grain || '—'),
      h('dt', '映射编号'), h('dd.mono', mapping.id)),
    h('div.fields', h('div.field', h('label', { for: 'table-scope' }, '范围'), scope),
      h('div.field', h('label', { for: 'table-as-of' }, '统计时点（参考日期）'), asOf,
        h('div.hint', mapping.as_of ? `默认：${mapping.as_of}` : `留空则按映射的默认时点（今天是 ${today()}）`)),
      h('div.field', h('label', { for: 'table-format' }, '格式'), format)),
    restricted.length ? h('div.notice.warn#table-restricted',
      `这张表按敏感信息（${restricted.join('、')}）选取人员，名单本身即属敏感信息。您的账号未获该敏感信息的授权，不能预览或下载；如工作需要，请联系管理员授权。`) : '',
    h('div.row', { class: 'form-actions' }, preview, download),
    status, out);
}

export async function render(params, query) {
  if (!tbl.can('list')) return unavailable('报表', 'GET /api/v1/mappings');
  const [list, tree] = await Promise.all([
    tbl.list(),
    session.current().role === 'department' ? null : browseTree().catch(() => null),
  ]);
  const side = h('div.card', h('h2', '可生成的报表'));
  const main = h('div', h('div.card.muted', '请从左侧选择一张报表。'));
  const byDept = {};
  for (const m of list) (byDept[m.department || '其他'] ||= []).push(m);
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
    }, m.title || m.id, (m.restricted_by || []).length ? h('span.badge', { title: '需敏感信息授权' }, '需授权') : null)))));
  }
  const initial = list.find((m) => m.id === query.m) || (list.length === 1 ? list[0] : null);
  if (initial) select(initial);
  return h('div', h('div.page-head', h('h1', '报表')), h('div.split', side, main));
}
