// #/flows/ID: one flow: tuple, application, counters, TCP health, the
// process information of both ends and every field of the merged record.
import * as api from '../api.js';
import { fill, h, keyValueTable, link, refill, section } from '../dom.js';
import * as fmt from '../format.js';
import { breakdownCell, hostHref, throughputCell } from '../cells.js';
import { processInformation } from '../processinfo.js';
import { poll } from '../poller.js';

function byDirection(pair) {
  if (!pair) return '–';
  return `${fmt.count(pair.client_to_server)} client → server, ${fmt.count(pair.server_to_client)} server → client`;
}

function overview(f) {
  const tuple = h('span', {},
    link(hostHref(f.client.ip), fmt.endpoint(f.client.ip, f.client.port)), ' → ',
    link(hostHref(f.server.ip), fmt.endpoint(f.server.ip, f.server.port)));
  return keyValueTable([
    ['Flow', `#${f.id} on ${f.interface}${f.active ? '' : ' (ended)'}`],
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
    ['Actual Throughput', throughputCell(f.throughput_bps, f.trend)],
    ['Local Ends', f.local_ends === null || f.local_ends === undefined ? 'unknown' : f.local_ends],
    ['Observations', f.observations === undefined ? '–' : `${f.observations} probe${f.observations === 1 ? '' : 's'}`],
  ], 'Flow overview');
}

function tcpHealth(t) {
  if (!t) return h('p', { class: 'muted' }, 'Not a TCP flow.');
  const ms = (v) => (v === null || v === undefined ? 'not available' : `${Number(v).toFixed(3)} ms`);
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

export function render(main, ctx) {
  const id = ctx.params[0];
  const body = h('div');
  main.append(h('div', { class: 'page-head' }, h('h1', {}, `Flow ${id}`), link('#/flows', '← Active flows')), body);
  let fieldsOpen = false;
  const poller = poll(async () => {
    let f;
    try {
      f = await api.get(`/flows/${encodeURIComponent(id)}`);
    } catch (e) {
      if (e.status !== 404) throw e;
      fill(body, h('p', {}, `Flow ${id} is not known (any more): flows leave the live model some time after they end.`));
      return;
    }
    const details = h('details', { class: 'panel', open: fieldsOpen }, h('summary', {}, 'All fields'), allFields(f.fields));
    details.addEventListener('toggle', () => { fieldsOpen = details.open; });
    refill(body,
      h('div', { class: 'columns' },
        section('Overview', overview(f)),
        section('TCP Health', tcpHealth(f.tcp))),
      h('div', { class: 'columns' },
        section('Client Process Information', processInformation(f.client.process, 'Client process')),
        section('Server Process Information', processInformation(f.server.process, 'Server process'))),
      details);
  }, 2000, ctx.showError);
  return () => poller.stop();
}
