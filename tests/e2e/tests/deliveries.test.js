// The 推送 page (issue 14): the administrator — the role that may run deliveries
// (manage_connectors, service/src/http/delivery_handlers.cc) — sees each configured delivery and
// its state, runs one, reads its receipts, retries a batch the receiver refused, and pauses and
// resumes; a community administrator is shown no such page and the API refuses it. The receiver is a real
// HTTP server on loopback started by this test; the file target writes into a real directory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import * as e2e from '../lib/harness.js';

let server;
let browser;
let receiver;
// What the receiver answers (a department system that first refuses the batch, then is fixed)
// and every request it got.
const inbox = { answer: 422, requests: [] };

before(async () => {
  receiver = http.createServer((req, res) => {
    // The bytes as sent, decoded once: a chunk may end inside a character.
    const chunks = [];
    req.on('data', (d) => { chunks.push(d); });
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      inbox.requests.push({ key: req.headers['idempotency-key'], auth: req.headers.authorization, body });
      res.writeHead(inbox.answer, { 'Content-Type': 'application/json' });
      res.end(inbox.answer === 200 ? '{"ok":true}' : '{"error":"字段不全"}');
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  server = await e2e.startServer({ persons: 120 });
  browser = await e2e.launchBrowser();
  const dir = path.join(server.dir, 'deliveries');
  fs.mkdirSync(path.join(dir, 'drop'), { recursive: true });  // the drop directory is the receiver's
  fs.writeFileSync(path.join(dir, 'e2e-file.yaml'), [
    'id: e2e-file', 'title: 老年人花名册投递', 'mapping: minzheng/laonianren', 'key: 身份证号',
    'target: {type: file, dir: drop, format: json}', ''].join('\n'));
  fs.writeFileSync(path.join(dir, 'e2e-http.yaml'), [
    'id: e2e-http', 'title: 老年人花名册推送至民政系统', 'mapping: minzheng/laonianren', 'key: 身份证号',
    'target:', '  type: http', `  url: "http://127.0.0.1:${receiver.address().port}/push"`,
    '  auth: {bearer: e2e-token}', '  timeout: 10', '  retry: {attempts: 2, delay_ms: 10, max_delay_ms: 50}',
    ''].join('\n'));
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  if (receiver) await new Promise((resolve) => receiver.close(resolve));
});

// Waits until `probe` returns a truthy value (a run goes on in the server's background);
// `last` (optional) says what was seen when it gives up.
async function until(probe, what, last = async () => '', timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await last())}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stateOf(api, id) {
  const { status, data } = await api.get('/api/v1/deliveries');
  assert.equal(status, 200);
  return data.items.find((d) => d.id === id);
}

const row = (page, id) => page.locator(`tr[data-delivery="${id}"]`);

async function openPage(page) {
  await page.goto(`${server.url}/admin/deliveries`);
  await page.waitForSelector('tr[data-delivery="e2e-http"]');
}

async function receiptsOf(page, id) {
  await row(page, id).locator('button', { hasText: '回执' }).click();
  await page.waitForSelector('#receipts table.receipts');
  return page.locator('#receipts');
}

test('the administrator runs a delivery, reads its receipts and retries a refused batch', { timeout: 240000 }, async () => {
  const api = await e2e.apiClient(server, server.admin);
  const page = await e2e.newPage(browser);
  await e2e.login(page, server, server.admin);
  await page.click('#nav a >> text=推送');
  await page.waitForSelector('tr[data-delivery="e2e-http"]');

  // Both deliveries are listed with their table, target and schedule; neither has run.
  const fileRow = await row(page, 'e2e-file').innerText();
  assert.match(fileRow, /老年人花名册投递/);
  assert.match(fileRow, /minzheng\/laonianren/);
  assert.match(fileRow, /文件投递/);
  assert.match(fileRow, /仅手动/);
  assert.match(fileRow, /正常/);
  assert.match(fileRow, /从未/);
  const httpRow = await row(page, 'e2e-http').innerText();
  assert.match(httpRow, /HTTP 接口/);
  assert.match(httpRow, /仅手动/);
  assert.equal(await (await receiptsOf(page, 'e2e-file')).locator('td.empty').innerText(), '还没有批次');

  // 立即运行 on the file delivery: the first run sends every row of the table, in one batch.
  await row(page, 'e2e-file').locator('button', { hasText: '立即运行' }).click();
  await page.waitForSelector('.toast >> text=已开始运行：老年人花名册投递');
  const done = await until(async () => {
    const s = await stateOf(api, 'e2e-file');
    return s.last_success_at && !s.running ? s : null;
  }, 'the file delivery to finish', () => stateOf(api, 'e2e-file'));
  assert.equal(done.pending_batches, 0);
  assert.equal(done.acked_batches, 1);
  const table = await server.cli(['table', 'minzheng/laonianren', '--format', 'json']);
  const rows = JSON.parse(table.out).length;
  assert.ok(rows > 0, 'the demo has people aged 60 and over');
  const manifest = JSON.parse(fs.readFileSync(path.join(server.dir, 'deliveries/drop/e2e-file-manifest.json'), 'utf8'));
  assert.deepEqual(manifest.batches.map((b) => [b.batch, b.upserts, b.deletes]), [[1, rows, 0]]);

  await openPage(page);
  assert.match(await row(page, 'e2e-file').innerText(), /\d{4}-\d\d-\d\dT?[ \d:]*.*UTC/);
  assert.match(await row(page, 'e2e-file').innerText(), /0 行（0 批）/);
  let receipts = await receiptsOf(page, 'e2e-file');
  assert.match(await receipts.locator('h2').innerText(), /老年人花名册投递 的回执/);
  let batch = await receipts.locator('tr[data-seq="1"]').innerText();
  assert.match(batch, /已确认/);
  const cells = await receipts.locator('tr[data-seq="1"] td').allInnerTexts();
  assert.equal(cells[2], String(rows));   // 新增/变更
  assert.equal(cells[3], '0');            // 删除
  assert.equal(cells[4], '1');            // 尝试次数
  assert.notEqual(cells[7], '');          // 确认时间
  assert.equal(cells[9], 'e2e-file:1');   // 幂等键
  assert.doesNotMatch(await receipts.innerText(), /\d{17}[\dX]/, 'receipts show no row content');

  // The HTTP delivery: the receiver refuses the batch (422), so it stops there, says so, and
  // offers 重试.
  await row(page, 'e2e-http').locator('button', { hasText: '立即运行' }).click();
  await until(async () => (await stateOf(api, 'e2e-http')).failed_batches === 1, 'the refusal',
    () => stateOf(api, 'e2e-http'));
  assert.equal(inbox.requests.length, 1);
  assert.equal(inbox.requests[0].key, 'e2e-http:1');
  assert.equal(inbox.requests[0].auth, 'Bearer e2e-token');
  await openPage(page);
  const refused = await row(page, 'e2e-http').innerText();
  assert.match(refused, /有批次被拒收/);
  assert.match(refused, /1 批/);
  receipts = await receiptsOf(page, 'e2e-http');
  batch = await receipts.locator('tr[data-seq="1"]').innerText();
  assert.match(batch, /被拒收/);
  assert.match(batch, /422/);

  // The department fixes its side; 重试 sends the same batch again, with the same key and body.
  inbox.answer = 200;
  await row(page, 'e2e-http').locator('button', { hasText: '重试' }).click();
  await page.waitForSelector('.toast >> text=被拒收的批次将重发');
  await until(async () => {
    const s = await stateOf(api, 'e2e-http');
    return s.failed_batches === 0 && s.acked_batches === 1 && !s.running;
  }, 'the retried batch to be acknowledged', () => stateOf(api, 'e2e-http'));
  assert.equal(inbox.requests.length, 2);
  assert.equal(inbox.requests[1].key, 'e2e-http:1');
  assert.equal(inbox.requests[1].body, inbox.requests[0].body);
  assert.equal(JSON.parse(inbox.requests[1].body).changes.length, rows);
  await openPage(page);
  assert.match(await row(page, 'e2e-http').innerText(), /正常/);
  assert.equal(await row(page, 'e2e-http').locator('button', { hasText: '重试' }).count(), 0);
  receipts = await receiptsOf(page, 'e2e-http');
  batch = await receipts.locator('tr[data-seq="1"]').innerText();
  assert.match(batch, /已确认/);
  assert.match(batch, /200/);

  // 暂停: the state says so and a run is refused until 恢复.
  await row(page, 'e2e-file').locator('button', { hasText: '暂停' }).click();
  await page.waitForSelector('tr[data-delivery="e2e-file"] .badge >> text=已暂停');
  await row(page, 'e2e-file').locator('button', { hasText: '立即运行' }).click();
  await page.waitForSelector('.toast.error >> text=已暂停');
  await row(page, 'e2e-file').locator('button', { hasText: '恢复' }).click();
  await page.waitForSelector('tr[data-delivery="e2e-file"] .badge >> text=正常');
  assert.equal(await row(page, 'e2e-file').locator('button', { hasText: '暂停' }).count(), 1);

  await e2e.screenshot(page, 'deliveries');
  assert.deepEqual(page.errors, []);
});

test('a community administrator has no 推送 page and the API refuses it', { timeout: 120000 }, async () => {
  const worker = await server.addUser('shequ-push', 'community_admin', { scopes: ['420581001001'] });
  const api = await e2e.apiClient(server, worker);
  assert.equal((await api.get('/api/v1/deliveries')).status, 403);
  assert.equal((await api.post('/api/v1/deliveries/e2e-file/run', {})).status, 403);
  const page = await e2e.newPage(browser);
  await e2e.login(page, server, worker);
  assert.equal(await page.locator('#nav a', { hasText: '推送' }).count(), 0);
  await page.goto(`${server.url}/admin/deliveries`);
  await page.waitForSelector('#forbidden');
  assert.equal(await page.locator('tr[data-delivery]').count(), 0);
  assert.deepEqual(page.errors, []);
});
