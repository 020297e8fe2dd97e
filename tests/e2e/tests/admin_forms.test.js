// The administrators' forms: an account's scope is chosen from the register's tree and its
// grants from the tables and their columns; the password rule shown is the one the server
// enforces; the mapping editor numbers its lines and puts Chinese YAML errors on the right line,
// dropping errors once fixed; the audit log reads newest first, in Chinese, and filters.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as e2e from '../lib/harness.js';
import * as fixture from '../lib/register.js';
import { settled } from '../lib/a11y.js';

const MAPPING = 'minzheng/gaoling-jintie';
let server;
let browser;
let admin;
let security;
let grid;

before(async () => {
  server = await e2e.startServer();
  admin = await e2e.apiClient(server, server.admin);
  security = await e2e.apiClient(server, server.secadmin);
  [grid] = await fixture.grids(admin);
  browser = await e2e.launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('a grid worker\'s scope is picked from the tree; the password rule is the server\'s', { timeout: 120000 }, async () => {
  const me = (await security.get('/api/v1/me')).data;
  assert.equal(me.password_rule.min_length, 10);
  const page = await e2e.newPage(browser);
  await e2e.login(page, server, server.secadmin);
  await page.goto(`${server.url}/admin/users`);
  await page.click('#add-user');
  await page.waitForSelector('dialog[open] #user-scopes');
  // The form says the rule in the server's words, and its placeholder the same length.
  assert.equal(await page.innerText('#user-password-rule'), `密码要求：${me.password_rule.text}`);
  assert.match(await page.getAttribute('#user-password', 'placeholder'), /至少 10 个字符/);
  await page.fill('#user-name', 'wangge2');
  await page.fill('#user-display', '网格员二');
  assert.equal(await page.inputValue('#user-role'), 'grid_worker');
  // No codes to type: the grid is a box to tick under its community.
  const community = (await admin.get(`/api/v1/communities/${grid.parent_id}`)).data;
  const codes = [grid.fields.code, `${community.fields.code}/${grid.fields.code}`];
  const gridBox = page.locator(codes.map((c) => `#user-scopes input[name="scope"][value="${c}"]`).join(', '));
  assert.equal(await gridBox.count(), 1);
  assert.match(await gridBox.locator('xpath=..').innerText(), new RegExp(grid.fields.name));
  assert.match(await gridBox.locator('xpath=../..').innerText(), new RegExp(community.fields.name), 'under its community');
  await gridBox.check();
  assert.ok(await page.locator('#user-scopes input[name="scope"]').count() > 1, 'every grid is offered');
  // A password the server refuses: its own message, nothing the form made up.
  await page.fill('#user-password', 'short1a');
  await page.click('dialog button >> text=保存');
  await page.waitForSelector('dialog .notice.error');
  assert.match(await page.innerText('dialog .notice.error'), /至少需要 10 个字符/);
  await page.fill('#user-password', 'Gq7-lantern-harbor-2024');
  await page.click('dialog button >> text=保存');
  await page.waitForSelector('tr[data-user="wangge2"]');
  const user = (await security.get('/api/v1/users/wangge2')).data;
  assert.equal(user.scopes.length, 1);
  assert.ok(codes.includes(user.scopes[0]), `scope ${user.scopes[0]}`);
  // The list names the grid, not its code.
  assert.match(await page.innerText('tr[data-user="wangge2"]'), new RegExp(grid.fields.name));
  // Signing in with it works: the scope is the grid the box named.
  const worker = await e2e.apiClient(server, { name: 'wangge2', password: 'Gq7-lantern-harbor-2024' });
  assert.equal((await worker.get(`/api/v1/grids/${grid.id}/buildings?limit=1`)).status, 200);
  assert.deepEqual(page.errors, []);
});

test('a department\'s grants are a table and the columns it sees in full, ticked from lists', { timeout: 120000 }, async () => {
  const page = await e2e.newPage(browser);
  await e2e.login(page, server, server.secadmin);
  await page.goto(`${server.url}/admin/users`);
  await page.click('#add-user');
  await page.fill('#user-name', 'minzheng2');
  await page.selectOption('#user-role', 'department');
  // A department has no scope to pick; its tables are listed with their titles.
  assert.equal(await page.locator('#user-scopes').count(), 0);
  const table = page.locator(`#user-grants input[name="grant-table"][value="${MAPPING}"]`);
  await table.check();
  const columns = page.locator(`#user-grants .cols[data-table="${MAPPING}"]`);
  await columns.locator('label', { hasText: '公民身份号码' }).locator('input').check();
  await page.locator('#user-grants label', { hasText: '未满14周岁者' }).locator('input').check();
  await page.fill('#user-password', 'Hx5-orchard-meadow-2024');
  await page.click('dialog button >> text=保存');
  await page.waitForSelector('tr[data-user="minzheng2"]');
  const user = (await security.get('/api/v1/users/minzheng2')).data;
  assert.deepEqual(user.grants.sort(), [MAPPING, `${MAPPING}:公民身份号码`, 'sensitive:minor'].sort());
  // Editing shows the same ticks, and saving untouched keeps the grants as they were.
  await page.click('tr[data-user="minzheng2"] button >> text=编辑');
  assert.equal(await page.locator(`#user-grants input[name="grant-table"][value="${MAPPING}"]`).isChecked(), true);
  assert.equal(await columns.locator('label', { hasText: '公民身份号码' }).locator('input').isChecked(), true);
  await page.click('dialog button >> text=保存');
  await page.waitForSelector('.toast >> text=已保存');
  assert.deepEqual((await security.get('/api/v1/users/minzheng2')).data.grants.sort(), user.grants);
  assert.deepEqual(page.errors, []);
});

test('the mapping editor numbers lines, puts a Chinese YAML error on its line and drops stale errors', { timeout: 120000 }, async () => {
  const page = await e2e.newPage(browser);
  await e2e.login(page, server, server.admin);
  await page.goto(`${server.url}/admin/mappings/${MAPPING}`);
  await page.waitForSelector('#mapping-state .notice.ok');
  const original = await page.inputValue('#mapping-yaml');
  const lines = original.split('\n');
  assert.equal(await page.locator('.code-editor .gutter > div').count(), lines.length);
  // Line N loses its closing brace: the error is on line N, in Chinese.
  const at = lines.findIndex((l) => l.includes('{header: 姓名, value: name}'));
  const broken = [...lines];
  broken[at] = broken[at].replace('name}', 'name');
  await page.fill('#mapping-yaml', broken.join('\n'));
  await page.waitForSelector('#mapping-problems li');
  const problem = await page.innerText('#mapping-problems li');
  assert.match(problem, new RegExp(`^第 ${at + 1} 行`));
  assert.match(problem, /花括号 \{ 没有对应的 \}/);
  assert.doesNotMatch(problem, /[a-z]{4,}/, 'no English left in the message');
  assert.deepEqual(await page.locator('.code-editor .gutter > div.bad').allInnerTexts(), [String(at + 1)]);
  // The preview of the broken text fails; once fixed, that error goes with the problem list.
  await page.click('#mapping-preview-btn');
  await page.waitForSelector('#mapping-preview .notice.error');
  await page.fill('#mapping-yaml', original);
  await page.waitForSelector('#mapping-state .notice.ok');
  assert.equal(await page.locator('#mapping-problems li').count(), 0);
  assert.equal(await page.locator('#mapping-preview .notice.error').count(), 0);
  assert.equal(await page.locator('.code-editor .gutter > div.bad').count(), 0);
  assert.deepEqual(page.errors, []);
});

test('the audit log is newest first, in Chinese, and filters by user, action and time', { timeout: 120000 }, async () => {
  // A failed sign-in to read back in Chinese.
  const res = await fetch(`${server.url}/api/v1/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'admin', password: 'wrong-password-1' }) });
  assert.equal(res.status, 401);
  const page = await e2e.newPage(browser);
  await e2e.login(page, server, server.auditor);
  await page.goto(`${server.url}/admin/audit`);
  await settled(page);
  const ids = (await page.locator('tr[data-audit]').evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.audit))));
  assert.ok(ids.length > 5);
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');
  // The auditor's own sign-in is the newest login; the failed one says why in Chinese.
  const failed = page.locator('tr[data-audit]', { hasText: '失败' }).filter({ hasText: '登录' }).first();
  assert.match(await failed.innerText(), /密码错误/);
  assert.doesNotMatch(await page.innerText("#app table"), /bad_password/);

  await page.fill('#audit-user', 'admin');
  await page.selectOption('#audit-action', 'login');
  await page.click('#audit-filters button[type=submit]');
  await page.waitForURL(/user=admin&action=login/);
  await settled(page);
  const rows = page.locator('tr[data-audit]');
  assert.ok(await rows.count() >= 1);
  for (const text of await rows.allInnerTexts()) assert.match(text, /^[^\n]*\s+admin\s[\s\S]*登录/);
  // A time range before anything happened is empty.
  await page.fill('#audit-until', '2020-01-01');
  await page.click('#audit-filters button[type=submit]');
  await page.waitForURL(/until=2020-01-01/);
  await page.waitForSelector('td.empty >> text=没有符合条件的记录');
  assert.deepEqual(page.errors, []);
});
