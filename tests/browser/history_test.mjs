// The History page (#/history) in headless Chromium against a real
// `vedetta server` replaying a pcap with --history-days 0 (its flows are
// years old): once the replay's flows are in the history, the page's table
// total equals the API's for the same range, and a click on a point of the
// chart lists that bucket's flows, as many as the API's drill-down gives.
//   node history_test.mjs --vedetta BUILD/vedetta --pcap FILE --artifacts DIR
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO, apiGet, args, loadPlaywright, login, openBrowser, runSteps, startServer, until } from './support.mjs';

const a = args();
const playwright = loadPlaywright();
const fmt = await import(pathToFileURL(path.join(REPO, 'web', 'public', 'js', 'format.js')));
const server = await startServer(a.vedetta, a.pcap, ['--history-days', '0']);
const { browser, page, problems, screenshot } = await openBrowser(playwright, a.artifacts);


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
  ['no page error, console error or dialog on the way', async () => {
    assert.deepEqual(problems, []);
  }],
], async () => {
  await browser.close();
  await server.stop();
});
