// The frame of a page about one thing (a process, a host): a heading, a
// traffic chart that keeps its zoom across refreshes, and a body redrawn
// from each answer.
import * as api from './api.js';
import { fill, h, refill } from './dom.js';
import { throughputChart } from './chart.js';
import { poll } from './poller.js';

// load(): the thing's JSON (throws ApiError 404 when unknown);
// series: {kind, key} for /api/v1/timeseries; draw(thing) → nodes of the body.
export function detailPage(main, ctx, { title, back, load, notFound, series, chartTitle, heading, draw }) {
  const head = h('h1', {}, title);
  const chart = throughputChart(['Sent', 'Received']);
  const body = h('div');
  const chartPanel = h('section', { class: 'panel' }, h('h2', {}, chartTitle), chart.element);
  main.append(h('div', { class: 'page-head' }, head, back), chartPanel, body);
  const poller = poll(async () => {
    let thing;
    try {
      thing = await load();
    } catch (e) {
      if (e.status !== 404) throw e;
      chartPanel.hidden = true;
      fill(body, h('p', {}, notFound));
      return;
    }
    chartPanel.hidden = false;
    fill(head, heading(thing));
    const points = await api.get('/timeseries', series);
    chart.update(points.points);
    refill(body, draw(thing));
  }, 2000, ctx.showError);
  return () => poller.stop();
}
