// 用户与授权 (security_admin): accounts with role, scopes and grants, chosen from lists the server
// gives (GET /api/v1/account-choices: the communities and grids, the tables and their columns,
// the sensitive data) rather than typed as codes; add, edit, disable; department API tokens.
import { h, toast, dialog, notice } from '../dom.js';
import * as api from '../api.js';
import * as session from '../session.js';
import { navigate } from '../main.js';
import { passwordRule } from './password.js';

export const title = '用户与授权';

// The roles and their labels, in display order, as the server names them (GET /me).
const roles = () => session.current().roles;
const roleLabel = (key) => roles().find((r) => r.key === key).label;
// Which roles have a scope, and of what kind (user_rules.h): no scope for the three separated
// duties; departments see what their tables select.
const SCOPE_KIND = { grid_worker: 'grid', community_admin: 'community' };
const HAS_GRANTS = new Set(['grid_worker', 'community_admin', 'department']);

// A scope code as a person reads it: "东湖社区 · 第一网格".
function scopeNames(choices) {
  const names = new Map();
  for (const c of choices.communities) {
    names.set(c.code, `${c.name}（社区）`);
    for (const g of c.grids) {
      for (const code of [g.scope, g.code, `${c.code}/${g.code}`]) if (!names.has(code)) names.set(code, `${c.name} · ${g.name}`);
    }
  }
  return names;
}

// A grant as a person reads it.
function grantName(choices, grant) {
  const s = choices.sensitive.find((x) => x.grant === grant);
  if (s) return `敏感：${s.label}`;
  const [id, cols] = grant.split(/:(.*)/s);
  const t = choices.tables.find((x) => x.id === id);
  if (!t) return grant;
  return cols ? `${t.title}：完整显示 ${cols.split(',').join('、')}` : t.title;
}

const check = (name, value, label, checked, extra = {}) => h('label', h('input', { type: 'checkbox', name, value, checked, ...extra }), ' ', label);

// The scope picker: grids (grid workers) or communities (community admins), from the tree.
// Codes the account holds that the register no longer has stay listed, so saving keeps them
// visible rather than dropping them silently.
function scopePicker(choices, kind, held) {
  const wanted = new Set(held);
  const known = new Set();
  const groups = choices.communities.map((c) => {
    if (kind === 'community') {
      known.add(c.code);
      return check('scope', c.code, `${c.name}（${c.street}）`, wanted.has(c.code));
    }
    return h('fieldset', h('legend', `${c.name}（${c.street}）`), c.grids.map((g) => {
      const aliases = [g.scope, g.code, `${c.code}/${g.code}`];
      aliases.forEach((a) => known.add(a));
      return check('scope', g.scope, g.name, aliases.some((a) => wanted.has(a)));
    }));
  });
  const unknown = held.filter((code) => !known.has(code));
  return h('div.choices#user-scopes', { role: 'group', 'aria-label': kind === 'grid' ? '管辖网格' : '管辖社区' },
    groups.length ? groups : h('p.muted', '登记库中还没有社区和网格'),
    unknown.length ? h('fieldset', h('legend', '登记库中找不到的范围'), unknown.map((code) => check('scope', code, code, true))) : null);
}

// The grant picker: tables (each with the columns it may show in full) and sensitive data.
function grantPicker(choices, role, held) {
  const wanted = new Set(held);
  const columnGrants = new Map();  // table id → Set of headers granted in full
  for (const g of held) {
    const m = g.match(/^([^:]+):(.+)$/s);
    if (m && !g.startsWith('sensitive')) columnGrants.set(m[1], new Set(m[2].split(',')));
  }
  const known = new Set(choices.sensitive.map((s) => s.grant));
  const tables = role === 'department' || held.some((g) => choices.tables.some((t) => g === t.id || g.startsWith(`${t.id}:`)))
    ? h('fieldset', h('legend', '可生成的报表（勾选报表后可选择完整显示的列，如身份证号、电话）'), choices.tables.map((t) => {
      known.add(t.id);
      const cols = columnGrants.get(t.id) || new Set();
      if (cols.size) known.add(`${t.id}:${[...cols].join(',')}`);
      const box = h('input', { type: 'checkbox', name: 'grant-table', value: t.id, checked: wanted.has(t.id) || cols.size > 0 });
      const colBox = h('div.cols', { hidden: !box.checked, dataset: { table: t.id } },
        t.columns.map((c) => check('grant-column', c, c, cols.has(c), { dataset: { table: t.id } })));
      box.addEventListener('change', () => { colBox.hidden = !box.checked; });
      return h('div', h('label', box, ' ', `${t.title}`, h('span.muted.small', `（${t.department}）`)), colBox);
    }))
    : null;
  const sensitive = h('fieldset', h('legend', '敏感信息（默认遮蔽，勾选后可见）'),
    choices.sensitive.map((s) => check('grant-sensitive', s.grant, s.label, wanted.has(s.grant))));
  const unknown = held.filter((g) => !known.has(g));
  return h('div.choices#user-grants', { role: 'group', 'aria-label': '授权' }, tables, sensitive,
    unknown.length ? h('fieldset', h('legend', '其他授权'), unknown.map((g) => check('grant-other', g, g, true))) : null);
}

function readGrants(box) {
  if (!box) return [];
  const out = [];
  for (const t of box.querySelectorAll('input[name="grant-table"]:checked')) {
    const cols = [...box.querySelectorAll(`input[name="grant-column"]:checked`)].filter((c) => c.dataset.table === t.value).map((c) => c.value);
    out.push(t.value);
    if (cols.length) out.push(`${t.value}:${cols.join(',')}`);
  }
  for (const c of box.querySelectorAll('input[name="grant-sensitive"]:checked, input[name="grant-other"]:checked')) out.push(c.value);
  return out;
}

// user (users_handlers.h): {id, name, role, display_name, scopes, grants, disabled, version}.
async function editUser(user, choices) {
  const rule = passwordRule();
  const name = h('input#user-name', { value: user ? user.name : '', readOnly: Boolean(user), autocomplete: 'off' });
  const display = h('input#user-display', { value: user ? user.display_name : '' });
  const role = h('select#user-role', roles().map((r) => h('option', { value: r.key }, r.label)));
  role.value = user ? user.role : 'grid_worker';
  const password = h('input#user-password', {
    type: 'password', autocomplete: 'new-password', 'aria-describedby': 'user-password-rule',
    placeholder: user ? '留空则不修改' : `至少 ${rule.min_length} 个字符`,
  });
  const disabled = h('input#user-disabled', { type: 'checkbox', checked: user && user.disabled });
  const err = h('div');
  const scopeSlot = h('div.field.field-wide');
  const grantSlot = h('div.field.field-wide');
  let scopeBox = null;
  let grantBox = null;
  // The pickers follow the role; what was ticked survives a change of role where it still applies.
  const layout = () => {
    const heldScopes = scopeBox ? [...scopeBox.querySelectorAll('input:checked')].map((c) => c.value) : (user ? user.scopes : []);
    const heldGrants = grantBox ? readGrants(grantBox) : (user ? user.grants : []);
    const kind = SCOPE_KIND[role.value];
    scopeBox = kind ? scopePicker(choices, kind, heldScopes) : null;
    scopeSlot.replaceChildren(...(kind ? [h('div.label', { id: 'user-scopes-label' }, kind === 'grid' ? '管辖网格（可多选）' : '管辖社区（可多选）'), scopeBox] : []));
    scopeSlot.hidden = !kind;
    grantBox = HAS_GRANTS.has(role.value) ? grantPicker(choices, role.value, heldGrants) : null;
    grantSlot.replaceChildren(...(grantBox ? [h('div.label', '授权'), grantBox] : []));
    grantSlot.hidden = !grantBox;
  };
  role.addEventListener('change', layout);
  layout();
  await dialog(user ? `编辑用户 ${user.name}` : '新增用户', h('div', err, h('div.fields',
    h('div.field', h('label', { for: 'user-name' }, '用户名'), name),
    h('div.field', h('label', { for: 'user-display' }, '姓名'), display),
    h('div.field', h('label', { for: 'user-role' }, '角色'), role),
    h('div.field', h('label', { for: 'user-password' }, '密码'), password,
      h('div.hint#user-password-rule', `密码要求：${rule.text}`)),
    scopeSlot, grantSlot,
    user ? h('div.field', h('label', { for: 'user-disabled' }, h('span', '停用账号 ')), disabled) : null)), [
    { label: '取消' },
    {
      label: '保存', primary: true,
      onClick: async () => {
        const scopes = scopeBox ? [...scopeBox.querySelectorAll('input:checked')].map((c) => c.value) : [];
        const body = { display_name: display.value.trim(), role: role.value, scopes, grants: readGrants(grantBox) };
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
          err.scrollIntoView({ block: 'nearest' });
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
  const [{ data }, { data: choices }] = await Promise.all([api.get('/api/v1/users', { limit: 500 }), api.get('/api/v1/account-choices')]);
  const names = scopeNames(choices);
  const rows = data.items.map((u) => h('tr', { dataset: { user: u.name } },
    h('td', h('strong', u.name), u.display_name ? h('div.small.muted', u.display_name) : null),
    h('td', roleLabel(u.role)),
    h('td.small', u.scopes.map((s) => names.get(s) || s).join('、')),
    h('td.small', u.grants.map((g) => grantName(choices, g)).join('；')),
    h('td', u.disabled ? h('span.badge.red', '已停用') : h('span.badge.green', '正常')),
    h('td.nowrap', h('button.link', { type: 'button', onclick: () => editUser(u, choices), 'aria-label': `编辑 ${u.name}` }, '编辑'),
      // Only department accounts get API tokens (users_handlers.h).
      u.role === 'department' ? h('button.link', { type: 'button', onclick: () => issueToken(u) }, '发放接口令牌') : null)));
  return h('div', h('div.page-head', h('h1', '用户与授权'), h('span.spacer'),
    h('button.primary#add-user', { type: 'button', onclick: () => editUser(null, choices) }, '新增用户')),
  h('div.card', h('div.table-wrap', h('table.list', h('thead', h('tr', ['用户', '角色', '范围', '授权', '状态', '操作'].map((x) => h('th', x)))),
    h('tbody', rows)))),
  h('p.muted.small', '三权分立：系统管理员负责数据接入、报表映射和字段目录，不管理账号、不看审计日志；安全管理员只管理账号、角色与授权；审计员只查看、导出和校验审计日志。网格员只能查看和修改其网格内的居民；社区管理员管理其社区；部门用户只能下载授权给它的报表，且只看到报表中的列。身份证号和电话在列表和报表中默认遮蔽，报表中需按列授权（勾选报表下的列）才显示完整号码。敏感字段（如宗教信仰、健康状况、特殊人群标签）默认遮蔽，需单独授权；按敏感标签选人的报表（如低保花名册）也只对获得该授权的账号开放。'));
}
