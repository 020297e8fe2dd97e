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

// The run's report (connector_handlers.h): {source, status, run_id, read, new, updated, unchanged,
// linked, review, rejected, error?, warnings?}.
export async function runNow(id) {
  const { data } = await api.post(`/api/v1/connectors/${encodeURIComponent(id)}/run`, {});
  return data;
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
          ev.target.disabled = true;
          try {
            const run = await runNow(c.id);
            toast(`已运行：${c.title || c.id}`);
            navigate(`/admin/connectors/${encodeURIComponent(c.id)}?run=${run.run_id}`);
          } catch (e) { toast(e.message, 'error'); ev.target.disabled = false; }
        },
      }, '立即运行') : null));
  });
  return h('div', h('div.page-head', h('h1', '数据接入')),
    h('p.muted', '每个连接器把一个部门系统的数据（CSV/XLSX 导出、数据库、接口）导入登记库；工作人员手工录入的值优先于连接器。'),
    h('div.card', h('div.table-wrap', h('table.list', h('thead', h('tr', ['连接器', '类型', { label: '可信度', num: true }, '配置', '对象', '文件 / 问题', ''].map((x) => h('th', { class: x.num ? 'num' : '' }, x.label || x)))),
      h('tbody', rows.length ? rows : h('tr', h('td.empty', { colspan: 7 }, '没有配置连接器')))))));
}
