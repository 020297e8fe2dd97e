// 数据接入 (admin): the configured connectors with their last run, and 立即运行.
import { h, toast } from '../dom.js';
import * as api from '../api.js';
import { navigate } from '../main.js';
import { progressPanel } from '../run_progress.js';

export const title = '数据接入';

export const RUN_STATUS = {
  running: ['运行中', 'blue'], done: ['完成', 'green'], failed: ['失败', 'red'], interrupted: ['中断', 'amber'],
};

export function runBadge(status) {
  const [label, color] = RUN_STATUS[status] || [status || '从未运行', ''];
  return h('span.badge', { class: color }, label);
}

// Starts a run — a background job on the server, answered 202 with {run_id, url} once its first
// batch is in — and follows it until it ends; `onProgress` sees the run so far. Resolves with the
// finished run (connector_handlers.h): {id, source, status, read, new, updated, unchanged,
// linked, review, rejected, message}.
export async function runNow(id, onProgress) {
  const { data: started } = await api.post(`/api/v1/connectors/${encodeURIComponent(id)}/run`, {});
  for (;;) {
    const { data: run } = await api.get(started.url);
    if (onProgress) onProgress(run);
    if (run.status !== 'running') return run;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

// The button's text while its run goes on.
export function progressText(run) {
  return `运行中：已读取 ${run.read ?? 0} 行`;
}

// The server's message of a refused start with its details (file:line:col problems), in Chinese.
export function errorText(e) {
  const details = (e.details || []).map((d) => d.message).filter(Boolean);
  return details.length ? `${e.message}：${details.join('；')}` : e.message;
}

// A finished run in one line: what it read and did.
export function runSummary(run) {
  const n = (x) => x ?? 0;
  return `读取 ${n(run.read)} 行：新增 ${n(run.new)}，更新 ${n(run.updated)}，未变化 ${n(run.unchanged)}，`
    + `关联 ${n(run.linked)}，转入待核实 ${n(run.review)}，隔离 ${n(run.rejected)}`;
}

// Runs connector `id` with a progress panel put into `host` (rows read so far, time elapsed,
// 取消), which ends with the run's summary or its error. Resolves with the finished run, or
// null when the run did not start (the panel then shows why).
export async function runWithProgress(id, host) {
  let runId = null;
  const panel = progressPanel({
    id: 'run-progress',
    onCancel: async () => {
      if (!runId) return;
      try { await api.post(`/api/v1/runs/${runId}/cancel`, {}); } catch (e) { toast(errorText(e), 'error'); }
    },
  });
  panel.update('正在启动…');
  host.replaceChildren(panel.el);
  try {
    const run = await runNow(id, (r) => { runId = r.id; panel.update(progressText(r)); });
    if (run.status === 'done') panel.done('ok', h('strong', '运行完成：'), runSummary(run));
    else panel.done(run.status === 'failed' ? 'error' : 'warn', h('strong', `运行${run.status === 'failed' ? '失败' : '中断'}：`), run.message || '', '。', runSummary(run));
    return run;
  } catch (e) {
    panel.done('error', h('strong', '未运行：'), errorText(e));
    return null;
  }
}

// The badge of a connector's state: 配置有误 (its file does not check), 不可运行 (it checks, but
// cannot run now: a missing plugin or environment variable), or 可运行.
function stateBadge(c) {
  if (!c.valid) return h('span.badge.red', '配置有误');
  if (c.runnable === false) return h('span.badge.amber', '不可运行');
  return h('span.badge.green', '可运行');
}

export async function render() {
  const { data } = await api.get('/api/v1/connectors', { limit: 500 });
  // A connector whose file does not check has only its id, file and problems.
  const rows = data.items.map((c) => {
    return h('tr', { dataset: { connector: c.id } },
      h('td', h('a', { href: `/admin/connectors/${encodeURIComponent(c.id)}`, 'data-link': true }, c.valid ? c.title : c.id), h('div.small.muted.mono', c.id)),
      h('td', c.valid ? c.type : ''), h('td.num', c.valid ? c.trust : ''),
      h('td', stateBadge(c)),
      h('td.small', c.valid ? c.entity : ''),
      h('td.small.mono', [...(c.problems || []), ...(c.not_runnable || [])].join('\n') || c.file),
      h('td', c.valid && c.runnable !== false ? h('button', {
        type: 'button',
        'aria-label': `立即运行 ${c.title || c.id}`,
        onclick: async (ev) => {
          const button = ev.target;
          button.disabled = true;
          const run = await runWithProgress(c.id, progressHost);
          button.disabled = false;
          if (!run) return;  // the panel says why it did not start
          toast(run.status === 'done' ? `已运行：${c.title || c.id}` : `运行未完成：${run.message || ''}`, run.status === 'done' ? '' : 'error');
          // The run's full report (counts, problems, quarantined rows) is on the connector's page.
          navigate(`/admin/connectors/${encodeURIComponent(c.id)}?run=${run.id}`);
        },
      }, '立即运行') : h('span.muted.small', c.valid ? '修复上述问题后可运行' : '')));
  });
  const progressHost = h('div#run-host');
  return h('div', h('div.page-head', h('h1', '数据接入')),
    h('p.muted', '每个连接器把一个部门系统的数据（CSV/XLSX 导出、数据库、接口）导入登记库；工作人员手工录入的值优先于连接器。'),
    progressHost,
    h('div.card', h('div.table-wrap', h('table.list', h('thead', h('tr', ['连接器', '类型', { label: '可信度', num: true }, '配置', '对象', '文件 / 问题', ''].map((x) => h('th', { class: x.num ? 'num' : '' }, x.label || x)))),
      h('tbody', rows.length ? rows : h('tr', h('td.empty', { colspan: 7 }, '没有配置连接器')))))));
}
