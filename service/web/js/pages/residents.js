// 居民: search by any part of a name or address, an ID number (whole, its last 4 characters, or
// a part of at least 6), or phone; and the tree of the user's grids (district → street →
// community → grid) to browse down to buildings and households. The results show their total
// and are paged with the page in the URL (?q=…&page=N).
import { h, clear } from '../dom.js';
import { pagedList } from '../pager.js';
import * as reg from '../reg.js';
import * as idn from '../idnumber.js';
import { navigate } from '../main.js';
import { load as loadCatalog } from '../catalog.js';

export const title = '居民';

// What the typed text most likely is, for the label under the box; the same guess the server
// makes (person_search.h GuessSearchCriterion).
const KINDS = {
  id_number: '身份证号', id_last4: '身份证号后四位', phone: '联系电话', id_partial: '身份证号片段', text: '姓名或住址',
};
export function searchKind(q) {
  const s = idn.foldWidth(q).trim().toUpperCase();
  let kind = 'text';
  if (/^(\d{17}[\dX]|\d{15})$/.test(s)) kind = 'id_number';
  else if (/^\d{3}[\dX]$/.test(s)) kind = 'id_last4';
  else if (/^[\d -]{7,16}$/.test(s) && /[ -]/.test(s)) kind = 'phone';
  else if (/^(0\d+|1[3-9]\d{9})$/.test(s)) kind = 'phone';
  else if (/^\d{5,16}[\dX]$/.test(s)) kind = 'id_partial';
  return { kind, label: KINDS[kind] };
}

// GET /tree (tree_handlers.h): the caller's grids under their community, street and district,
// each node {id, code?, name?, counts: {buildings, households, persons}}.
function treeView(tree) {
  const count = (c) => h('span.count', `${c.persons} 人`);
  const gridItem = (g) => h('li', h('a', { href: `/grids/${g.id}`, 'data-link': true, dataset: { grid: g.code } }, g.name || g.code),
    count(g.counts));
  const communityItem = (c) => h('li', h('strong', c.name || c.code), count(c.counts), h('ul', c.grids.map(gridItem)));
  const streetItem = (s) => h('li', s.name ? h('span.label', s.name) : null, h('ul', s.communities.map(communityItem)));
  const items = tree.districts.map((d) => h('li', d.name ? h('span.label', d.name) : null,
    h('ul', d.streets.map(streetItem))));
  if (!tree.districts.length) return h('p.muted', '您的权限范围内没有网格。');
  return h('div.tree', h('ul', items));
}

export async function render(params, query) {
  const q = query.q || '';
  const cat = await loadCatalog();
  const input = h('input#resident-search', {
    type: 'search', value: q, placeholder: '姓名或住址的一部分、身份证号（全号、后四位或至少 6 位）、联系电话', autocomplete: 'off',
    'aria-label': '搜索居民',
  });
  const kindLabel = h('div.small.muted#search-kind');
  const showKind = () => {
    kindLabel.textContent = input.value.trim() ? `按${searchKind(input.value.trim()).label}搜索` : '输入后按回车搜索；只显示您权限范围内的居民。';
  };
  input.addEventListener('input', showKind);
  showKind();
  const form = h('form.search-bar', {
    onsubmit: (ev) => {
      ev.preventDefault();
      const v = input.value.trim();
      navigate(v ? `/residents?q=${encodeURIComponent(v)}` : '/residents');
    },
  }, input, h('button.primary', { type: 'submit' }, '搜索'));

  const results = h('div#search-results');
  if (q) {
    const kind = searchKind(q);
    results.append(h('h2', `搜索“${q}”`, h('span.muted.small', `（按${kind.label}）`)),
      pagedList({
        id: 'search-list',
        headers: ['姓名', '性别', '出生日期', '身份证号', '联系电话', '住址', '状态'],
        unit: '人',
        page: query.page,
        row: (p) => h('tr.clickable', { onclick: (ev) => { if (!ev.target.closest('a')) navigate(`/persons/${p.id}`); }, dataset: { person: p.id } },
          h('td', { 'data-label': '姓名' }, h('a', { href: `/persons/${p.id}`, 'data-link': true }, p.fields.name || '（无姓名）')),
          h('td', { 'data-label': '性别' }, cat.label('person', 'gender', p.fields.gender)),
          h('td.nowrap', { 'data-label': '出生日期' }, p.fields.birth_date || ''),
          h('td.mono', { 'data-label': '身份证号' }, p.fields.id_number || ''),
          h('td.nowrap', { 'data-label': '联系电话' }, p.fields.phone || ''),
          h('td', { 'data-label': '住址' }, p.fields.current_address || ''),
          h('td', { 'data-label': '状态' }, reg.statusBadge(p.status))),
        load: (after, limit) => reg.searchPersons(q, after, limit),
        empty: '没有找到匹配的居民（只搜索您权限范围内的网格）',
      }));
  }

  const treeBox = h('div.card', h('h2', '按网格浏览'), h('p.muted', '正在加载…'));
  reg.tree().then((tree) => {
    clear(treeBox).append(h('h2', '按网格浏览'), treeView(tree));
  }).catch((e) => {
    clear(treeBox).append(h('h2', '按网格浏览'), h('p.notice.error', e.message));
  });

  setTimeout(() => { if (!q) input.focus(); }, 0);
  return h('div',
    h('div.page-head', h('h1', '居民')),
    h('div.split', treeBox, h('div', h('div.card', form, kindLabel), results)));
}
