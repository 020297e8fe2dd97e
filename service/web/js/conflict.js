// Someone else saved first (HTTP 412): show both versions side by side and let the worker choose,
// field by field, what to keep; then save the choice against the version now current.
import { h, dialog } from './dom.js';

// resolveConflict({catalog, entity, base, mine, theirs}) → merged values to save, or null when the
// worker cancels. base: the values the worker's form was opened with; mine: what the worker
// changed; theirs: the current row's values (someone else's save).
export async function resolveConflict({ catalog, entity, base, mine, theirs, theirsBy }) {
  const norm = (v) => (v === undefined || v === '' ? null : v);
  const keys = new Set([...Object.keys(mine)]);
  for (const k of Object.keys(theirs)) if (norm(theirs[k]) !== norm(base[k])) keys.add(k);
  const choice = {};
  const rows = [];
  for (const k of keys) {
    const f = catalog.field(entity, k);
    if (!f || f.derived) continue;
    const m = k in mine ? norm(mine[k]) : norm(base[k]);
    const t = norm(theirs[k]);
    const show = (v) => (v === null ? h('span.muted', '（空）') : catalog.label(entity, k, v));
    const differs = m !== t;
    choice[k] = differs && k in mine ? 'mine' : 'theirs';
    const radio = (side) => h('input', {
      type: 'radio', name: `pick-${k}`, value: side, checked: choice[k] === side,
      onchange: () => { choice[k] = side; },
      dataset: { field: k, side },
    });
    rows.push(h('tr', { class: differs ? 'differs' : '' },
      h('th', f.label),
      h('td.mine', differs ? h('label', radio('mine'), show(m)) : show(m)),
      h('td.theirs', differs ? h('label', radio('theirs'), show(t)) : show(t))));
  }
  const body = h('div#conflict-view',
    h('p.notice.warn', '在您编辑期间，其他人已经保存了这条记录。请逐项选择要保留的值，然后保存。'),
    h('table.list.compare', h('thead', h('tr', h('th', '字段'), h('th', '我的修改'),
      h('th', '对方已保存的值', theirsBy ? h('div.small.muted', theirsBy) : null))), h('tbody', rows)));
  const r = await dialog('保存冲突：请选择要保留的值', body,
    [{ label: '放弃我的修改' }, { label: '按所选保存', primary: true }]);
  if (r !== '按所选保存') return r === '放弃我的修改' ? { discard: true } : null;
  const merged = {};
  for (const k of Object.keys(choice)) {
    // Keeping "mine" for a field the worker did not touch means keeping what they saw.
    if (choice[k] === 'mine') merged[k] = k in mine ? mine[k] : norm(base[k]);
  }
  return { values: merged };
}
