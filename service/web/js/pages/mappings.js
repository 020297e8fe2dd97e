// 报表映射 (admin): every mapping, with links to edit, a new one, and a draft made from a
// department's blank template (XLSX/CSV) by matching its headers against the catalog.
import { h, notice } from '../dom.js';
import * as tbl from '../tables_api.js';
import { navigate } from '../main.js';

export const title = '报表映射';

function draftCard() {
  const file = h('input#template-file', { type: 'file', accept: '.xlsx,.csv' });
  const titleInput = h('input#template-title', { placeholder: '报表标题（可选，默认取模板中的标题行）' });
  const status = h('div');
  return h('div.card', h('h2', '由空白模板生成草稿'),
    h('p.muted.small', '上传部门下发的空白表（XLSX 或 CSV），系统按表头匹配字段目录中的名称和别名，生成映射草稿；未匹配的列会列出，请在编辑器中补全。'),
    h('div.fields', h('div.field', h('label', { for: 'template-file' }, '模板文件'), file), h('div.field', h('label', { for: 'template-title' }, '标题'), titleInput)),
    status,
    h('div.form-actions', h('button.primary', {
      type: 'button',
      onclick: async () => {
        status.replaceChildren();
        if (!file.files[0]) { status.append(notice('error', '请先选择模板文件')); return; }
        try {
          const draft = await tbl.draftFromTemplate(file.files[0], titleInput.value.trim());
          sessionStorage.setItem('onetable.mapping_draft', JSON.stringify(draft));
          navigate('/admin/mappings/new?from=draft');
        } catch (e) { status.append(notice('error', e.message)); }
      },
    }, '生成草稿')));
}

export async function render() {
  const list = await tbl.list();
  // A file that does not check has only its id and problems.
  const rows = list.map((m) => h('tr.clickable', { onclick: () => navigate(`/admin/mappings/${m.id}`), dataset: { mapping: m.id } },
    h('td', h('a', { href: `/admin/mappings/${m.id}`, 'data-link': true }, m.valid ? m.title : m.id)),
    h('td', m.valid ? m.department : ''), h('td.mono.small', m.id), h('td', m.valid ? m.grain : ''),
    h('td', m.valid ? h('span.badge.green', '有效') : h('span.badge.red', `${m.problems.length} 个问题`))));
  return h('div', h('div.page-head', h('h1', '报表映射'), h('span.spacer'),
    h('a.button.primary', { href: '/admin/mappings/new', 'data-link': true }, '新建映射')),
  h('div.card', h('div.table-wrap', h('table.list', h('thead', h('tr', ['标题', '部门', '编号', '粒度', '状态'].map((x) => h('th', x)))),
    h('tbody', rows.length ? rows : h('tr', h('td.empty', { colspan: 5 }, '还没有映射')))))),
  draftCard());
}
