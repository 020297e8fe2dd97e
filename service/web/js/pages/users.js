// 用户与授权 (security_admin): accounts with role, scopes (grid or community codes) and grants (mapping
// ids a department may run, "sensitive" / "sensitive:<key>" for unmasked fields); add, edit,
// disable; department API tokens.
import { h, toast, dialog, notice } from '../dom.js';
import * as api from '../api.js';
import * as session from '../session.js';
import { navigate } from '../main.js';

export const title = '用户与授权';

const split = (s) => s.split(/[\s,，、]+/).map((x) => x.trim()).filter(Boolean);

// The roles and their labels, in display order, as the server names them (GET /me).
const roles = () => session.current().roles;
const roleLabel = (key) => roles().find((r) => r.key === key).label;

// user (users_handlers.h): {id, name, role, display_name, scopes, grants, disabled, version}.
async function editUser(user) {
  const name = h('input#user-name', { value: user ? user.name : '', readOnly: Boolean(user), autocomplete: 'off' });
  const display = h('input#user-display', { value: user ? user.display_name : '' });
  const role = h('select#user-role', roles().map((r) => h('option', { value: r.key }, r.label)));
  role.value = user ? user.role : 'grid_worker';
  const scopes = h('input#user-scopes', { value: user ? user.scopes.join(' ') : '', placeholder: '网格编码或社区代码，空格分隔' });
  const grants = h('input#user-grants', { value: user ? user.grants.join(' ') : '', placeholder: '映射编号，空格分隔；minzheng/gaoling-jintie:公民身份号码 可见该表完整身份证号；sensitive 可见全部敏感信息；sensitive:minor 可见未满14周岁者完整信息' });
  const password = h('input#user-password', { type: 'password', autocomplete: 'new-password', placeholder: user ? '留空则不修改' : '至少 8 位' });
  const disabled = h('input#user-disabled', { type: 'checkbox', checked: user && user.disabled });
  const err = h('div');
  await dialog(user ? `编辑用户 ${user.name}` : '新增用户', h('div', err, h('div.fields',
    h('div.field', h('label', '用户名'), name), h('div.field', h('label', '姓名'), display),
    h('div.field', h('label', '角色'), role), h('div.field', h('label', '密码'), password),
    h('div.field', h('label', '范围（网格员、社区管理员）'), scopes),
    h('div.field', h('label', '授权（部门报表、报表列、敏感字段）'), grants),
    user ? h('div.field', h('label', h('span', '停用账号 '), disabled)) : null)), [
    { label: '取消' },
    {
      label: '保存', primary: true,
      onClick: async () => {
        const body = { display_name: display.value.trim(), role: role.value, scopes: split(scopes.value), grants: split(grants.value) };
        if (password.value) body.password = password.value;
        try {
          if (user) {
            body.disabled = disabled.checked;
            // A user's ETag is "<version>".
            await api.put(`/api/v1/users/${encodeURIComponent(user.name)}`, body, { ifMatch: `"${user.version}"` });
          } else {
            await api.post('/api/v1/users', { name: name.value.trim(), ...body });
          }
        } catch (e) {
          const more = e.details.map((d) => d.message).filter((m) => m && m !== e.message);
          err.replaceChildren(notice('error', e.message, more.length ? `：${more.join('；')}` : ''));
          return false;
        }
        toast('已保存');
        navigate('/admin/users', { replace: true });
        return true;
      },
    }]);
}

async function issueToken(user) {
  try {
    const { data } = await api.post(`/api/v1/users/${encodeURIComponent(user.name)}/tokens`, { label: `${user.name} 接口令牌` });
    await dialog('接口令牌（只显示这一次）', h('div', h('p', '请立即复制并交给部门保管。关闭后无法再次查看。'),
      h('pre.block#token-value', data.token)));
  } catch (e) { toast(e.message, 'error'); }
}

export async function render() {
  const { data } = await api.get('/api/v1/users', { limit: 500 });
  const rows = data.items.map((u) => h('tr', { dataset: { user: u.name } },
    h('td', h('strong', u.name), u.display_name ? h('div.small.muted', u.display_name) : null),
    h('td', roleLabel(u.role)),
    h('td.small.mono', u.scopes.join(' ')),
    h('td.small.mono', u.grants.join(' ')),
    h('td', u.disabled ? h('span.badge.red', '已停用') : h('span.badge.green', '正常')),
    h('td.nowrap', h('button.link', { type: 'button', onclick: () => editUser(u) }, '编辑'),
      // Only department accounts get API tokens (users_handlers.h).
      u.role === 'department' ? h('button.link', { type: 'button', onclick: () => issueToken(u) }, '发放接口令牌') : null)));
  return h('div', h('div.page-head', h('h1', '用户与授权'), h('span.spacer'),
    h('button.primary#add-user', { type: 'button', onclick: () => editUser(null) }, '新增用户')),
  h('div.card', h('div.table-wrap', h('table.list', h('thead', h('tr', ['用户', '角色', '范围', '授权', '状态', ''].map((x) => h('th', x)))),
    h('tbody', rows)))),
  h('p.muted.small', '三权分立：系统管理员负责数据接入、报表映射和字段目录，不管理账号、不看审计日志；安全管理员只管理账号、角色与授权；审计员只查看、导出和校验审计日志。网格员只能查看和修改其网格内的居民；社区管理员管理其社区；部门用户只能下载授权给它的报表，且只看到报表中的列。身份证号和电话在列表和报表中默认遮蔽，报表中需按列授权（如 minzheng/gaoling-jintie:公民身份号码,联系电话）才显示完整号码。敏感字段（如宗教信仰、健康状况、特殊人群标签）默认遮蔽，需单独授权；按敏感标签选人的报表（如低保花名册）也只对获得该授权的账号开放。'));
}
