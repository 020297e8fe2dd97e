// The browser tests' fixture: a real `onetable` server on loopback over a fresh demo store in a
// temporary directory, users made with `onetable user add --password-stdin`, and Debian's
// chromium driven through playwright-core. Nothing is mocked: the browser talks to the server
// the way a worker's browser does.
//
// The binary comes from ONETABLE_BIN (ctest passes the built one); the source tree (schema/,
// mappings/, service/web/) is found from this file's location. Mappings are copied into the
// temporary directory, so a test that edits one never touches the source tree.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const SOURCE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const OUT_DIR = process.env.ONETABLE_E2E_OUT || path.join(SOURCE_DIR, 'tests/out/e2e');
const CHROMIUM = process.env.ONETABLE_CHROMIUM || '/usr/bin/chromium';
export const ADMIN_PASSWORD = 'admin-e2e-2024';
export const SECADMIN_PASSWORD = 'Vq4-keys-warden-2024';
export const AUDITOR_PASSWORD = 'Wm6-ledger-watch-2024';

function binary() {
  const bin = process.env.ONETABLE_BIN;
  if (!bin || !fs.existsSync(bin)) {
    throw new Error(`ONETABLE_BIN must name the built onetable binary (got ${bin || 'nothing'})`);
  }
  return bin;
}

// Runs the binary to completion; rejects with its output when it exits non-zero.
export function run(bin, args, { stdin = '', env = {}, cwd } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve({ out, err });
      else reject(new Error(`onetable ${args.join(' ')} exited ${code}\n${out}\n${err}`));
    });
    child.stdin.end(stdin);
  });
}

// A server over a fresh demo store, with an empty connectors directory (server.connectorsDir) a
// test may write connector YAML files and their data into. Call stop() when done.
export async function startServer({ persons = 400 } = {}) {
  const bin = binary();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onetable-e2e-'));
  fs.cpSync(path.join(SOURCE_DIR, 'mappings'), path.join(dir, 'mappings'), { recursive: true });
  const connectorsDir = path.join(dir, 'connectors');
  fs.mkdirSync(connectorsDir);
  const config = path.join(dir, 'onetable.yaml');
  fs.writeFileSync(config, [
    `store: sqlite:${path.join(dir, 'onetable.db')}`,
    `schema: ${path.join(SOURCE_DIR, 'schema')}`,
    `mappings: ${path.join(dir, 'mappings')}`,
    `connectors: ${connectorsDir}`,
    `deliveries: ${path.join(dir, 'deliveries')}`,
    `web: ${path.join(SOURCE_DIR, 'service/web')}`,
    'listen: 127.0.0.1:0',
    'threads: 4',
    '',
  ].join('\n'));
  const cli = (args, opts = {}) => run(bin, ['--config', config, ...args], { cwd: dir, ...opts });
  await cli(['init', '--demo', '--persons', String(persons)], {
    env: {
      ONETABLE_ADMIN_PASSWORD: ADMIN_PASSWORD,
      ONETABLE_SECADMIN_PASSWORD: SECADMIN_PASSWORD,
      ONETABLE_AUDITOR_PASSWORD: AUDITOR_PASSWORD,
    },
  });

  const child = spawn(bin, ['--config', config, 'serve'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log}`)), 30000);
    const onData = (d) => {
      log += d;
      const m = log.match(/listening on http:\/\/[^:\s]+:(\d+)/);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    };
    child.stderr.on('data', onData);
    child.stdout.on('data', (d) => { log += d; });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}:\n${log}`)); });
  });
  child.removeAllListeners('exit');
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    dir,
    connectorsDir,
    cli,
    log: () => log,
    admin: { name: 'admin', password: ADMIN_PASSWORD },
    // Accounts, grants and tokens are the security administrator's; the audit log the auditor's.
    secadmin: { name: 'secadmin', password: SECADMIN_PASSWORD },
    auditor: { name: 'auditor', password: AUDITOR_PASSWORD },
    async addUser(name, role, { scopes = [], grants = [], password = `${name}-pass-2024` } = {}) {
      const args = ['user', 'add', name, '--role', role, '--password-stdin'];
      for (const s of scopes) args.push('--scope', s);
      for (const g of grants) args.push('--grant', g);
      await cli(args, { stdin: `${password}\n` });
      return { name, password };
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// A JSON client signed in as `user`, for test setup and for checking what the UI did.
export async function apiClient(server, user) {
  const res = await fetch(`${server.url}/api/v1/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: user.name, password: user.password }),
  });
  if (!res.ok) throw new Error(`login ${user.name}: ${res.status} ${await res.text()}`);
  const { token } = await res.json();
  const call = async (method, p, body, headers = {}) => {
    const r = await fetch(`${server.url}${p}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    const type = r.headers.get('Content-Type') || '';
    const data = type.includes('json') ? await r.json() : Buffer.from(await r.arrayBuffer());
    return { status: r.status, data, headers: r.headers };
  };
  return {
    get: (p) => call('GET', p),
    post: (p, b, h) => call('POST', p, b, h),
    put: (p, b, h) => call('PUT', p, b, h),
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Playwright gives each launch a fresh temporary --user-data-dir of its own.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// A page at the desk size the UI is made for; page errors fail the test that reads them.
export async function newPage(browser, { width = 1366, height = 768 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN', acceptDownloads: true });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e));
  return page;
}

export async function login(page, server, user) {
  await page.goto(`${server.url}/login`);
  await page.fill('#login-user', user.name);
  await page.fill('#login-password', user.password);
  await page.click('#login-submit');
  await page.waitForSelector('#top:not([hidden])');
}

export async function screenshot(page, name) {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const file = path.join(OUT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// A valid ID number (GB 11643) for an area code, birth date (YYYYMMDD) and sequence.
export function idNumber(area, birth, seq) {
  const first17 = `${area}${birth}${String(seq).padStart(3, '0')}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * w[i];
  return first17 + '10X98765432'[sum % 11];
}

// The same number with a wrong check character.
export function withWrongCheck(id) {
  const good = id[17];
  const bad = good === '0' ? '1' : good === 'X' ? '0' : String((Number(good) + 1) % 10);
  return id.slice(0, 17) + bad;
}
