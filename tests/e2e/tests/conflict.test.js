// Two workers edit the same person at once: the one who saves second is shown both versions and
// chooses per field; nothing is lost silently.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as e2e from '../lib/harness.js';
import * as fixture from '../lib/register.js';

let server;
let browser;
let admin;

before(async () => {
  server = await e2e.startServer();
  admin = await e2e.apiClient(server, server.admin);
  browser = await e2e.launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('two browsers edit the same person: the second sees the conflict view and chooses', { timeout: 180000 }, async () => {
  const [grid] = await fixture.grids(admin);
  const person = await fixture.personInGrid(admin, grid.id);
  const a = await server.addUser('worker-a', 'grid_worker', { scopes: [grid.fields.code] });
  const b = await server.addUser('worker-b', 'grid_worker', { scopes: [grid.fields.code] });
  const pageA = await e2e.newPage(browser);
  const pageB = await e2e.newPage(browser);
  await e2e.login(pageA, server, a);
  await e2e.login(pageB, server, b);
  // Phones are masked and read-only until shown in full (audited): both workers reveal to edit.
  for (const p of [pageA, pageB]) {
    await p.goto(`${server.url}/persons/${person.id}`);
    await p.waitForSelector('#person-form');
    await p.click('#reveal-person');
    await p.waitForSelector('#f-person-phone:not([disabled])');
  }

  // A saves first.
  await pageA.fill('#f-person-phone', '13900000001');
  await pageA.fill('#f-person-employer', '宜都市第一中学');
  await pageA.click('#save-person');
  await pageA.waitForSelector('.toast >> text=已保存');

  // B, still on the old version, changes the phone too: 412, both versions shown.
  await pageB.fill('#f-person-phone', '13900000002');
  await pageB.click('#save-person');
  const view = pageB.locator('#conflict-view');
  await view.waitFor({ state: 'visible' });
  const phoneRow = view.locator('tr', { has: pageB.locator('input[data-field="phone"]') });
  assert.match(await phoneRow.innerText(), /13900000002/);
  assert.match(await phoneRow.innerText(), /13900000001/);
  assert.match(await view.innerText(), /宜都市第一中学/, "A's other change is shown too");
  await e2e.screenshot(pageB, 'conflict-view');

  // B keeps its phone; A's employer stays.
  await pageB.check('input[data-field="phone"][data-side="mine"]');
  await pageB.click('dialog button >> text=按所选保存');
  await pageB.waitForSelector('.toast >> text=已按所选保存');
  // Read in full (audited): phones are masked by default.
  const now = (await admin.get(`/api/v1/persons/${person.id}?reveal=1`)).data.fields;
  assert.equal(now.phone, '13900000002');
  assert.equal(now.employer, '宜都市第一中学');
  await e2e.screenshot(pageB, 'conflict-resolved');
  assert.deepEqual([...pageA.errors, ...pageB.errors], []);
});
