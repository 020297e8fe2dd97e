// Choosing 户主 on the person form. A household has exactly one head (the server refuses a
// second one, household_head.h): when the worker picks 户主 for someone while the household has
// another head, the form asks what the previous head becomes, and the save changes the head
// through POST /households/{id}/head, which gives both their relationship in one transaction.
import { h } from '../dom.js';
import * as reg from '../reg.js';
import { relationshipSelect } from './person_move.js';

const HEAD = '02';

// headChoice(cat, form, household, personId) → {box, needed(), value(), setError(msg), apply(personId)}.
// `household` is the row the person belongs to (or joins), null when none.
export function headChoice(cat, form, household, personId) {
  const headId = household && household.fields.head_person_id;
  const otherHead = headId && String(headId) !== String(personId || '') ? headId : null;
  const select = relationshipSelect(cat, '');
  select.id = 'f-previous-head-relationship';
  select.name = 'previous_head_relationship';
  // 户主 itself is not a choice for the previous head.
  for (const o of [...select.options]) if (o.value === HEAD) o.remove();
  const label = h('label', { for: select.id }, '原户主的新关系', h('span.req', '*'));
  const err = h('div.err#err-previous_head_relationship', { role: 'alert', hidden: true });
  const box = h('div.field.head-choice#head-choice', { hidden: true },
    label, select, err,
    h('div.hint', '一户只能有一位户主。保存时此人成为户主，原户主改为所选关系。'));
  const rel = form.input('relationship');
  const needed = () => Boolean(otherHead && rel && rel.value === HEAD);
  let named = false;
  const refresh = async () => {
    box.hidden = !needed();
    if (!box.hidden && !named && otherHead) {
      named = true;
      try {
        const head = await reg.getPerson(otherHead);
        label.firstChild.textContent = `原户主“${head.fields.name || '（无姓名）'}”的新关系`;
      } catch (e) { /* the generic label stays */ }
    }
  };
  if (rel) rel.addEventListener('change', refresh);
  refresh();
  const setError = (msg) => {
    err.textContent = msg || '';
    err.hidden = !msg;
    box.classList.toggle('invalid', Boolean(msg));
    if (msg) select.focus();
  };
  return {
    box,
    needed,
    value: () => select.value,
    setError,
    // Makes `id` the head; the previous head gets the chosen relationship. Reads the household
    // again for its current ETag (adding a member does not change it, a concurrent edit may).
    async apply(id) {
      const current = await reg.getHousehold(household.id);
      return reg.setHead(household.id, id, current.etag, select.value);
    },
  };
}
