// One table request: its status (已提交 / 草稿已生成 / 审核中 / 待授权 / 已通过 / 已退回), what
// the department asked and why, how each column of its template will be filled, and the
// entry-savings figure. An admin reviews here: takes it up, edits the draft in the mapping
// editor, unticks the columns the purpose does not need, ticks the masked-by-default columns
// (ID numbers, phones, sensitive data) the department may see in full, narrows the scope, then
// approves (publishes) or declines with a reason. A security admin then confirms the grant (or
// declines). For a monthly / on-change request an admin drafts and saves its delivery.
import { h, notice, fmtTime, toast } from '../dom.js';
import * as session from '../session.js';
import * as req from '../requests_api.js';
import { render as rerender } from '../main.js';

export const title = (p) => `新表申请 #${p.id}`;

const FILL_BADGE = { register: 'green', identifier: 'amber', sensitive: 'amber', blank: 'red', number: 'blue' };
const MASKED = new Set(['identifier', 'sensitive']);

function facts(r) {
  const item = (k, v) => [h('dt', k), h('dd', v || '—')];
  return h('dl.facts#request-facts',
    item('申请部门', r.requester_label), item('用途', r.purpose), item('法律依据', r.legal_basis),
    item('统计时点规则', r.as_of || '生成当天'), item('所需范围', r.scope || '本账号的既有范围'),
    item('报送频次', r.frequency_label), item('联系人', r.contact),
    item('模板', `${r.template.name}（${Math.ceil(r.template.size / 1024)} KB）`),
    item('提交时间', fmtTime(r.created_at)), item('映射编号', r.mapping_id));
}

function columnsTable(r, reviewing) {
  const boxes = [];
  const fullBoxes = [];
  const rows = r.columns.map((c) => {
    const box = reviewing ? h('input.keep', { type: 'checkbox', checked: true, dataset: { header: c.header }, 'aria-label': `保留 ${c.header}` }) : null;
    if (box) boxes.push(box);
    // Masked by default: the reviewer may grant the column in full (unticked: stays ***).
    const full = reviewing && MASKED.has(c.fill)
      ? h('input.unmask', { type: 'checkbox', checked: false, dataset: { header: c.header }, 'aria-label': `完整显示 ${c.header}` }) : null;
    if (full) fullBoxes.push(full);
    return h('tr', { dataset: { column: c.header, fill: c.fill } },
      reviewing ? h('td', box) : null,
      reviewing ? h('td', full || '—') : null,
      h('td', c.header),
      h('td', h('span.badge', { class: FILL_BADGE[c.fill] }, req.FILL_LABELS[c.fill]),
        c.needs.length ? h('span.small.muted', ` 需授权：${c.needs.join('、')}`) : null),
      h('td.mono.small', c.value));
  });
  const headers = [reviewing ? '保留' : null, reviewing ? '完整显示' : null, '列', '如何填写', '取值'].filter(Boolean);
  const table = h('div.table-wrap', h('table.list#request-columns', h('thead', h('tr', headers.map((x) => h('th', x)))), h('tbody', rows)));
  const kept = () => boxes.filter((b) => b.checked).map((b) => b.dataset.header);
  const unmasked = () => {
    const keep = new Set(kept());
    return fullBoxes.filter((b) => b.checked && keep.has(b.dataset.header)).map((b) => b.dataset.header);
  };
  return { table, kept, unmasked };
}

// Runs `fn`, then renders the page again; errors show in `status`.
function action(status, fn) {
  return async () => {
    status.replaceChildren();
    try {
      await fn();
      rerender();
    } catch (e) {
      status.append(notice('error', e.message));
      if (e.status === 412) toast('申请已被他人修改，已重新载入', 'error');
    }
  };
}

function reviewCard(r, choice) {
  const note = h('input#review-note', { placeholder: '审核意见（可选）' });
  const scope = h('input#review-scope', { placeholder: '社区代码，多个用逗号分隔，如 420581001001；留空为申请账号本身的范围' });
  const reason = h('textarea#decline-reason', { rows: 2, placeholder: '退回原因（必填），如：用途与所需字段不符' });
  const status = h('div#review-status');
  const act = (fn) => action(status, fn);
  const buttons = [];
  if (r.status === 'drafted') {
    buttons.push(h('button#review-start', { type: 'button', onclick: act(() => req.startReview(r.id, r.etag)) }, '开始审核'));
  }
  buttons.push(h('a.button#review-edit', { href: `/admin/mappings/new?request=${r.id}`, 'data-link': true }, '在映射编辑器中修改草稿'));
  buttons.push(h('button.primary#review-approve', {
    type: 'button',
    onclick: act(async () => {
      const columns = choice.kept();
      if (!columns.length) throw new Error('至少要保留一列');
      const codes = scope.value.split(/[,，\s]+/).map((x) => x.trim()).filter(Boolean);
      const done = await req.approve(r.id, { columns, unmasked: choice.unmasked(), scope: codes, note: note.value }, r.etag);
      toast(done.status === 'approved' ? '已通过：映射已发布并授权给申请部门' : '已通过：映射已发布，授权待安全管理员确认');
    }),
  }, '通过并发布'));
  const declineBtn = h('button.danger#review-decline', {
    type: 'button',
    onclick: act(async () => {
      await req.decline(r.id, reason.value, r.etag);
      toast('已退回');
    }),
  }, '退回');
  return h('div.card#review-card', h('h2', '审核'),
    h('p.small.muted', '请核对用途与法律依据，只保留用途需要的列（最小必要）；默认遮蔽的列（身份证号、电话、敏感数据）只有勾选“完整显示”才授权完整显示。通过后映射发布为报表；授权由安全管理员确认后生效（三权分立）。'),
    h('div.fields', h('div.field', h('label', { for: 'review-scope' }, '批准的范围'), scope,
      h('div.hint', `部门所写：${r.scope || '（未填写）'}。批准的范围不能大于申请账号本身的范围。`))),
    h('div.fields', h('div.field', h('label', { for: 'review-note' }, '审核意见'), note)), h('div.form-actions', buttons),
    h('div.fields', h('div.field', h('label', { for: 'decline-reason' }, '退回原因'), reason)), h('div.form-actions', declineBtn), status);
}

// The security admin's part: the grants the approval implies, confirmed or refused.
function grantCard(r) {
  const status = h('div#grant-status');
  const reason = h('textarea#grant-decline-reason', { rows: 2, placeholder: '不予授权的原因（必填）' });
  return h('div.card#grant-card', h('h2', '授权确认（安全管理员）'),
    h('p.small.muted', `系统管理员 ${r.reviewer} 已通过并发布报表 ${r.mapping_id}。确认后，以下授权给予账号 ${r.requester}：`),
    h('ul#grant-list', r.approved_grants.map((g) => h('li.mono', g))),
    h('p.small', r.approved_scope.length ? `范围：${r.approved_scope.join('、')}` : '范围：申请账号本身的范围'),
    h('div.form-actions', h('button.primary#grant-confirm', { type: 'button', onclick: action(status, async () => { await req.grant(r.id, r.etag); toast('已授权'); }) }, '确认授权')),
    h('div.fields', h('div.field', h('label', { for: 'grant-decline-reason' }, '不予授权'), reason)),
    h('div.form-actions', h('button.danger#grant-decline', { type: 'button', onclick: action(status, async () => { await req.decline(r.id, reason.value, r.etag); toast('已退回'); }) }, '不予授权并退回')),
    status);
}

// An admin's delivery of a monthly / on-change request: the draft, edited and saved.
function deliveryCard(r) {
  const status = h('div#delivery-status');
  const text = h('textarea.mono#delivery-yaml', { rows: 12, hidden: true });
  const notes = h('div#delivery-notes');
  const save = h('button.primary#delivery-save', {
    type: 'button',
    hidden: true,
    onclick: async () => {
      status.replaceChildren();
      try {
        const done = await req.saveDelivery(r.id, text.value);
        status.append(notice('ok', `推送已保存：${done.path}。可在“推送”页运行。`));
        save.disabled = true;
      } catch (e) {
        status.append(notice('error', e.message));
      }
    },
  }, '保存到推送目录');
  const make = h('button#delivery-draft', {
    type: 'button',
    onclick: async () => {
      status.replaceChildren();
      try {
        const d = await req.deliveryDraft(r.id);
        text.value = d.yaml;
        text.hidden = false;
        save.hidden = d.saved;
        notes.replaceChildren(...d.notes.map((n) => notice('warn', n)),
          d.saved ? notice('ok', `推送 ${d.id} 已保存在 ${d.path}`) : '');
      } catch (e) {
        status.append(notice('error', e.message));
      }
    },
  }, '生成推送草稿');
  return h('div.card#delivery-card', h('h2', `推送（${r.frequency_label}）`),
    h('p.small.muted', '按申请的报送频次生成推送：以申请部门账号的授权与打码生成报表，只推送新增、变更和减少的行。网页上只能保存文件目标；推送到部门系统（http、mysql）请在服务器上编辑推送文件。'),
    h('div.form-actions', make), notes, text, h('div.form-actions', save), status);
}

export async function render({ id }) {
  const me = session.current();
  const r = await req.get(id);
  const admin = me.user.role === 'admin';
  const secadmin = me.user.role === 'security_admin';
  const reviewing = admin && (r.status === 'drafted' || r.status === 'in_review');
  const choice = columnsTable(r, reviewing);
  const c = r.counts;
  const outcome = r.status === 'approved'
    ? notice('ok', `已通过（${r.reviewer}${r.granter ? `，授权：${r.granter}` : ''}）：报表 ${r.mapping_id} 已授权给申请部门，含 ${r.approved_columns.length} 列：${r.approved_columns.join('、')}。`,
      admin || secadmin ? null : h('a', { href: `/tables?m=${encodeURIComponent(r.mapping_id)}`, 'data-link': true }, ' 去下载'), r.reason ? ` 审核意见：${r.reason}` : '')
    : r.status === 'awaiting_grant'
      ? notice('warn', `已通过（${r.reviewer}），报表 ${r.mapping_id} 已发布，待安全管理员确认授权。`)
      : r.status === 'declined' ? notice('error', `已退回（${r.granter || r.reviewer}）：${r.reason}`) : null;
  const deliverable = admin && (r.frequency === 'monthly' || r.frequency === 'on_change') &&
    (r.status === 'approved' || r.status === 'awaiting_grant');
  return h('div',
    h('div.crumbs', h('a', { href: '/requests', 'data-link': true }, '新表申请'), ' › ', `#${r.id}`),
    h('div.page-head', h('h1', r.title), h('span.badge#request-status', { class: req.STATUS_BADGE[r.status] || '' }, r.status_label)),
    outcome,
    h('div.card', h('h2', '申请内容'), facts(r)),
    h('div.card', h('h2', '草稿：各列如何填写'),
      h('p#request-savings', req.savingsText(r)),
      h('p.small#request-counts', `登记库自动填写 ${c.register} 列；登记库填写但默认遮蔽（身份证号、电话）${c.identifier} 列；需敏感数据授权 ${c.sensitive} 列；无法填写、打印为空白由部门手工填写 ${c.blank} 列；系统编号 ${c.number} 列。`),
      r.row_selectors.length ? notice('warn', `此表按敏感信息（${r.row_selectors.join('、')}）选人，需相应授权才能下载。`) : null,
      r.problems && r.problems.length ? notice('error', `草稿有 ${r.problems.length} 个问题，请在映射编辑器中修改：${r.problems.map((p) => p.message).join('；')}`) : null,
      choice.table),
    reviewing ? reviewCard(r, choice) : null,
    secadmin && r.status === 'awaiting_grant' ? grantCard(r) : null,
    deliverable ? deliveryCard(r) : null);
}
