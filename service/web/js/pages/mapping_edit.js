// The mapping editor (admin): the mapping's YAML, checked as it is typed (messages with line and
// column; click one to jump there), previewed on the real register, and saved.
import { h, clear, notice, toast } from '../dom.js';
import * as tbl from '../tables_api.js';
import { previewTable } from './tables.js';
import { navigate } from '../main.js';
import * as req from '../requests_api.js';

export const title = (p) => (p.id ? `映射 ${p.id}` : '编辑映射');

const TEMPLATE = `id: bumen/xin-baobiao
title: 新报表
department: 某部门
purpose: 说明这张表的用途（个人信息保护法要求）
grain: person
where: alive
columns:
  - {header: 序号, value: row_number()}
  - {header: 姓名, value: name}
  - {header: 性别, value: label(gender)}
  - {header: 公民身份号码, value: id_number}
  - {header: 所属网格, value: grid.name}
`;

// The problems of a 422 on save or preview: each detail's message is the checker's line
// "file:3:5: message" (mapping_edit_handlers.h) → {line, column, message}. Validation answers
// {line, column, message} objects already (line 0: no position).
function problemsOfDetails(details) {
  return details.map((d) => {
    const m = d.message.match(/:(\d+):(\d+):\s*([\s\S]*)$/);
    return m ? { line: Number(m[1]), column: Number(m[2]), message: m[3] } : { line: 0, column: 0, message: d.message };
  });
}

// Line numbers beside the textarea, scrolled with it; lines with a problem are marked.
function lineGutter(textarea) {
  const gutter = h('div.gutter', { 'aria-hidden': 'true' });
  let bad = new Set();
  let shown = -1;
  const draw = () => {
    const n = textarea.value.split('\n').length;
    if (n === shown && !gutter.dataset.dirty) return;
    shown = n;
    delete gutter.dataset.dirty;
    clear(gutter);
    for (let i = 1; i <= n; i += 1) gutter.append(h('div', { class: bad.has(i) ? 'bad' : '' }, String(i)));
    gutter.scrollTop = textarea.scrollTop;
  };
  textarea.addEventListener('input', draw);
  textarea.addEventListener('scroll', () => { gutter.scrollTop = textarea.scrollTop; });
  draw();
  gutter.mark = (lines) => { bad = new Set(lines); gutter.dataset.dirty = '1'; draw(); };
  return gutter;
}

function showProblems(ul, textarea, list) {
  clear(ul);
  if (textarea.gutter) textarea.gutter.mark(list.filter((p) => p.line).map((p) => p.line));
  for (const p of list) {
    ul.append(h('li', p.line ? h('button.link', { type: 'button', onclick: () => jumpTo(textarea, p.line, p.column) },
      `第 ${p.line} 行${p.column ? `第 ${p.column} 列` : ''}`) : null, p.line ? '：' : '', p.message));
  }
}

function jumpTo(textarea, line, column) {
  const lines = textarea.value.split('\n');
  let pos = 0;
  for (let i = 0; i < Math.min(line - 1, lines.length); i += 1) pos += lines[i].length + 1;
  pos += Math.max(0, (column || 1) - 1);
  textarea.focus();
  textarea.setSelectionRange(pos, Math.min(textarea.value.length, pos + 1));
  const lineHeight = parseFloat(getComputedStyle(textarea).lineHeight) || 18;
  textarea.scrollTop = Math.max(0, (line - 5) * lineHeight);
}

export async function render({ id }, query) {
  let mapping = null;
  let yaml = TEMPLATE;
  const draft = query.from === 'draft' ? JSON.parse(sessionStorage.getItem('onetable.mapping_draft')) : null;
  // ?request=N: the draft of a table request, saved back to the request (not to mappings/) until
  // the request is approved.
  const request = query.request ? await req.get(query.request) : null;
  if (request) {
    if (!request.yaml) throw new Error(`新表申请 #${request.id} 没有可编辑的草稿`);
    yaml = request.yaml;
  } else if (id) {
    mapping = await tbl.source(id);
    if (!mapping.exists) throw new Error(`未找到报表映射 ${id}`);
    yaml = mapping.yaml;
  } else if (draft) {
    yaml = draft.yaml;
  }
  const text = h('textarea.code#mapping-yaml', { spellcheck: 'false', 'aria-label': '映射 YAML' });
  text.value = yaml;
  text.gutter = lineGutter(text);
  const problems = h('ul.problems#mapping-problems');
  const state = h('div#mapping-state');
  const out = h('div#mapping-preview');
  let timer = null;
  let seq = 0;
  let valid = false;

  const check = async () => {
    const my = ++seq;
    let result;
    try {
      result = await tbl.validate(text.value);
    } catch (e) {
      if (my !== seq) return false;
      // 400: an empty draft.
      if (e.status !== 400) { state.replaceChildren(notice('error', e.message)); return false; }
      result = { valid: false, problems: [{ line: 0, column: 0, message: e.message }] };
    }
    if (my !== seq) return false;
    const list = result.problems;
    valid = result.valid;
    showProblems(problems, text, list);
    state.replaceChildren(valid ? notice('ok', '校验通过') : notice('error', `有 ${list.length} 个问题，请修改后再保存`));
    // A preview's or a save's error was about the text as it was: once it checks, it is gone.
    if (valid) for (const n of out.querySelectorAll('.notice.error')) n.remove();
    return valid;
  };
  text.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(check, 500);
  });
  text.addEventListener('keydown', (ev) => {
    if (ev.key === 'Tab') {
      ev.preventDefault();
      text.setRangeText('  ', text.selectionStart, text.selectionEnd, 'end');
    }
  });

  const scope = h('input#mapping-scope', { placeholder: '范围代码（可选，如社区代码）' });
  const asOf = h('input#mapping-as-of', { type: 'date' });
  const previewBtn = h('button#mapping-preview-btn', {
    type: 'button',
    onclick: async () => {
      clear(out).append(h('p.muted', '正在生成预览…'));
      try {
        const data = await tbl.previewDraft(text.value, { scope: scope.value.trim() || undefined, as_of: asOf.value || undefined });
        clear(out).append(previewTable(data));
      } catch (e) {
        clear(out).append(notice('error', e.message));
        if (e.status === 422) showProblems(problems, text, problemsOfDetails(e.details));
      }
    },
  }, '在真实数据上预览');
  const saveBtn = h('button.primary#mapping-save', {
    type: 'button',
    onclick: async () => {
      if (!(await check())) { toast('映射有错误，未保存', 'error'); return; }
      if (request) {
        try {
          await req.saveDraft(request.id, text.value, request.etag);
          toast('草稿已保存');
          navigate(`/requests/${request.id}`);
        } catch (e) {
          state.replaceChildren(notice('error', e.message));
          if (e.status === 422) showProblems(problems, text, problemsOfDetails(e.details));
        }
        return;
      }
      const idMatch = text.value.match(/^id:\s*["']?([^\s"'#]+)/m);
      const targetId = id || (idMatch && idMatch[1]);
      if (!targetId) { toast('映射缺少 id', 'error'); return; }
      try {
        const saved = await tbl.save(targetId, text.value, id && mapping ? mapping.etag : undefined);
        toast('映射已保存，下载的报表将按新映射生成');
        mapping = { ...mapping, ...saved };
        if (!id) navigate(`/admin/mappings/${targetId}`, { replace: true });
        else state.replaceChildren(notice('ok', '已保存'));
      } catch (e) {
        state.replaceChildren(notice('error', e.message));
        if (e.status === 422) showProblems(problems, text, problemsOfDetails(e.details));
      }
    },
  }, '保存');
  check();
  return h('div',
    request
      ? h('div.crumbs', h('a', { href: '/requests', 'data-link': true }, '新表申请'), ' › ',
        h('a', { href: `/requests/${request.id}`, 'data-link': true }, `#${request.id}`), ' › 草稿')
      : h('div.crumbs', h('a', { href: '/admin/mappings', 'data-link': true }, '报表映射'), ' › ', id || '新建'),
    h('div.page-head', h('h1', request ? `新表申请 #${request.id} 的映射草稿：${request.title}` : (id || '新建映射')), h('span.spacer'), saveBtn),
    request ? notice('info', '保存只更新申请中的草稿；审核通过时才发布为报表。') : null,
    draft && draft.unmatched.length ? notice('warn', `模板中有 ${draft.unmatched.length} 列未能匹配字段：${draft.unmatched.map((u) => u.header).join('、')}。请在下方补全。`) : null,
    h('div.editor',
      h('div.card', h('h2', 'YAML'), h('div.code-editor', text.gutter, text), state, problems,
        h('p.small.muted', '表达式可用：字段名、household.head.name、grid.name、has_tag(dibao)、tag(disability).grade、age、label()（简称）、label_full()（全称）、mask()、format_date()、concat()、coalesce()、row_number()、case when … end。')),
      h('div.card', h('h2', '预览'), h('div.fields', h('div.field', h('label', { for: 'mapping-scope' }, '范围'), scope), h('div.field', h('label', { for: 'mapping-as-of' }, '统计时点'), asOf)),
        h('div.row', previewBtn), out)));
}
