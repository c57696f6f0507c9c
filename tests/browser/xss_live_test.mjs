// Outside strings are shown as text, live: a program named "<svg onload=1>"
// (a process name holds 15 characters at most) whose command line is
// "<script>alert(1)</script>" (argv[0], set with exec -a) plus an argument
// that is not UTF-8 talks TCP on loopback while `vedetta server -i lo` runs,
// and a TLS client sends the server name "<img src=x onerror=alert(1)>".
// The pages must show those strings literally, no dialog may open, and no
// element may come out of them; so must the past flow's page once the
// program ended. Needs root and BPF (process attribution).
//   node xss_live_test.mjs --vedetta BUILD/vedetta --artifacts DIR
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, chmodSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { apiGet, args, loadPlaywright, login, noInjectedElements as noInjected, openBrowser, runSteps, skipOrFail, startServer } from './support.mjs';

const NAME = '<svg onload=1>';
const ARGV0 = '<script>alert(1)</script>';
const SNI = '<img src=x onerror=alert(1)>';
const a = args();
if (process.getuid() !== 0) skipOrFail('needs root (live capture on lo and eBPF process attribution)');
const playwright = loadPlaywright();

// The peers: an echo server in this process, and a sink that takes a TLS
// ClientHello and never answers.
const echo = net.createServer((s) => s.pipe(s));
await new Promise((r) => echo.listen(0, '127.0.0.1', r));
const echoPort = echo.address().port;
const sink = net.createServer((s) => s.resume());
await new Promise((r) => sink.listen(0, '127.0.0.1', r));
const sinkPort = sink.address().port;

let server;
try {
  server = await startServer(a.vedetta, 'lo');
} catch (e) {
  if (/BPF|bpf|CAP_|permission/i.test(e.message)) skipOrFail(`vedetta server -i lo cannot attribute processes here: ${e.message}`);
  throw e;
}

// The program: bash under the odd name, keeping one connection busy. The
// outer bash builds the argument that is not UTF-8 ($'...\xff\xfe...').
const dir = mkdtempSync(path.join(os.tmpdir(), 'vedetta-xss-'));
chmodSync(dir, 0o755);
const program = path.join(dir, NAME);
copyFileSync('/bin/bash', program);
chmodSync(program, 0o755);
const loop = `exec 3<>/dev/tcp/127.0.0.1/${echoPort}; end=$((SECONDS+150));
while [ $SECONDS -lt $end ]; do echo "hello from the odd program" >&3; read -r line <&3; sleep 0.1 3>&-; done`;
const talker = spawn('/bin/bash', ['-c', `exec -a '${ARGV0}' "$1" -c "$2" odd $'bad-\\xff\\xfe-utf8'`, 'outer', program, loop],
  { stdio: 'ignore' });

// A TLS client whose server name (SNI) is markup.
const tlsClient = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${sinkPort}`, '-servername', SNI], { stdio: ['pipe', 'ignore', 'ignore'] });
tlsClient.on('error', (e) => console.error(`openssl: ${e.message}`));

const { browser, page, problems, screenshot } = await openBrowser(playwright, a.artifacts);

const noInjectedElements = () => noInjected(page);

// The first flow the API lists for query that pick() accepts, waiting up to ms.
async function waitForFlow(query, pick, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    const answer = await apiGet(server, `/flows?${new URLSearchParams({ ...query, limit: 10 })}`);
    const found = answer.flows.find(pick);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no flow ${what} after ${ms / 1000} s: ${JSON.stringify(answer.flows)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

// The element shows exactly the expected text, and nothing was injected.
async function showsLiterally(locator, expected, shot) {
  await locator.waitFor({ timeout: 15000 });
  assert.equal(await locator.textContent(), expected);
  await noInjectedElements();
  await screenshot(shot);
}

let flow;
await runSteps([
  ['the API lists a flow of the odd program', async () => {
    flow = await waitForFlow({ process: NAME },
      (f) => f.client.process && f.client.process.name === NAME && f.server.port === echoPort, 60000,
      `of "${NAME}" to port ${echoPort}`);
  }],
  ['the flows page shows the name as text', async () => {
    await login(page, server);
    await page.waitForSelector('.stat-value');
    await page.goto(`${server.base}/#/flows?q=${encodeURIComponent(NAME)}`);
    await showsLiterally(page.locator('table.data tbody .pname', { hasText: NAME }).first(), NAME, 'flows');
  }],
  ['the flow\'s details show the command line as text, invalid UTF-8 replaced', async () => {
    await page.goto(`${server.base}/#/flows/${flow.id}`);
    const cmdline = page.locator('section:has(h2:text("Client Process Information")) code.cmdline');
    await cmdline.waitFor({ timeout: 10000 });
    const shown = await cmdline.innerText();
    assert.ok(shown.includes(ARGV0), `command line shown: ${JSON.stringify(shown)}`);
    assert.ok(shown.includes('\uFFFD'), `no U+FFFD for the invalid UTF-8: ${JSON.stringify(shown)}`);
    const pidName = await page.locator('section:has(h2:text("Client Process Information")) tr:has(th:text("Process PID/Name")) td').innerText();
    assert.ok(pidName.includes(`/${NAME}`), pidName);
    await noInjectedElements();
    await screenshot('flow-details');
  }],
  ['the process page and the processes list show the name as text', async () => {
    await page.locator('section:has(h2:text("Client Process Information")) tr:has(th:text("Process PID/Name")) a').click();
    await page.waitForSelector('h1 .pname');
    assert.equal(await page.locator('h1 .pname').innerText(), NAME);
    assert.ok((await page.locator('code.cmdline').first().innerText()).includes(ARGV0));
    await noInjectedElements();
    await screenshot('process');
    await page.goto(`${server.base}/#/processes?q=${encodeURIComponent(NAME)}`);
    await page.locator('table.data tbody a', { hasText: NAME }).first().waitFor({ timeout: 10000 });
    await noInjectedElements();
  }],
  ['the graph labels the process with the name as text', async () => {
    await page.goto(`${server.base}/#/graph`);
    await showsLiterally(page.locator('svg.graph text', { hasText: NAME }).first(), NAME, 'graph');
  }],
  ['a server name (TLS SNI) that is markup shows as text', async () => {
    const tls = await waitForFlow({ port: sinkPort }, (f) => f.server_name === SNI, 30000,
      `to port ${sinkPort} with server name ${SNI}`);
    await page.goto(`${server.base}/#/flows?port=${sinkPort}`);
    await showsLiterally(page.locator('table.data tbody .sni').first(), SNI, 'flows-server-name');
    await page.goto(`${server.base}/#/flows/${tls.id}`);
    await showsLiterally(page.locator('tr:has(th:text("Server Name")) td'), SNI, 'flow-server-name');
  }],
  ['once it ended, the past flow shows the name and command line as text, unlinked', async () => {
    talker.kill('SIGKILL');  // its connection closes: the flow ends and goes to the history
    const deadline = Date.now() + 60000;
    let past;
    while (!past) {
      const answer = await apiGet(server, `/history/flows?${new URLSearchParams({ process: NAME, port: echoPort, from: 1, to: 4000000000 })}`);
      past = answer.flows.find((f) => f.client.process && f.client.process.name === NAME);
      if (!past && Date.now() > deadline) throw new Error(`no past flow of "${NAME}" after 60 s`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    await page.goto(`${server.base}/#/history/flow/${past.uid}`);
    const info = 'section:has(h2:text("Client Process Information"))';
    const cmdline = page.locator(`${info} code.cmdline`);
    await cmdline.waitFor({ timeout: 10000 });
    const shown = await cmdline.innerText();
    assert.ok(shown.includes(ARGV0) && shown.includes('\uFFFD'), `command line shown: ${JSON.stringify(shown)}`);
    const pidName = page.locator(`${info} tr:has(th:text("Process PID/Name")) td`);
    assert.ok((await pidName.innerText()).startsWith(`${past.client.process.pid}/${NAME}`), await pidName.innerText());
    assert.equal(await pidName.locator('a').count(), 0, 'a past process is not linked');
    await noInjectedElements();
    await screenshot('past-flow');
  }],
  ['no dialog, page error or console error on the way', async () => {
    assert.deepEqual(problems, []);
  }],
], async () => {
  talker.kill('SIGKILL');
  tlsClient.kill('SIGKILL');
  await browser.close();
  await server.stop();
  echo.close();
  sink.close();
  rmSync(dir, { recursive: true, force: true });
});
