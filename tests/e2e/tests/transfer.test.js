// 迁入申请 in Chromium (issue 19 item 4): worker A adds a person whose ID number is registered in
// worker B's grid, meets the duplicate, files a transfer request from it; worker B (the other
// grid) approves it on 迁入申请 (and the page passes axe at desk and phone width, the decision
// dialog too); the person then appears in A's household, and A's list says 已通过. A declined
// request shows its reason to the requester. A never sees the person's name before approval.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as e2e from '../lib/harness.js';
import * as fixture from '../lib/register.js';
import { axeProblems, settled, DESKTOP, PHONE, overflowX } from '../lib/a11y.js';

let server;
let browser;
let admin;
let gridA;
let gridB;
let workerA;
let workerB;

before(async () => {
  server = await e2e.startServer();
  admin = await e2e.apiClient(server, server.admin);
  [gridA, gridB] = await fixture.grids(admin);
  workerA = await server.addUser('qianru_a', 'grid_worker', { scopes: [gridA.fields.code] });
  workerB = await server.addUser('qianru_b', 'grid_worker', { scopes: [gridB.fields.code] });
  browser = await e2e.launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

// Worker A, on the 新增人员 page of `household`, types the ID number of `person` (in grid B),
// saves, and files the request from the duplicate notice. Returns A's page on 迁入申请.
async function fileFromDuplicate(page, household, person, reason) {
  const full = (await admin.get(`/api/v1/persons/${person.id}?reveal=1`)).data.fields.id_number;
  await page.goto(`${server.url}/persons/new?household=${household.id}`);
  await page.waitForSelector('#person-form');
  await page.fill('#f-person-name', '迁入的人');
  await page.fill('#f-person-id_number', full);
  await page.locator('#f-person-id_number').blur();
  await page.click('#save-person');
  await page.waitForSelector('#duplicate-elsewhere');
  assert.match(await page.locator('#duplicate-elsewhere').innerText(), new RegExp(gridB.fields.name));
  await page.click('#request-transfer');
  const dlg = page.locator('dialog[open]');
  await dlg.waitFor();
  // No reason: refused in the dialog.
  await dlg.locator('button >> text=提交申请').click();
  await dlg.locator('.notice.error >> text=请填写申请原因').waitFor();
  await page.fill('#transfer-reason', reason);
  await dlg.locator('button >> text=提交申请').click();
  await page.waitForURL(/\/transfers$/);
  await page.waitForSelector('#transfer-mine tbody tr[data-transfer]');
  return full;
}

test('a worker files a transfer request from the duplicate; the other grid approves; the person joins the household', { timeout: 240000 }, async () => {
  const { household } = await fixture.householdWithMembers(admin, gridA.id);
  const person = await fixture.personInGrid(admin, gridB.id);
  const pageA = await e2e.newPage(browser);
  await e2e.login(pageA, server, workerA);
  const full = await fileFromDuplicate(pageA, household, person, '已在本网格购房居住');
  const mine = pageA.locator('#transfer-mine tbody tr[data-transfer]').first();
  assert.equal(await mine.getAttribute('data-state'), 'pending');
  assert.match(await mine.innerText(), /待审批/);
  assert.match(await mine.innerText(), new RegExp(gridB.fields.name));
  // Before approval: the masked number, not the name, not the full number.
  const shown = await pageA.locator('#app').innerText();
  assert.ok(!shown.includes(person.fields.name), 'the name of a person out of scope is shown');
  assert.ok(!shown.includes(full), 'the full ID number is shown');
  assert.match(shown, new RegExp(`${full.slice(0, 3)}\\*{11}${full.slice(14)}`));
  const id = await mine.getAttribute('data-transfer');

  // Worker B: the request waits in 待我审批, named; the page passes axe at both widths.
  for (const viewport of [DESKTOP, PHONE]) {
    const pageB = await e2e.newPage(browser, viewport);
    await e2e.login(pageB, server, workerB);
    await pageB.goto(`${server.url}/transfers`);
    await settled(pageB);
    const row = pageB.locator(`#transfer-inbox tr[data-transfer="${id}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp(person.fields.name));
    assert.deepEqual(await axeProblems(pageB), [], `axe ${viewport.width}`);
    assert.ok((await overflowX(pageB)) <= 0, `no sideways scrolling at ${viewport.width}`);
    if (viewport === PHONE) {
      await pageB.click('#nav-toggle');
      await pageB.waitForSelector('#menu #nav a >> text=迁入申请');
      assert.deepEqual(await axeProblems(pageB), [], 'axe with the menu open');
      await pageB.keyboard.press('Escape');
    }
    assert.deepEqual(pageB.errors, []);
    if (viewport === DESKTOP) {
      await pageB.context().close();
      continue;
    }
    // On the phone: approve.
    await row.locator('button[data-approve]').click();
    const dlg = pageB.locator('dialog[open]');
    await dlg.waitFor();
    assert.deepEqual(await axeProblems(pageB), [], 'axe on the decision dialog');
    await pageB.fill('#decision-reason', '核实属实');
    await dlg.locator('button >> text=同意迁出').click();
    await pageB.waitForSelector(`#transfer-decided tr[data-transfer="${id}"][data-state="approved"]`);
    assert.equal(await pageB.locator(`#transfer-inbox tr[data-transfer="${id}"]`).count(), 0);
    assert.deepEqual(pageB.errors, []);
    await pageB.context().close();
  }

  // Worker A: approved, with the reason; the person is in the household now.
  await pageA.goto(`${server.url}/transfers`);
  const done = pageA.locator(`#transfer-mine tr[data-transfer="${id}"]`);
  await done.waitFor();
  assert.equal(await done.getAttribute('data-state'), 'approved');
  assert.match(await done.innerText(), /已通过[\s\S]*核实属实/);
  await pageA.goto(`${server.url}/households/${household.id}`);
  await pageA.waitForSelector(`#app a[href="/persons/${person.id}"]`);
  assert.match(await pageA.locator('#app').innerText(), new RegExp(person.fields.name));
  const moved = (await admin.get(`/api/v1/persons/${person.id}`)).data;
  assert.equal(String(moved.parent_id), String(household.id));
  assert.deepEqual(pageA.errors, []);
  await e2e.screenshot(pageA, 'transfer-approved');
});

test('a declined request tells the requester why, and the person stays', { timeout: 180000 }, async () => {
  const { household } = await fixture.householdWithMembers(admin, gridA.id);
  const person = await fixture.personInGrid(admin, gridB.id);
  const pageA = await e2e.newPage(browser);
  await e2e.login(pageA, server, workerA);
  await fileFromDuplicate(pageA, household, person, '申请人说已搬来');
  const id = await pageA.locator('#transfer-mine tbody tr[data-transfer]').first().getAttribute('data-transfer');

  const pageB = await e2e.newPage(browser);
  await e2e.login(pageB, server, workerB);
  await pageB.goto(`${server.url}/transfers`);
  const row = pageB.locator(`#transfer-inbox tr[data-transfer="${id}"]`);
  await row.waitFor();
  await row.locator('button[data-decline]').click();
  const dlg = pageB.locator('dialog[open]');
  await dlg.waitFor();
  await dlg.locator('button >> text=退回申请').click();
  await dlg.locator('.notice.error >> text=请填写退回原因').waitFor();
  await pageB.fill('#decision-reason', '经核实此人仍在本网格居住');
  await dlg.locator('button >> text=退回申请').click();
  await pageB.waitForSelector(`#transfer-decided tr[data-transfer="${id}"][data-state="declined"]`);

  await pageA.goto(`${server.url}/transfers`);
  const mine = pageA.locator(`#transfer-mine tr[data-transfer="${id}"]`);
  await mine.waitFor();
  assert.match(await mine.innerText(), /已退回[\s\S]*经核实此人仍在本网格居住/);
  const stays = (await admin.get(`/api/v1/persons/${person.id}`)).data;
  assert.equal(String(stays.parent_id), String(person.parent_id));
  assert.deepEqual(pageA.errors, []);
  assert.deepEqual(pageB.errors, []);
});
