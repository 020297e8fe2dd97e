// A department and a reviewer: a table opened by URL without its grant says so; the preview
// fits a 1366 px desk, scrolling inside its own region; XLSX numbers are numbers. On 待核实 the
// list names the person, sources show their titles, 采用所选值 waits for a choice, and the
// chosen value keeps the department that gave it as its source.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as e2e from '../lib/harness.js';
import * as fixture from '../lib/register.js';
import { readXlsx, readXlsxTypes, table } from '../lib/xlsx.js';
import { settled, overflowX, DESKTOP } from '../lib/a11y.js';

const MAPPING = 'minzheng/gaoling-jintie';
let server;
let browser;
let admin;
let grid;
let dept;
let worker;

before(async () => {
  server = await e2e.startServer({ persons: 1500 });
  admin = await e2e.apiClient(server, server.admin);
  [grid] = await fixture.grids(admin);
  dept = await server.addUser('minzhengju', 'department', { grants: [MAPPING] });
  worker = await server.addUser('wanggeyuan', 'grid_worker', { scopes: [grid.fields.code] });
  browser = await e2e.launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('a table opened by URL without its grant says the account has no grant for it', { timeout: 60000 }, async () => {
  const other = (await admin.get('/api/v1/mappings?limit=200')).data.items.find((m) => m.valid && m.id !== MAPPING);
  const page = await e2e.newPage(browser, DESKTOP);
  await e2e.login(page, server, dept);
  await page.goto(`${server.url}/tables?m=${encodeURIComponent(other.id)}`);
  await page.waitForSelector('#table-not-granted');
  const text = await page.innerText('#table-not-granted');
  assert.match(text, new RegExp(`没有报表「${other.id}」的授权`));
  assert.doesNotMatch(await page.innerText('#app'), /请从左侧选择一张报表/);
  assert.equal(await page.locator('#table-panel').count(), 0);
  assert.deepEqual(page.errors, []);
});

test('the preview fits a 1366 px desk and scrolls inside a region the keyboard reaches', { timeout: 120000 }, async () => {
  const page = await e2e.newPage(browser, DESKTOP);
  await e2e.login(page, server, dept);
  await page.goto(`${server.url}/tables?m=${encodeURIComponent(MAPPING)}`);
  await page.click('#table-preview');
  await page.waitForSelector('#preview-table table');
  await settled(page);
  assert.equal(await overflowX(page), 0, 'the page is no wider than the window');
  const region = page.locator('#preview-table');
  const { scrollWidth, clientWidth } = await region.evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }));
  assert.ok(scrollWidth > clientWidth, 'the wide table scrolls inside its region');
  assert.equal(await region.getAttribute('tabindex'), '0');
  assert.ok(await region.getAttribute('aria-label'));
  await region.focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.getElementById('preview-table').scrollLeft > 0);
  assert.deepEqual(page.errors, []);
});

test('in the XLSX, 序号, 年龄 and 月标准 are numbers', { timeout: 120000 }, async () => {
  const page = await e2e.newPage(browser, DESKTOP);
  await e2e.login(page, server, dept);
  await page.goto(`${server.url}/tables?m=${encodeURIComponent(MAPPING)}`);
  await page.selectOption('#table-format', 'xlsx');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#table-download')]);
  const file = path.join(server.dir, 'numbers.xlsx');
  await download.saveAs(file);
  const rows = readXlsx(file);
  const types = readXlsxTypes(file);
  const { header, data } = table(rows, '姓名');
  const at = rows.findIndex((r) => r.includes('姓名'));
  assert.ok(data.length > 0);
  for (const name of ['序号', '年龄', '月标准（元）']) {
    const col = header.indexOf(name);
    assert.ok(col >= 0, name);
    for (let i = 0; i < data.length; i += 1) {
      assert.equal(types[at + 1 + i][col], 'int', `${name} row ${i + 1}: ${data[i][col]} is ${types[at + 1 + i][col]}`);
    }
  }
  // Digits that are identifiers stay text (a leading zero, 18 digits): 公民身份号码 is a string.
  assert.equal(types[at + 1][header.indexOf('公民身份号码')], 'str');
});

function writeConnector(id, title, idNumber, formerName) {
  fs.writeFileSync(path.join(server.connectorsDir, `${id}.csv`), `身份证号,曾用名\n${idNumber},${formerName}\n`);
  fs.writeFileSync(path.join(server.connectorsDir, `${id}.yaml`), [
    `id: ${id}`, `title: ${title}`, 'type: csv', 'trust: 70', `options: {path: ${id}.csv, encoding: utf-8}`,
    'entity: person', 'match: {id_number: 身份证号}', 'fields:', '  former_name: 曾用名',
    'review_fields: [former_name]', ''].join('\n'));
}

async function runConnector(id) {
  const r = await admin.post(`/api/v1/connectors/${id}/run`, {});
  assert.ok(r.status === 200 || r.status === 202, `run ${id}: ${r.status} ${JSON.stringify(r.data)}`);
  // The run goes on in the background (202): wait for it to finish.
  for (;;) {
    const run = (await admin.get(`/api/v1/runs/${r.data.run_id}`)).data;
    if (run.finished_at) return run;
    await new Promise((resolve) => { setTimeout(resolve, 100); });
  }
}

test('待核实 names the person and the sources; the chosen value keeps its source', { timeout: 180000 }, async () => {
  const person = await fixture.personInGrid(admin, grid.id);
  const full = (await admin.get(`/api/v1/persons/${person.id}?reveal=1`)).data;
  writeConnector('e2e-a', '甲部门导出', full.fields.id_number, '王甲');
  writeConnector('e2e-b', '乙部门导出', full.fields.id_number, '王乙');
  await runConnector('e2e-a');
  await runConnector('e2e-b');
  const [item] = (await admin.get('/api/v1/review?status=open&kind=conflict')).data.items;
  assert.equal(item.entity_id, person.id);
  assert.equal(item.person_name, full.fields.name);

  const page = await e2e.newPage(browser, DESKTOP);
  await e2e.login(page, server, worker);
  await page.goto(`${server.url}/review`);
  const row = page.locator(`tr[data-review="${item.id}"]`);
  assert.match(await row.innerText(), new RegExp(`${full.fields.name}[\\s\\S]*曾用名`));
  await row.click();
  const detail = page.locator('#review-detail');
  await detail.locator('#review-adopt').waitFor();
  const text = await detail.innerText();
  assert.match(text, /王甲[\s\S]*甲部门导出[\s\S]*王乙[\s\S]*乙部门导出/);
  assert.doesNotMatch(text, /e2e-a|e2e-b/, 'titles, not ids');
  // Nothing chosen: nothing to adopt.
  assert.equal(await page.locator('#review-adopt').isDisabled(), true);
  await detail.locator('tr', { hasText: '王乙' }).locator('input[name="pick-former_name"]').check();
  assert.equal(await page.locator('#review-adopt').isDisabled(), false);
  await page.click('#review-adopt');
  await page.waitForSelector('.toast >> text=已采用所选值');

  assert.equal((await admin.get(`/api/v1/review/${item.id}`)).data.status, 'resolved');
  const prov = (await admin.get(`/api/v1/persons/${person.id}/provenance?limit=500`)).data.items.find((o) => o.field === 'former_name');
  assert.equal(prov.value, '王乙');
  assert.equal(prov.source, 'e2e-b', 'the department that gave the value, not a manual entry');
  assert.equal(prov.actor, 'wanggeyuan', 'who chose it');
  assert.equal(prov.pinned, true);
  // The person page shows the source, not 录入.
  await page.goto(`${server.url}/persons/${person.id}`);
  await settled(page);
  const line = await page.locator('#f-person-former_name').locator('xpath=ancestor::div[contains(@class,"field")]').locator('.prov').innerText();
  assert.match(line, /来源：/);
  assert.doesNotMatch(line, /录入/);
  // The choice holds: the other department's next run does not overturn it.
  writeConnector('e2e-a', '甲部门导出', full.fields.id_number, '王甲丙');
  await runConnector('e2e-a');
  assert.equal((await admin.get(`/api/v1/persons/${person.id}`)).data.fields.former_name, '王乙');
  assert.deepEqual(page.errors, []);
});
