// axe-core over every page, as each role that uses it, at a desk (1366×768) and on a phone
// (390×844): no critical or serious violation anywhere — labels, contrast, links told apart by
// more than colour, scroll regions reachable by keyboard — including the dialogs a page opens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as e2e from '../lib/harness.js';
import * as fixture from '../lib/register.js';
import { axeProblems, settled, DESKTOP, PHONE } from '../lib/a11y.js';

const MAPPING = 'minzheng/gaoling-jintie';
let server;
let browser;
const users = {};
const paths = {};

before(async () => {
  server = await e2e.startServer();
  const admin = await e2e.apiClient(server, server.admin);
  const [grid] = await fixture.grids(admin);
  const { household, building, head } = await fixture.householdWithMembers(admin, grid.id);
  Object.assign(paths, { grid: `/grids/${grid.id}`, building: `/buildings/${building.id}`, household: `/households/${household.id}`, person: `/persons/${head.id}` });
  users.admin = server.admin;
  users.grid_worker = await server.addUser('wanggeyuan', 'grid_worker', { scopes: [grid.fields.code] });
  users.department = await server.addUser('minzhengju', 'department', { grants: [MAPPING] });
  users.security_admin = server.secadmin;
  users.auditor = server.auditor;
  browser = await e2e.launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

// Each role's pages; an entry may name an action that opens more of the page (a dialog, a
// preview) to check as well.
function pagesOf(role) {
  const worker = ['/', '/residents', paths.grid, paths.building, paths.household, paths.person, '/persons/new',
    '/review', '/tables', '/quality', '/transfers', '/account/password'];
  return {
    admin: [...worker, '/requests', '/admin/mappings', `/admin/mappings/${MAPPING}`, '/admin/mappings/new',
      '/admin/connectors', '/admin/deliveries',
      { path: `/tables?m=${encodeURIComponent(MAPPING)}`, then: async (page) => { await page.click('#table-preview'); await page.waitForSelector('#preview-table'); } }],
    grid_worker: worker,
    department: ['/tables', '/requests',
      { path: `/tables?m=${encodeURIComponent(MAPPING)}`, then: async (page) => { await page.click('#table-preview'); await page.waitForSelector('#preview-table'); } }],
    security_admin: ['/admin/users', '/requests',
      { path: '/admin/users', then: async (page) => { await page.click('#add-user'); await page.waitForSelector('dialog[open] #user-name'); await settled(page); } }],
    auditor: ['/admin/audit'],
  }[role];
}

for (const [size, viewport] of Object.entries({ desktop: DESKTOP, phone: PHONE })) {
  test(`axe finds no critical or serious violation on any page (${size} ${viewport.width}×${viewport.height})`, { timeout: 600000 }, async () => {
    const problems = [];
    const login = await e2e.newPage(browser, viewport);
    await login.goto(`${server.url}/login`);
    await settled(login);
    for (const p of await axeProblems(login)) problems.push(`/login: ${p}`);
    await login.context().close();
    for (const role of ['admin', 'grid_worker', 'department', 'security_admin', 'auditor']) {
      const page = await e2e.newPage(browser, viewport);
      await e2e.login(page, server, users[role]);
      for (const entry of pagesOf(role)) {
        const { path, then } = typeof entry === 'string' ? { path: entry } : entry;
        await page.goto(`${server.url}${path}`);
        await settled(page);
        if (then) await then(page);
        if (size === 'phone' && !(await page.locator('dialog[open]').count())) {
          // The folded menu, opened, is part of every page on a phone.
          await page.click('#nav-toggle');
          await page.waitForSelector('#menu #nav a');
        }
        for (const p of await axeProblems(page)) problems.push(`${role} ${path}${then ? ' (opened)' : ''}: ${p}`);
      }
      assert.deepEqual(page.errors, [], `${role}: page errors`);
      await page.context().close();
    }
    assert.deepEqual(problems, []);
  });
}

test('the person form works by keyboard: every field in reach, a sane number of stops, none under the save bar', { timeout: 120000 }, async () => {
  const page = await e2e.newPage(browser, DESKTOP);
  await e2e.login(page, server, users.grid_worker);
  await page.goto(`${server.url}${paths.person}`);
  await settled(page);
  const controls = await page.locator('#person-form :is(input, select, textarea):not([disabled]):not([type=hidden])').count();
  assert.ok(controls >= 5, `${controls} fields`);
  await page.locator('#person-form :is(input, select, textarea):not([disabled]):not([type=hidden])').first().focus();
  const reached = new Set();
  let stops = 0;
  for (;;) {
    const at = await page.evaluate(() => {
      const el = document.activeElement;
      const r = el.getBoundingClientRect();
      const bar = document.querySelector('#person-form .form-actions');
      const under = bar && !bar.contains(el) && r.bottom > bar.getBoundingClientRect().top + 1 && r.top < bar.getBoundingClientRect().bottom;
      return { id: el.id, name: el.name || '', tag: el.tagName, under, visible: r.top >= 0 && r.bottom <= innerHeight };
    });
    stops += 1;
    assert.equal(at.under, false, `${at.tag}#${at.id} is hidden under the save bar`);
    assert.equal(at.visible, true, `${at.tag}#${at.id} is scrolled into view`);
    if (at.name) reached.add(at.name);
    if (at.id === 'save-person') break;
    assert.ok(stops <= controls * 2 + 10, `more than ${controls * 2 + 10} tab stops before 保存修改`);
    await page.keyboard.press('Tab');
  }
  assert.ok(reached.size >= controls - 1, `reached ${reached.size} of ${controls} fields`);
  // Enter on the focused button submits, as a click would.
  await page.keyboard.press('Enter');
  await page.waitForSelector('.toast >> text=没有修改');
  assert.deepEqual(page.errors, []);
});
