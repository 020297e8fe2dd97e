// 推送 (admin): each delivery's state — paused, running, last success, pending and refused
// batches, the last error — with 立即运行, 暂停/恢复, 重试, and each delivery's receipts.
import { h, toast } from '../dom.js';
import * as api from '../api.js';
import { navigate } from '../main.js';

export const title = '推送';

const TARGETS = { http: 'HTTP 接口', mysql: 'MySQL 表', file: '文件投递' };

function stateBadge(d) {
  if (!d.valid) return h('span.badge.red', '配置有误');
  if (d.paused) return h('span.badge.amber', '已暂停');
  if (d.running) return h('span.badge.blue', '运行中');
  if (d.failed_batches > 0) return h('span.badge.red', '有批次被拒收');
  if (d.last_error) return h('span.badge.amber', '上次未成功');
  return h('span.badge.green', '正常');
}

const BATCH_STATUS = { pending: ['待确认', 'amber'], acked: ['已确认', 'green'], failed: ['被拒收', 'red'] };

async function receipts(id) {
  const { data } = await api.get(`/api/v1/deliveries/${encodeURIComponent(id)}/batches`, { limit: 500 });
  const rows = data.items.slice().reverse().map((b) => {
    const [label, color] = BATCH_STATUS[b.status] || [b.status, ''];
    return h('tr', { dataset: { seq: String(b.seq) } },
      h('td.num', String(b.seq)), h('td', h('span.badge', { class: color }, label)),
      h('td.num', String(b.upserts)), h('td.num', String(b.deletes)), h('td.num', String(b.attempts)),
      h('td.num', b.response_code ? String(b.response_code) : ''), h('td.small', b.created_at),
      h('td.small', b.acked_at || ''), h('td.small', b.last_status), h('td.small.mono', b.idempotency_key));
  });
  return h('div.table-wrap', h('table.list.receipts',
    h('thead', h('tr', ['批次', '状态', '新增/变更', '删除', '尝试次数', '响应码', '生成时间', '确认时间', '最近状态', '幂等键'].map((x) => h('th', x)))),
    h('tbody', rows.length ? rows : h('tr', h('td.empty', { colspan: 10 }, '还没有批次')))));
}

async function act(id, what, okText) {
  try {
    await api.post(`/api/v1/deliveries/${encodeURIComponent(id)}/${what}`, {});
    toast(okText);
  } catch (e) { toast(e.message, 'error'); }
  navigate('/admin/deliveries');
}

export async function render() {
  const { data } = await api.get('/api/v1/deliveries');
  const detail = h('div#receipts');
  const rows = data.items.map((d) => {
    const buttons = d.valid ? [
      h('button', { type: 'button', onclick: () => act(d.id, 'run', `已开始运行：${d.title}`) }, '立即运行'),
      d.paused
        ? h('button', { type: 'button', onclick: () => act(d.id, 'resume', `已恢复：${d.title}`) }, '恢复')
        : h('button', { type: 'button', onclick: () => act(d.id, 'pause', `已暂停：${d.title}`) }, '暂停'),
      d.failed_batches > 0
        ? h('button', { type: 'button', onclick: () => act(d.id, 'retry', `被拒收的批次将重发：${d.title}`) }, '重试')
        : null,
      h('button', {
        type: 'button',
        onclick: async () => {
          try {
            detail.replaceChildren(h('h2', `${d.title} 的回执`), await receipts(d.id));
          } catch (e) { toast(e.message, 'error'); }
        },
      }, '回执'),
    ] : [];
    return h('tr', { dataset: { delivery: d.id } },
      h('td', d.valid ? d.title : d.id, h('div.small.muted.mono', d.id)),
      h('td.small', d.valid ? d.mapping : ''), h('td.small', d.valid ? (TARGETS[d.target] || d.target) : ''),
      h('td.small', d.valid ? (d.schedule || '仅手动') : ''),
      h('td', stateBadge(d)), h('td.small', d.last_success_at ? `${d.last_success_at} UTC` : '从未'),
      h('td.num', `${d.pending_changes} 行（${d.pending_batches} 批）`),
      h('td.num', d.failed_batches ? `${d.failed_batches} 批` : ''),
      h('td.small', d.problems.join('\n') || d.last_error),
      h('td', buttons));
  });
  return h('div', h('div.page-head', h('h1', '推送')),
    h('p.muted', '推送把部门报表中新增、变更和减少的行发到部门系统；已确认的批次不会重发，未确认的以同一幂等键重发。'),
    h('div.card', h('div.table-wrap', h('table.list', h('thead', h('tr', ['推送', '报表', '目标', '定时', '状态', '上次成功', '待确认', '被拒收', '问题 / 上次错误', ''].map((x) => h('th', x)))),
      h('tbody', rows.length ? rows : h('tr', h('td.empty', { colspan: 10 }, '没有配置推送（配置文件的 deliveries 目录）')))))),
    h('div.card', detail));
}
