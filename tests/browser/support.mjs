// Shared by the browser tests: start a real `vedetta server`, log in with
// headless Chromium (playwright-core from web/node_modules), clean up.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, chmodSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SKIP = 77;
export const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'browser-test-password';

// A prerequisite this machine lacks: skip (exit 77), but fail under CI=true,
// where every prerequisite must be installed (as tests/support/live_prerequisite.h).
export function skipOrFail(reason) {
  if (process.env.CI === 'true') {
    console.error(`FAIL: ${reason} (CI=true: prerequisites must be present)`);
    process.exit(1);
  }
  console.error(`SKIP: ${reason}`);
  process.exit(SKIP);
}

// Retries `check` until it returns true (or nothing) for up to `ms`: the
// pages refresh every 2 s. A string it returns says what it saw instead.
export async function until(what, check, ms = 10000) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await check();
      if (last === true || last === undefined) return;
    } catch (e) {
      last = e.message;
    }
    if (Date.now() > deadline) throw new Error(`${what}: still not so after ${ms} ms (last: ${last})`);
    await sleep(200);
  }
}

// --name value pairs of argv.
export function args() {
  const out = {};
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i += 2) out[a[i].replace(/^--/, '')] = a[i + 1];
  return out;
}

export function loadPlaywright() {
  const webPackage = path.join(REPO, 'web', 'package.json');
  if (!existsSync(path.join(REPO, 'web', 'node_modules', 'playwright-core'))) {
    skipOrFail('web/node_modules/playwright-core missing: run `npm ci --prefix web` (scripts/install-deps.sh does)');
  }
  if (!existsSync(path.join(REPO, 'web', 'public', 'vendor', 'uPlot.esm.js'))) {
    skipOrFail('web/public/vendor missing: run `npm ci --prefix web`');
  }
  if (!existsSync(CHROMIUM)) skipOrFail(`${CHROMIUM} missing: apt-get install chromium`);
  return createRequire(webPackage)('playwright-core');
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Starts `vedetta server -i INPUT --http-port P --data-dir D` and waits until
// it answers HTTP. A server that exits or never answers fails the test: a
// server without the console is a failure, not a reason to skip.
export async function startServer(vedetta, input, extraArgs = []) {
  const port = await freePort();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'vedetta-browser-'));
  chmodSync(tmp, 0o755);  // the server drops root: its data dir must be reachable
  const dataDir = path.join(tmp, 'data');
  const argv = ['server', '-i', input, '--http-port', String(port), '--data-dir', dataDir, '--quiet', ...extraArgs];
  const child = spawn(vedetta, argv, {
    env: { ...process.env, VEDETTA_ADMIN_PASSWORD: PASSWORD },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  const base = `http://127.0.0.1:${port}`;
  const server = {
    base, port, dataDir, password: PASSWORD, child,
    output: () => output,
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        for (let i = 0; i < 50 && !exited; i++) await sleep(100);
        if (!exited) child.kill('SIGKILL');
      }
      rmSync(tmp, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + 30000;
  for (;;) {
    if (exited) {
      throw new Error(`vedetta ${argv.join(' ')} exited (${JSON.stringify(exited)}) before serving HTTP:\n${output}`);
    }
    try {
      const r = await fetch(`${base}/api/v1/status`);
      if (r.status === 401 || r.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`vedetta ${argv.join(' ')} did not answer HTTP on ${base} within 30 s:\n${output}`);
    }
    await sleep(200);
  }
  return server;
}

// The API as a script sees it (basic auth), to compare with the pages.
export async function apiGet(server, pathAndQuery) {
  const r = await fetch(`${server.base}/api/v1${pathAndQuery}`, {
    headers: { Authorization: `Basic ${Buffer.from(`admin:${server.password}`).toString('base64')}` },
  });
  const body = await r.json().catch(() => null);
  if (!r.ok) throw new Error(`GET /api/v1${pathAndQuery}: ${r.status} ${JSON.stringify(body)}`);
  return body;
}

// Headless Chromium with the flags the closed network needs. Collects page
// errors and fails on any dialog (an alert() would mean injected script ran).
export async function openBrowser(playwright, artifacts) {
  rmSync(artifacts, { recursive: true, force: true });  // only this run's pictures
  mkdirSync(artifacts, { recursive: true });
  const browser = await playwright.chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  const page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => { problems.push(`dialog opened: ${d.type()} ${d.message()}`); d.dismiss().catch(() => {}); });
  page.on('console', (m) => {
    // Failed requests are told apart below, with their address.
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(`console error: ${m.text()}`);
  });
  page.on('response', (r) => {
    // 401 before login and after logout is expected, 404 of a flow that ended too.
    const expected = r.status() === 401 || (r.status() === 404 && /\/api\/v1\/(flows|processes|hosts)\//.test(r.url()));
    if (r.status() >= 400 && !expected) problems.push(`HTTP ${r.status()} for ${r.request().method()} ${r.url()}`);
  });
  let shot = 0;
  return {
    browser, page, problems,
    async screenshot(name) {
      shot += 1;
      await page.screenshot({ path: path.join(artifacts, `${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
    },
  };
}

// Nothing outside strings could have turned into: no element with an event
// handler attribute, no script but the console's own files.
export async function noInjectedElements(page) {
  const found = await page.evaluate(() => ({
    handlers: [...document.querySelectorAll('*')].filter((el) => [...el.attributes].some((at) => at.name.startsWith('on'))).map((el) => el.outerHTML.slice(0, 80)),
    scripts: [...document.querySelectorAll('script')].filter((s) => !s.src).map((s) => s.outerHTML.slice(0, 80)),
  }));
  if (found.handlers.length || found.scripts.length) throw new Error(`injected elements: ${JSON.stringify(found)}`);
}

export async function login(page, server, password = server.password) {
  await page.goto(`${server.base}/`);
  await page.waitForSelector('#login-password');
  await page.fill('#login-user', 'admin');
  await page.fill('#login-password', password);
  await page.click('form.login button[type=submit]');
}

// Runs named steps, printing each; the closing line is "N passed, N failed".
export async function runSteps(steps, cleanup) {
  let passed = 0;
  let failed = 0;
  for (const [name, fn] of steps) {
    try {
      await fn();
      passed += 1;
      console.log(`ok - ${name}`);
    } catch (e) {
      failed += 1;
      console.log(`not ok - ${name}\n  ${String(e.stack || e).split('\n').join('\n  ')}`);
      break;  // later steps build on earlier ones
    }
  }
  const notRun = steps.length - passed - failed;
  await cleanup();
  console.log(`${passed} passed, ${failed + notRun} failed`);
  process.exit(failed + notRun ? 1 : 0);
}
