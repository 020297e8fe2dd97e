// 数据接入 (admin): the configured connectors with their last run, and 立即运行.
import { h, toast, unavailable } from '../dom.js';
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

export async function runNow(id) {
  const { data } = await api.post(`/api/v1/connectors/${encodeURIComponent(id)}/run`, {});
  return data;
}

export async function render() {
  if (!api.has('GET', '/api/v1/connectors')) return unavailable('数据接入', 'GET /api/v1/connectors');
  const { data } = await api.get('/api/v1/connectors');
  const list = data.items || data || [];
  const canRun = api.has('POST', '/api/v1/connectors/{id}/run');
  const rows = list.map((c) => {
    return h('tr', { dataset: { connector: c.id } },
      h('td', h('a', { href: `/admin/connectors/${encodeURIComponent(c.id)}`, 'data-link': true }, c.title || c.id), h('div.small.muted.mono', c.id)),
      h('td', c.type || ''), h('td.num', c.trust ?? ''),
      h('td', c.valid === false || (c.problems && c.problems.length) ? h('span.badge.red', '配置有误') : h('span.badge.green', '可运行')),
      h('td.small', c.entity || ''),
      h('td.small.mono', (c.problems || []).join('\n') || c.file || ''),
      h('td', canRun ? h('button', {
        type: 'button',
        onclick: async (ev) => {
          ev.target.disabled = true;
          try {
            const run = await runNow(c.id);
            toast(`已运行：${c.title || c.id}`);
            navigate(`/admin/connectors/${encodeURIComponent(c.id)}${run && run.run_id ? `?run=${run.run_id}` : ''}`);
          } catch (e) { toast(e.message, 'error'); ev.target.disabled = false; }
        },
      }, '立即运行') : null));
  });
  return h('div', h('div.page-head', h('h1', '数据接入')),
    h('p.muted', '每个连接器把一个部门系统的数据（CSV/XLSX 导出、数据库、接口）导入登记库；工作人员手工录入的值优先于连接器。'),
    h('div.card', h('div.table-wrap', h('table.list', h('thead', h('tr', ['连接器', '类型', { label: '可信度', num: true }, '配置', '对象', '文件 / 问题', ''].map((x) => h('th', { class: x.num ? 'num' : '' }, x.label || x)))),
      h('tbody', rows.length ? rows : h('tr', h('td.empty', { colspan: 7 }, '没有配置连接器')))))));
}
