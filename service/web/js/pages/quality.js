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
    h('div.card', h('div.table-wrap', table)));
  // Bar widths via CSSOM (the page's content security policy forbids inline style attributes).
  for (const s of el.querySelectorAll('.bar > span')) s.style.width = `${s.dataset.pct}%`;
  return el;
}
