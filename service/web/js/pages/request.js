// One table request: its status (已提交 / 草稿已生成 / 审核中 / 已通过 / 已退回), what the
// department asked and why, how each column of its template will be filled, and the entry-savings
// figure. An admin reviews here: takes it up, edits the draft in the mapping editor, unticks the
// columns the purpose does not need, then approves (publishes and grants) or declines with a
// reason.
import { h, notice, fmtTime, toast } from '../dom.js';
import * as session from '../session.js';
import * as req from '../requests_api.js';
import { render as rerender } from '../main.js';

export const title = (p) => `新表申请 #${p.id}`;

const FILL_BADGE = { register: 'green', sensitive: 'amber', blank: 'red', number: 'blue' };

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
  const rows = r.columns.map((c) => {
    const box = reviewing ? h('input', { type: 'checkbox', checked: true, dataset: { header: c.header }, 'aria-label': `保留 ${c.header}` }) : null;
    if (box) boxes.push(box);
    return h('tr', { dataset: { column: c.header, fill: c.fill } },
      reviewing ? h('td', box) : null,
      h('td', c.header),
      h('td', h('span.badge', { class: FILL_BADGE[c.fill] }, req.FILL_LABELS[c.fill]),
        c.needs.length ? h('span.small.muted', ` 需授权：${c.needs.join('、')}`) : null),
      h('td.mono.small', c.value));
  });
  const headers = [reviewing ? '保留' : null, '列', '如何填写', '取值'].filter(Boolean);
  const table = h('div.table-wrap', h('table.list#request-columns', h('thead', h('tr', headers.map((x) => h('th', x)))), h('tbody', rows)));
  return { table, kept: () => boxes.filter((b) => b.checked).map((b) => b.dataset.header) };
}

function reviewCard(r, kept) {
  const note = h('input#review-note', { placeholder: '审核意见（可选）' });
  const reason = h('textarea#decline-reason', { rows: 2, placeholder: '退回原因（必填），如：用途与所需字段不符' });
  const status = h('div#review-status');
  const act = (fn) => async () => {
    status.replaceChildren();
    try {
      await fn();
      rerender();
    } catch (e) {
      status.append(notice('error', e.message));
      if (e.status === 412) toast('申请已被他人修改，已重新载入', 'error');
    }
  };
  const buttons = [];
  if (r.status === 'drafted') {
    buttons.push(h('button#review-start', { type: 'button', onclick: act(() => req.startReview(r.id, r.etag)) }, '开始审核'));
  }
  buttons.push(h('a.button#review-edit', { href: `/admin/mappings/new?request=${r.id}`, 'data-link': true }, '在映射编辑器中修改草稿'));
  buttons.push(h('button.primary#review-approve', {
    type: 'button',
    onclick: act(async () => {
      const columns = kept();
      if (!columns.length) throw new Error('至少要保留一列');
      await req.approve(r.id, columns, note.value, r.etag);
      toast('已通过：映射已发布并授权给申请部门');
    }),
  }, '通过并授权'));
  const declineBtn = h('button.danger#review-decline', {
    type: 'button',
    onclick: act(async () => {
      await req.decline(r.id, reason.value, r.etag);
      toast('已退回');
    }),
  }, '退回');
  return h('div.card#review-card', h('h2', '审核'),
    h('p.small.muted', '请核对用途与法律依据，只保留用途需要的列（最小必要）。通过后映射发布为报表，并只以保留的列授权给申请部门。'),
    h('div.fields', h('div.field', h('label', '审核意见'), note)), h('div.form-actions', buttons),
    h('div.fields', h('div.field', h('label', '退回原因'), reason)), h('div.form-actions', declineBtn), status);
}

export async function render({ id }) {
  const me = session.current();
  const r = await req.get(id);
  const admin = me.user.role === 'admin';
  const reviewing = admin && (r.status === 'drafted' || r.status === 'in_review');
  const { table, kept } = columnsTable(r, reviewing);
  const c = r.counts;
  const outcome = r.status === 'approved'
    ? notice('ok', `已通过（${r.reviewer}）：报表 ${r.mapping_id} 已授权给申请部门，含 ${r.approved_columns.length} 列：${r.approved_columns.join('、')}。`,
      admin ? null : h('a', { href: `/tables?m=${encodeURIComponent(r.mapping_id)}`, 'data-link': true }, ' 去下载'), r.reason ? ` 审核意见：${r.reason}` : '')
    : r.status === 'declined' ? notice('error', `已退回（${r.reviewer}）：${r.reason}`) : null;
  return h('div',
    h('div.crumbs', h('a', { href: '/requests', 'data-link': true }, '新表申请'), ' › ', `#${r.id}`),
    h('div.page-head', h('h1', r.title), h('span.badge#request-status', { class: req.STATUS_BADGE[r.status] || '' }, r.status_label)),
    outcome,
    h('div.card', h('h2', '申请内容'), facts(r)),
    h('div.card', h('h2', '草稿：各列如何填写'),
      h('p#request-savings', req.savingsText(r)),
      h('p.small#request-counts', `登记库自动填写 ${c.register} 列；需敏感数据授权 ${c.sensitive} 列；无法填写、打印为空白由部门手工填写 ${c.blank} 列；系统编号 ${c.number} 列。`),
      r.row_selectors.length ? notice('warn', `此表按敏感信息（${r.row_selectors.join('、')}）选人，需相应授权才能下载。`) : null,
      r.problems && r.problems.length ? notice('error', `草稿有 ${r.problems.length} 个问题，请在映射编辑器中修改：${r.problems.map((p) => p.message).join('；')}`) : null,
      table),
    reviewing ? reviewCard(r, kept) : null);
}
