// 待核实: possible duplicates side by side (是同一人 → link, 不是同一人 → keep apart) and
// conflicting values with their sources (choose one).
import { h, toast, notice, pagedTable, fmtTime, clear } from '../dom.js';
import * as reg from '../reg.js';
import { load as loadCatalog } from '../catalog.js';
import { navigate } from '../main.js';

export const title = '待核实';

const KIND = { duplicate: '可能重复', conflict: '数据冲突' };
const STATUS = { open: '待处理', linked: '已合并', kept_apart: '已确认非同一人', resolved: '已处理' };

// An item's detail is the ingest's JSON text (review_handlers.h): for a duplicate {score,
// probability, matched_on (the comparison levels, in Chinese), levels, blocking, source,
// record_key}; for a conflict {field, kept: "current" | "incoming", current, incoming, fields:
// [the same for every field the item names]}, each value a claim {value, source, trust,
// observed_at, source_record_id}.
const parseDetail = (item) => JSON.parse(item.detail);

// A source as a person reads it: its title (the item's source_titles, review_handlers.h), not
// its id; a worker's entry as such.
function sourceText(s, titles = {}) {
  if (!s || s === 'manual' || s.startsWith('manual:')) return '人工录入';
  return titles[s] || s;
}

async function duplicateView(cat, item) {
  const [a, b] = await Promise.all([reg.getPerson(item.entity_id), reg.getPerson(item.other_id)]);
  const detail = parseDetail(item);
  const keys = cat.fields('person').filter((f) => !f.derived).map((f) => f.key)
    .filter((k) => k in a.fields || k in b.fields);
  const rows = keys.map((k) => {
    const f = cat.field('person', k);
    // A row's `fields` holds only the fields that have a value.
    const va = a.fields[k] ?? '';
    const vb = b.fields[k] ?? '';
    return h('tr', { class: va !== vb ? 'differs' : '' }, h('th', f.label),
      h('td.mine', cat.label('person', k, va)), h('td.theirs', cat.label('person', k, vb)));
  });
  const status = h('div');
  const act = (resolution, label) => h('button', {
    type: 'button', class: resolution === 'link' ? 'primary' : '', dataset: { action: resolution },
    onclick: async () => {
      try {
        await reg.reviewResolve(item.id, resolution, {}, item.etag);
        toast(`已处理：${label}`);
        navigate('/review', { replace: true });
      } catch (e) { status.replaceChildren(notice('error', e.message)); }
    },
  }, label);
  return h('div',
    h('p.muted', `匹配概率 ${(detail.probability ?? detail.score).toFixed(3)}`,
      detail.matched_on ? `（依据：${detail.matched_on}）` : '', `，来自 ${sourceText(detail.source, item.source_titles)}`),
    status,
    h('div.table-wrap', h('table.list.compare', h('thead', h('tr', h('th', '字段'),
      h('th', h('a', { href: `/persons/${a.id}`, 'data-link': true }, `人员 A（${a.fields.name || a.id}）`)),
      h('th', h('a', { href: `/persons/${b.id}`, 'data-link': true }, `人员 B（${b.fields.name || b.id}）`)))),
    h('tbody', rows))),
    item.status === 'open' ? h('div.form-actions', act('link', '是同一人，合并'), act('keep-apart', '不是同一人'),
      h('span.muted.small', '合并后保留人员 A 的编号，B 的来源记录和标签并入 A。')) : null);
}

// A conflict's field: a catalog field, or "household" (the person's household, not a field).
const fieldLabel = (cat, key) => (key === 'household' ? '所在户' : (cat.field('person', key) || { label: key }).label);
const valueView = (cat, key, value) => (key === 'household'
  ? h('a', { href: `/households/${value}`, 'data-link': true }, `户 #${value}`)
  : cat.label('person', key, value));

async function conflictView(cat, item) {
  const detail = parseDetail(item);
  const person = await reg.getPerson(item.entity_id);
  // One item per person and run may name several fields (detail.fields); older items one.
  const parts = detail.fields || [detail];
  const chosen = {};
  const status = h('div');
  // Nothing to adopt until a value is picked: the button says so by being disabled.
  const adopt = h('button.primary#review-adopt', { type: 'button', disabled: true, 'aria-describedby': 'review-adopt-hint' }, '采用所选值');
  const hint = h('span.muted.small#review-adopt-hint', '请先在上方选择要采用的值');
  const sections = parts.map((part) => {
    // Survivorship's detail: the value held so far ("current") and the one that disagreed.
    const candidates = [{ ...part.current, kept: part.kept === 'current' },
      { ...part.incoming, kept: part.kept === 'incoming' }];
    const rows = candidates.map((c, i) => h('tr',
      h('td', h('label', h('input', {
        type: 'radio', name: `pick-${part.field}`, value: i,
        onchange: () => { chosen[part.field] = c.value; adopt.disabled = false; hint.hidden = true; status.replaceChildren(); },
      }), ' ', valueView(cat, part.field, c.value))),
      h('td', h('span.source', sourceText(c.source, item.source_titles)), h('span.muted.small', `（可信度 ${c.trust}）`),
        c.kept ? h('span.badge.green', '当前采用') : null),
      h('td.nowrap', fmtTime(c.observed_at))));
    return h('div', h('h3', `字段「${fieldLabel(cat, part.field)}」`),
      h('div.table-wrap', h('table.list', h('thead', h('tr', h('th', '值'), h('th', '来源'), h('th', '时间'))),
        h('tbody', rows))));
  });
  const labels = parts.map((p) => fieldLabel(cat, p.field)).join('、');
  const view = h('div',
    h('p', `人员：`, h('a', { href: `/persons/${item.entity_id}`, 'data-link': true }, person.fields.name || `#${item.entity_id}`),
      `，${labels}有多个来源给出了不同的值。未选择的字段保留系统按取值规则采用的值。`),
    status, ...sections,
    item.status === 'open' ? h('div.form-actions', adopt, hint) : null);
  adopt.addEventListener('click', async () => {
    if (!Object.keys(chosen).length) return;
    adopt.disabled = true;
    try {
      await reg.reviewResolve(item.id, 'choose', { values: chosen }, item.etag);
      toast('已采用所选值');
      navigate('/review', { replace: true });
    } catch (e) {
      adopt.disabled = false;
      status.replaceChildren(notice('error', e.message));
    }
  });
  return view;
}

export async function render(params, query) {
  const cat = await loadCatalog();
  const state = query.status || 'open';
  const detail = h('div.card#review-detail', h('p.muted', '从左侧列表选择一项进行核实。'));
  const open = async (item) => {
    clear(detail).append(h('p.muted', '正在加载…'));
    try {
      const full = await reg.reviewGet(item.id);
      const body = full.kind === 'duplicate' ? await duplicateView(cat, full) : await conflictView(cat, full);
      clear(detail).append(h('h2', KIND[full.kind] || full.kind, ' ', h('span.badge', STATUS[full.status] || full.status)), body);
    } catch (e) {
      clear(detail).append(notice('error', e.message));
    }
  };
  const tabs = h('div.tabs', Object.entries({ open: '待处理', done: '已处理' }).map(([k, label]) =>
    h('button', { type: 'button', class: (state === 'open') === (k === 'open') ? 'active' : '', onclick: () => navigate(`/review?status=${k}`) }, label)));
  const list = pagedTable(['类型', '人员与内容', '时间'],
    (item) => h('tr.clickable', { onclick: () => open(item), dataset: { review: item.id } },
      h('td', h('span.badge', { class: item.kind === 'duplicate' ? 'amber' : 'red' }, KIND[item.kind] || item.kind)),
      h('td', item.kind === 'conflict'
        ? [h('strong', item.person_name || `人员 #${item.entity_id}`), '：', item.field.split(',').map((k) => fieldLabel(cat, k)).join('、')]
        : [h('strong', item.person_name || `人员 #${item.entity_id}`), ' 与 ', h('strong', item.other_name || `#${item.other_id}`)]),
      h('td.nowrap.small', fmtTime(item.created_at))),
    async (after) => {
      const data = await reg.reviewList(state === 'open' ? 'open' : 'all', after);
      if (state !== 'open') data.items = data.items.filter((x) => x.status !== 'open');
      return data;
    },
    { empty: state === 'open' ? '没有待核实的事项' : '没有已处理的事项' });
  return h('div', h('div.page-head', h('h1', '待核实')), tabs,
    h('div.split.wide-left', h('div.card', list), detail));
}
