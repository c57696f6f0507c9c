// #/hosts/IP: one host: its traffic, top applications, processes and peers.
import * as api from '../api.js';
import { h, keyValueTable, link, section } from '../dom.js';
import * as fmt from '../format.js';
import { flowsOfAppHref, hostCell, hostHref, processHref } from '../cells.js';
import { detailPage } from '../detailpage.js';
import { simpleTable } from '../table.js';

function summary(x) {
  return keyValueTable([
    ['Flows', `${fmt.count(x.flows_as_client)} as client, ${fmt.count(x.flows_as_server)} as server`],
    ['Processes', fmt.count(Array.isArray(x.processes) ? x.processes.length : x.processes)],  // the detail lists them
    ['Traffic Sent / Rcvd', `${fmt.bytes(x.bytes_sent)} / ${fmt.bytes(x.bytes_rcvd)}`],
    ['Total', fmt.bytes(x.bytes)],
    ['Actual Throughput', fmt.bps(x.throughput_bps)],
    ['First / Last Seen', `${fmt.time(x.first_seen)} / ${fmt.time(x.last_seen)}`],
    ['Its Flows', link(`#/flows?host=${encodeURIComponent(x.ip)}`, 'Show the flows of this host')],
  ], 'Host summary');
}

export function render(main, ctx) {
  const ip = ctx.params[0];
  return detailPage(main, ctx, {
    title: `Host ${ip}`,
    back: link('#/hosts', '← Hosts'),
    chartTitle: 'Traffic over time',
    series: { kind: 'host', key: ip },
    load: () => api.get(`/hosts/${encodeURIComponent(ip)}`),
    notFound: `Host ${ip} is not known (any more).`,
    heading: (x) => `Host ${x.ip}`,
    draw: (x) => [
      h('div', { class: 'columns' },
        section('Summary', summary(x)),
        section('Top Applications', simpleTable({
          caption: 'Top applications of the host',
          columns: [
            { label: 'Application', cell: (a) => link(flowsOfAppHref(a.application), a.application) },
            { label: 'Flows', numeric: true, cell: (a) => fmt.count(a.flows) },
            { label: 'Bytes', numeric: true, cell: (a) => fmt.bytes(a.bytes) },
          ],
          items: x.top_applications || [],
        }))),
      h('div', { class: 'columns' },
        section('Processes', simpleTable({
          caption: 'Processes of the host',
          columns: [
            { label: 'Name', cell: (p) => link(processHref(p.key), p.name) },
            { label: 'PID', numeric: true, cell: (p) => String(p.pid) },
            { label: 'User', cell: (p) => p.user || '–' },
            { label: 'Flows', numeric: true, cell: (p) => fmt.count(p.flows) },
            { label: 'Sent', numeric: true, cell: (p) => fmt.bytes(p.bytes_sent) },
            { label: 'Rcvd', numeric: true, cell: (p) => fmt.bytes(p.bytes_rcvd) },
          ],
          items: x.processes || [],
          rowHref: (p) => processHref(p.key),
        })),
        section('Peers', simpleTable({
          caption: 'Peers of the host',
          columns: [
            { label: 'Peer', cell: (y) => hostCell(y.ip) },
            { label: 'Flows', numeric: true, cell: (y) => fmt.count(y.flows) },
            { label: 'Bytes', numeric: true, cell: (y) => fmt.bytes(y.bytes) },
          ],
          items: x.peers || [],
          rowHref: (y) => hostHref(y.ip),
        }))),
    ],
  });
}
