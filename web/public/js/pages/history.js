// #/history: flows that finished, from the history store (docs/api.md,
// "History"). A time range (presets or from/to), the live table's filters,
// the flows of the range a page at a time, top-N over the range, a chart of
// one series over the range; a click on a point of the chart lists that
// bucket's flows. The range, the chart's series and the top-N's kind live in
// the URL (#/history?from=...&to=...&kind=host&key=10.0.0.1&by=process);
// changing one of them renders the page again.
import * as api from '../api.js';
import { h, fill, section } from '../dom.js';
import * as fmt from '../format.js';
import { FLOW_COLUMNS, pastFlowHref, processCell } from '../cells.js';
import { throughputChart } from '../chart.js';
import { listView } from '../listview.js';
import { pagedTable, simpleTable } from '../table.js';
import { FLOW_FILTERS } from './flows.js';

const PRESETS = [['Last hour', 3600], ['Last 24 h', 86400], ['Last 7 days', 7 * 86400]];
const SERIES_KINDS = ['interface', 'application', 'host', 'process'];
const TOP_KINDS = ['process', 'application', 'host', 'peer'];
const BUCKETS = [60, 300, 900, 3600, 21600, 86400];
const MAX_POINTS = 500;

// History flows have no trend, and their processes are text: the live
// process page may know another program by that pid now. Each row opens
// the past flow's details (#/history/flow/UID).
const HISTORY_COLUMNS = [
  { label: 'First Seen', sort: 'first_seen', cell: (f) => fmt.time(f.first_seen) },
  ...FLOW_COLUMNS.map((c) => {
    if (c.sort === 'throughput') return { ...c, label: 'Throughput', cell: (f) => fmt.bps(f.throughput_bps) };
    if (c.sort === 'client_process') return { ...c, cell: (f) => processCell(f.client.process, false) };
    if (c.sort === 'server_process') return { ...c, cell: (f) => processCell(f.server.process, false) };
    return c;
  }),
];
const pastFlowRow = (f) => pastFlowHref(f.uid);

const now = () => Math.floor(Date.now() / 1000);

// The current URL's parameters with `changes` applied ('' removes one).
function hashWith(changes) {
  const raw = location.hash.replace(/^#/, '');
  const q = new URLSearchParams(raw.split('?')[1] || '');
  for (const [k, v] of Object.entries(changes)) {
    if (v === '' || v === null || v === undefined) q.delete(k);
    else q.set(k, String(v));
  }
  q.delete('offset');
  return `#/history?${q}`;
}

// Epoch seconds <-> the value of an <input type=datetime-local> (local time).
function toLocalInput(epoch) {
  const d = new Date(epoch * 1000);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
const fromLocalInput = (value) => Math.floor(new Date(value).getTime() / 1000);

// The smallest bucket giving at most MAX_POINTS points (the API's own rule,
// extended to whole days for ranges over 500 days).
function bucketFor(seconds) {
  const fit = BUCKETS.find((b) => seconds / b <= MAX_POINTS);
  return fit || Math.ceil(seconds / MAX_POINTS / 86400) * 86400;
}

function rangeControls(from, to) {
  const fromInput = h('input', { type: 'datetime-local', id: 'history-from', value: toLocalInput(from) });
  const toInput = h('input', { type: 'datetime-local', id: 'history-to', value: toLocalInput(to) });
  const apply = h('button', { type: 'button', class: 'apply-range', onclick: () => {
    const f = fromLocalInput(fromInput.value);
    const t = fromLocalInput(toInput.value);
    if (Number.isFinite(f) && Number.isFinite(t) && f < t) location.hash = hashWith({ from: f, to: t });
  } }, 'Apply');
  const presets = PRESETS.map(([label, span]) => h('button', {
    type: 'button', class: 'preset', onclick: () => {
      const t = now();
      location.hash = hashWith({ from: t - span, to: t });
    },
  }, label));
  return h('div', { class: 'filter-row range' }, presets,
    h('span', { class: 'filter' }, h('label', { for: 'history-from' }, 'From'), fromInput),
    h('span', { class: 'filter' }, h('label', { for: 'history-to' }, 'To'), toInput), apply);
}

function topName(by, item) {
  if (by === 'process') return `${item.name} ${item.pid}@${item.host}`;
  return item.key;
}

function topPanel(ctx, by, range) {
  const body = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  const select = h('select', { id: 'history-top-by', 'aria-label': 'Top by' },
    TOP_KINDS.map((k) => h('option', { value: k, selected: k === by }, k)));
  select.addEventListener('change', () => { location.hash = hashWith({ by: select.value }); });
  api.get('/history/top', { ...range, by, limit: 10 }).then((answer) => {
    fill(body, simpleTable({
      caption: `Top ${by}`,
      columns: [
        { label: by[0].toUpperCase() + by.slice(1), cell: (x) => topName(by, x) },
        { label: 'Flows', numeric: true, cell: (x) => fmt.count(x.flows) },
        { label: 'Sent', numeric: true, cell: (x) => fmt.bytes(x.bytes.sent) },
        { label: 'Received', numeric: true, cell: (x) => fmt.bytes(x.bytes.rcvd) },
        { label: 'Total', numeric: true, cell: (x) => fmt.bytes(x.bytes.total) },
      ],
      items: answer.items,
      // Charts that item's series (peers have none).
      rowHref: by === 'peer' ? null : (x) => hashWith({ kind: by, key: x.key }),
    }));
  }).catch(ctx.showError);
  return section('Top over the range', h('label', { for: 'history-top-by' }, 'By '), select, body);
}

function drilldownPanel(ctx) {
  const title = h('p', { class: 'muted drill-title' }, 'Click a point of the chart to list the flows of its bucket.');
  const state = { offset: 0, limit: 10, sort: 'bytes', order: 'desc' };
  let point = null;  // {kind, key, t, bucket}
  const table = pagedTable({ caption: 'Flows of the chosen bucket', columns: HISTORY_COLUMNS, state, onChange: load, rowKey: (f) => String(f.uid), rowHref: pastFlowRow });
  table.element.hidden = true;
  function load() {
    if (!point) return;
    const filters = Object.fromEntries(FLOW_FILTERS.map((f) => [f.name, new URLSearchParams(location.hash.split('?')[1] || '').get(f.name) || '']));
    api.get('/history/drilldown', { ...filters, ...point, ...state }).then((answer) => {
      table.element.hidden = false;
      table.update(answer.total, answer.flows);
    }).catch(ctx.showError);
  }
  return {
    element: h('div', { class: 'drilldown' }, section('Flows of a point', title, table.element)),
    show(p) {
      point = p;
      state.offset = 0;
      title.textContent = `${p.kind} ${p.key}: ${fmt.time(p.t)} – ${fmt.time(p.t + p.bucket)}`;
      load();
    },
  };
}

function chartPanel(ctx, { kind, key, range, drill }) {
  const span = range.to - range.from;
  const bucket = bucketFor(span);
  const kindSelect = h('select', { id: 'history-kind', 'aria-label': 'Series kind' },
    SERIES_KINDS.map((k) => h('option', { value: k, selected: k === kind }, k)));
  const keyInput = h('input', { id: 'history-key', value: key, size: 30, 'aria-label': 'Series key', placeholder: 'interface, application, address, PID@HOST' });
  const show = h('button', { type: 'button', onclick: () => { location.hash = hashWith({ kind: kindSelect.value, key: keyInput.value.trim() }); } }, 'Show');
  const note = h('p', { class: 'muted' });
  let points = [];
  const pick = (i) => { if (points[i]) drill.show({ kind, key, t: points[i][0], bucket }); };
  const chart = throughputChart(['Sent', 'Received'], 220, pick);
  // The same choice without a mouse: the buckets that saw traffic.
  const pointSelect = h('select', { id: 'history-point', 'aria-label': 'Bucket to list' });
  pointSelect.addEventListener('change', () => pick(Number(pointSelect.value)));
  if (key) {
    api.get('/history/timeseries', { ...range, kind, key, bucket }).then((answer) => {
      points = answer.points;
      note.textContent = `Average throughput per ${fmt.duration(bucket)} bucket (UTC-aligned).`;
      chart.update(points.map((p) => [p[0], (p[1] * 8) / bucket, (p[2] * 8) / bucket]));
      fill(pointSelect, h('option', { value: '' }, 'choose a bucket'),
        points.map((p, i) => (p[1] + p[2] > 0 ? h('option', { value: i }, `${fmt.time(p[0])} (${fmt.bytes(p[1] + p[2])})`) : null)));
    }).catch(ctx.showError);
  } else {
    note.textContent = 'Choose a series to chart.';
  }
  return section('Over time',
    h('div', { class: 'filter-row' }, h('label', { for: 'history-kind' }, 'Series '), kindSelect, keyInput, show,
      h('label', { for: 'history-point' }, 'Drill into '), pointSelect),
    note, chart.element);
}

export function render(main, ctx) {
  const q = ctx.query;
  // Epoch seconds from the address; 0 is a time (from=0: since ever).
  const seconds = (name) => (/^\d+(\.\d+)?$/.test(q.get(name) || '') ? Number(q.get(name)) : null);
  const to = seconds('to') ?? now();
  const from = seconds('from') ?? to - 3600;
  const range = { from, to };
  const by = TOP_KINDS.includes(q.get('by')) ? q.get('by') : 'process';
  const kind = SERIES_KINDS.includes(q.get('kind')) ? q.get('kind') : 'interface';
  const drill = drilldownPanel(ctx);
  const chartHolder = h('div');
  const between = [
    section('Time range', rangeControls(from, to)),
    chartHolder,
    drill.element,
    topPanel(ctx, by, range),
    h('h2', {}, 'Flows of the range'),
  ];
  const stop = listView(main, ctx, {
    title: 'History',
    route: '#/history',
    endpoint: '/history/flows',
    itemsKey: 'flows',
    defaultSort: 'bytes',
    searchLabel: 'Search past flows (addresses, application, server name, process)',
    filters: FLOW_FILTERS,
    columns: HISTORY_COLUMNS,
    rowKey: (f) => String(f.uid),
    rowHref: pastFlowRow,
    fixedParams: range,
    urlParams: { by: q.get('by') || '', kind: q.get('kind') || '', key: q.get('key') || '' },
    between,
  });
  // The chart's default series: the interface filter, else the first interface.
  const draw = (key) => fill(chartHolder, chartPanel(ctx, { kind, key, range, drill }));
  const key = q.get('key') || (kind === 'interface' ? q.get('interface') : '');
  if (key) draw(key);
  else api.get('/interfaces').then(({ interfaces }) => draw(interfaces[0] ? interfaces[0].name : '')).catch(ctx.showError);
  return stop;
}
