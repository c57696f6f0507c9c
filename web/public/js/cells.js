// Table cells shared by the pages: a process, a peer, the breakdown bar, a
// throughput with its trend.
import { h, link } from './dom.js';
import * as fmt from './format.js';

export const processHref = (key) => `#/processes/${encodeURIComponent(key)}`;
export const hostHref = (ip) => `#/hosts/${encodeURIComponent(ip)}`;
export const flowHref = (id) => `#/flows/${encodeURIComponent(id)}`;
export const pastFlowHref = (uid) => `#/history/flow/${encodeURIComponent(uid)}`;

const none = () => h('span', { class: 'muted' }, '–');

// PROCESS_SUMMARY or null; linked: to the live process page (not for past flows).
export function processCell(p, linked = true) {
  if (!p) return none();
  const parts = [h('span', { class: 'pname' }, p.name), h('span', { class: 'muted' }, ` ${p.pid}`)];
  return linked ? link(processHref(p.key), ...parts) : h('span', {}, ...parts);
}

export function peerCell(end) {
  return link(hostHref(end.ip), fmt.endpoint(end.ip, end.port));
}

export function hostCell(ip) {
  return link(hostHref(ip), ip);
}

// How the flow's bytes split between client→server and server→client.
export function breakdownCell(b) {
  const total = b.total || (b.client_to_server + b.server_to_client);
  const client = total ? Math.round((100 * b.client_to_server) / total) : 0;
  const server = total ? 100 - client : 0;
  const label = `Client ${client} % / Server ${server} %`;
  const cs = h('span', { class: 'bar-client' });
  const sc = h('span', { class: 'bar-server' });
  cs.style.width = `${client}%`;
  sc.style.width = `${server}%`;
  return h('span', { class: 'breakdown', title: label, role: 'img', 'aria-label': label }, cs, sc);
}

const TREND_WORDS = { up: 'rising', down: 'falling', flat: 'steady' };
export function throughputCell(bps, trend) {
  return h('span', { class: 'throughput' }, fmt.bps(bps), ' ',
    trend ? h('span', { class: `trend trend-${trend}`, title: TREND_WORDS[trend] || trend, 'aria-label': TREND_WORDS[trend] || trend }, fmt.TREND_ARROWS[trend] || '') : null);
}

// A flow's application links to its details: a live one's by id, a past one's by uid.
export function applicationCell(f) {
  const name = f.application || 'Unknown';
  return h('span', {}, link(f.id === undefined ? pastFlowHref(f.uid) : flowHref(f.id), name),
    f.server_name ? h('span', { class: 'muted sni', title: f.server_name }, f.server_name) : null);
}

// The talk's active flows columns. Sort fields are the API's.
export const FLOW_COLUMNS = [
  { label: 'Application', sort: 'application', cell: applicationCell },
  { label: 'L4 Proto', cell: (f) => f.l4 },
  { label: 'Client Process', sort: 'client_process', cell: (f) => processCell(f.client.process) },
  { label: 'Client Peer', cell: (f) => peerCell(f.client) },
  { label: 'Server Process', sort: 'server_process', cell: (f) => processCell(f.server.process) },
  { label: 'Server Peer', cell: (f) => peerCell(f.server) },
  { label: 'Duration', sort: 'duration', numeric: true, cell: (f) => fmt.duration(f.duration) },
  { label: 'Breakdown', cell: (f) => breakdownCell(f.bytes) },
  { label: 'Actual Throughput', sort: 'throughput', numeric: true, cell: (f) => throughputCell(f.throughput_bps, f.trend) },
  { label: 'Total Bytes', sort: 'bytes', numeric: true, cell: (f) => fmt.bytes(f.bytes.total) },
];

export const flowsOfAppHref = (app) => `#/flows?app=${encodeURIComponent(app)}`;
