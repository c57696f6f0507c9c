// #/processes/KEY: one process (KEY = PID@HOST): what it is, its parent
// chain, its traffic over time, its flows and its peers.
import * as api from '../api.js';
import { h, keyValueTable, link, section } from '../dom.js';
import * as fmt from '../format.js';
import { FLOW_COLUMNS, flowHref, hostCell, hostHref, processCell } from '../cells.js';
import { detailPage } from '../detailpage.js';
import { pidName, processInformation } from '../processinfo.js';
import { simpleTable } from '../table.js';

// [{pid, name}, ...] nearest parent first → "1/systemd → 4708/bash → 5357/ntopng".
function parentChain(p) {
  const chain = [...(p.parent_chain || [])].reverse().map((a) => pidName(a.pid, a.name));
  chain.push(pidName(p.pid, p.name));
  return chain.join(' → ');
}

// "flows" is the process's flow count, "recent_flows" its newest 100.
function flowCount(p) {
  return typeof p.flows === 'number' ? p.flows : 0;
}
const flowList = (p) => (Array.isArray(p.recent_flows) ? p.recent_flows : []);

function summary(p) {
  return keyValueTable([
    ['Host', hostCell(p.host)],
    ['User', p.user || '–'],
    ['Container', p.container || 'none'],
    ['Parent Chain', parentChain(p)],
    ['Flows', `${fmt.count(flowCount(p))} (${fmt.count(p.active_flows)} active)`],
    ['Active Since', fmt.time(p.active_since)],
    ['Last Seen', fmt.time(p.last_seen)],
    ['Traffic Sent / Rcvd', `${fmt.bytes(p.bytes_sent)} / ${fmt.bytes(p.bytes_rcvd)}`],
    ['Actual Throughput', fmt.bps(p.throughput_bps)],
  ], 'Process summary');
}

export function render(main, ctx) {
  const key = ctx.params[0];
  return detailPage(main, ctx, {
    title: `Process ${key}`,
    back: link('#/processes', '← Active processes'),
    chartTitle: 'Traffic over time',
    series: { kind: 'process', key },
    load: () => api.get(`/processes/${encodeURIComponent(key)}`),
    notFound: `Process ${key} is not known (any more).`,
    heading: (p) => [h('span', { class: 'pname' }, p.name), h('span', { class: 'muted' }, ` ${p.pid} on ${p.host}`)],
    draw: (p) => [
      h('div', { class: 'columns' },
        section('Summary', summary(p)),
        section('Process Information', processInformation(p.detail, 'Process information (from its newest flow)'))),
      section(`Flows (${fmt.count(flowList(p).length)} newest)`, h('div', { class: 'table-scroll' },
        simpleTable({ caption: 'Flows of the process', columns: FLOW_COLUMNS, items: flowList(p), rowHref: (f) => flowHref(f.id) }))),
      section('Peers', simpleTable({
        caption: 'Peers of the process',
        columns: [
          { label: 'Peer', cell: (x) => link(hostHref(x.ip), fmt.endpoint(x.ip, x.port)) },
          { label: 'Process', cell: (x) => processCell(x.process) },
          { label: 'Flows', numeric: true, cell: (x) => fmt.count(x.flows) },
          { label: 'Bytes', numeric: true, cell: (x) => fmt.bytes(x.bytes) },
        ],
        items: p.peers || [],
      })),
    ],
  });
}
