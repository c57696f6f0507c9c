// The sections of one flow's details, for a live flow (#/flows/ID) and a
// past one (#/history/flow/UID): overview, TCP health, the process
// information of both ends and every field of the record.
import { h, keyValueTable, link, section } from './dom.js';
import * as fmt from './format.js';
import { breakdownCell, hostHref, throughputCell } from './cells.js';
import { processInformation } from './processinfo.js';

function byDirection(pair) {
  if (!pair) return '–';
  return `${fmt.count(pair.client_to_server)} client → server, ${fmt.count(pair.server_to_client)} server → client`;
}

const absent = (v) => v === null || v === undefined;

// past: a flow from the history (no live host pages to link, its uid named).
function overview(f, past) {
  const end = (e) => (past ? fmt.endpoint(e.ip, e.port) : link(hostHref(e.ip), fmt.endpoint(e.ip, e.port)));
  const tuple = h('span', {}, end(f.client), ' → ', end(f.server));
  // A past flow also names the server that stored it (--collector-name).
  const storedBy = past && f.collector ? `, stored by ${f.collector}` : '';
  const name = past ? `${f.uid} on ${f.interface} (ended, from the history${storedBy})` : `#${f.id} on ${f.interface}${f.active ? '' : ' (ended)'}`;
  return keyValueTable([
    ['Flow', name],
    ['Client → Server', tuple],
    ['Protocol', `IPv${f.ip_version} ${f.l4}${f.vlan ? `, VLAN ${f.vlan}` : ''}`],
    ['Application', `${f.application || 'Unknown'}${f.category ? ` (${f.category})` : ''}`],
    ['Server Name', f.server_name || '–'],
    ['First / Last Seen', `${fmt.time(f.first_seen)} / ${fmt.time(f.last_seen)}`],
    ['Duration', fmt.duration(f.duration)],
    ['Total Traffic', `${fmt.bytes(f.bytes.total)} in ${fmt.count(f.packets.total)} packets`],
    ['Client → Server', `${fmt.bytes(f.bytes.client_to_server)}, ${fmt.count(f.packets.client_to_server)} packets`],
    ['Server → Client', `${fmt.bytes(f.bytes.server_to_client)}, ${fmt.count(f.packets.server_to_client)} packets`],
    ['Breakdown', h('span', {}, breakdownCell(f.bytes), ' ', breakdownCell(f.bytes).getAttribute('aria-label'))],
    [past ? 'Average Throughput' : 'Actual Throughput', throughputCell(f.throughput_bps, f.trend)],
    ['Local Ends', absent(f.local_ends) ? 'unknown' : f.local_ends],
    ['Observations', absent(f.observations) ? '–' : `${f.observations} probe${f.observations === 1 ? '' : 's'}`],
  ], 'Flow overview');
}

function tcpHealth(t) {
  if (!t) return h('p', { class: 'muted' }, 'Not a TCP flow.');
  const ms = (v) => (absent(v) ? 'not available' : `${Number(v).toFixed(3)} ms`);
  return keyValueTable([
    ['TCP Flags', `${t.flags || '–'} (client ${t.client_flags || '–'}, server ${t.server_flags || '–'})`],
    ['Network Latency', `client ${ms(t.client_latency_ms)}, server ${ms(t.server_latency_ms)}`],
    ['Retransmissions', byDirection(t.retransmissions)],
    ['Out of Order', byDirection(t.out_of_order)],
    ['Zero Window', byDirection(t.zero_window)],
  ], 'TCP health');
}

function allFields(fields) {
  const names = Object.keys(fields || {}).sort();
  return h('table', { class: 'data compact fields' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col' }, 'Value'))),
    h('tbody', {}, names.map((n) => h('tr', {}, h('td', {}, h('code', {}, n)),
      h('td', {}, typeof fields[n] === 'object' ? JSON.stringify(fields[n]) : String(fields[n]))))));
}

// The page body for flow `f` (the API's one-flow answer). fields.open keeps
// "All fields" unfolded across refreshes; past: see overview(). A past
// flow's processes are text: the live process page may know another
// program by that pid now, or nothing.
export function flowSections(f, { past = false, fields = { open: false } } = {}) {
  const details = h('details', { class: 'panel', open: fields.open }, h('summary', {}, 'All fields'), allFields(f.fields));
  details.addEventListener('toggle', () => { fields.open = details.open; });
  const processes = (p, caption) => processInformation(p, caption, { linked: !past });
  return [
    h('div', { class: 'columns' },
      section('Overview', overview(f, past)),
      section('TCP Health', tcpHealth(f.tcp))),
    h('div', { class: 'columns' },
      section('Client Process Information', processes(f.client.process, 'Client process')),
      section('Server Process Information', processes(f.server.process, 'Server process'))),
    details,
  ];
}
