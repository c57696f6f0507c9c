// The console in headless Chromium against a real `vedetta server` replaying
// a pcap (flows are kept until the server stops, so the API's answers hold
// still): login, dashboard, flows (paging, sorting, search, filters, keyboard),
// a flow's details, hosts, processes, the graph, logout. Every number the
// page shows is compared with what the API answers for the same question.
//   node browser_test.mjs --vedetta BUILD/vedetta --pcap FILE --artifacts DIR
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO, apiGet, args, loadPlaywright, login, openBrowser, runSteps, startServer, until } from './support.mjs';

const a = args();
const playwright = loadPlaywright();
const fmt = await import(pathToFileURL(path.join(REPO, 'web', 'public', 'js', 'format.js')));
const server = await startServer(a.vedetta, a.pcap);
const { browser, page, problems, screenshot } = await openBrowser(playwright, a.artifacts);

const text = (selector) => page.locator(selector).first().innerText();
const showing = () => text('.page-info');
const columnTexts = (n) => page.$$eval(`table.data tbody tr td:nth-child(${n})`, (tds) => tds.map((td) => td.innerText.trim()));
const flowsQuery = (q) => apiGet(server, `/flows?${new URLSearchParams(q)}`);
const TOTAL_BYTES_COLUMN = 10;

let api;  // the first answers, for later steps
await runSteps([
  ['the server replays the pcap into flows', async () => {
    await until('flows in the API', async () => {
      api = await flowsQuery({ limit: 10 });
      return api.total > 10 || `total ${api.total}`;
    }, 20000);
  }],
  ['a page without a session is the login form; a wrong password is refused', async () => {
    await login(page, server, 'not-the-password');
    await until('error message', async () => (await text('.login-error')).includes('Wrong user or password') || await text('.login-error'));
    assert.equal(await page.locator('.topbar').isHidden(), true);
    await screenshot('login-refused');
  }],
  ['login opens the dashboard with the API\'s numbers', async () => {
    await login(page, server);
    await page.waitForSelector('.stat-value');
    const dash = await apiGet(server, '/dashboard');
    await until('active flows', async () => {
      const shown = await page.locator('.stat').filter({ hasText: 'Active flows' }).locator('.stat-value').innerText();
      return shown === fmt.count(dash.active_flows) || `shown ${shown}, API ${dash.active_flows}`;
    });
    // The top tables are drawn after the chart's series arrives, a moment after the numbers.
    const expectedApps = dash.top_applications.map((x) => x.application);
    await until('top applications', async () => {
      const apps = await page.locator('section', { hasText: 'Top Applications' }).locator('tbody td:first-child').allInnerTexts();
      return JSON.stringify(apps) === JSON.stringify(expectedApps) || `shown ${apps}`;
    });
    assert.ok(dash.top_applications.length > 0, 'the pcap has applications');
    await page.waitForSelector('.chart .uplot');
    assert.ok((await page.locator('section', { hasText: 'Drops' }).innerText()).includes('Capture: dropped by the kernel'));
    await screenshot('dashboard');
  }],
  ['the flows table shows the API\'s total, ten rows, sorted by bytes', async () => {
    await page.click('nav a[data-nav=flows]');
    await until('showing line', async () => (await showing()) === `Showing 1 to 10 of ${fmt.count(api.total)} rows` || await showing());
    const bytes = await columnTexts(TOTAL_BYTES_COLUMN);
    assert.deepEqual(bytes, api.flows.map((f) => fmt.bytes(f.bytes.total)));
    assert.equal(await page.getAttribute('th:has(button[data-sort=bytes])', 'aria-sort'), 'descending');
    await screenshot('flows');
  }],
  ['clicking a header sorts by it, clicking again reverses', async () => {
    const want = await flowsQuery({ sort: 'duration', order: 'desc', limit: 10 });
    await page.click('button[data-sort=duration]');
    await until('sorted by duration', async () => {
      const got = await columnTexts(7);
      return JSON.stringify(got) === JSON.stringify(want.flows.map((f) => fmt.duration(f.duration))) || JSON.stringify(got);
    });
    const asc = await flowsQuery({ sort: 'duration', order: 'asc', limit: 10 });
    await page.click('button[data-sort=duration]');
    await until('reversed', async () => {
      const got = await columnTexts(7);
      return JSON.stringify(got) === JSON.stringify(asc.flows.map((f) => fmt.duration(f.duration))) || JSON.stringify(got);
    });
    assert.equal(await page.getAttribute('th:has(button[data-sort=duration])', 'aria-sort'), 'ascending');
    assert.match(page.url(), /sort=duration&order=asc/);
    // The same from the keyboard: a header is a button.
    const byApp = await flowsQuery({ sort: 'application', order: 'desc', limit: 10 });
    await page.focus('button[data-sort=application]');
    await page.keyboard.press('Enter');
    await until('sorted by application', async () => {
      const got = await page.$$eval('table.data tbody tr td:first-child a', (as) => as.map((x) => x.innerText.trim()));
      return JSON.stringify(got) === JSON.stringify(byApp.flows.map((f) => f.application || 'Unknown')) || JSON.stringify(got);
    });
    assert.equal(await page.getAttribute('th:has(button[data-sort=application])', 'aria-sort'), 'descending');
  }],
  ['paging: page 2 is the API\'s offset 10, and stays so across live refreshes', async () => {
    await page.click('button[data-sort=bytes]');  // back to bytes, descending
    await page.locator('.pager button', { hasText: /^2$/ }).click();
    const want = await flowsQuery({ sort: 'bytes', order: 'desc', offset: 10, limit: 10 });
    const last = Math.min(20, want.total);
    await until('page 2', async () => (await showing()) === `Showing 11 to ${last} of ${fmt.count(want.total)} rows` || await showing());
    await page.waitForTimeout(4500);  // two refreshes
    assert.equal(await showing(), `Showing 11 to ${last} of ${fmt.count(want.total)} rows`);
    assert.deepEqual(await columnTexts(TOTAL_BYTES_COLUMN), want.flows.map((f) => fmt.bytes(f.bytes.total)));
    await page.selectOption('select[aria-label="Rows per page"]', '25');
    await until('25 rows', async () => (await showing()).startsWith('Showing 1 to 25 ') || await showing());
    await page.selectOption('select[aria-label="Rows per page"]', '10');
  }],
  ['search (q) narrows to the API\'s count for the same text', async () => {
    const app = api.flows[0].application;
    const want = await flowsQuery({ q: app, limit: 10 });
    await page.fill('input.search', app);
    await until(`search ${app}`, async () => (await showing()).endsWith(`of ${fmt.count(want.total)} rows`) || await showing());
    assert.ok(want.total > 0 && want.total <= api.total);
    await screenshot('flows-search');
    await page.fill('input.search', '');
    await until('search cleared', async () => (await showing()).endsWith(`of ${fmt.count(api.total)} rows`) || await showing());
  }],
  ['the L4 filter narrows to the API\'s count', async () => {
    const want = await flowsQuery({ l4: 'UDP', limit: 10 });
    await page.click('details.filters summary');
    await page.selectOption('#filter-l4', 'UDP');
    await until('l4=UDP', async () => (await showing()).endsWith(`of ${fmt.count(want.total)} rows`) || await showing());
    const l4 = await columnTexts(2);
    assert.ok(l4.every((x) => x === 'UDP' || x === 'Nothing matches.'), JSON.stringify(l4));
    await page.click('text=Clear filters');
    await until('filter cleared', async () => (await showing()).endsWith(`of ${fmt.count(api.total)} rows`) || await showing());
  }],
  ['keyboard: a row takes focus and Enter opens the flow\'s details', async () => {
    const first = page.locator('table.data tbody tr').first();
    const id = await first.getAttribute('data-key');
    await first.focus();
    await page.keyboard.press('ArrowDown');
    const second = await page.evaluate(() => document.activeElement.dataset.key);
    assert.notEqual(second, id, 'ArrowDown moves to the next row');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`#/flows/${id}$`));
  }],
  ['the flow\'s details show its tuple, counters and every field', async () => {
    const id = page.url().split('/').pop();
    const flow = await apiGet(server, `/flows/${id}`);
    await page.waitForSelector('section.panel h2:text("Client Process Information")');
    const overview = await page.locator('section', { hasText: 'Overview' }).first().innerText();
    assert.ok(overview.includes(`${fmt.endpoint(flow.client.ip, flow.client.port)} → ${fmt.endpoint(flow.server.ip, flow.server.port)}`), overview);
    assert.ok(overview.includes(flow.application), overview);
    assert.ok(overview.includes(`${fmt.bytes(flow.bytes.total)} in ${fmt.count(flow.packets.total)} packets`), overview);
    await page.click('details summary:text("All fields")');
    const rows = await page.locator('table.fields tbody tr').count();
    assert.equal(rows, Object.keys(flow.fields).length);
    assert.ok(rows > 5, `only ${rows} fields`);
    await screenshot('flow-details');
  }],
  ['hosts: the API\'s total; a host\'s page', async () => {
    const hosts = await apiGet(server, '/hosts?limit=10');
    await page.click('nav a[data-nav=hosts]');
    await until('hosts total', async () => (await showing()).endsWith(`of ${fmt.count(hosts.total)} rows`) || await showing());
    assert.deepEqual(await columnTexts(1), hosts.hosts.map((x) => x.ip));
    await page.locator('table.data tbody tr a').first().click();
    await page.waitForSelector(`h1:text("Host ${hosts.hosts[0].ip}")`);
    await page.waitForSelector('section:has(h2:text("Peers")) tbody tr');
    await screenshot('host');
  }],
  ['processes: the API\'s total (a pcap has none), and the timeline tab', async () => {
    const procs = await apiGet(server, '/processes?limit=10');
    await page.click('nav a[data-nav=processes]');
    await until('processes total', async () => (await showing()).endsWith(`of ${fmt.count(procs.total)} rows`) || await showing());
    await page.click('a.tab:text("Timeline")');
    await page.waitForSelector('.timeline');
    await screenshot('processes');
  }],
  ['the graph draws the API\'s nodes and edges', async () => {
    const graph = await apiGet(server, '/graph');
    await page.click('nav a[data-nav=graph]');
    await until('graph nodes', async () => {
      const circles = await page.locator('svg.graph circle').count();
      return circles === graph.nodes.length || `${circles} circles, ${graph.nodes.length} nodes`;
    });
    assert.ok(graph.nodes.length > 0);
    assert.equal(await page.locator('svg.graph line').count(), graph.edges.length);
    await page.waitForTimeout(1500);  // let the layout settle for the picture
    await screenshot('graph');
  }],
  ['live updates: a request every 2 s, none while paused, one at once on resume', async () => {
    await page.click('nav a[data-nav=flows]');
    await page.waitForSelector('table.data tbody tr');
    const asked = [];
    const count = (r) => { if (r.url().includes('/api/v1/flows?')) asked.push(Date.now()); };
    page.on('request', count);
    await page.waitForTimeout(4500);
    assert.ok(asked.length >= 2 && asked.length <= 3, `${asked.length} requests in 4.5 s`);
    await page.click('button.pause');
    assert.equal(await text('.live-state'), 'paused');
    asked.length = 0;
    await page.waitForTimeout(4500);
    assert.equal(asked.length, 0, 'requests while paused');
    await page.click('button.pause');
    await page.waitForTimeout(500);
    assert.equal(asked.length, 1, 'one request on resume');
    page.off('request', count);
  }],
  ['logout ends the session', async () => {
    await page.click('button.logout');
    await page.waitForSelector('#login-password');
    const status = await page.evaluate(async () => (await fetch('/api/v1/flows')).status);
    assert.equal(status, 401);
  }],
  ['no page error, console error or dialog on the way', async () => {
    assert.deepEqual(problems, []);
  }],
], async () => {
  await browser.close();
  await server.stop();
});
