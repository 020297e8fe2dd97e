// A grid worker finding people and keeping households sane (issue 19, items 2–6): search by a
// part of a name or of an ID number with totals and the page in the URL, a building's
// households with head, members and tags, one 户主 per household, blank households refused,
// duplicates that open the registered person or say where they are, 仍然保存 raising a 待核实
// item, persons outside any household in 数据质量, no request outside the worker's scope on any
// page, and progress for connector runs and table downloads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as e2e from '../lib/harness.js';
import * as fixture from '../lib/register.js';

let server;
let browser;
let admin;
let grid;
let otherGrid;
let worker;

before(async () => {
  server = await e2e.startServer();
  admin = await e2e.apiClient(server, server.admin);
  [grid, otherGrid] = await fixture.grids(admin);
  worker = await server.addUser('finder', 'grid_worker', { scopes: [grid.fields.code] });
  browser = await e2e.launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

// A person created through the API in `household` (as admin): the row.
async function addPerson(household, fields) {
  const r = await admin.post('/api/v1/persons', { parent_id: Number(household), fields });
  assert.equal(r.status, 201, JSON.stringify(r.data));
  return r.data;
}

// Every audit entry (as the auditor), following next_after.
async function auditEntries() {
  const auditor = await e2e.apiClient(server, server.auditor);
  const out = [];
  let after = 0;
  for (let i = 0; i < 200; i += 1) {
    const r = await auditor.get(`/api/v1/audit?limit=500${after ? `&after=${after}` : ''}`);
    assert.equal(r.status, 200, JSON.stringify(r.data));
    out.push(...r.data.items);
    if (r.data.next_after === null || r.data.next_after === undefined) break;
    after = r.data.next_after;
  }
  return out;
}

// The document does not scroll sideways at the page's width.
async function noSidewaysScroll(page) {
  const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(scroll <= width, `page is ${scroll}px wide at ${width}px`);
}

test('search finds any part of a name or an ID number, with the total and the page in the URL', { timeout: 180000 }, async () => {
  const { household } = await fixture.householdWithMembers(admin, grid.id);
  const id = e2e.idNumber('420581', '19850312', '517');
  const jianguo = await addPerson(household.id, { name: '欧阳建国', id_number: id, relationship: '20' });
  const page = await e2e.newPage(browser);
  await e2e.login(page, server, worker);

  // 建国 finds 欧阳建国 (the middle of the name).
  await page.fill('#resident-search', '建国');
  await page.press('#resident-search', 'Enter');
  await page.waitForSelector(`#search-results tr[data-person="${jianguo.id}"]`);
  assert.match(await page.locator('#search-results .list-total').innerText(), /共 \d+ 人/);

  // A part of the ID number (12 digits: area code, birth year and month) is an ID search, not a
  // phone number.
  await page.fill('#resident-search', id.slice(0, 12));
  assert.match(await page.locator('#search-kind').innerText(), /身份证号片段/);
  await page.press('#resident-search', 'Enter');
  await page.waitForSelector(`#search-results tr[data-person="${jianguo.id}"]`);

  // Many matches: the total, numbered pages, the page in the URL, and back restores it.
  await page.goto(`${server.url}/residents?q=420581`);
  await page.waitForSelector('#search-results .list-total >> text=/共 \\d+ 人/');
  const total = Number((await page.locator('#search-results .list-total').innerText()).match(/共 (\d+) 人/)[1]);
  assert.ok(total > 20, `expected more than one page, got ${total}`);
  const firstPage = await page.locator('#search-results tbody tr').first().getAttribute('data-person');
  await page.click('#search-results a[rel="next"]');
  await page.waitForURL(/[?&]page=2/);
  await page.waitForSelector('#search-results .list-total >> text=/第 2 \\//');
  const secondPage = await page.locator('#search-results tbody tr').first().getAttribute('data-person');
  assert.notEqual(secondPage, firstPage);
  // The page jump goes back to page 1 (no page in the URL); back returns to page 2.
  await page.fill('#page-jump', '1');
  await page.press('#page-jump', 'Enter');
  await page.waitForURL((u) => !u.search.includes('page='));
  await page.waitForSelector('#search-results .list-total >> text=/第 1 \\//');
  assert.equal(await page.locator('#search-results tbody tr').first().getAttribute('data-person'), firstPage);
  await page.goBack();
  await page.waitForURL(/[?&]page=2/);
  await page.waitForSelector('#search-results .list-total >> text=/第 2 \\//');
  assert.equal(await page.locator('#search-results tbody tr').first().getAttribute('data-person'), secondPage);

  // Nothing outside the worker's grid, by a part of its people's ID numbers either.
  const stranger = await fixture.personInGrid(admin, otherGrid.id);
  const full = (await admin.get(`/api/v1/persons/${stranger.id}?reveal=1`)).data.fields.id_number;
  await page.goto(`${server.url}/residents?q=${full.slice(4, 14)}`);
  await page.waitForSelector('#search-results .list-total >> text=/共 \\d+ 人/');
  assert.equal(await page.locator(`#search-results tr[data-person="${stranger.id}"]`).count(), 0);
  assert.deepEqual(page.errors, []);
});

test('a building lists its households with head, members and tags; at phone width too', { timeout: 180000 }, async () => {
  const { household, building, head } = await fixture.householdWithMembers(admin, grid.id);
  const members = (await admin.get(`/api/v1/persons?parent_id=${household.id}`)).data.items.filter((p) => p.status === 'active');
  // Tags are sensitive: an account granted them tags the head; a worker with the grant sees the
  // badge, the plain worker does not.
  const tagger = await e2e.apiClient(server, await server.addUser('tagger', 'admin', { grants: ['sensitive'] }));
  const tagged = await tagger.post(`/api/v1/persons/${head.id}/tags`, { tag: 'elderly_alone', attrs: {} });
  assert.equal(tagged.status, 201, JSON.stringify(tagged.data));
  const granted = await server.addUser('finder_s', 'grid_worker', { scopes: [grid.fields.code], grants: ['sensitive'] });
  for (const [who, seesTag] of [[granted, true], [worker, false]]) {
    const page = await e2e.newPage(browser);
    await e2e.login(page, server, who);
    await page.goto(`${server.url}/buildings/${building.id}`);
    const row = page.locator(`#households-list tr[data-household="${household.id}"]`);
    await row.waitFor();
    assert.equal(await row.locator('.tag-badges li[data-tag="elderly_alone"]').count(), seesTag ? 1 : 0, who.name);
    await page.context().close();
  }
  for (const size of [{ width: 1366, height: 768 }, { width: 390, height: 844 }]) {
    const page = await e2e.newPage(browser, size);
    await e2e.login(page, server, worker);
    await page.goto(`${server.url}/buildings/${building.id}`);
    const row = page.locator(`#households-list tr[data-household="${household.id}"]`);
    await row.waitFor();
    assert.equal(await row.locator('.head-name').innerText(), head.fields.name);
    assert.equal(await row.locator('.members').innerText(), String(members.length));
    assert.match(await page.locator('#households-list .list-total').innerText(), /共 \d+ 户/);
    await noSidewaysScroll(page);
    await e2e.screenshot(page, `building-households-${size.width}`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
});

test('a grid lists its buildings with the total, numbered pages and the page in the URL', { timeout: 180000 }, async () => {
  // More buildings than one page holds (20).
  const existing = (await admin.get(`/api/v1/grids/${grid.id}/buildings?limit=500`)).data.items.length;
  for (let i = existing; i < 23; i += 1) {
    const r = await admin.post('/api/v1/buildings', { parent_id: Number(grid.id), fields: { name: `翻页测试楼${i}` } });
    assert.equal(r.status, 201, JSON.stringify(r.data));
  }
  const all = (await admin.get(`/api/v1/grids/${grid.id}/buildings?limit=500`)).data.items;
  const page = await e2e.newPage(browser);
  await e2e.login(page, server, worker);
  await page.goto(`${server.url}/grids/${grid.id}`);
  await page.waitForSelector('#buildings-list .list-total >> text=/共 \\d+ 栋楼/');
  const pages = Math.ceil(all.length / 20);
  assert.match(await page.locator('#buildings-list .list-total').innerText(), new RegExp(`共 ${all.length} 栋楼 · 第 1 / ${pages} 页`));
  assert.equal(await page.locator('#buildings-list tbody tr').count(), 20);
  assert.equal(await page.locator('#buildings-list tbody tr').first().getAttribute('data-building'), String(all[0].id));
  await page.click('#buildings-list a[rel="next"]');
  await page.waitForURL(/[?&]page=2/);
  await page.waitForSelector('#buildings-list .list-total >> text=/第 2 \\//');
  assert.equal(await page.locator('#buildings-list tbody tr').count(), Math.min(20, all.length - 20));
  assert.equal(await page.locator('#buildings-list tbody tr').first().getAttribute('data-building'), String(all[20].id));
  // The page jump goes back to page 1 (no page in the URL); back returns to page 2; a reload
  // of a page-2 URL opens page 2.
  await page.fill('#page-jump', '1');
  await page.press('#page-jump', 'Enter');
  await page.waitForURL((u) => !u.search.includes('page='));
  await page.waitForSelector('#buildings-list .list-total >> text=/第 1 \\//');
  await page.goBack();
  await page.waitForURL(/[?&]page=2/);
  await page.waitForSelector(`#buildings-list tr[data-building="${all[20].id}"]`);
  await page.goto(`${server.url}/grids/${grid.id}?page=2`);
  await page.waitForSelector(`#buildings-list tr[data-building="${all[20].id}"]`);
  // Following a building opens it.
  await page.click(`#buildings-list tr[data-building="${all[20].id}"] a`);
  await page.waitForURL(new RegExp(`/buildings/${all[20].id}$`));
  assert.deepEqual(page.errors, []);
});

test('a household gets one 户主: no preset, choosing it moves the head, a blank household is refused', { timeout: 180000 }, async () => {
  const { household, building, head } = await fixture.householdWithMembers(admin, grid.id);
  const page = await e2e.newPage(browser);
  await e2e.login(page, server, worker);

  // A blank 新增户 form is refused with a message, and nothing is saved.
  await page.goto(`${server.url}/households/new?building=${building.id}`);
  await page.click('#save-household');
  await page.waitForSelector('#household-form .notice.error >> text=至少填写一项');
  assert.match(page.url(), /\/households\/new/);

  // A new member has no relationship preset; choosing 户主 asks what the head becomes.
  await page.goto(`${server.url}/persons/new?household=${household.id}`);
  await page.waitForSelector('#person-form');
  assert.equal(await page.inputValue('#f-person-relationship'), '');
  await page.fill('#f-person-name', '新户主甲');
  await page.selectOption('#f-person-relationship', '02');
  await page.waitForSelector('#head-choice:not([hidden])');
  await page.click('#save-person');
  await page.waitForSelector('#err-previous_head_relationship:not([hidden])');
  await page.selectOption('#f-previous-head-relationship', '11');
  await page.click('#save-person');
  await page.waitForURL(new RegExp(`/households/${household.id}$`));
  const after = (await admin.get(`/api/v1/households/${household.id}`)).data;
  const members = (await admin.get(`/api/v1/persons?parent_id=${household.id}`)).data.items;
  const newHead = members.find((m) => m.fields.name === '新户主甲');
  assert.equal(after.fields.head_person_id, String(newHead.id));
  assert.equal(newHead.fields.relationship, '02');
  assert.equal(members.find((m) => m.id === head.id).fields.relationship, '11');
  assert.equal(members.filter((m) => m.status === 'active' && m.fields.relationship === '02').length, 1);
  await page.waitForSelector(`#members tr[data-person="${newHead.id}"] .badge >> text=户主`);

  // The server refuses a second 户主 from the person page too, naming the field.
  await page.goto(`${server.url}/persons/${head.id}`);
  await page.waitForSelector('#person-form');
  await page.selectOption('#f-person-relationship', '02');
  await page.waitForSelector('#head-choice:not([hidden])');
  assert.deepEqual(page.errors, []);
});

test('a registered ID number opens that person or says where they are; 仍然保存 only for a fuzzy match, raising a review item', { timeout: 180000 }, async () => {
  const { household, member } = await fixture.householdWithMembers(admin, grid.id);
  const mine = (await admin.get(`/api/v1/persons/${member.id}?reveal=1`)).data;
  const stranger = await fixture.personInGrid(admin, otherGrid.id);
  const theirs = (await admin.get(`/api/v1/persons/${stranger.id}?reveal=1`)).data;
  const page = await e2e.newPage(browser);
  await e2e.login(page, server, worker);

  // In scope: the dialog opens the registered person; there is no 仍然保存.
  await page.goto(`${server.url}/persons/new?household=${household.id}`);
  await page.waitForSelector('#person-form');
  await page.fill('#f-person-name', '重复录入');
  await page.fill('#f-person-id_number', mine.fields.id_number);
  await page.locator('#f-person-id_number').blur();
  await page.click('#save-person');
  const dlg = page.locator('dialog');
  await dlg.waitFor();
  assert.match(await dlg.innerText(), /身份证号已登记/);
  assert.equal(await dlg.locator('button >> text=仍然保存').count(), 0);
  await dlg.locator('button >> text=打开已登记的人员').click();
  await page.waitForURL(new RegExp(`/persons/${member.id}$`));

  // Out of scope: the save says which grid holds them.
  await page.goto(`${server.url}/persons/new?household=${household.id}`);
  await page.waitForSelector('#person-form');
  await page.fill('#f-person-name', '外网格的人');
  await page.fill('#f-person-id_number', theirs.fields.id_number);
  await page.locator('#f-person-id_number').blur();
  await page.click('#save-person');
  await page.waitForSelector('#duplicate-elsewhere');
  assert.match(await page.locator('#duplicate-elsewhere').innerText(), new RegExp(`${otherGrid.fields.name}.*不在您的管辖范围`));
  assert.match(page.url(), /\/persons\/new/);

  // Same name and birth date, no ID number: 仍然保存, and the pair waits in 待核实.
  await page.goto(`${server.url}/persons/new?household=${household.id}`);
  await page.waitForSelector('#person-form');
  await page.fill('#f-person-name', mine.fields.name);
  await page.fill('#f-person-birth_date', mine.fields.birth_date);
  await page.locator('#f-person-birth_date').blur();
  await page.click('#save-person');
  await dlg.waitFor();
  await dlg.locator('button >> text=仍然保存').click();
  await page.waitForURL(new RegExp(`/households/${household.id}$`));
  const review = (await admin.get('/api/v1/review?status=open&limit=500')).data.items;
  assert.ok(review.some((r) => r.kind === 'duplicate' && r.other_id === member.id), JSON.stringify(review));
  await page.goto(`${server.url}/review`);
  await page.waitForSelector('#app >> text=待核实');
  assert.deepEqual(page.errors, []);
});

test('persons in no household are listed in 数据质量 and can be placed', { timeout: 120000 }, async () => {
  const loose = await admin.post('/api/v1/persons', { fields: { name: '未入户测试' } });
  assert.equal(loose.status, 201, JSON.stringify(loose.data));
  const page = await e2e.newPage(browser);
  await e2e.login(page, server, server.admin);
  await page.goto(`${server.url}/quality`);
  await page.click(`#unplaced li[data-person="${loose.data.id}"] a`);
  await page.waitForURL(new RegExp(`/persons/${loose.data.id}$`));
  await page.waitForSelector('#move-person');
  assert.deepEqual(page.errors, []);
});

test('a grid worker walking every page asks for nothing outside their scope', { timeout: 240000 }, async () => {
  const { household, building, member } = await fixture.householdWithMembers(admin, grid.id);
  const before = (await auditEntries()).length;
  const page = await e2e.newPage(browser);
  const outside = [];
  page.on('response', (r) => { if ([403, 404].includes(r.status()) && r.url().includes('/api/')) outside.push(`${r.status()} ${r.url()}`); });
  await e2e.login(page, server, worker);
  const pages = ['/', '/residents', `/residents?q=${encodeURIComponent(member.fields.name)}`, `/grids/${grid.id}`,
    `/buildings/${building.id}`, `/households/${household.id}`, `/households/new?building=${building.id}`,
    `/persons/${member.id}`, `/persons/new?household=${household.id}`, '/review', '/quality', '/transfers', '/tables',
    '/requests', '/account/password'];
  for (const p of pages) {
    await page.goto(`${server.url}${p}`);
    await page.waitForSelector('#app > *');
    await page.waitForLoadState('networkidle');
  }
  // The breadcrumb shows the community, read from the worker's own tree.
  await page.goto(`${server.url}/households/${household.id}`);
  await page.waitForSelector(`.crumbs a[href="/grids/${grid.id}"]`);
  assert.ok((await page.locator('.crumbs').innerText()).split('›').length >= 4, await page.locator('.crumbs').innerText());
  await page.waitForLoadState('networkidle');
  assert.deepEqual(outside, []);
  const denials = (await auditEntries()).slice(before).filter((e) => e.user === worker.name && e.result === 'denied');
  assert.deepEqual(denials, []);
  assert.deepEqual(page.errors, []);
});

test('connector runs show progress, can be cancelled, end with a summary; one that cannot run says why', { timeout: 240000 }, async () => {
  const dir = server.connectorsDir;
  // Cannot run: an option reads an environment variable that is not set.
  fs.writeFileSync(path.join(dir, 'e2e-noenv.yaml'), [
    'id: e2e-noenv', 'title: 缺少环境变量', 'type: csv', 'trust: 50',
    'options: {path: "${ONETABLE_E2E_UNSET_PATH}", encoding: utf-8}', 'entity: person',
    'match: {id_number: 身份证号}', 'fields:', '  name: 姓名', ''].join('\n'));
  // Runs: one row, so its counts hold zeros that must show as 0.
  const one = e2e.idNumber('420581', '19700101', '611');
  fs.writeFileSync(path.join(dir, 'e2e-one.csv'), `身份证号,姓名\n${one},进度一\n`);
  fs.writeFileSync(path.join(dir, 'e2e-one.yaml'), [
    'id: e2e-one', 'title: 一行', 'type: csv', 'trust: 50', 'options: {path: e2e-one.csv, encoding: utf-8}',
    'entity: person', 'match: {id_number: 身份证号}', 'fields:', '  name: 姓名', ''].join('\n'));
  // Long: many small batches, to be cancelled.
  const lines = ['身份证号,姓名'];
  const day0 = Date.UTC(1950, 0, 1);
  for (let i = 0; i < 3000; i += 1) {
    const birth = new Date(day0 + i * 86400000).toISOString().slice(0, 10).replace(/-/g, '');
    lines.push(`${e2e.idNumber('420581', birth, '377')},长${i}`);
  }
  fs.writeFileSync(path.join(dir, 'e2e-long.csv'), `${lines.join('\n')}\n`);
  fs.writeFileSync(path.join(dir, 'e2e-long.yaml'), [
    'id: e2e-long', 'title: 很长', 'type: csv', 'trust: 50', 'options: {path: e2e-long.csv, encoding: utf-8}',
    'entity: person', 'match: {id_number: 身份证号}', 'batch_size: 5', 'fields:', '  name: 姓名', ''].join('\n'));

  const page = await e2e.newPage(browser);
  await e2e.login(page, server, server.admin);
  await page.goto(`${server.url}/admin/connectors`);
  const noenv = page.locator('tr[data-connector="e2e-noenv"]');
  await noenv.waitFor();
  assert.match(await noenv.innerText(), /不可运行/);
  assert.match(await noenv.innerText(), /ONETABLE_E2E_UNSET_PATH/);
  assert.equal(await noenv.locator('button').count(), 0);

  // A run ends with its summary; zeros are 0.
  await page.goto(`${server.url}/admin/connectors/e2e-one`);
  await page.click('#run-connector');
  await page.waitForSelector('#run-progress.finished >> text=运行完成');
  assert.match(await page.locator('#run-progress').innerText(), /读取 1 行.*隔离 0.*用时/s);
  await page.waitForSelector('#run-detail dl.kv');
  assert.match(await page.locator('#run-detail').innerText(), /隔离（有误的行）\s*0/);

  // A long run shows rows so far and the time, and 取消 stops it after its batch.
  await page.goto(`${server.url}/admin/connectors/e2e-long`);
  await page.click('#run-connector');
  await page.waitForSelector('#run-progress >> text=/已读取 \\d+ 行/');
  assert.match(await page.locator('#run-progress').innerText(), /已用时/);
  await page.click('#run-progress .progress-cancel');
  await page.waitForSelector('#run-progress.finished', { timeout: 120000 });
  assert.match(await page.locator('#run-progress').innerText(), /运行已取消/);
  await page.waitForSelector('#run-detail >> text=失败');
  assert.deepEqual(page.errors, []);
});

test('a table download shows its progress and ends with what it saved', { timeout: 180000 }, async () => {
  const page = await e2e.newPage(browser);
  await e2e.login(page, server, server.admin);
  await page.goto(`${server.url}/tables?m=${encodeURIComponent('minzheng/gaoling-jintie')}`);
  await page.waitForSelector('#table-download');
  const download = page.waitForEvent('download');
  await page.click('#table-download');
  await page.waitForSelector('#table-progress');
  await download;
  await page.waitForSelector('#table-progress.finished >> text=已下载');
  assert.match(await page.locator('#table-progress').innerText(), /已下载：.+（\d+ 行，.+）.*用时/s);
  assert.deepEqual(page.errors, []);
});
