// One connector: its runs (newest first) with their report, and a run's quarantined rows (file,
// row, column, reason).
import { h, clear, fmtTime, notice } from '../dom.js';
import * as api from '../api.js';
import { runBadge, runWithProgress } from './connectors.js';

export const title = (p) => `连接器 ${p.id}`;

// A run (connector_handlers.h): {id, source, title, type, spec_file, status, started_at,
// finished_at, read, new, updated, unchanged, linked, review, rejected, problems, message}.
// `problems`: rows per named problem whose values did not all land (runtime.h).
const PROBLEM_LABELS = {
  unplaced: '未能落户（所指的户不存在）',
  place_mismatch: '户号所在的户与所写网格、楼栋或房号不符（已按户号落户）',
  move_kept: '未迁移（现在的户由工作人员或更可信的来源确定）',
  place_unresolved: '无法确定所在的户（已隔离）',
  missing_column: '来源缺少映射的列',
  invalid_value: '取值无效（已隔离）',
  unknown_code: '代码不在对照表或代码表中（已隔离）',
  transform_failed: '取值表达式无法求值（已隔离）',
  inconsistent_value: '与身份证号不一致（已隔离）',
  tag_rule_failed: '标签条件无法求值（已隔离）',
  missing_required: '缺少必填项（已隔离）',
  empty_row: '空行（已隔离）',
  duplicate_in_run: '本次导入中重复的行（已隔离）',
  unreadable_row: '无法读取的行（已隔离）',
};

function problems(run) {
  const entries = Object.entries(run.problems || {});
  if (!entries.length) return null;
  return [h('dt', '问题分类'), h('dd', h('ul.problems', entries.map(([kind, n]) =>
    h('li', { 'data-problem': kind }, `${PROBLEM_LABELS[kind] || kind}（${kind}）：${n} 行`))))];
}

function report(run) {
  return h('dl.kv',
    h('dt', '状态'), h('dd', runBadge(run.status)),
    h('dt', '开始'), h('dd', fmtTime(run.started_at)), h('dt', '结束'), h('dd', fmtTime(run.finished_at) || '—'),
    h('dt', '读取'), h('dd', String(run.read ?? 0)), h('dt', '新增'), h('dd', String(run.new ?? 0)),
    h('dt', '更新'), h('dd', String(run.updated ?? 0)), h('dt', '未变化'), h('dd', String(run.unchanged ?? 0)),
    h('dt', '关联到已有人员'), h('dd', String(run.linked ?? 0)), h('dt', '转入待核实'), h('dd', String(run.review ?? 0)),
    h('dt', '隔离（有误的行）'), h('dd', String(run.rejected ?? 0)),
    problems(run),
    run.message ? [h('dt', '说明'), h('dd', run.message)] : null);
}

// The run's rejected rows: {id, location, row, column, reason, raw?, created_at}; "raw" only for
// callers who see every field unmasked.
async function quarantine(runId) {
  const { data } = await api.get(`/api/v1/runs/${runId}/quarantine`, { limit: 200 });
  const { items } = data;
  return h('div.table-wrap#quarantine', h('table.list', h('thead', h('tr', ['文件/位置', '行', '列', '原因', '原始内容'].map((x) => h('th', x)))),
    h('tbody', items.length ? items.map((q) => h('tr', h('td.small', q.location), h('td.num', q.row || ''), h('td', q.column || ''),
      h('td', q.reason), h('td.small.mono', (q.raw || '').slice(0, 200))))
      : h('tr', h('td.empty', { colspan: 5 }, '这次运行没有隔离的行')))));
}

export async function render({ id }, query) {
  const detail = h('div#run-detail');
  const tbody = h('tbody');
  const show = async (run) => {
    clear(detail).append(h('div.card', h('h2', `第 ${run.id} 次运行`), report(run), h('h3', '隔离的行'), h('p.muted', '正在加载…')));
    const q = await quarantine(run.id).catch((e) => notice('error', e.message));
    detail.querySelector('.card').lastChild.replaceWith(q);
  };
  // The run history, newest first (the server lists oldest first); shows run `runId`, else the
  // newest.
  const loadHistory = async (runId) => {
    const { data } = await api.get(`/api/v1/connectors/${encodeURIComponent(id)}/runs`, { limit: 500 });
    const runs = data.items.slice().reverse();
    clear(tbody).append(runs.length ? runs.map((r) => h('tr.clickable', { onclick: () => show(r), dataset: { run: r.id } },
      h('td', `#${r.id}`), h('td', runBadge(r.status)), h('td.small', fmtTime(r.started_at)),
      h('td.num', String(r.read ?? 0)), h('td.num', String((r.new ?? 0) + (r.updated ?? 0))), h('td.num', String(r.rejected ?? 0))))
      : h('tr', h('td.empty', { colspan: 6 }, '还没有运行过')));
    const selected = runs.find((r) => String(r.id) === String(runId)) || runs[0];
    if (selected) show(selected);
  };
  await loadHistory(query.run);
  const progressHost = h('div#run-host');
  return h('div', h('nav.crumbs', { 'aria-label': '所在位置' }, h('a', { href: '/admin/connectors', 'data-link': true }, '数据接入'), ' › ', id),
    h('div.page-head', h('h1', id), h('span.spacer'), h('button.primary#run-connector', {
      type: 'button',
      onclick: async (ev) => {
        const button = ev.target;
        button.disabled = true;
        const run = await runWithProgress(id, progressHost);
        button.disabled = false;
        if (!run) return;  // the panel says why it did not start
        // The summary stays in the panel; the history and the report show the new run.
        history.replaceState(null, '', `/admin/connectors/${encodeURIComponent(id)}?run=${run.id}`);
        await loadHistory(run.id);
      },
    }, '立即运行')),
    progressHost,
    h('div.split.wide-left', h('div.card', h('h2', '运行历史'), h('div.table-wrap', h('table.list',
      h('thead', h('tr', ['运行', '状态', '开始', { label: '读取', num: true }, { label: '新增/更新', num: true }, { label: '隔离', num: true }].map((x) => h('th', { class: x.num ? 'num' : '' }, x.label || x)))),
      tbody))), detail));
}
