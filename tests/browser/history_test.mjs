// The History page (#/history) in headless Chromium against a real
// `vedetta server` replaying a pcap with --history-days 0 (its flows are
// years old): once the replay's flows are in the history, the page's table
// total equals the API's for the same range, and a click on a point of the
// chart lists that bucket's flows, as many as the API's drill-down gives.
// A row of the drill-down and of the flows table opens that past flow's
// details (#/history/flow/UID), which show what the API's
// /history/flows/UID says. Then a second server collects ntop's 2014 flow
// message (sysdig's process fields) with a client process whose name,
// command line and parent name are markup: the past flow's Process
// Information shows them as text, not linked to the live process page.
//   node history_test.mjs --vedetta BUILD/vedetta --pcap FILE --artifacts DIR
//        --sender BUILD/tests/collect/vedetta_test_zmq_send --fixtures ../shared/fixtures
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO, apiGet, args, freePort, loadPlaywright, login, noInjectedElements, openBrowser, runSteps, startServer, until } from './support.mjs';

const a = args();
const playwright = loadPlaywright();
const fmt = await import(pathToFileURL(path.join(REPO, 'web', 'public', 'js', 'format.js')));
const server = await startServer(a.vedetta, a.pcap, ['--history-days', '0']);
const { browser, page, problems, screenshot } = await openBrowser(playwright, a.artifacts);

const NAME = '<svg onload=1>';
const CMDLINE = '<script>alert(1)</script> --port 5556';
const PARENT = '<img src=x onerror=alert(1)>';
let collector = null;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'vedetta-history-test-'));

// The text of a row ("Process PID/Name") of a section ("Client Process Information").
const cell = (sectionTitle, row) => page.locator(`section:has(h2:text("${sectionTitle}")) tr:has(th:text("${row}")) td`);

// The past flow page now shown agrees with the answer of `srv`'s API for its uid.
async function showsPastFlow(srv) {
  await page.waitForURL(/#\/history\/flow\/\d+$/);
  const uid = decodeURIComponent(page.url().split('/').pop());
  const f = await apiGet(srv, `/history/flows/${uid}`);
  await until('the overview', async () => (await cell('Overview', 'Flow').innerText()).startsWith(`${uid} on `) || 'not yet');
  assert.ok(f.collector, 'the server that stored it has a name (its host name by default)');
  assert.equal(await cell('Overview', 'Flow').innerText(), `${uid} on ${f.interface} (ended, from the history, stored by ${f.collector})`);
  assert.equal(await cell('Overview', 'Application').innerText(), `${f.application}${f.category ? ` (${f.category})` : ''}`);
  assert.equal(await cell('Overview', 'Total Traffic').innerText(), `${fmt.bytes(f.bytes.total)} in ${fmt.count(f.packets.total)} packets`);
  assert.equal(await cell('Overview', 'First / Last Seen').innerText(), `${fmt.time(f.first_seen)} / ${fmt.time(f.last_seen)}`);
  return f;
}

let range;
let total;
await runSteps([
  ['the replay\'s flows reach the history', async () => {
    await until('history total equals the live total', async () => {
      const live = (await apiGet(server, '/flows?limit=1')).total;
      total = (await apiGet(server, '/history/flows?from=0&to=4000000000&limit=1')).total;
      return (live > 0 && total === live) || `live ${live}, history ${total}`;
    }, 30000);
    const all = await apiGet(server, '/history/flows?from=0&to=4000000000&limit=1000');
    const first = Math.min(...all.flows.map((f) => f.first_seen));
    const last = Math.max(...all.flows.map((f) => f.last_seen));
    range = { from: Math.floor(first / 60) * 60, to: Math.ceil(last / 60) * 60 + 60 };
  }],
  ['#/history shows the API\'s total for the range', async () => {
    await login(page, server);
    await page.waitForSelector('nav a[data-nav=history]');
    await page.click('nav a[data-nav=history]');
    await page.waitForSelector('#history-from');
    await page.goto(`${server.base}/#/history?from=${range.from}&to=${range.to}`);
    const api = await apiGet(server, `/history/flows?from=${range.from}&to=${range.to}&limit=1`);
    assert.equal(api.total, total);
    await until('the table footer', async () => {
      const shown = await page.locator('main > .paged-table .page-info').innerText();
      return shown.endsWith(`of ${fmt.count(api.total)} rows`) || shown;
    });
    const rows = await page.locator('main > .paged-table tbody tr').count();
    assert.equal(rows, Math.min(10, api.total));
    await screenshot('history');
  }],
  ['a click on the chart lists that bucket\'s flows', async () => {
    await page.waitForSelector('.u-over.pickable');
    const iface = (await apiGet(server, '/interfaces')).interfaces[0].name;
    const asked = page.waitForRequest((r) => r.url().includes('/api/v1/history/drilldown?'));
    const box = await page.locator('.u-over.pickable').boundingBox();
    await page.mouse.move(box.x + 2, box.y + box.height / 2);  // the first bucket: the first flow's
    await page.mouse.click(box.x + 2, box.y + box.height / 2);
    const q = new URL((await asked).url()).searchParams;
    assert.equal(q.get('kind'), 'interface');
    assert.equal(q.get('key'), iface);
    assert.equal(Number(q.get('t')), range.from, 'the first bucket');
    const api = await apiGet(server, `/history/drilldown?${q}`);
    assert.ok(api.total > 0, `the first bucket has flows (${api.total})`);
    await until('the drill-down footer', async () => {
      const shown = await page.locator('.drilldown .page-info').innerText();
      return shown.endsWith(`of ${fmt.count(api.total)} rows`) || shown;
    });
    assert.ok(await page.locator('.drilldown tbody tr').count() > 0);
    await screenshot('history-drilldown');
  }],
  ['a row of the drill-down opens that past flow', async () => {
    await page.locator('.drilldown tbody tr td').first().click();
    const f = await showsPastFlow(server);
    const none = 'No process information (not a local end, or not attributed).';
    if (!f.client.process) assert.equal(await page.locator('section:has(h2:text("Client Process Information")) p').innerText(), none);
    await page.locator('summary', { hasText: 'All fields' }).click();
    assert.equal(await page.locator('table.fields tbody tr').count(), Object.keys(f.fields).length);
    await screenshot('past-flow');
  }],
  ['a row of the flows table opens that past flow', async () => {
    await page.goto(`${server.base}/#/history?from=${range.from}&to=${range.to}&sort=bytes`);
    const biggest = (await apiGet(server, `/history/flows?from=${range.from}&to=${range.to}&limit=1`)).flows[0];
    await page.locator('main > .paged-table tbody tr td').first().click();
    const f = await showsPastFlow(server);
    assert.equal(f.uid, biggest.uid, 'the largest flow');
    await page.goBack();
    await page.waitForSelector('main > .paged-table tbody tr');
  }],
  ['a past flow with markup in its process shows it as text, not linked', async () => {
    const fixture = JSON.parse(readFileSync(path.join(a.fixtures, 'ntop-2014-flow.json'), 'utf8'));
    Object.assign(fixture, { 57641: NAME, 58028: CMDLINE, 57846: PARENT });  // SRC_PROC_NAME, _CMDLINE, SRC_FATHER_PROC_NAME
    const file = path.join(tmp, 'flow.json');
    writeFileSync(file, JSON.stringify(fixture));
    const zmqPort = await freePort();
    collector = await startServer(a.vedetta, `tcp://127.0.0.1:${zmqPort}c`, ['--merge-wait', '0', '--history-days', '0']);
    execFileSync(a.sender, [`tcp://127.0.0.1:${zmqPort}`, 'v2', 'json', file], { timeout: 20000 });
    let row;
    await until('the collected flow in the history', async () => {
      row = (await apiGet(collector, '/history/flows?from=0&to=4000000000')).flows[0];
      return Boolean(row) || 'no flow yet';
    }, 20000);
    await login(page, collector);
    await page.waitForSelector('.stat-value');
    await page.goto(`${collector.base}/#/history?from=0&to=4000000000&sort=bytes`);
    const processCell = page.locator('main > .paged-table tbody tr .pname', { hasText: NAME });
    await processCell.waitFor({ timeout: 10000 });
    // from=0 is a time: the chart's series over the whole range (93-day buckets).
    await page.locator('p.muted', { hasText: 'Average throughput per' }).waitFor({ timeout: 10000 });
    assert.equal(await page.locator('main > .paged-table tbody tr a .pname').count(), 0, 'past processes are not linked');
    await noInjectedElements(page);
    await page.locator('main > .paged-table tbody tr td').first().click();
    const f = await showsPastFlow(collector);
    assert.equal(f.uid, row.uid);
    const client = f.client.process;
    const server_ = f.server.process;
    assert.equal(client.name, NAME);
    await until('the client process', async () => (await cell('Client Process Information', 'Process PID/Name').innerText()) === `1634/${NAME} [son of 1632/${PARENT}]` || 'not yet');
    assert.equal(await cell('Client Process Information', 'Command Line').innerText(), CMDLINE);
    assert.equal(await page.locator('section:has(h2:text("Client Process Information")) tr:has(th:text("Process PID/Name")) a').count(), 0);
    for (const [title, p] of [['Client Process Information', client], ['Server Process Information', server_]]) {
      assert.equal(await cell(title, 'User Name').innerText(), p.user);
      assert.equal(await cell(title, 'Average CPU Load').innerText(), fmt.percent(p.average_cpu_load_pct));
      assert.equal(await cell(title, 'I/O Wait Time Percentage').innerText(), fmt.percent(p.iowait_pct));
      assert.ok((await cell(title, 'Memory Actual / Peak').innerText()).startsWith(`${fmt.kilobytes(p.memory_actual_kb)} / ${fmt.kilobytes(p.memory_peak_kb)}`));
      assert.ok((await cell(title, 'VM Page Faults').innerText()).startsWith(fmt.count(p.page_faults)));
    }
    assert.equal(await cell('Server Process Information', 'Process PID/Name').innerText(), '5357/ntopng [son of 4708/bash]');
    assert.equal(await cell('TCP Health', 'TCP Flags').innerText(), 'AP (client –, server –)');
    await noInjectedElements(page);
    await screenshot('past-flow-markup');
  }],
  ['no page error, console error or dialog on the way', async () => {
    assert.deepEqual(problems, []);
  }],
], async () => {
  await browser.close();
  await server.stop();
  if (collector) await collector.stop();
  rmSync(tmp, { recursive: true, force: true });
});
