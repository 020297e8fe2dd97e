// 审计日志 (auditor): every login, read, write, download, connector run, mapping and user change,
// and denied request, newest first and in Chinese; filter by user, action and a time range (the
// filter is in the URL, so a filtered view can be reloaded or shared).
import { h, pagedTable, fmtTime } from '../dom.js';
import * as api from '../api.js';
import * as session from '../session.js';
import { navigate } from '../main.js';

export const title = '审计日志';

// The actions of audit/audit_log.h.
const ACTIONS = {
  login: '登录', logout: '退出', read: '查看', search: '查询人员', reveal: '显示完整号码', write: '修改数据',
  preview: '预览报表', download: '下载报表', connector_run: '运行连接器', delivery_run: '推送报表', delivery_change: '修改推送',
  mapping_change: '修改映射', user_change: '修改用户', token_issue: '发放令牌', token_revoke: '吊销令牌', denied: '拒绝访问',
  request_file: '提交新表申请', request_review: '审核新表申请', request_approve: '通过新表申请', request_decline: '退回新表申请',
  transfer_request: '提交迁入申请', transfer_approve: '同意迁入申请', transfer_decline: '退回迁入申请',
  request_grant: '确认新表申请的授权', request_delivery: '由新表申请保存推送',
  audit_export: '导出审计日志', audit_verify: '校验审计日志', audit_purge: '清理过期审计日志',
};
const RESULTS = { ok: ['成功', 'green'], failed: ['失败', 'amber'], denied: ['拒绝', 'red'] };

// Words the server writes in details (login failures, review operations, …) and the names of
// its key=value pairs.
const WORDS = {
  bad_password: '密码错误', unknown_user: '用户名不存在', throttled: '尝试次数过多，暂缓登录', disabled: '账号已停用',
  busy: '服务器繁忙', missing_credentials: '未提供用户名或密码', session: '登录会话', token: '接口令牌',
  minor: '未满14周岁者', link: '合并为同一人', 'keep-apart': '确认不是同一人', choose: '选定取值', failed: '失败',
  repeated: '重复', cli: '命令行', ok: '成功',
};
const KEYS = {
  scope: '范围', as_of: '统计时点', rows: '行数', format: '格式', status: '状态码', count: '次数', from: '首次',
  to: '末次', method: '方式', records: '记录数', problems: '问题数', since: '起', until: '止', role: '角色',
  scopes: '范围', grants: '授权', mapping: '映射', delivery: '推送', run: '运行', kind: '类型', columns: '列',
  fields: '字段', by: '操作人', template: '模板', batches: '批次', survivor: '保留人员', changes_since: '变动起始',
  disabled: '停用', password: '密码', display_name: '姓名', read: '读取', rejected: '拒收', quarantined: '隔离',
  applied: '写入', reason: '原因', limit: '条数', q: '查询', order: '排序', before: '之前', label: '名称',
};
const OBJECTS = {
  user: '用户', person: '人员', household: '户', building: '楼栋', grid: '网格', community: '社区', table: '报表',
  draft: '映射草稿', mapping: '映射', review: '待核实', connector: '连接器', run: '运行', delivery: '推送',
  request: '新表申请', token: '令牌', tag: '标签', audit_log: '审计日志',
};

// A detail in Chinese: known words and key names translated, values kept as written.
export function detailText(detail) {
  if (!detail) return '';
  return detail.replace(/^fields: /, '字段：').split(' ').map((token) => {
    const eq = token.indexOf('=');
    if (eq > 0) {
      const key = token.slice(0, eq);
      const value = token.slice(eq + 1);
      return `${KEYS[key] || key}=${value === '' ? '（空）' : (WORDS[value] || value)}`;
    }
    return WORDS[token] || objectText(token);
  }).join(' ').replace('login throttle cleared', '已解除登录限制');
}

// "user/zhang" → "用户 zhang"; "GET /api/v1/tree" and other objects stay as they are.
function objectText(object) {
  const m = /^([a-z_]+)\/(.+)$/.exec(object || '');
  return m && OBJECTS[m[1]] ? `${OBJECTS[m[1]]} ${m[2]}` : (object || '');
}

// An entry's role by the server's label; entries of the CLI and of unknown names have none.
function roleLabel(role) {
  const r = session.current().roles.find((x) => x.key === role);
  return r ? r.label : (role === 'operator' ? '命令行操作员' : role);
}

// The day after `date` (YYYY-MM-DD): "until" is exclusive, the form's 截止日期 inclusive.
function dayAfter(date) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

export async function render(params, query) {
  const user = h('input#audit-user', { value: query.user || '', placeholder: '用户名', autocomplete: 'off' });
  const action = h('select#audit-action', h('option', { value: '' }, '全部操作'),
    Object.entries(ACTIONS).map(([k, v]) => h('option', { value: k }, v)));
  action.value = query.action || '';
  const since = h('input#audit-since', { type: 'date', value: query.since || '' });
  const until = h('input#audit-until', { type: 'date', value: query.until || '' });
  const form = h('form.filters#audit-filters', {
    onsubmit: (ev) => {
      ev.preventDefault();
      const q = new URLSearchParams();
      if (user.value.trim()) q.set('user', user.value.trim());
      if (action.value) q.set('action', action.value);
      if (since.value) q.set('since', since.value);
      if (until.value) q.set('until', until.value);
      navigate(`/admin/audit${q.toString() ? `?${q}` : ''}`);
    },
  }, h('div.field', h('label', { for: 'audit-user' }, '用户'), user),
  h('div.field', h('label', { for: 'audit-action' }, '操作'), action),
  h('div.field', h('label', { for: 'audit-since' }, '起始日期'), since),
  h('div.field', h('label', { for: 'audit-until' }, '截止日期（含）'), until),
  h('div.row', h('button.primary', { type: 'submit' }, '筛选'),
    h('a.button', { href: '/admin/audit', 'data-link': true }, '清除')));
  const list = pagedTable(['时间', '用户', '角色', '来源地址', '操作', '对象', '结果', '说明'],
    (e) => {
      const [r, c] = RESULTS[e.result] || [e.result, ''];
      return h('tr', { dataset: { audit: e.id } }, h('td.nowrap.small', fmtTime(e.at)), h('td', e.user || '—'), h('td.small', roleLabel(e.role)),
        h('td.small.mono', e.source_addr || ''), h('td', { dataset: { action: e.action } }, ACTIONS[e.action] || e.action),
        h('td.small', objectText(e.object)), h('td', h('span.badge', { class: c }, r)), h('td.small', detailText(e.detail)));
    },
    // Newest first: each page continues below the last id shown.
    async (before) => (await api.get('/api/v1/audit', {
      user: query.user, action: query.action, since: query.since || undefined,
      until: query.until ? dayAfter(query.until) : undefined,
      order: 'newest', before: before || undefined, limit: 50,
    })).data,
    { empty: '没有符合条件的记录' });
  return h('div', h('div.page-head', h('h1', '审计日志')),
    h('div.card', form), h('div.card', h('p.small.muted', '最新的记录在前。'), list),
    h('p.muted.small', '审计日志只追加、不可修改；不记录身份证号、电话等个人信息的内容，也不记录密码和令牌。'));
}
