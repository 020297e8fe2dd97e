// Entry forms generated from the catalog: one input per field of an entity, grouped by the
// catalog's module, typed by the field's type (code tables as selects, dates as date inputs),
// with the server's 422 messages shown under the field they name. For persons, a valid ID
// number fills birth date and sex (unless the worker typed something else there, which is then
// flagged as inconsistent, as the server would).

import { h, clear, today } from './dom.js';
import * as idn from './idnumber.js';

// Fields a worker never types: the tree's structure is edited with its own actions.
const MANAGED = new Set(['head_person_id']);

function inputFor(field, catalog, value, readOnly, masked) {
  const id = `f-${field.entity || 'attr'}-${field.key}`;
  const common = { id, name: field.key, disabled: readOnly };
  // A masked value is shown as the server sent it ("***"), whatever the field's type.
  if (masked) return h('input', { ...common, value: value ?? '***', title: '敏感信息：未获授权查看' });
  let el;
  switch (field.type) {
    case 'code': {
      const table = catalog.codes[field.codes];
      el = h('select', common, h('option', { value: '' }, '— 请选择 —'),
        (table ? table.entries : []).map((e) => h('option', { value: e.code }, e.label)));
      // A code the table does not know (an import's raw value) stays visible and selectable.
      if (value && table && !table.byCode[value]) el.append(h('option', { value }, `${value}（代码表中没有）`));
      break;
    }
    case 'boolean':
      el = h('select', common, h('option', { value: '' }, '—'), h('option', { value: '1' }, '是'),
        h('option', { value: '0' }, '否'));
      break;
    case 'date':
      el = h('input', { ...common, type: 'date', max: '2999-12-31' });
      break;
    case 'integer':
      el = h('input', { ...common, inputmode: 'numeric', autocomplete: 'off' });
      break;
    case 'decimal':
      el = h('input', { ...common, inputmode: 'decimal', autocomplete: 'off' });
      break;
    case 'phone':
      el = h('input', { ...common, type: 'tel', autocomplete: 'off', maxlength: field.max_length || 20 });
      break;
    case 'id_number':
      el = h('input', { ...common, autocomplete: 'off', maxlength: 18, spellcheck: 'false', class: 'mono' });
      break;
    default:
      el = field.max_length > 200
        ? h('textarea', common)
        : h('input', { ...common, autocomplete: 'off', maxlength: field.max_length || null });
  }
  el.value = value === null || value === undefined ? '' : value;
  return el;
}

// buildForm(catalog, fields, {values, readOnly, provenance: key → node, hidden: Set}) →
// {el, values(), changedValues(), setErrors(), clearErrors(), set(), get(), input()}
export function buildForm(catalog, fields, opts = {}) {
  const values = opts.values || {};
  const inputs = {};
  const errs = {};
  const boxes = {};
  const hints = {};
  const sections = new Map();
  for (const f of fields) {
    if (f.derived && (values[f.key] === undefined || values[f.key] === null)) continue;
    if ((opts.hidden && opts.hidden.has(f.key)) || (MANAGED.has(f.key) && !opts.showManaged)) continue;
    const masked = f.visible === false || Boolean(opts.masked && opts.masked.has(f.key));
    const readOnly = opts.readOnly || f.derived || masked || f.type === 'reference';
    const input = inputFor(f, catalog, values[f.key], readOnly, masked);
    inputs[f.key] = input;
    errs[f.key] = h('div.err', { id: `err-${f.key}`, role: 'alert', hidden: true });
    hints[f.key] = h('div.hint', { hidden: true });
    const box = h('div.field', { class: masked ? 'masked' : '', dataset: { field: f.key } },
      h('label', { for: input.id, title: f.doc || '' }, f.label, f.required ? h('span.req', '*') : null,
        masked ? h('span.badge', { title: '敏感信息：未获授权查看' }, '已遮蔽') : null),
      input, errs[f.key], hints[f.key],
      opts.provenance ? opts.provenance(f.key) : null);
    boxes[f.key] = box;
    const mod = opts.flat ? '' : (f.module || '');
    if (!sections.has(mod)) sections.set(mod, []);
    sections.get(mod).push(box);
  }
  const el = h('div.form-body');
  for (const [mod, list] of sections) {
    el.append(h('div.form-section', mod ? h('h3', mod) : null, h('div.fields', list)));
  }

  const api = {
    el,
    input: (k) => inputs[k],
    get: (k) => (inputs[k] ? inputs[k].value.trim() : undefined),
    set(k, v) { if (inputs[k]) inputs[k].value = v ?? ''; },
    // Values of the editable fields; an emptied field is null (cleared).
    values() {
      const out = {};
      for (const f of fields) {
        const input = inputs[f.key];
        if (!input || input.disabled) continue;
        const v = input.value.trim();
        out[f.key] = v === '' ? null : v;
      }
      return out;
    },
    // Only the fields whose value differs from what the form was opened with.
    changedValues() {
      const all = api.values();
      const out = {};
      for (const [k, v] of Object.entries(all)) {
        const before = values[k] === undefined || values[k] === '' ? null : values[k];
        if (v !== before) out[k] = v;
      }
      return out;
    },
    setErrors(map) {
      api.clearErrors();
      let first = null;
      for (const [k, msg] of Object.entries(map)) {
        if (!errs[k]) continue;
        errs[k].textContent = msg;
        errs[k].hidden = false;
        boxes[k].classList.add('invalid');
        first ||= inputs[k];
      }
      if (first) first.focus();
      // Errors on fields this form does not show are the caller's to display.
      return Object.fromEntries(Object.entries(map).filter(([k]) => !errs[k]));
    },
    setError(k, msg) {
      if (!errs[k]) return;
      errs[k].textContent = msg || '';
      errs[k].hidden = !msg;
      boxes[k].classList.toggle('invalid', Boolean(msg));
    },
    clearErrors() {
      for (const k of Object.keys(errs)) api.setError(k, '');
    },
    setHint(k, msg) {
      if (!hints[k]) return;
      hints[k].textContent = msg || '';
      hints[k].hidden = !msg;
    },
  };

  if (inputs.id_number && !inputs.id_number.disabled) wireIdNumber(api, inputs, opts.onIdNumber);
  return api;
}

// ID number → birth date and sex, live. Fills them when empty or when they hold what an earlier
// ID number filled; otherwise says they disagree.
function wireIdNumber(form, inputs, onIdNumber) {
  let autoBirth = null;
  let autoGender = null;
  const check = (final) => {
    const raw = inputs.id_number.value;
    const text = idn.foldWidth(raw);
    form.setHint('id_number', '');
    if (!text) { form.setError('id_number', ''); return; }
    if (!final && text.length < 15) { form.setError('id_number', ''); return; }
    if (!final && text.length > 15 && text.length < 18) { form.setError('id_number', ''); return; }
    const r = idn.parse(text, today());
    if (!r.ok) {
      form.setError('id_number', r.message);
      return;
    }
    form.setError('id_number', '');
    if (text.toUpperCase() !== r.normalized && (r.upgraded || final)) {
      inputs.id_number.value = r.normalized;
    }
    const filled = [];
    if (inputs.birth_date && !inputs.birth_date.disabled) {
      const cur = inputs.birth_date.value;
      if (!cur || cur === autoBirth) {
        inputs.birth_date.value = r.birthDate;
        autoBirth = r.birthDate;
        if (cur !== r.birthDate) filled.push('出生日期');
        form.setError('birth_date', '');
      } else if (cur !== r.birthDate) {
        form.setError('birth_date', `出生日期与身份证号中的出生日期不一致（身份证号为 ${r.birthDate}）`);
      }
    }
    if (inputs.gender && !inputs.gender.disabled) {
      const cur = inputs.gender.value;
      if (!cur || cur === autoGender) {
        inputs.gender.value = r.gender;
        autoGender = r.gender;
        if (cur !== r.gender) filled.push('性别');
        form.setError('gender', '');
      } else if (cur !== r.gender && (cur === '1' || cur === '2')) {
        form.setError('gender', `性别与身份证号不一致：身份证号表示${r.gender === '1' ? '男性' : '女性'}`);
      }
    }
    form.setHint('id_number', filled.length ? `已根据身份证号填写${filled.join('和')}` : '身份证号格式与校验位正确');
    if (onIdNumber) onIdNumber(r);
  };
  inputs.id_number.addEventListener('input', () => check(false));
  inputs.id_number.addEventListener('blur', () => check(true));
  for (const k of ['birth_date', 'gender']) {
    if (inputs[k]) inputs[k].addEventListener('change', () => check(true));
  }
}

// A plain list of label: value for read-only display of an entity's fields.
export function describe(catalog, entity, values, keys) {
  const dl = h('dl.kv');
  for (const key of keys) {
    const f = catalog.field(entity, key);
    if (!f) continue;
    const v = values[key];
    dl.append(h('dt', f.label), h('dd', v === null || v === undefined || v === '' ? h('span.muted', '—') : catalog.label(entity, key, v)));
  }
  return dl;
}

export { clear };
