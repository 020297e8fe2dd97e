// A grid worker at work: creating a household with its members through the forms, and the limits
// of what the worker may see.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as e2e from '../lib/harness.js';
import * as fixture from '../lib/register.js';

let server;
let browser;
let worker;
let grid;
let otherGrid;
let admin;

before(async () => {
  server = await e2e.startServer();
  admin = await e2e.apiClient(server, server.admin);
  const grids = await fixture.grids(admin);
  [grid, otherGrid] = grids;
  worker = await server.addUser('wanggeyuan', 'grid_worker', { scopes: [grid.fields.code] });
  browser = await e2e.launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

// Fills the person form and saves; returns after the household page shows again.
async function addMember(page, { name, id, relationship }) {
  await page.click('#add-member');
  await page.waitForSelector('#person-form');
  await page.fill('#f-person-name', name);
  await page.fill('#f-person-id_number', id);
  await page.locator('#f-person-id_number').blur();
  if (relationship) await page.selectOption('#f-person-relationship', relationship);
  await page.click('#save-person');
}

test('a grid worker creates a household with three members, fixing a wrong ID check digit', { timeout: 180000 }, async () => {
  const page = await e2e.newPage(browser);
  await e2e.login(page, server, worker);
  // Lands on 居民 and browses grid → building → 新增户.
  await page.waitForSelector(`a[data-grid="${grid.fields.code}"]`);
  await page.click(`a[data-grid="${grid.fields.code}"]`);
  await page.waitForSelector('tr.clickable a[href^="/buildings/"]');
  await page.click('tr.clickable a[href^="/buildings/"]');
  await page.click('#add-household');
  await page.waitForSelector('#household-form');
  await page.fill('#f-household-room', '9-901');
  await page.fill('#f-household-address', '陆城街道测试路9号9-901');
  await page.click('#save-household');
  await page.waitForSelector('#members');
  const householdUrl = page.url();
  assert.match(householdUrl, /\/households\/\d+$/);

  const head = { name: '测试户主', id: e2e.idNumber('420581', '19680305', '151') };
  const spouse = { name: '测试配偶', id: e2e.idNumber('420581', '19700812', '262'), relationship: '10' };
  const child = { name: '测试子女', id: e2e.idNumber('420581', '19951120', '373'), relationship: '20' };

  // The head, first with a wrong check digit: the server's 422 shows by the field.
  await page.click('#add-member');
  await page.waitForSelector('#person-form');
  assert.equal(await page.inputValue('#f-person-relationship'), '', 'no relationship is preset');
  // Choosing 户主 in a household without a head makes the person its head.
  await page.selectOption('#f-person-relationship', '02');
  await page.fill('#f-person-name', head.name);
  await page.fill('#f-person-id_number', e2e.withWrongCheck(head.id));
  await page.click('#save-person');
  const err = page.locator('#err-id_number');
  await err.waitFor({ state: 'visible' });
  assert.match(await err.innerText(), /校验位错误/);
  assert.match(page.url(), /\/persons\/new/, 'nothing was saved');

  // Fixed: birth date and sex are filled from the number.
  await page.fill('#f-person-id_number', head.id);
  await page.locator('#f-person-id_number').blur();
  assert.equal(await page.inputValue('#f-person-birth_date'), '1968-03-05');
  assert.equal(await page.inputValue('#f-person-gender'), '1');
  assert.equal(await err.isVisible(), false);
  await page.click('#save-person');
  await page.waitForURL(householdUrl);
  await page.waitForSelector(`#members >> text=${head.name}`);

  await addMember(page, spouse);
  await page.waitForURL(householdUrl);
  await page.waitForSelector(`#members >> text=${spouse.name}`);
  await addMember(page, child);
  await page.waitForURL(householdUrl);
  await page.waitForSelector(`#members >> text=${child.name}`);
  assert.equal(await page.locator('#members tbody tr').count(), 3);

  // The server has them with derived birth dates and sexes.
  const hid = householdUrl.match(/(\d+)$/)[1];
  const members = (await admin.get(`/api/v1/persons?parent_id=${hid}`)).data.items;
  const byName = Object.fromEntries(members.map((m) => [m.fields.name, m.fields]));
  assert.equal(byName[spouse.name].birth_date, '1970-08-12');
  assert.equal(byName[spouse.name].gender, '2');
  assert.equal(byName[child.name].gender, '1');

  // Found again by the last four characters of the ID number.
  await page.click('a[href="/residents"]');
  await page.fill('#resident-search', head.id.slice(-4));
  await page.press('#resident-search', 'Enter');
  await page.waitForSelector(`#search-results >> text=${head.name}`);
  assert.match(await page.locator('#search-kind').innerText(), /后四位/);
  await e2e.screenshot(page, 'worker-household');
  assert.deepEqual(page.errors, []);
});

test('a grid worker cannot see a person of another grid, by search or by URL', { timeout: 120000 }, async () => {
  const stranger = await fixture.personInGrid(admin, otherGrid.id);
  const page = await e2e.newPage(browser);
  await e2e.login(page, server, worker);
  // The tree offers only the worker's own grid.
  await page.waitForSelector(`a[data-grid="${grid.fields.code}"]`);
  assert.equal(await page.locator(`a[data-grid="${otherGrid.fields.code}"]`).count(), 0);

  for (const q of [stranger.fields.id_number, stranger.fields.name]) {
    await page.goto(`${server.url}/residents?q=${encodeURIComponent(q)}`);
    await page.waitForSelector('#search-results tbody tr');
    assert.equal(await page.locator(`#search-results tr[data-person="${stranger.id}"]`).count(), 0, `search ${q}`);
  }
  await page.goto(`${server.url}/persons/${stranger.id}`);
  await page.waitForSelector('.notice.error');
  assert.match(await page.locator('.notice.error').innerText(), /未找到/);
  assert.equal(await page.locator('#person-form').count(), 0);
  assert.equal(await page.locator(`text=${stranger.fields.name}`).count(), 0);
  await e2e.screenshot(page, 'worker-other-grid');
});

test('the idle expiry is announced before it happens, and 继续 extends the session', { timeout: 120000 }, async () => {
  const page = await e2e.newPage(browser);
  await page.clock.install();
  await e2e.login(page, server, worker);
  await page.waitForSelector('a[data-grid]');
  assert.match(await page.locator('#session-timer').innerText(), /会话 (30:00|29:5\d)/);
  // 28½ minutes without a request (the page's clock; GET /me held back so the server's real
  // clock does not pull the deadline back into line).
  await page.route('**/api/v1/me', (r) => r.abort());
  await page.clock.fastForward('28:30');
  const warning = page.locator('#session-warning');
  await warning.waitFor({ state: 'visible' });
  assert.match(await warning.innerText(), /会话将在 1:\d\d 后过期/);
  await e2e.screenshot(page, 'session-warning');
  await page.unroute('**/api/v1/me');
  await page.click('#session-continue');
  await warning.waitFor({ state: 'hidden' });
  // The timer shows the new deadline at its next tick: advance the page's clock tick by tick until
  // it does (a condition, not a guessed wait); 20 half-seconds is far more than one tick.
  const timer = page.locator('#session-timer');
  for (let i = 0; i < 20 && !/会话 (30:00|29:\d\d)/.test(await timer.innerText()); i++) {
    await page.clock.runFor(500);
  }
  assert.match(await timer.innerText(), /会话 (30:00|29:\d\d)/);
  assert.equal(await page.locator('#top').isVisible(), true, 'still signed in');
  await e2e.screenshot(page, 'session-continued');
});
