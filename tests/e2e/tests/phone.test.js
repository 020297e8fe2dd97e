// A grid worker's phone (390×844, and the narrowest common 360 px): the menu folds behind one
// button, lists are cards, forms one column, every touch target at least 44 px, and no page
// scrolls sideways.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as e2e from '../lib/harness.js';
import * as fixture from '../lib/register.js';
import { settled, overflowX, smallTargets, PHONE } from '../lib/a11y.js';

let server;
let browser;
let worker;
const paths = {};

before(async () => {
  server = await e2e.startServer();
  const admin = await e2e.apiClient(server, server.admin);
  const [grid] = await fixture.grids(admin);
  const { household, building, head } = await fixture.householdWithMembers(admin, grid.id);
  Object.assign(paths, { grid: `/grids/${grid.id}`, building: `/buildings/${building.id}`, household: `/households/${household.id}`, person: `/persons/${head.id}` });
  worker = await server.addUser('wanggeyuan', 'grid_worker', { scopes: [grid.fields.code] });
  browser = await e2e.launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

const workerPages = () => ['/', '/residents', paths.grid, paths.building, paths.household, paths.person,
  '/persons/new', `/households/new?building=${paths.building.split('/')[2]}`, '/review', '/tables', '/quality', '/transfers', '/account/password'];

test('the menu folds behind one button on a phone and opens to touch-sized entries', { timeout: 120000 }, async () => {
  const page = await e2e.newPage(browser, PHONE);
  await e2e.login(page, server, worker);
  await page.goto(`${server.url}/residents`);
  await settled(page);
  // Folded: the bar is one line (brand and button), not a column of characters.
  assert.equal(await page.locator('#nav').isVisible(), false);
  const bar = await page.locator('#top').boundingBox();
  assert.ok(bar.height <= 64, `top bar ${bar.height} px high`);
  const toggle = await page.locator('#nav-toggle').boundingBox();
  assert.ok(toggle.width >= 44 && toggle.height >= 44, `menu button ${toggle.width}×${toggle.height}`);
  assert.equal(await page.getAttribute('#nav-toggle', 'aria-expanded'), 'false');

  await page.click('#nav-toggle');
  assert.equal(await page.getAttribute('#nav-toggle', 'aria-expanded'), 'true');
  const entries = page.locator('#nav a');
  assert.deepEqual(await entries.allInnerTexts(), ['居民', '待核实', '报表', '数据质量', '迁入申请']);
  for (const box of await entries.evaluateAll((as) => as.map((a) => a.getBoundingClientRect().toJSON()))) {
    assert.ok(box.height >= 44 && box.width >= 44, `menu entry ${box.width}×${box.height}`);
  }
  assert.deepEqual(await smallTargets(page, '#top'), []);
  // Following an entry goes there and folds the menu again; Esc folds it too.
  await page.click('#nav a >> text=待核实');
  await page.waitForURL(/\/review$/);
  assert.equal(await page.locator('#nav').isVisible(), false);
  await page.click('#nav-toggle');
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('#nav').isVisible(), false);
  assert.deepEqual(page.errors, []);
});

test('no worker page scrolls sideways at 360 or 390 px, and its buttons and fields are touch-sized', { timeout: 300000 }, async () => {
  const problems = [];
  for (const width of [360, 390]) {
    const page = await e2e.newPage(browser, { width, height: 844 });
    await e2e.login(page, server, worker);
    for (const path of workerPages()) {
      await page.goto(`${server.url}${path}`);
      await settled(page);
      const over = await overflowX(page);
      if (over > 0) problems.push(`${width} ${path}: ${over} px wider than the screen`);
      if (width === 390) for (const s of await smallTargets(page, '#app')) problems.push(`${width} ${path}: small target ${s}`);
    }
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
  assert.deepEqual(problems, []);
});

test('lists are cards and forms one column on a phone', { timeout: 120000 }, async () => {
  const page = await e2e.newPage(browser, PHONE);
  await e2e.login(page, server, worker);
  await page.goto(`${server.url}${paths.household}`);
  await settled(page);
  const table = page.locator('#app table.list').first();
  await table.locator('tbody tr').first().waitFor();
  // Each row a box of its own; each value under its column's name; no header row to read across.
  assert.equal(await table.locator('thead').isVisible(), false);
  const row = table.locator('tbody tr').first();
  assert.equal(await row.evaluate((tr) => getComputedStyle(tr).display), 'block');
  const labels = await row.locator('td[data-label]').evaluateAll((tds) => tds.map((td) => td.dataset.label));
  assert.ok(labels.includes('姓名'), `cells are labelled: ${labels}`);
  const box = await table.boundingBox();
  assert.ok(box.width <= PHONE.width, `list ${box.width} px wide`);

  await page.goto(`${server.url}/persons/new?household=${paths.household.split('/')[2]}`);
  await settled(page);
  const lefts = await page.locator('#app .fields').first().locator(':scope > .field')
    .evaluateAll((fs) => fs.filter((f) => f.offsetParent).map((f) => Math.round(f.getBoundingClientRect().left)));
  assert.ok(lefts.length >= 3, 'the form has fields');
  assert.equal(new Set(lefts).size, 1, `fields in one column: ${lefts}`);
  assert.deepEqual(page.errors, []);
});
