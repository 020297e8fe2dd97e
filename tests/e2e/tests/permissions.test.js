// What each role is offered: the menu holds exactly the pages its permissions (GET /me) allow,
// each of those pages works, a page it may not use shows a refusal with nothing to click, and
// the register's write controls show only to those who may write.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as e2e from '../lib/harness.js';
import * as fixture from '../lib/register.js';

const MAPPING = 'minzheng/gaoling-jintie';

// Menu label → the page's heading and a selector that shows once the page has its data.
const PAGES = {
  居民: '.tree a[data-grid]',
  待核实: '.pager span:has-text("第 1 页")',
  报表: 'a[data-mapping]',
  数据质量: '#quality-table tbody tr',
  报表映射: 'tr[data-mapping]',
  数据接入: '.card table.list tbody tr',
  推送: '.card table.list tbody tr',
  用户与授权: 'tr[data-user]',
  审计日志: '.pager span:has-text("第 1 页")',
  新表申请: '#request-list',
  迁入申请: '#transfer-inbox',
};

let server;
let browser;
let admin;
let grid;
const users = {};

before(async () => {
  server = await e2e.startServer();
  admin = await e2e.apiClient(server, server.admin);
  [grid] = await fixture.grids(admin);
  const community = (await admin.get(`/api/v1/communities/${grid.parent_id}`)).data;
  users.admin = server.admin;
  users.community_admin = await server.addUser('shequ', 'community_admin', { scopes: [community.fields.code] });
  users.grid_worker = await server.addUser('wanggeyuan', 'grid_worker', { scopes: [grid.fields.code] });
  users.department = await server.addUser('minzhengju', 'department', { grants: [MAPPING] });
  users.security_admin = await server.addUser('anquan', 'security_admin');
  users.auditor = await server.addUser('shenji', 'auditor');
  browser = await e2e.launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

const menu = (page) => page.locator('#nav a').allInnerTexts();

const EXPECTED = {
  // Separated duties: configuration, accounts and the audit log are three people's.
  admin: { label: '系统管理员', menu: ['居民', '待核实', '报表', '数据质量', '迁入申请', '新表申请', '报表映射', '数据接入', '推送'] },
  security_admin: { label: '安全管理员', menu: ['新表申请', '用户与授权'] },  // confirms requests' grants
  auditor: { label: '审计员', menu: ['审计日志'] },
  community_admin: { label: '社区管理员', menu: ['居民', '待核实', '报表', '数据质量', '迁入申请'] },
  grid_worker: { label: '网格员', menu: ['居民', '待核实', '报表', '数据质量', '迁入申请'] },
  department: { label: '部门账号', menu: ['报表', '新表申请'] },
};

for (const [role, want] of Object.entries(EXPECTED)) {
  test(`${role}: the menu holds exactly what its permissions allow, and each page works`, { timeout: 120000 }, async () => {
    const page = await e2e.newPage(browser);
    await e2e.login(page, server, users[role]);
    assert.deepEqual(await menu(page), want.menu);
    assert.equal(await page.locator('#who .role').innerText(), want.label);
    for (const label of want.menu) {
      await page.click(`#nav a >> text="${label}"`);
      await page.waitForSelector(`#app .page-head h1 >> text="${label}"`);
      await page.waitForSelector(PAGES[label]);
      assert.equal(await page.locator('#app .notice.error').count(), 0, `${label}: no error`);
    }
    await e2e.screenshot(page, `menu-${role}`);
    assert.deepEqual(page.errors, []);
  });
}

test('a page the user may not use shows a refusal with no controls on it', { timeout: 120000 }, async () => {
  const refused = {
    grid_worker: ['/admin/users', '/admin/audit', '/admin/connectors', '/admin/deliveries', '/admin/mappings', '/admin/mappings/new',
      `/admin/mappings/${MAPPING}`, '/requests', '/requests/1'],
    department: ['/residents', `/grids/${grid.id}`, '/review', '/quality', '/transfers', '/admin/users'],
    admin: ['/admin/users', '/admin/audit'],
    security_admin: ['/residents', '/tables', '/admin/audit', '/admin/connectors'],
    auditor: ['/residents', '/tables', '/admin/users', '/admin/mappings'],
  };
  for (const [role, paths] of Object.entries(refused)) {
    const page = await e2e.newPage(browser);
    await e2e.login(page, server, users[role]);
    for (const p of paths) {
      await page.goto(`${server.url}${p}`);
      await page.waitForSelector('#forbidden');
      assert.match(await page.locator('#forbidden').innerText(), new RegExp(`无权访问此页面[\\s\\S]*${EXPECTED[role].label}`), p);
      assert.equal(await page.locator('#app :is(button, input, select, textarea, a.button)').count(), 0, `${role} ${p}`);
    }
    assert.deepEqual(page.errors, []);
  }
});

// How many of each of the register's write controls the pages show, for a member (not the head)
// of a household.
async function writeControls(page, { household, building, member: person }) {
  const shown = {};
  await page.goto(`${server.url}/grids/${grid.id}`);
  await page.waitForSelector('#app tr.clickable');
  shown.addBuilding = await page.locator('#add-building').count();
  await page.goto(`${server.url}/buildings/${building.id}`);
  await page.waitForSelector(`#app tr[data-household="${household.id}"]`);
  shown.addHousehold = await page.locator('#add-household').count();
  await page.goto(`${server.url}/households/${household.id}`);
  await page.waitForSelector(`#members tr[data-person="${person.id}"]`);
  shown.addMember = await page.locator('#add-member').count();
  shown.setHead = await page.locator('#members button >> text=设为户主').count();
  shown.saveHousehold = await page.locator('#save-household').count();
  shown.householdInputs = await page.locator('#household-form :is(input, select, textarea):not([disabled])').count();
  await page.goto(`${server.url}/persons/${person.id}`);
  await page.waitForSelector('#person-form');
  await page.waitForSelector('#tags table');
  shown.savePerson = await page.locator('#save-person').count();
  shown.movePerson = await page.locator('#move-person').count();
  shown.tagPicker = await page.locator('#tag-picker').count();
  shown.personInputs = await page.locator('#person-form :is(input, select, textarea):not([disabled])').count();
  return shown;
}

test('a grid worker has the register\'s write controls; without write_register none show', { timeout: 300000 }, async () => {
  const place = await fixture.householdWithMembers(admin, grid.id);
  const writer = await e2e.newPage(browser);
  await e2e.login(writer, server, users.grid_worker);
  const all = await writeControls(writer, place);
  for (const [control, count] of Object.entries(all)) assert.ok(count > 0, `a grid worker sees ${control}`);
  assert.deepEqual(writer.errors, []);

  // No role reads the register without writing it today, so the server's /me is edited in this
  // browser to drop write_register: the pages must then offer no write control at all.
  const reader = await e2e.newPage(browser);
  await reader.route('**/api/v1/me', async (route) => {
    const response = await route.fetch();
    const me = await response.json();
    me.permissions = me.permissions.filter((p) => p !== 'write_register');
    await route.fulfill({ response, json: me });
  });
  await e2e.login(reader, server, users.grid_worker);
  const none = await writeControls(reader, place);
  for (const [control, count] of Object.entries(none)) assert.equal(count, 0, `without write_register: ${control}`);
  await e2e.screenshot(reader, 'person-read-only');
  assert.deepEqual(reader.errors, []);
});

test('the users page offers the roles with the server\'s labels', { timeout: 60000 }, async () => {
  const page = await e2e.newPage(browser);
  await e2e.login(page, server, users.security_admin);
  await page.goto(`${server.url}/admin/users`);
  await page.waitForSelector('tr[data-user="wanggeyuan"]');
  assert.match(await page.locator('tr[data-user="wanggeyuan"]').innerText(), /网格员/);
  assert.match(await page.locator('tr[data-user="minzhengju"]').innerText(), /部门账号/);
  await page.click('#add-user');
  const options = await page.locator('#user-role option').allInnerTexts();
  assert.deepEqual(options, ['系统管理员', '安全管理员', '审计员', '社区管理员', '网格员', '部门账号']);
  assert.deepEqual(page.errors, []);
});
