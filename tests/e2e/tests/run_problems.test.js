// A connector run's page names what did not land: the run report's problem counts (unplaced,
// unknown_code, …), so nothing a department sent is dropped without a word (issue 12).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as e2e from '../lib/harness.js';

let server;
let browser;

before(async () => {
  server = await e2e.startServer({ persons: 50 });
  browser = await e2e.launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('the run page lists each named problem with its row count', { timeout: 180000 }, async () => {
  const dir = server.connectorsDir;
  const ok = e2e.idNumber('420581', '19700101', '011');
  const unplaced = e2e.idNumber('420581', '19700101', '021');
  const badCode = e2e.idNumber('420581', '19700101', '031');
  fs.writeFileSync(path.join(dir, 'e2e-problems.csv'), [
    '身份证号,姓名,户号,与户主关系',
    `${ok},甲一,,户主`,
    `${unplaced},乙二,H-NONE-404,户主`,
    `${badCode},丙三,,干儿子`, ''].join('\n'));
  fs.writeFileSync(path.join(dir, 'e2e-problems.yaml'), [
    'id: e2e-problems', 'title: 问题计数', 'type: csv', 'trust: 50',
    'options: {path: e2e-problems.csv, encoding: utf-8}', 'entity: person',
    'match: {id_number: 身份证号}', 'fields:', '  name: 姓名', '  relationship: 与户主关系',
    '  household.household_number: 户号', ''].join('\n'));
  const page = await e2e.newPage(browser);
  await e2e.login(page, server, server.admin);
  await page.goto(`${server.url}/admin/connectors`);
  await page.click('tr[data-connector="e2e-problems"] button >> text=立即运行');
  await page.waitForURL(/\?run=\d+$/);
  await page.waitForSelector('#run-detail li[data-problem="unplaced"]');
  const text = await page.locator('#run-detail').innerText();
  assert.match(text, /问题分类/);
  assert.match(text, /未能落户[^\n]*unplaced[^\n]*1 行/);
  assert.match(text, /代码不在对照表或代码表中[^\n]*unknown_code[^\n]*1 行/);
  await e2e.screenshot(page, 'run-problems');
  assert.deepEqual(page.errors, []);
});
