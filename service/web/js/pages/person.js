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

// The possible-duplicates box of a new person's form.
function duplicateWatch(form) {
  const box = h('div.dup-box#duplicates', { hidden: true });
  let found = [];
  let seq = 0;
  const check = async () => {
    const id = idn.parse(form.get('id_number') || '');
    const name = form.get('name');
    const birth = form.get('birth_date');
    const my = ++seq;
    const hits = new Map();
    try {
      if (id.ok) for (const p of await reg.findPersons({ q: id.normalized })) hits.set(p.id, p);
      if (name && birth) {
        for (const p of await reg.findPersons({ q: name })) {
          if (p.fields.birth_date === birth && p.fields.name === name) hits.set(p.id, p);
        }
      }
    } catch (e) { return; }
    if (my !== seq) return;
    found = [...hits.values()];
    box.replaceChildren();
    box.hidden = !found.length;
    if (!found.length) return;
    box.append(notice('warn', h('strong', '可能重复：'), '登记库中已有相似的人员，请先核对，避免重复登记。',
      h('ul', found.map((p) => h('li', h('a', { href: `/persons/${p.id}`, target: '_blank' }, p.fields.name || '（无姓名）'),
        ` · ${p.fields.birth_date || '出生日期不详'} · 身份证号 ${idn.maskId(p.fields.id_number || '') || '无'}`)))));
  };
  for (const k of ['id_number', 'name', 'birth_date']) {
    const input = form.input(k);
    if (input) input.addEventListener('change', check);
  }
  return { box, check, found: () => found };
}

async function renderNew(cat, query) {
  const householdId = query.household;
  const household = householdId ? await reg.getHousehold(householdId) : null;
  const form = buildForm(cat, personFields(cat), {});
  // The first member of a household without a head is most likely its head.
  if (household && !household.fields.head_person_id) form.set('relationship', '02');
  const dups = duplicateWatch(form);
  const status = h('div');
  let acknowledged = false;
  const submit = async (ev) => {
    ev.preventDefault();
    form.clearErrors();
    status.replaceChildren();
    await dups.check();
    if (dups.found().length && !acknowledged) {
      const r = await dialog('可能重复', h('p', `登记库中已有 ${dups.found().length} 位相似的人员（见表单上方）。确定这是另一个人并继续保存吗？`),
        [{ label: '返回核对' }, { label: '仍然保存', primary: true }]);
      if (r !== '仍然保存') return;
      acknowledged = true;
    }
    try {
      const p = await reg.createPerson(form.values(), householdId);
      toast(`已保存：${p.fields.name || form.get('name')}`);
      navigate(householdId ? `/households/${householdId}` : `/persons/${p.id}`);
    } catch (e) {
      if (e.status === 422) {
        const rest = form.setErrors(e.fieldErrors());
        status.append(notice('error', e.message, Object.values(rest).length ? `：${Object.values(rest).join('；')}` : ''));
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
  const status = h('div');
  const submit = async (ev) => {
    ev.preventDefault();
    form.clearErrors();
    status.replaceChildren();
    const changed = form.changedValues();
    if (!Object.keys(changed).length) { toast('没有修改'); return; }
    try {
      await reg.updatePerson(id, changed, person.etag);
      toast('已保存');
      navigate(`/persons/${id}`, { replace: true });
    } catch (e) {
      if (e.status === 422) {
        const rest = form.setErrors(e.fieldErrors());
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
