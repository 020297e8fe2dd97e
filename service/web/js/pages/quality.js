// 数据质量: per grid, how complete the key fields are, invalid ID numbers and ID numbers that
// contradict birth date or sex, and open review items.
import { h } from '../dom.js';
import * as api from '../api.js';
import { load as loadCatalog } from '../catalog.js';

export const title = '数据质量';

// The fields a worker is asked about most (they go into most department tables).
const KEY_FIELDS = ['name', 'id_number', 'gender', 'birth_date', 'ethnicity', 'phone', 'relationship', 'population_type', 'current_address'];

function bar(n, total) {
  const pct = total ? Math.round((100 * n) / total) : 100;
  return h('td.num', { title: `${n} / ${total}` }, h('div', `${pct}%`),
    h('div.bar', { class: pct < 60 ? 'bad' : pct < 90 ? 'low' : '' }, h('span', { dataset: { pct } })));
}

// Active persons in no household (only a whole-register account is told of them): each opens
// the person page, whose 迁入/迁移 places them in a household.
function unplacedCard(unplaced) {
  const count = unplaced.count || 0;
  return h('section.card#unplaced', { 'aria-labelledby': 'unplaced-title' },
    h('h2#unplaced-title', `未入户人员（${count} 人）`),
    count ? h('p.muted', '这些人员不属于任何户，网格员看不到他们。打开人员后点“迁移”为其选择所在户。') : h('p.muted', '没有未入户的在册人员。'),
    count ? h('ul.plain-list', unplaced.items.map((p) => h('li', { dataset: { person: p.id } },
      h('a', { href: `/persons/${p.id}`, 'data-link': true }, p.name || `人员 ${p.id}`),
      p.birth_date ? h('span.muted', ` · ${p.birth_date}`) : null))) : null,
    count > unplaced.items.length ? h('p.muted.small', `仅列出前 ${unplaced.items.length} 人。`) : null);
}

export async function render() {
  // The key fields the caller sees unmasked and that are stored: the server refuses others (400),
  // as the completeness of a masked field would tell something of its values.
  const cat = await loadCatalog();
  const keys = KEY_FIELDS.filter((k) => { const f = cat.field('person', k); return f && f.visible && !f.derived; });
  // {fields: [{key, label}], grids: [{id, code, name, community, persons, filled, invalid_ids,
  // id_conflicts, open_reviews}], totals} (quality_handlers.h).
  const { data } = await api.get('/api/v1/quality', { fields: keys.join(',') });
  const { fields } = data;
  const row = (g, label, code) => h('tr', { dataset: { grid: code } },
    h('th', label), h('td.num', g.persons),
    fields.map((f) => bar(g.filled[f.key], g.persons)),
    h('td.num', g.invalid_ids ? h('span.badge.red', g.invalid_ids) : '0'),
    h('td.num', g.id_conflicts ? h('span.badge.amber', g.id_conflicts) : '0'),
    h('td.num', g.open_reviews ? h('a', { href: '/review', 'data-link': true }, g.open_reviews) : '0'));
  const table = h('table.list#quality-table', h('thead', h('tr', h('th', '网格'), h('th.num', '在册人数'),
    fields.map((f) => h('th.num', f.label)), h('th.num', '无效身份证号'), h('th.num', '身份证号与出生日期/性别不符'), h('th.num', '待核实'))),
  h('tbody', data.grids.map((g) => row(g, `${g.community} · ${g.name}`, g.code)),
    data.grids.length > 1 ? row(data.totals, '合计', '') : null));
  const el = h('div', h('div.page-head', h('h1', '数据质量')),
    h('p.muted', '完整度 = 该字段已填写的在册人员比例。点击“待核实”数字处理重复和冲突。'),
    h('div.card', h('div.table-wrap', table)),
    data.unplaced ? unplacedCard(data.unplaced) : null);
  // Bar widths via CSSOM (the page's content security policy forbids inline style attributes).
  for (const s of el.querySelectorAll('.bar > span')) s.style.width = `${s.dataset.pct}%`;
  return el;
}
