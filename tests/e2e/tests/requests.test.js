// Table requests in the browser, both sides (issue 20): a department files a request with its
// blank XLSX template (made here with python3-openpyxl) and sees at once which columns the
// register fills and which are masked by default; an admin finds it in the inbox, edits the draft
// in the mapping editor, unticks a column, grants the ID number column in full and approves; the
// security admin confirms the grant (separated duties); the admin saves the monthly request's
// delivery draft; the department downloads the table with exactly the approved columns, the ID
// numbers in full and the sensitive column masked. A declined request shows its reason and
// grants nothing; another department sees none of it. The department follows every step in
// 办理进度 (已提交 → 草稿已生成 → 审核中 → 待授权 → 已通过 / 已退回: when, by whom, why).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as e2e from '../lib/harness.js';
import { readXlsx, table } from '../lib/xlsx.js';

const HEADERS = ['序号', '姓名', '性别', '公民身份号码', '联系电话', '所属网格', '低保类别', '慰问金额', '签字'];
let server;
let browser;
let mz;
let cl;
let templatePath;

function makeTemplate(file) {
  const script = `
import json, sys, openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.append(['困难群众慰问名册'])
ws.append(json.loads(sys.argv[2]))
wb.save(sys.argv[1])
`;
  execFileSync('/usr/bin/python3', ['-c', script, file, JSON.stringify(HEADERS)]);
}

before(async () => {
  server = await e2e.startServer({ persons: 400 });
  mz = await server.addUser('minzheng-mz', 'department');
  cl = await server.addUser('canlian-cl', 'department');
  templatePath = path.join(server.dir, '慰问名册.xlsx');
  makeTemplate(templatePath);
  browser = await e2e.launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function fileInBrowser(page, title) {
  await page.goto(`${server.url}/`);
  await page.click('#nav a[href="/requests"]');
  await page.waitForSelector('#request-form');
  await page.fill('#req-title', title);
  await page.selectOption('#req-frequency', 'monthly');
  await page.fill('#req-as-of', '{year}-01-31');
  await page.fill('#req-scope', '陆城街道全部社区');
  await page.fill('#req-contact', '民政科 王科长');
  await page.fill('#req-purpose', '春节走访慰问困难群众，核对名单');
  await page.fill('#req-legal-basis', '《社会救助暂行办法》第十一条');
  await page.setInputFiles('#req-template', templatePath);
  await page.click('#req-submit');
  await page.waitForSelector('#request-columns');
  return Number(new URL(page.url()).pathname.split('/').pop());
}

// The step history as shown: [label, who, reason] per row.
const stepsOf = async (page) => page.$$eval('#request-steps tbody tr', (rows) =>
  rows.map((tr) => [...tr.querySelectorAll('td')].filter((_, i) => i !== 1).map((td) => td.textContent.trim())));

const fillOf = async (page, header) => page.getAttribute(`#request-columns tr[data-column="${header}"]`, 'data-fill');

let approvedId = 0;

test('a department files a request and sees at once what the register fills', { timeout: 180000 }, async () => {
  const page = await e2e.newPage(browser);
  await e2e.login(page, server, mz);
  // A form with a missing field says which.
  await page.goto(`${server.url}/requests`);
  await page.waitForSelector('#request-form');
  await page.setInputFiles('#req-template', templatePath);
  await page.click('#req-submit');
  await page.waitForSelector('#req-status .notice.error');
  assert.match(await page.textContent('.field .err[data-for="req-title"]'), /报表名称/);

  approvedId = await fileInBrowser(page, '困难群众慰问名册');
  assert.ok(approvedId > 0);
  assert.equal((await page.textContent('#request-status')).trim(), '草稿已生成');
  // 已提交 shows as its own step, then the draft made at once.
  assert.deepEqual(await stepsOf(page), [['已提交', '部门账号 minzheng-mz', '—'], ['草稿已生成', '部门账号 minzheng-mz', '—']]);
  assert.equal(await fillOf(page, '姓名'), 'register');
  assert.equal(await fillOf(page, '公民身份号码'), 'identifier');
  assert.equal(await fillOf(page, '低保类别'), 'sensitive');
  assert.equal(await fillOf(page, '慰问金额'), 'blank');
  assert.equal(await fillOf(page, '签字'), 'blank');
  assert.match(await page.textContent('#request-savings'), /由登记库自动填写/);
  assert.match(await page.textContent('#request-counts'), /无法填写、打印为空白由部门手工填写 2 列/);
  // A department has no review controls.
  assert.equal(await page.locator('#review-card').count(), 0);
  // Its list shows the status.
  await page.click('.crumbs a[href="/requests"]');
  await page.waitForSelector(`#request-list tr[data-request="${approvedId}"]`);
  assert.match(await page.textContent(`#request-list tr[data-request="${approvedId}"]`), /草稿已生成/);
  await e2e.screenshot(page, 'request-filed');
  assert.deepEqual(page.errors, []);
});

test('an admin reviews in the inbox and the editor, approves without one column; the download has exactly the rest', { timeout: 240000 }, async () => {
  assert.ok(approvedId > 0, 'the first test filed a request');
  const page = await e2e.newPage(browser);
  await e2e.login(page, server, server.admin);
  await page.click('#nav a[href="/requests"]');
  const row = `#request-list tr[data-request="${approvedId}"]`;
  await page.waitForSelector(row);
  assert.match(await page.textContent(row), /低保类别/);
  assert.match(await page.textContent(row), /minzheng-mz/);
  await page.click(`${row} a`);
  await page.waitForSelector('#review-card');
  await page.click('#review-start');
  await page.waitForSelector('#request-status >> text=审核中');

  // The draft in the mapping editor: checked as typed, previewed, saved back to the request.
  await page.click('#review-edit');
  await page.waitForSelector('#mapping-state .notice.ok');
  const yaml = await page.inputValue('#mapping-yaml');
  assert.match(yaml, /id: minzheng-mz\/request-/);
  await page.fill('#mapping-yaml', yaml.replace('{header: "姓名", value: "name"}', '{header: "姓名", value: "nmae"}'));
  await page.waitForSelector('#mapping-problems li');
  assert.match(await page.locator('#mapping-problems li').first().innerText(), /nmae/);
  await page.fill('#mapping-yaml', yaml.replace('{header: "慰问金额", value: "\'\'"}', '{header: "慰问金额", value: "\'500\'"}'));
  await page.waitForSelector('#mapping-state .notice.ok');
  await page.click('#mapping-preview-btn');
  await page.waitForSelector('#preview-table th >> text=慰问金额');
  await page.click('#mapping-save');
  await page.waitForSelector('#review-card');
  assert.equal(await fillOf(page, '慰问金额'), 'number');

  // Narrow: 联系电话 is not needed for the purpose; the ID numbers are, in full. Approve.
  await page.uncheck('#request-columns input.keep[data-header="联系电话"]');
  await page.check('#request-columns input.unmask[data-header="公民身份号码"]');
  await page.fill('#review-note', '联系电话不需要');
  await page.click('#review-approve');
  await page.waitForSelector('#request-status >> text=待授权');
  await e2e.screenshot(page, 'request-approved');

  // Separated duties: the security admin confirms exactly the grants the approval implies.
  const secPage = await e2e.newPage(browser);
  await e2e.login(secPage, server, server.secadmin);
  await secPage.click('#nav a[href="/requests"]');
  await secPage.waitForSelector(`#request-list tr[data-request="${approvedId}"]`);
  await secPage.click(`#request-list tr[data-request="${approvedId}"] a`);
  await secPage.waitForSelector('#grant-card');
  assert.deepEqual(await secPage.$$eval('#grant-list li', (items) => items.map((li) => li.dataset.grant)),
    [`minzheng-mz/request-${approvedId}:公民身份号码`]);
  assert.match(await secPage.textContent('#grant-list'), /完整显示列：公民身份号码/);
  await secPage.click('#grant-confirm');
  await secPage.waitForSelector('#request-status >> text=已通过');
  await e2e.screenshot(secPage, 'request-granted');

  // A monthly request: the admin saves its delivery draft into the deliveries directory.
  await page.reload();
  await page.waitForSelector('#delivery-card');
  await page.click('#delivery-draft');
  await page.waitForSelector('#delivery-yaml:not([hidden])');
  assert.match(await page.inputValue('#delivery-yaml'), /schedule: every 30d/);
  assert.match(await page.inputValue('#delivery-yaml'), /account: "minzheng-mz"/);
  await page.click('#delivery-save');
  await page.waitForSelector('#delivery-status .notice.ok');
  const deliveryFile = path.join(server.dir, 'deliveries', `minzheng-mz-request-${approvedId}.yaml`);
  assert.ok(fs.existsSync(deliveryFile), 'the delivery is saved');

  // The department downloads it from 报表.
  const deptPage = await e2e.newPage(browser);
  await e2e.login(deptPage, server, mz);
  await deptPage.goto(`${server.url}/requests/${approvedId}`);
  await deptPage.waitForSelector('#request-status >> text=已通过');
  // Every step, who took it and the approval note, as the department may see them.
  assert.deepEqual(await stepsOf(deptPage), [
    ['已提交', '部门账号 minzheng-mz', '—'], ['草稿已生成', '部门账号 minzheng-mz', '—'],
    ['审核中', `系统管理员 ${server.admin.name}`, '—'], ['待授权', `系统管理员 ${server.admin.name}`, '联系电话不需要'],
    ['已通过', `安全管理员 ${server.secadmin.name}`, '—']]);
  await deptPage.click('.notice.ok a');
  await deptPage.waitForSelector('#table-panel');
  await deptPage.selectOption('#table-format', 'xlsx');
  const [download] = await Promise.all([deptPage.waitForEvent('download'), deptPage.click('#table-download')]);
  const file = path.join(server.dir, 'request.xlsx');
  await download.saveAs(file);
  const { header, data } = table(readXlsx(file), '序号');
  assert.deepEqual(header, HEADERS.filter((h) => h !== '联系电话'));
  assert.ok(data.length > 0, 'the demo register has residents');
  assert.ok(data.every((r) => r[header.indexOf('慰问金额')] === '500'));
  assert.ok(data.every((r) => r[header.indexOf('签字')] === ''), 'a blank column prints blank');
  assert.ok(data.every((r) => r[header.indexOf('低保类别')] === '***' || r[header.indexOf('低保类别')] === ''),
    'sensitive data stays masked without its grant');
  // The granted ID number column arrives in full, except in the rows of children under 14, which
  // need the minor grant as well (PIPL Art. 28; Masking.TablesMaskAChildsIdentifiersWithoutTheMinorGrant).
  const ids = data.map((r) => r[header.indexOf('公民身份号码')]);
  assert.ok(ids.every((v) => /^\d{17}[\dX]$/.test(v) || v === '***'), `ID cells: ${ids.join(' ')}`);
  assert.ok(ids.filter((v) => v !== '***').length > ids.length / 2, 'the granted ID number column arrives in full');
  await e2e.screenshot(deptPage, 'request-download');
  assert.deepEqual([...page.errors, ...secPage.errors, ...deptPage.errors], []);
});

test('a declined request shows why and grants nothing; another department sees none of it', { timeout: 180000 }, async () => {
  const api = await e2e.apiClient(server, mz);
  const filed = await api.post('/api/v1/requests', {
    title: '残疾人慰问表', purpose: '走访慰问核对名单', legal_basis: '《残疾人保障法》第四十八条',
    frequency: 'once', contact: '王科长', template_name: '慰问名册.xlsx',
    template_base64: fs.readFileSync(templatePath).toString('base64'),
  });
  assert.equal(filed.status, 201);
  const id = filed.data.id;

  const page = await e2e.newPage(browser);
  await e2e.login(page, server, server.admin);
  await page.goto(`${server.url}/requests/${id}`);
  await page.waitForSelector('#review-card');
  await page.click('#review-decline');
  await page.waitForSelector('#review-status .notice.error');  // a reason is required
  await page.fill('#decline-reason', '用途不需要公民身份号码，请修改模板后重新申请');
  await page.click('#review-decline');
  await page.waitForSelector('#request-status >> text=已退回');

  const deptPage = await e2e.newPage(browser);
  await e2e.login(deptPage, server, mz);
  await deptPage.goto(`${server.url}/requests/${id}`);
  await deptPage.waitForSelector('#request-status >> text=已退回');
  assert.match(await deptPage.textContent('.notice.error'), /用途不需要公民身份号码/);
  assert.deepEqual(await stepsOf(deptPage), [
    ['已提交', '部门账号 minzheng-mz', '—'], ['草稿已生成', '部门账号 minzheng-mz', '—'],
    ['已退回', `系统管理员 ${server.admin.name}`, '用途不需要公民身份号码，请修改模板后重新申请']]);
  const tables = await api.get('/api/v1/mappings');
  assert.ok(!tables.data.items.some((m) => m.id === filed.data.mapping_id), 'the declined table is not granted');

  // Another department: an empty list, and the request does not exist for it.
  const other = await e2e.newPage(browser);
  await e2e.login(other, server, cl);
  await other.goto(`${server.url}/requests`);
  await other.waitForSelector('#request-list');
  assert.equal(await other.locator('#request-list tr[data-request]').count(), 0);
  await other.goto(`${server.url}/requests/${id}`);
  await other.waitForSelector('.notice.error');
  assert.match(await other.textContent('.notice.error'), /不存在/);
  await e2e.screenshot(other, 'request-other-department');
  assert.deepEqual([...page.errors, ...deptPage.errors, ...other.errors], []);
});
