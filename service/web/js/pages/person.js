// 人员: the person form generated from the catalog, with (for an existing person) where each value
// came from and its history, the special-population tags, and moving to another household.
// A new person is checked for possible duplicates (same ID number; same name and birth date)
// before it is saved.
import { h, toast, notice, dialog, fmtTime } from '../dom.js';
import * as reg from '../reg.js';
import * as session from '../session.js';
import { navigate } from '../main.js';
import { load as loadCatalog } from '../catalog.js';
import { buildForm } from '../form.js';
import { resolveConflict } from '../conflict.js';
import { crumbs, nameOf } from './place.js';
import { tagsCard } from './person_tags.js';
import { moveButton } from './person_move.js';
import { headChoice } from './person_head.js';
import * as idn from '../idnumber.js';

export const title = (p) => (p.id ? '人员' : '新增人员');

function personFields(cat) {
  return cat.fields('person');
}

// An observation's source (register_json.h): "manual" or "manual:<user>" for a worker's entry,
// else the connector's id.
const isManual = (source) => source === 'manual' || source.startsWith('manual:');
const sourceText = (o) => (isManual(o.source) ? `录入：${o.actor || '工作人员'}` : `来源：${o.source}`);

// "来源：minzheng-dibao · 2024-05-01 10:00" or "录入：zhang · …"; with a 历史 link.
function provenanceLine(cat, personId, key, prov) {
  const p = prov[key];
  // Without a recorded observation the field has no history to show either.
  if (!p) return null;
  const when = fmtTime(p.observed_at);
  return h('div.prov', `${sourceText(p)}${when ? ` · ${when}` : ''}`, p.pinned ? ' · 已锁定' : '', ' ',
    h('button.link', { type: 'button', dataset: { history: key }, onclick: () => showHistory(cat, personId, key, p) }, '历史'));
}

// Every value the field has had; the one provenance names as current is marked.
async function showHistory(cat, personId, key, current) {
  const f = cat.field('person', key);
  let items;
  try {
    items = await reg.fieldHistory(personId, key);
  } catch (e) {
    toast(e.message, 'error');
    return;
  }
  const isCurrent = (o) => o.source === current.source && o.observed_at === current.observed_at && o.value === current.value;
  const rows = items.slice().reverse().map((o) => h('tr',
    h('td.nowrap', fmtTime(o.observed_at)),
    h('td', o.value === null ? h('span.muted', '（空）') : cat.label('person', key, o.value)),
    h('td', sourceText(o)),
    h('td', isCurrent(o) ? h('span.badge.green', '当前值') : '')));
  await dialog(`「${f ? f.label : key}」的历史`, h('div.table-wrap', h('table.list#history-table',
    h('thead', h('tr', h('th', '时间'), h('th', '值'), h('th', '来源'), h('th', ''))),
    h('tbody', rows.length ? rows : h('tr', h('td.empty', { colspan: 4 }, '没有历史记录'))))));
}

// The possible-duplicates box of a new person's form. An ID number already registered (in the
// caller's scope) is an exact match: that person is opened, not entered again. The same name and
// birth date is a fuzzy one: they may be two people, so 仍然保存 is offered, and the server opens
// a 待核实 item for the pair (person_duplicates.h).
function duplicateWatch(form) {
  const box = h('div.dup-box#duplicates', { hidden: true });
  let exact = [];
  let fuzzy = [];
  let seq = 0;
  const person = (p) => h('li', h('a', { href: `/persons/${p.id}`, 'data-link': true, dataset: { duplicate: p.id } }, p.fields.name || '（无姓名）'),
    ` · ${p.fields.birth_date || '出生日期不详'} · 身份证号 ${p.fields.id_number || '无'}`);
  const check = async () => {
    const id = idn.parse(form.get('id_number') || '');
    const name = form.get('name');
    const birth = form.get('birth_date');
    const my = ++seq;
    const byId = new Map();
    const byNameBirth = new Map();
    try {
      if (id.ok) for (const p of await reg.findPersons({ id_number: id.normalized })) byId.set(p.id, p);
      if (name && birth) {
        for (const p of await reg.findPersons({ name })) {
          if (p.fields.birth_date === birth && p.fields.name === name && !byId.has(p.id)) byNameBirth.set(p.id, p);
        }
      }
    } catch (e) { return; }
    if (my !== seq) return;
    exact = [...byId.values()];
    fuzzy = [...byNameBirth.values()];
    box.replaceChildren();
    box.hidden = !exact.length && !fuzzy.length;
    if (exact.length) {
      box.append(notice('error', h('strong', '身份证号已登记：'), '此身份证号的人员已在登记库中，请打开该人员核对，不要重复录入。',
        h('ul', exact.map(person))));
    }
    if (fuzzy.length) {
      box.append(notice('warn', h('strong', '可能重复：'), '登记库中已有姓名和出生日期相同的人员，请先核对，避免重复登记。',
        h('ul', fuzzy.map(person))));
    }
  };
  for (const k of ['id_number', 'name', 'birth_date']) {
    const input = form.input(k);
    if (input) input.addEventListener('change', check);
  }
  return { box, check, exact: () => exact, fuzzy: () => fuzzy };
}

// The 409 of an ID number registered already (person_duplicates.h): a link to that person when
// the caller may open them, else where they are registered and, when the person is being added
// to a household, 申请迁入本户: a transfer request that the holding grid's worker or community
// admin approves (transfer_handlers.h).
function duplicateNotice(e, { idNumber, household } = {}) {
  const holder = e.body && e.body.error && e.body.error.holder;
  if (holder && holder.person_id) {
    return notice('error', e.message, ' ', h('a#open-duplicate', { href: `/persons/${holder.person_id}`, 'data-link': true }, '打开已登记的人员'));
  }
  if (!holder || !holder.grid || !household || !idNumber) return notice('error', h('span#duplicate-elsewhere', e.message));
  const ask = h('button.primary#request-transfer', { type: 'button', onclick: () => requestTransfer(holder, idNumber, household) }, '申请迁入本户');
  return notice('error', h('span#duplicate-elsewhere', e.message), h('div.form-actions', ask));
}

// Files the transfer request for the person of `idNumber` into `household`, with a reason.
async function requestTransfer(holder, idNumber, household) {
  const reason = h('textarea#transfer-reason', { rows: 3, maxlength: 500, placeholder: '如：已在本网格购房居住，户口随迁' });
  const error = h('div');
  const where = [holder.community, holder.grid].filter(Boolean).join(' · ');
  const body = h('div',
    h('p', `此人登记在 ${where}。提交后由该网格的网格员或社区管理员审批，同意后此人迁入“${nameOf(household)}”。`),
    h('div.field', h('label', { for: 'transfer-reason' }, '申请原因（必填）'), reason), error);
  const r = await dialog('申请迁入本户', body, [{ label: '取消' }, {
    label: '提交申请',
    primary: true,
    onClick: async () => {
      error.replaceChildren();
      if (!reason.value.trim()) { error.append(notice('error', '请填写申请原因')); return false; }
      try {
        await reg.requestTransfer({ id_number: idNumber, to_household_id: Number(household.id), reason: reason.value.trim() });
        return true;
      } catch (err) {
        error.append(notice('error', err.message));
        return false;
      }
    },
  }]);
  if (r === '提交申请') {
    toast('已提交迁入申请，等待对方网格审批');
    navigate('/transfers');
  }
}

// Puts `node` right under the field `key` of `form` (or at its end when the field is absent).
function placeAfterField(form, key, node) {
  const input = form.input(key);
  const box = input && input.closest('.field');
  if (box) box.after(node);
  else form.el.append(node);
}

async function renderNew(cat, query) {
  const householdId = query.household;
  const household = householdId ? await reg.getHousehold(householdId) : null;
  // No relationship is preset: a wrong default (户主 for every member) is worse than none.
  const form = buildForm(cat, personFields(cat), {});
  const head = headChoice(cat, form, household, null);
  placeAfterField(form, 'relationship', head.box);
  const dups = duplicateWatch(form);
  const status = h('div');
  let acknowledged = false;
  const submit = async (ev) => {
    ev.preventDefault();
    form.clearErrors();
    status.replaceChildren();
    await dups.check();
    if (dups.exact().length) {
      const p = dups.exact()[0];
      const r = await dialog('身份证号已登记', h('p', `身份证号已登记为“${p.fields.name || '（无姓名）'}”。同一身份证号不能登记两次，请打开该人员核对或修改。`),
        [{ label: '返回修改' }, { label: '打开已登记的人员', primary: true }]);
      if (r === '打开已登记的人员') navigate(`/persons/${p.id}`);
      return;
    }
    if (dups.fuzzy().length && !acknowledged) {
      const r = await dialog('可能重复', h('p', `登记库中已有 ${dups.fuzzy().length} 位姓名和出生日期相同的人员（见表单上方）。确定这是另一个人并继续保存吗？保存后将生成一条待核实事项。`),
        [{ label: '返回核对' }, { label: '仍然保存', primary: true }]);
      if (r !== '仍然保存') return;
      acknowledged = true;
    }
    head.setError('');
    const becomesHead = head.needed();
    if (becomesHead && !head.value()) { head.setError('请为原户主选择新的与户主关系'); return; }
    const values = form.values();
    // The new head's relationship is set by the head change itself, after the person exists.
    if (becomesHead) values.relationship = null;
    try {
      const p = await reg.createPerson(values, householdId);
      if (becomesHead) {
        try {
          await head.apply(p.id);
        } catch (e) {
          toast(`已保存，但未能设为户主：${e.message}`, 'error');
          navigate(`/persons/${p.id}`);
          return;
        }
      }
      toast(`已保存：${p.fields.name || form.get('name')}`);
      navigate(householdId ? `/households/${householdId}` : `/persons/${p.id}`);
    } catch (e) {
      if (e.status === 422) {
        const rest = form.setErrors(e.fieldErrors());
        status.append(notice('error', e.message, Object.values(rest).length ? `：${Object.values(rest).join('；')}` : ''));
      } else if (e.status === 409 && e.code === 'already_exists') {
        status.append(duplicateNotice(e, { idNumber: form.get('id_number'), household }));
      } else {
        status.append(notice('error', e.message));
      }
    }
  };
  return h('div', crumbs(household, { self: true }),
    h('div.page-head', h('h1', '新增人员'), household ? h('span.muted', `加入户：${nameOf(household)}`) : null),
    h('form.card#person-form', { onsubmit: submit, novalidate: true },
      status, dups.box,
      form.el,
      h('div.form-actions', h('button.primary#save-person', { type: 'submit' }, '保存'),
        h('a.button', { href: householdId ? `/households/${householdId}` : '/residents', 'data-link': true }, '取消'))));
}

async function renderExisting(cat, id, query = {}) {
  // ID numbers and phones come masked ("concealed"); "显示完整信息" asks again with reveal=1,
  // which the server audits. Concealed values are read-only until shown in full.
  const reveal = query.reveal === '1';
  const [person, observations] = await Promise.all([reg.getPerson(id, { reveal }), reg.provenance(id)]);
  const household = person.parent_id && person.status === 'active'
    ? await reg.getHousehold(person.parent_id).catch(() => null) : null;
  const concealed = person.concealed || [];
  const prov = Object.fromEntries(observations.map((p) => [p.field, p]));
  const writer = session.may('write_register');
  const editable = writer && person.status !== 'deceased';
  const form = buildForm(cat, personFields(cat), {
    values: person.fields,
    masked: new Set([...person.masked, ...concealed]),
    readOnly: !editable,
    provenance: (key) => provenanceLine(cat, id, key, prov),
  });
  // Only an editable form offers choosing 户主 (a read-only one has no control to show).
  const head = headChoice(cat, form, editable ? household : null, id);
  if (editable) placeAfterField(form, 'relationship', head.box);
  const status = h('div');
  const submit = async (ev) => {
    ev.preventDefault();
    form.clearErrors();
    head.setError('');
    status.replaceChildren();
    const changed = form.changedValues();
    if (!Object.keys(changed).length) { toast('没有修改'); return; }
    const becomesHead = head.needed() && changed.relationship === '02';
    if (becomesHead && !head.value()) { head.setError('请为原户主选择新的与户主关系'); return; }
    try {
      if (becomesHead) {
        // The head change first (it sets both relationships), then the other changed fields
        // over the version it left.
        await head.apply(id);
        delete changed.relationship;
        if (Object.keys(changed).length) {
          const fresh = await reg.getPerson(id, { reveal });
          await reg.updatePerson(id, changed, fresh.etag);
        }
        toast('已保存，此人现为户主');
        navigate(`/persons/${id}`, { replace: true });
        return;
      }
      await reg.updatePerson(id, changed, person.etag);
      toast('已保存');
      navigate(`/persons/${id}`, { replace: true });
    } catch (e) {
      if (e.status === 422) {
        const fieldErrors = e.fieldErrors();
        if (fieldErrors.previous_head_relationship) head.setError(fieldErrors.previous_head_relationship);
        delete fieldErrors.previous_head_relationship;
        const rest = form.setErrors(fieldErrors);
        status.append(notice('error', e.message, Object.values(rest).length ? `：${Object.values(rest).join('；')}` : ''));
      } else if (e.status === 412) {
        // Read the other version as this page was read: a shown-in-full page compares full values.
        const current = await reg.getPerson(id, { reveal });
        const r = await resolveConflict({ catalog: cat, entity: 'person', base: person.fields, mine: changed, theirs: current.fields });
        if (!r) return;
        if (r.discard) { navigate(`/persons/${id}`, { replace: true }); return; }
        try {
          await reg.updatePerson(id, r.values, current.etag);
          toast('已按所选保存');
          navigate(`/persons/${id}`, { replace: true });
        } catch (e2) {
          status.append(notice('error', e2.message));
        }
      } else {
        status.append(notice('error', e.message));
      }
    }
  };
  const name = person.fields.name || '（无姓名）';
  return h('div', crumbs(person),
    h('div.page-head', h('h1#person-name', name), reg.statusBadge(person.status),
      person.parent_id ? h('a', { href: `/households/${person.parent_id}`, 'data-link': true }, '查看所在户') : null,
      h('span.spacer'),
      concealed.length ? h('button#reveal-person', {
        type: 'button', title: '查看完整的身份证号和电话（将记入审计日志）',
        onclick: () => navigate(`/persons/${id}?reveal=1`, { replace: true }),
      }, '显示完整信息') : null,
      moveButton(cat, person)),
    person.status === 'deceased' ? notice('info', '该人员已登记死亡，记录保留但不再修改。') : null,
    h('form.card#person-form', { onsubmit: submit, novalidate: true },
      status, form.el,
      editable ? h('div.form-actions', h('button.primary#save-person', { type: 'submit' }, '保存修改'),
        h('span.muted.small', '每项下方显示该值的来源；点“历史”查看它的变化。')) : null),
    tagsCard(cat, person));
}

export async function render({ id }, query) {
  const cat = await loadCatalog();
  return id ? renderExisting(cat, id, query || {}) : renderNew(cat, query);
}
