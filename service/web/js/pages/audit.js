// 审计日志 (admin): every login, write, download, connector run, mapping and user change, and
// denied request; filter by user, action and time.
import { h, pagedTable, fmtTime } from '../dom.js';
import * as api from '../api.js';
import * as session from '../session.js';
import { navigate } from '../main.js';

export const title = '审计日志';

const ACTIONS = {
  login: '登录', logout: '退出', write: '修改数据', download: '下载报表', connector_run: '运行连接器',
  mapping_change: '修改映射', user_change: '修改用户', token_issue: '发放令牌', token_revoke: '吊销令牌', denied: '拒绝访问',
  request_file: '提交新表申请', request_review: '审核新表申请', request_approve: '通过新表申请', request_decline: '退回新表申请', request_grant: '确认新表申请的授权', request_delivery: '由新表申请保存推送',
};
const RESULTS = { ok: ['成功', 'green'], failed: ['失败', 'amber'], denied: ['拒绝', 'red'] };

// An entry's role by the server's label; entries of the CLI and of unknown names have none.
function roleLabel(role) {
  const r = session.current().roles.find((x) => x.key === role);
  return r ? r.label : role;
}

export async function render(params, query) {
  const user = h('input#audit-user', { value: query.user || '', placeholder: '用户名' });
  const action = h('select#audit-action', h('option', { value: '' }, '全部操作'),
    Object.entries(ACTIONS).map(([k, v]) => h('option', { value: k }, v)));
  action.value = query.action || '';
  const since = h('input#audit-since', { type: 'date', value: query.since || '' });
  const form = h('form.row', {
    onsubmit: (ev) => {
      ev.preventDefault();
      const q = new URLSearchParams();
      if (user.value.trim()) q.set('user', user.value.trim());
      if (action.value) q.set('action', action.value);
      if (since.value) q.set('since', since.value);
      navigate(`/admin/audit?${q}`);
    },
  }, h('div.field', h('label', '用户'), user), h('div.field', h('label', '操作'), action),
  h('div.field', h('label', '起始日期'), since), h('button.primary', { type: 'submit' }, '筛选'));
  const list = pagedTable(['时间', '用户', '角色', '来源地址', '操作', '对象', '结果', '说明'],
    (e) => {
      const [r, c] = RESULTS[e.result] || [e.result, ''];
      return h('tr', h('td.nowrap.small', fmtTime(e.at)), h('td', e.user || '—'), h('td.small', roleLabel(e.role)),
        h('td.small.mono', e.source_addr || ''), h('td', ACTIONS[e.action] || e.action), h('td.small.mono', e.object),
        h('td', h('span.badge', { class: c }, r)), h('td.small', e.detail || ''));
    },
    async (after) => (await api.get('/api/v1/audit', {
      user: query.user, action: query.action, since: query.since || undefined, after: after || undefined, limit: 50,
    })).data,
    { empty: '没有符合条件的记录' });
  return h('div', h('div.page-head', h('h1', '审计日志')),
    h('div.card', form), h('div.card', list),
    h('p.muted.small', '审计日志只追加、不可修改；不记录身份证号、电话等个人信息的内容，也不记录密码和令牌。'));
}
