// A building's households: each with its 户号/房号, head's name, member count and the special-
// population tags its members hold; with the total, numbered pages (the page in the URL) and
// adding a household (for those who may write the register).
import { h } from '../dom.js';
import * as reg from '../reg.js';
import * as session from '../session.js';
import { navigate } from '../main.js';
import { crumbs, nameOf } from './place.js';
import { pagedList } from '../pager.js';

export const title = '楼栋';

export function tagBadges(tags) {
  if (!tags || !tags.length) return null;
  return h('ul.tag-badges', { 'aria-label': '特殊人群' }, tags.map((t) =>
    h('li.badge.amber', { dataset: { tag: t.tag }, title: `${t.label}：${t.members} 人` }, t.members > 1 ? `${t.label}×${t.members}` : t.label)));
}

export async function render({ id }, query) {
  const building = await reg.getBuilding(id);
  const add = session.may('write_register')
    ? h('a.button.primary#add-household', { href: `/households/new?building=${id}`, 'data-link': true }, '新增户') : null;
  const list = pagedList({
    id: 'households-list',
    headers: ['户', '户主', { label: '人数', num: true }, '特殊人群', '家庭地址'],
    unit: '户',
    page: query.page,
    load: (after, limit) => reg.householdSummaries(id, after, limit),
    empty: '这栋楼还没有登记户',
    row: (x, res) => {
      const s = (res.summaries || {})[x.id] || { members: 0, tags: [] };
      const room = x.fields.room && x.fields.room !== nameOf(x) ? ` · ${x.fields.room}` : '';
      return h('tr.clickable', { onclick: (ev) => { if (!ev.target.closest('a')) navigate(`/households/${x.id}`); }, dataset: { household: x.id } },
        h('td', { 'data-label': '户' }, h('a', { href: `/households/${x.id}`, 'data-link': true }, nameOf(x)), room),
        h('td.head-name', { 'data-label': '户主' }, s.head_name || (s.head_id ? '（已遮蔽）' : h('span.muted', '未设户主'))),
        h('td.num.members', { 'data-label': '人数' }, String(s.members ?? 0)),
        h('td', { 'data-label': '特殊人群' }, tagBadges(s.tags)),
        h('td', { 'data-label': '家庭地址' }, x.fields.address || ''));
    },
  });
  return h('div', crumbs(building),
    h('div.page-head', h('h1', nameOf(building)), building.fields.address ? h('span.muted', building.fields.address) : null,
      h('span.spacer'), add),
    h('div.card', list));
}
