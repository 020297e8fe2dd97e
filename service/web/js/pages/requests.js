// 新表申请: a department files a request for a new table with its blank template (XLSX/CSV) and
// follows its requests' status; an admin sees every request here, newest first (the inbox), with
// the entry-savings figure and the sensitive columns asked for; so does a security admin, who
// confirms the grants of approved requests (待授权).
import { h, notice, fmtTime, toast } from '../dom.js';
import * as session from '../session.js';
import * as req from '../requests_api.js';
import { navigate } from '../main.js';

export const title = '新表申请';

function field(label, input, hint, required = true) {
  return h('div.field', h('label', { for: input.id }, label, required ? h('span.req', '*') : null), input,
    h('div.err', { dataset: { for: input.id } }), hint ? h('div.hint', hint) : null);
}

function fileForm() {
  const t = h('input#req-title', { maxlength: 100, placeholder: '如：困难群众慰问名册' });
  const purpose = h('textarea#req-purpose', { rows: 2, placeholder: '这张表做什么用（个人信息保护法第六条：最小必要）' });
  const basis = h('textarea#req-legal-basis', { rows: 2, placeholder: '依据的法律法规或文件（个人信息保护法第十三条）' });
  const asOf = h('input#req-as-of', { placeholder: '如 {year}-06-30 或 2026-06-30；留空为生成当天' });
  const scope = h('input#req-scope', { placeholder: '如：陆城街道全部社区' });
  const freq = h('select#req-frequency',
    h('option', { value: 'once' }, '一次性'), h('option', { value: 'monthly' }, '每月'), h('option', { value: 'on_change' }, '数据变化时'));
  const contact = h('input#req-contact', { placeholder: '联系人及电话' });
  const file = h('input#req-template', { type: 'file', accept: '.xlsx,.csv' });
  const status = h('div#req-status');
  const ids = { title: 'req-title', purpose: 'req-purpose', legal_basis: 'req-legal-basis', as_of: 'req-as-of', scope: 'req-scope', frequency: 'req-frequency', contact: 'req-contact', template: 'req-template' };
  const submit = h('button.primary#req-submit', {
    type: 'button',
    onclick: async () => {
      status.replaceChildren();
      document.querySelectorAll('.field .err').forEach((e) => { e.textContent = ''; });
      if (!file.files[0]) { status.append(notice('error', '请选择部门的空白模板（XLSX 或 CSV）')); return; }
      submit.disabled = true;
      try {
        const r = await req.file({
          title: t.value, purpose: purpose.value, legal_basis: basis.value, as_of: asOf.value,
          scope: scope.value, frequency: freq.value, contact: contact.value,
        }, file.files[0]);
        toast('申请已提交，映射草稿已生成');
        navigate(`/requests/${r.id}`);
      } catch (e) {
        status.append(notice('error', e.message));
        for (const d of e.details || []) {
          const el = document.querySelector(`.field .err[data-for="${ids[d.field]}"]`);
          if (el) el.textContent = d.message;
        }
      } finally { submit.disabled = false; }
    },
  }, '提交申请');
  return h('div.card#request-form', h('h2', '申请一张新表'),
    h('p.muted.small', '上传本部门下发给社区的空白表（XLSX 或 CSV，不超过 512 KB）。系统立即按表头生成映射草稿，告诉您哪些列由登记库自动填写、哪些需要敏感数据授权、哪些只能手工填写；管理员审核通过后，这张表会出现在“报表”中。'),
    h('div.fields', field('报表名称', t), field('报送频次', freq), field('统计时点规则', asOf, '', false), field('所需范围', scope, '', false), field('联系人', contact)),
    h('div.fields', field('用途', purpose), field('法律依据', basis)),
    h('div.fields', field('空白模板', file)),
    status, h('div.form-actions', submit));
}

function row(r, admin) {
  return h('tr.clickable', { onclick: () => navigate(`/requests/${r.id}`), dataset: { request: r.id } },
    h('td.mono', `#${r.id}`),
    h('td', h('a', { href: `/requests/${r.id}`, 'data-link': true }, r.title)),
    admin ? h('td', r.requester_label) : null,
    h('td', h('span.badge', { class: req.STATUS_BADGE[r.status] || '' }, r.status_label)),
    h('td.small', req.savingsText(r)),
    h('td.small', r.sensitive_columns.length ? h('span.badge.amber', r.sensitive_columns.join('、')) : '—'),
    h('td.small', fmtTime(r.created_at)));
}

export async function render() {
  const me = session.current();
  // Reviewers (admin) and the security admin who confirms grants see every request.
  const admin = me.user.role === 'admin' || me.user.role === 'security_admin';
  const items = await req.list();
  const headers = ['编号', '报表名称', admin ? '申请部门' : null, '状态', '录入节省', '默认遮蔽的列（身份证号、电话、敏感数据）', '提交时间'].filter(Boolean);
  const table = h('div.card', h('h2', admin ? '待审核、待授权与历史申请（新的在前）' : '我的申请'),
    h('div.table-wrap', h('table.list#request-list', h('thead', h('tr', headers.map((x) => h('th', x)))),
      h('tbody', items.length ? items.map((r) => row(r, admin)) : h('tr', h('td.empty', { colspan: headers.length }, '还没有申请'))))));
  return h('div', h('div.page-head', h('h1', '新表申请')),
    admin ? null : fileForm(), table);
}
