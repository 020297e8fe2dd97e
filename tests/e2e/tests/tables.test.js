// Departments and their tables: a department downloads its XLSX in the browser; an admin edits
// the mapping behind it in the editor and the department's next download follows; a table chosen
// by sensitive data says why it cannot be run without that data's grant.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import * as e2e from '../lib/harness.js';
import { readXlsx, table } from '../lib/xlsx.js';

const MAPPING = 'minzheng/gaoling-jintie';
let server;
let browser;
let dept;

before(async () => {
  server = await e2e.startServer({ persons: 1500 });
  // ID numbers are masked in a table unless a column grant names them: this department holds one.
  dept = await server.addUser('minzhengju', 'department', { grants: [MAPPING, `${MAPPING}:公民身份号码`] });
  browser = await e2e.launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function downloadXlsx(page, name) {
  await page.goto(`${server.url}/tables?m=${encodeURIComponent(MAPPING)}`);
  await page.waitForSelector('#table-panel');
  await page.selectOption('#table-format', 'xlsx');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#table-download')]);
  assert.match(download.suggestedFilename(), /\.xlsx$/);
  const file = path.join(server.dir, name);
  await download.saveAs(file);
  await page.waitForSelector('#table-panel .notice.ok');
  return readXlsx(file);
}

test('a department downloads its XLSX and the rows are the register\'s', { timeout: 180000 }, async () => {
  const page = await e2e.newPage(browser);
  await e2e.login(page, server, dept);
  // A department lands on 报表 and sees only its granted table.
  await page.waitForSelector(`a[data-mapping="${MAPPING}"]`);
  assert.equal(await page.locator('a[data-mapping]').count(), 1);
  await page.click('#table-preview');
  await page.waitForSelector('#preview-table');
  await page.waitForSelector('#savings');

  const rows = await downloadXlsx(page, 'dept-1.xlsx');
  const { header, data, before: titleRows } = table(rows, '姓名');
  assert.ok(titleRows.some((r) => r.some((c) => c.includes('高龄津贴'))), 'title row');
  assert.deepEqual(header.slice(0, 4), ['序号', '姓名', '性别', '公民身份号码']);
  assert.ok(data.length > 0, 'demo city has residents aged 80+');
  const age = header.indexOf('年龄');
  const no = header.indexOf('序号');
  data.forEach((r, i) => {
    assert.ok(Number(r[age]) >= 80, `row ${i + 1} age ${r[age]}`);
    assert.equal(Number(r[no]), i + 1);
    assert.match(r[header.indexOf('公民身份号码')], /^\d{17}[\dX]$/);
  });
  // The same table as JSON from the API, for the same user: same people, same order.
  const api = await e2e.apiClient(server, dept);
  const json = await api.get(`/api/v1/tables/${MAPPING}?format=json`);
  assert.equal(json.status, 200);
  // format=json is an array of objects keyed by header (table_handlers.h).
  assert.equal(json.data.length, data.length);
  await e2e.screenshot(page, 'department-download');
  assert.deepEqual(page.errors, []);
});

test('an admin edits a mapping with an error, fixes it, previews, saves; the download follows', { timeout: 180000 }, async () => {
  const page = await e2e.newPage(browser);
  await e2e.login(page, server, server.admin);
  await page.goto(`${server.url}/admin/mappings/${MAPPING}`);
  await page.waitForSelector('#mapping-yaml');
  await page.waitForSelector('#mapping-state .notice.ok');
  const original = await page.inputValue('#mapping-yaml');
  const lines = original.split('\n');
  const at = lines.findIndex((l) => l.includes('{header: 姓名, value: name}'));
  assert.ok(at > 0, 'the 姓名 column is in the mapping');

  // An unknown field: the message names its line.
  lines[at] = lines[at].replace('{header: 姓名, value: name}', '{header: 居民姓名, value: nmae}');
  await page.fill('#mapping-yaml', lines.join('\n'));
  await page.waitForSelector('#mapping-problems li');
  const problem = await page.locator('#mapping-problems li').first().innerText();
  assert.match(problem, new RegExp(`第 ${at + 1} 行`));
  assert.match(problem, /nmae/);

  // Fixed; previewed on the register; saved.
  lines[at] = lines[at].replace('value: nmae', 'value: name');
  await page.fill('#mapping-yaml', lines.join('\n'));
  await page.waitForSelector('#mapping-state .notice.ok');
  assert.equal(await page.locator('#mapping-problems li').count(), 0);
  await page.click('#mapping-preview-btn');
  await page.waitForSelector('#preview-table th >> text=居民姓名');
  await page.click('#mapping-save');
  await page.waitForSelector('.toast >> text=映射已保存');
  await e2e.screenshot(page, 'admin-mapping');

  // The department's next download has the new header.
  const deptPage = await e2e.newPage(browser);
  await e2e.login(deptPage, server, dept);
  const rows = await downloadXlsx(deptPage, 'dept-2.xlsx');
  const { header } = table(rows, '居民姓名');
  assert.equal(header[1], '居民姓名');
  assert.ok(!header.includes('姓名'));
  await e2e.screenshot(deptPage, 'department-download-after-edit');
  assert.deepEqual([...page.errors, ...deptPage.errors], []);
});

test('a table chosen by sensitive data says why it cannot be run without the grant', { timeout: 120000 }, async () => {
  const page = await e2e.newPage(browser);
  await e2e.login(page, server, server.admin);  // admin, but without a sensitive grant
  await page.goto(`${server.url}/tables?m=${encodeURIComponent('minzheng/dibao')}`);
  await page.waitForSelector('#table-restricted');
  assert.match(await page.textContent('#table-restricted'), /低保对象/);
  assert.equal(await page.isDisabled('#table-download'), true);
  assert.equal(await page.isDisabled('#table-preview'), true);
  assert.match(await page.textContent('a[data-mapping="minzheng/dibao"]'), /需授权/);
  // A table chosen by age alone runs as before.
  await page.goto(`${server.url}/tables?m=${encodeURIComponent(MAPPING)}`);
  await page.waitForSelector('#table-panel');
  assert.equal(await page.locator('#table-restricted').count(), 0);
  assert.equal(await page.isDisabled('#table-download'), false);
  assert.deepEqual(page.errors, []);
});
