// #/processes: the active processes (Overview), or their traffic over time
// (#/processes?view=timeline), as the talk's "Active Processes: Realtime View".
import * as api from '../api.js';
import { fill, h, link } from '../dom.js';
import * as fmt from '../format.js';
import { hostCell, processHref } from '../cells.js';
import { throughputChart } from '../chart.js';
import { listView } from '../listview.js';
import { poll } from '../poller.js';

const COLUMNS = [
  { label: 'Name', sort: 'name', cell: (p) => link(processHref(p.key), p.name) },
  { label: 'PID', numeric: true, cell: (p) => String(p.pid) },
  { label: 'Host', cell: (p) => hostCell(p.host) },
  { label: 'User', cell: (p) => p.user || '–' },
  { label: 'Flows Count', sort: 'flows', numeric: true, cell: (p) => `${fmt.count(p.flows)} (${fmt.count(p.active_flows)} active)` },
  { label: 'Active Since', sort: 'active_since', cell: (p) => h('span', { title: fmt.time(p.active_since) }, fmt.time(p.active_since)) },
  { label: 'Traffic Sent', sort: 'bytes_sent', numeric: true, cell: (p) => fmt.bytes(p.bytes_sent) },
  { label: 'Traffic Rcvd', sort: 'bytes_rcvd', numeric: true, cell: (p) => fmt.bytes(p.bytes_rcvd) },
  { label: 'Throughput', numeric: true, cell: (p) => fmt.bps(p.throughput_bps) },
];

function tabs(current) {
  const tab = (name, href) => h('a', { href, class: 'tab', 'aria-current': current === name ? 'page' : null }, name);
  return h('nav', { class: 'tabs', 'aria-label': 'Process views' }, tab('Overview', '#/processes'), tab('Timeline', '#/processes?view=timeline'));
}

// One chart per process among the top ones by traffic.
function timeline(main, ctx) {
  const TOP = 8;
  const box = h('div', { class: 'timeline' });
  main.append(h('div', { class: 'page-head' }, h('h1', {}, 'Active Processes')), tabs('Timeline'),
    h('p', { class: 'muted' }, `Traffic over time of the ${TOP} processes with the most bytes.`), box);
  const charts = new Map();  // process key → {element, chart}
  const poller = poll(async () => {
    const { processes } = await api.get('/processes', { sort: 'bytes', order: 'desc', limit: TOP });
    const series = await Promise.all(processes.map((p) => api.get('/timeseries', { kind: 'process', key: p.key })));
    const shown = new Set();
    processes.forEach((p, i) => {
      shown.add(p.key);
      if (!charts.has(p.key)) {
        const chart = throughputChart(['Sent', 'Received'], 130);
        const element = h('section', { class: 'panel' },
          h('h2', {}, link(processHref(p.key), p.name), h('span', { class: 'muted' }, ` ${p.pid} on ${p.host}`)), chart.element);
        charts.set(p.key, { element, chart });
      }
      box.append(charts.get(p.key).element);  // moves it into rank order
      charts.get(p.key).chart.update(series[i].points);
    });
    for (const [key, c] of charts) if (!shown.has(key)) { c.element.remove(); charts.delete(key); }
    if (processes.length === 0) fill(box, h('p', {}, 'No processes seen yet.'));
  }, 2000, ctx.showError);
  return () => poller.stop();
}

export function render(main, ctx) {
  if (ctx.query.get('view') === 'timeline') return timeline(main, ctx);
  const stop = listView(main, ctx, {
    title: 'Active Processes',
    route: '#/processes',
    endpoint: '/processes',
    itemsKey: 'processes',
    defaultSort: 'bytes',
    searchLabel: 'Search processes (name or command line)',
    filters: [
      { name: 'interface', label: 'Interface', options: [] },
      { name: 'host', label: 'Host', size: 14 },
      { name: 'user', label: 'User', size: 8 },
      { name: 'container', label: 'Container', size: 12 },
    ],
    columns: COLUMNS,
    rowKey: (p) => p.key,
    rowHref: (p) => processHref(p.key),
  });
  main.querySelector('.page-head').after(tabs('Overview'));
  return stop;
}
