// #/: what the network does now: throughput chart, top applications,
// processes and hosts, and every counter of lost data.
import * as api from '../api.js';
import { h, keyValueTable, refill, section } from '../dom.js';
import * as fmt from '../format.js';
import { flowsOfAppHref, hostCell, hostHref, processCell, processHref } from '../cells.js';
import { throughputChart } from '../chart.js';
import { poll } from '../poller.js';
import { simpleTable } from '../table.js';

const DROP_LABELS = {
  capture_kernel: 'Capture: dropped by the kernel',
  capture_interface: 'Capture: dropped by the interface',
  export_queue_full: 'Export queue full',
  live_queue_full: 'Live model queue full',
  flows_evicted: 'Flows evicted (table full)',
  lost_messages: 'Collector: lost messages',
};

function stat(label) {
  const value = h('span', { class: 'stat-value' }, '–');
  return { value, element: h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, label), value) };
}

function dropsTable(drops) {
  const names = Object.keys(drops || {});
  return keyValueTable(names.map((n) => [DROP_LABELS[n] || n,
    h('span', { class: drops[n] ? 'warn' : null }, fmt.count(drops[n]))]), 'Drops');
}

export function render(main, ctx) {
  const throughput = stat('Throughput');
  const active = stat('Active flows');
  const interfaces = stat('Interfaces');
  const uptime = stat('Uptime');
  const chart = throughputChart(['Client → Server', 'Server → Client']);
  const ifaceSelect = h('select', { 'aria-label': 'Interface of the chart', class: 'iface' });
  const apps = h('div');
  const procs = h('div');
  const hostsBox = h('div');
  const drops = h('div');
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Dashboard')),
    h('div', { class: 'stats' }, throughput.element, active.element, interfaces.element, uptime.element),
    h('section', { class: 'panel' }, h('div', { class: 'panel-head' }, h('h2', {}, 'Throughput'), ifaceSelect), chart.element),
    h('div', { class: 'grid' },
      section('Top Applications', apps),
      section('Top Processes', procs),
      section('Top Hosts', hostsBox),
      section('Drops', drops)));
  ifaceSelect.addEventListener('change', () => poller.now());

  const poller = poll(async () => {
    const [dash, status, ifaces] = await Promise.all([api.get('/dashboard'), api.get('/status'), api.get('/interfaces')]);
    throughput.value.textContent = fmt.bps(dash.throughput_bps);
    active.value.textContent = fmt.count(dash.active_flows);
    interfaces.value.textContent = fmt.count(status.interfaces);
    uptime.value.textContent = fmt.duration(status.uptime);

    const names = ifaces.interfaces.map((i) => i.name);
    if ([...ifaceSelect.options].map((o) => o.value).join('\n') !== names.join('\n')) {
      const chosen = ifaceSelect.value;
      ifaceSelect.replaceChildren(...names.map((n) => h('option', { value: n, selected: n === chosen }, n)));
    }
    ifaceSelect.hidden = names.length < 2;
    if (ifaceSelect.value) {
      const series = await api.get('/timeseries', { kind: 'interface', key: ifaceSelect.value });
      chart.update(series.points);
    }

    refill(apps, simpleTable({
      caption: 'Top applications',
      columns: [
        { label: 'Application', cell: (a) => h('a', { href: flowsOfAppHref(a.application) }, a.application) },
        { label: 'Flows', numeric: true, cell: (a) => fmt.count(a.flows) },
        { label: 'Bytes', numeric: true, cell: (a) => fmt.bytes(a.bytes) },
      ],
      items: dash.top_applications,
    }));
    refill(procs, simpleTable({
      caption: 'Top processes',
      columns: [
        { label: 'Process', cell: (p) => processCell(p) },
        { label: 'Host', cell: (p) => hostCell(p.host) },
        { label: 'Flows', numeric: true, cell: (p) => fmt.count(p.flows) },
        { label: 'Sent', numeric: true, cell: (p) => fmt.bytes(p.bytes_sent) },
        { label: 'Rcvd', numeric: true, cell: (p) => fmt.bytes(p.bytes_rcvd) },
      ],
      items: dash.top_processes,
      rowHref: (p) => processHref(p.key),
    }));
    refill(hostsBox, simpleTable({
      caption: 'Top hosts',
      columns: [
        { label: 'Host', cell: (x) => hostCell(x.ip) },
        { label: 'Flows', numeric: true, cell: (x) => fmt.count(x.flows_as_client + x.flows_as_server) },
        { label: 'Bytes', numeric: true, cell: (x) => fmt.bytes(x.bytes) },
        { label: 'Throughput', numeric: true, cell: (x) => fmt.bps(x.throughput_bps) },
      ],
      items: dash.top_hosts,
      rowHref: (x) => hostHref(x.ip),
    }));
    refill(drops, dropsTable(dash.drops));
  }, 2000, ctx.showError);
  return () => poller.stop();
}
