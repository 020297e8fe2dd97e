// 迁入申请: requests to move a person registered in another grid into one of the worker's
// households (filed from the 新增人员 page's duplicate notice). The holding grid's worker and
// its community admin see the requests about their persons and approve (the person moves) or
// decline them with a reason; the requester follows theirs: 待审批 / 已通过 / 已退回 and why.
// Lists are table.list, so below 600 px each request is a card (main.js labels the cells).
import { h, notice, toast, dialog, fmtTime } from '../dom.js';
import * as reg from '../reg.js';
import { navigate } from '../main.js';

export const title = '迁入申请';

const BADGE = { pending: 'amber', approved: 'green', declined: 'red' };

const place = (p) => [p.community, p.grid].filter(Boolean).join(' · ') || '—';
const stateBadge = (t) => h('span.badge', { class: BADGE[t.state] || '' }, t.state_label);

function personCell(t) {
  const p = t.person || {};
  if (p.id) return h('td', h('a', { href: `/persons/${p.id}`, 'data-link': true }, p.name || '（无姓名）'), h('div.muted.small.mono', p.id_number_masked));
  return h('td.mono', p.id_number_masked || '—');
}

function decisionCell(t) {
  if (t.state === 'pending') return h('td.muted', '—');
  return h('td', h('div', `${t.decider} · ${fmtTime(t.decided_at)}`), t.decision_reason ? h('div.small', `原因：${t.decision_reason}`) : null);
}

// Asks for the reason (required to decline), then decides; reloads the page when done.
async function decide(t, approve) {
  const reason = h('textarea#decision-reason', { rows: 3, maxlength: 500, placeholder: approve ? '审批意见（可选）' : '如：经核实此人仍在本网格居住' });
  const error = h('div');
  const label = approve ? '同意迁出' : '退回申请';
  const who = t.person && t.person.name ? `“${t.person.name}”` : '此人';
  const text = approve
    ? `同意后${who}将迁入 ${place(t.to)} 的户（由 ${t.requester} 申请），本网格不再管辖此人。`
    : `退回后${who}仍留在本网格，申请人会看到退回原因。`;
  const r = await dialog(label, h('div', h('p', text),
    h('div.field', h('label', { for: 'decision-reason' }, approve ? '审批意见（可选）' : '退回原因（必填）'), reason), error),
  [{ label: '取消' }, {
    label,
    primary: approve,
    danger: !approve,
    onClick: async () => {
      error.replaceChildren();
      const why = reason.value.trim();
      if (!approve && !why) { error.append(notice('error', '请填写退回原因')); return false; }
      try {
        await reg.decideTransfer(t, approve, why);
        return true;
      } catch (e) {
        error.append(notice('error', e.message));
        return false;
      }
    },
  }]);
  if (r === label) {
    toast(approve ? '已同意，此人已迁出' : '已退回申请');
    navigate('/transfers', { replace: true });
  }
}

function inboxTable(items) {
  const headers = ['编号', '人员', '申请迁入', '申请人', '原因', '提交时间', ''];
  const rows = items.map((t) => h('tr', { dataset: { transfer: t.id } },
    h('td.mono', `#${t.id}`), personCell(t), h('td', place(t.to)), h('td', t.requester),
    h('td', t.reason), h('td.small', fmtTime(t.created_at)),
    h('td.actions',
      h('button.primary', { type: 'button', dataset: { approve: t.id }, onclick: () => decide(t, true) }, '同意'),
      h('button', { type: 'button', dataset: { decline: t.id }, onclick: () => decide(t, false) }, '退回'))));
  return h('section.card#transfer-inbox', { 'aria-labelledby': 'transfer-inbox-title' },
    h('h2#transfer-inbox-title', `待我审批（${items.length}）`),
    h('div.table-wrap', h('table.list', h('thead', h('tr', headers.map((x) => h('th', x)))),
      h('tbody', rows.length ? rows : h('tr', h('td.empty', { colspan: headers.length }, '没有待审批的迁入申请'))))));
}

function historyTable(id, heading, items, { mine }) {
  const headers = ['编号', '人员', mine ? '原登记网格' : '申请迁入', mine ? '迁入网格' : '申请人', '原因', '状态', '审批', '提交时间'];
  const rows = items.map((t) => h('tr', { dataset: { transfer: t.id, state: t.state } },
    h('td.mono', `#${t.id}`), personCell(t),
    h('td', mine ? place(t.from) : place(t.to)),
    h('td', mine ? (t.to.household_id ? h('a', { href: `/households/${t.to.household_id}`, 'data-link': true }, place(t.to)) : place(t.to)) : t.requester),
    h('td', t.reason), h('td', stateBadge(t)), decisionCell(t), h('td.small', fmtTime(t.created_at))));
  return h(`section.card#${id}`, { 'aria-labelledby': `${id}-title` },
    h(`h2#${id}-title`, heading),
    h('div.table-wrap', h('table.list', h('thead', h('tr', headers.map((x) => h('th', x)))),
      h('tbody', rows.length ? rows : h('tr', h('td.empty', { colspan: headers.length }, '没有记录'))))));
}

export async function render() {
  const items = await reg.listTransfers('all');
  const inbox = items.filter((t) => t.can_decide);
  const mine = items.filter((t) => t.mine);
  const decided = items.filter((t) => !t.mine && !t.can_decide);
  return h('div', h('div.page-head', h('h1', '迁入申请')),
    h('p.muted', '新增人员时，如身份证号已登记在其他网格，可在提示中点“申请迁入本户”。申请由此人所在网格的网格员或社区管理员审批，同意后此人迁入申请的户。'),
    inboxTable(inbox),
    historyTable('transfer-mine', '我提交的申请', mine, { mine: true }),
    decided.length ? historyTable('transfer-decided', '已处理的申请（本网格的人员）', decided, { mine: false }) : null);
}
