// Cross-site request forgery (issue 16, H2): a page on another port of the same host is "same
// site", so the SameSite=Strict session cookie goes with its requests. Signed in as the security
// administrator (who manages accounts) in one tab, a page served from another port auto-submits a
// form and fires a no-cors fetch that would create an admin account; neither may, while the UI's
// own pages still write.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import * as e2e from '../lib/harness.js';

let server;
let browser;
let secadmin;
let evil;  // the attacker's page server
let evilUrl;

function attackerPage(target) {
  // A text/plain form body that reads as JSON: {"name":"mallory...","x":"=..."} .
  const field = '{"name":"mallory_form","role":"admin","password":"Zq7-mallory-2024","x":"';
  return `<!doctype html><html><body>
<form id="f" method="POST" action="${target}/api/v1/users" enctype="text/plain">
  <input type="hidden" name='${field}' value='"}'>
</form>
<script>
  window.fetchStatus = 'pending';
  fetch('${target}/api/v1/users', {
    method: 'POST', mode: 'no-cors', credentials: 'include',
    headers: { 'Content-Type': 'text/plain' },
    body: JSON.stringify({ name: 'mallory_fetch', role: 'admin', password: 'Zq7-mallory-2024' }),
  }).then(() => { window.fetchStatus = 'sent'; }, () => { window.fetchStatus = 'failed'; });
</script>
</body></html>`;
}

before(async () => {
  server = await e2e.startServer({ persons: 20 });
  secadmin = await e2e.apiClient(server, server.secadmin);
  evil = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(attackerPage(server.url));
  });
  await new Promise((resolve) => evil.listen(0, '127.0.0.1', resolve));
  evilUrl = `http://127.0.0.1:${evil.address().port}/`;
  browser = await e2e.launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (evil) await new Promise((resolve) => evil.close(resolve));
  if (server) await server.stop();
});

test('a page on another port cannot create a user with the security administrator\'s session', { timeout: 120000 }, async () => {
  const page = await e2e.newPage(browser);
  await e2e.login(page, server, server.secadmin);

  const attack = await page.context().newPage();
  const fetched = attack.waitForResponse((r) => r.url() === `${server.url}/api/v1/users` && r.request().method() === 'POST'
    && (r.request().headers()['content-type'] || '').startsWith('text/plain') && r.request().postData()?.includes('mallory_fetch'));
  await attack.goto(evilUrl);
  await attack.waitForFunction(() => window.fetchStatus !== 'pending');
  assert.equal((await fetched).status(), 403);

  // The form posts and navigates to the answer.
  const [formAnswer] = await Promise.all([
    attack.waitForResponse((r) => r.url() === `${server.url}/api/v1/users` && r.request().postData()?.includes('mallory_form')),
    attack.evaluate(() => document.getElementById('f').submit()),
  ]);
  assert.equal(formAnswer.status(), 403);

  const users = (await secadmin.get('/api/v1/users')).data;
  const names = JSON.stringify(users);
  assert.ok(!names.includes('mallory'), names);

  // The UI's own requests still write: the same session creates a user from the service's page.
  const status = await page.evaluate(async () => {
    const r = await fetch('/api/v1/users', {
      method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'own_page_user', role: 'admin', password: 'Zq7-own-page-2024' }),
    });
    return r.status;
  });
  assert.equal(status, 201);
  assert.deepEqual(page.errors, []);
});

test('the password page changes one\'s own password and signs out', { timeout: 120000 }, async () => {
  const user = await server.addUser('mima_user', 'admin', { password: 'Kx9-first-pass-2024' });
  const page = await e2e.newPage(browser);
  await e2e.login(page, server, user);
  await page.click('#change-password');
  await page.fill('#password-old', user.password);
  await page.fill('#password-new', 'aaaaaaaaa1');
  await page.fill('#password-again', 'aaaaaaaaa1');
  await page.click('#password-submit');
  await page.waitForSelector('#password-error:not([hidden])');
  assert.match(await page.locator('#password-error').innerText(), /不同字符太少|常见|简单/);
  await page.fill('#password-new', 'Kx9-second-pass-2024');
  await page.fill('#password-again', 'Kx9-second-pass-2024');
  await page.click('#password-submit');
  await page.waitForSelector('#login-submit');
  await e2e.login(page, server, { name: user.name, password: 'Kx9-second-pass-2024' });
  assert.deepEqual(page.errors, []);
});
