// 数据接入 (admin): the configured connectors with their last run, and 立即运行.
import { h, toast } from '../dom.js';
import * as api from '../api.js';
import { navigate } from '../main.js';

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
  return `运行中：已读取 ${run.read} 行`;
}

export async function render() {
  const { data } = await api.get('/api/v1/connectors', { limit: 500 });
  // A connector whose file does not check has only its id, file and problems.
  const rows = data.items.map((c) => {
    return h('tr', { dataset: { connector: c.id } },
      h('td', h('a', { href: `/admin/connectors/${encodeURIComponent(c.id)}`, 'data-link': true }, c.valid ? c.title : c.id), h('div.small.muted.mono', c.id)),
      h('td', c.valid ? c.type : ''), h('td.num', c.valid ? c.trust : ''),
      h('td', c.valid ? h('span.badge.green', '可运行') : h('span.badge.red', '配置有误')),
      h('td.small', c.valid ? c.entity : ''),
      h('td.small.mono', c.problems.join('\n') || c.file),
      h('td', c.valid ? h('button', {
        type: 'button',
        onclick: async (ev) => {
          const button = ev.target;
          button.disabled = true;
          try {
            const run = await runNow(c.id, (r) => { button.textContent = progressText(r); });
            toast(run.status === 'failed' ? `运行失败：${run.message}` : `已运行：${c.title || c.id}`, run.status === 'failed' ? 'error' : '');
            navigate(`/admin/connectors/${encodeURIComponent(c.id)}?run=${run.id}`);
          } catch (e) { toast(e.message, 'error'); button.disabled = false; button.textContent = '立即运行'; }
        },
      }, '立即运行') : null));
  });
  return h('div', h('div.page-head', h('h1', '数据接入')),
    h('p.muted', '每个连接器把一个部门系统的数据（CSV/XLSX 导出、数据库、接口）导入登记库；工作人员手工录入的值优先于连接器。'),
    h('div.card', h('div.table-wrap', h('table.list', h('thead', h('tr', ['连接器', '类型', { label: '可信度', num: true }, '配置', '对象', '文件 / 问题', ''].map((x) => h('th', { class: x.num ? 'num' : '' }, x.label || x)))),
      h('tbody', rows.length ? rows : h('tr', h('td.empty', { colspan: 7 }, '没有配置连接器')))))));
}
