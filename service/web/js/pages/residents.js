// 居民: search by name, ID number, its last 4 characters, or phone; and the tree of the user's
// grids (district → street → community → grid) to browse down to buildings and households.
import { h, clear, pagedTable, unavailable } from '../dom.js';
import * as reg from '../reg.js';
import * as idn from '../idnumber.js';
import { navigate } from '../main.js';
import { load as loadCatalog } from '../catalog.js';

export const title = '居民';

// What the typed text most likely is, for the label under the box.
export function searchKind(q) {
  const s = idn.foldWidth(q).toUpperCase();
  if (/^\d{3}[\dX]$/.test(s)) return { kind: 'last4', label: '身份证号后四位' };
  if (/^\d{17}[\dX]$/.test(s) || /^\d{15}$/.test(s)) return { kind: 'id_number', label: '身份证号' };
  if (/^[\d-]{7,13}$/.test(s)) return { kind: 'phone', label: '联系电话' };
  if (/\d/.test(s)) return { kind: 'any', label: '号码' };
  return { kind: 'name', label: '姓名' };
}

function treeView(tree) {
  const count = (c) => (c ? h('span.count', `${c.persons} 人`) : null);
  const gridItem = (g) => h('li', h('a', { href: `/grids/${g.id}`, 'data-link': true, dataset: { grid: g.code } }, g.name),
    count(g.counts));
  const communityItem = (c) => h('li', h('strong', c.name), count(c.counts), h('ul', (c.grids || []).map(gridItem)));
  const streetItem = (s) => h('li', s.name ? h('span.label', s.name) : null, h('ul', (s.communities || []).map(communityItem)));
  const items = (tree.districts || []).map((d) => h('li', d.name ? h('span.label', d.name) : null,
    h('ul', (d.streets || []).map(streetItem))));
  if (!tree.districts || !tree.districts.length) return h('p.muted', '您的权限范围内没有网格。');
  return h('div.tree', h('ul', items));
}

async function all(loader) {
  const items = [];
  let after = 0;
  for (let i = 0; i < 50; i += 1) {
    const p = await loader(after);
    items.push(...p.items);
    if (p.next_after === null || p.next_after === undefined) break;
    after = p.next_after;
  }
  return items;
}

// The tree shape of GET /tree, built from the grids the caller may see (GET /grids is limited to
// the caller's scope, /tree is not).
export async function browseTree() {
  if (reg.can('tree') || !reg.can('listGrids')) return reg.tree();
  const [grids, communities] = await Promise.all([all(reg.listGrids), all(reg.listCommunities).catch(() => [])]);
  const byId = new Map(communities.map((c) => [c.id, { name: c.values.name || c.values.code, code: c.values.code, counts: null, grids: [] }]));
  for (const g of grids) {
    if (!byId.has(g.parent_id)) byId.set(g.parent_id, { name: `社区 ${g.parent_id}`, code: '', grids: [] });
    byId.get(g.parent_id).grids.push({ id: g.id, code: g.values.code, name: g.values.name || g.values.code, counts: null });
  }
  const list = [...byId.values()].filter((c) => c.grids.length);
  return { districts: [{ name: '', streets: [{ name: '', communities: list }] }] };
}

export async function render(params, query) {
  const q = query.q || '';
  const cat = await loadCatalog();
  const input = h('input#resident-search', {
    type: 'search', value: q, placeholder: '姓名、身份证号、身份证号后四位或联系电话', autocomplete: 'off',
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
    if (!reg.can('searchPersons')) {
      results.append(unavailable('居民搜索', 'GET /api/v1/persons'));
    } else {
      const kind = searchKind(q);
      results.append(h('h2', `搜索“${q}”`, h('span.muted.small', `（按${kind.label}）`)),
        pagedTable(
          ['姓名', '性别', '出生日期', '身份证号', '联系电话', '住址', '状态'],
          (p) => h('tr.clickable', { onclick: () => navigate(`/persons/${p.id}`), dataset: { person: p.id } },
            h('td', h('a', { href: `/persons/${p.id}`, 'data-link': true }, p.values.name || '（无姓名）')),
            h('td', cat.label('person', 'gender', p.values.gender)),
            h('td.nowrap', p.values.birth_date || ''),
            h('td.mono', p.values.id_number || ''),
            h('td.nowrap', p.values.phone || ''),
            h('td', p.place || p.values.current_address || ''),
            h('td', reg.statusBadge(p.status))),
          (after) => reg.searchPersons(q, kind.kind, after),
          { empty: '没有找到匹配的居民（只搜索您权限范围内的网格）' }));
    }
  }

  const treeBox = h('div.card', h('h2', '按网格浏览'), h('p.muted', '正在加载…'));
  browseTree().then((tree) => {
    clear(treeBox).append(h('h2', '按网格浏览'), treeView(tree));
  }).catch((e) => {
    clear(treeBox).append(h('h2', '按网格浏览'), h('p.notice.error', e.message));
  });

  setTimeout(() => { if (!q) input.focus(); }, 0);
  return h('div',
    h('div.page-head', h('h1', '居民')),
    h('div.split', treeBox, h('div', h('div.card', form, kindLabel), results)));
}
