// #/flows: the active flows, a page at a time from the server.
import { FLOW_COLUMNS, flowHref } from '../cells.js';
import { listView } from '../listview.js';

// The live table's filters; the History page has the same.
export const FLOW_FILTERS = [
  { name: 'interface', label: 'Interface', options: [] },
  { name: 'host', label: 'Host', placeholder: '10.0.0.1', size: 14 },
  { name: 'port', label: 'Port', placeholder: '443', size: 5 },
  { name: 'l4', label: 'L4', options: ['TCP', 'UDP', 'ICMP', 'ICMPv6'] },
  { name: 'app', label: 'Application', placeholder: 'TLS' },
  { name: 'process', label: 'Process', placeholder: 'nginx' },
  { name: 'pid', label: 'PID', size: 7 },
  { name: 'user', label: 'User', size: 8 },
  { name: 'container', label: 'Container', size: 12 },
];

export function render(main, ctx) {
  return listView(main, ctx, {
    title: 'Active Flows',
    route: '#/flows',
    endpoint: '/flows',
    itemsKey: 'flows',
    defaultSort: 'bytes',
    searchLabel: 'Search flows (addresses, application, server name, process)',
    filters: FLOW_FILTERS,
    columns: FLOW_COLUMNS,
    rowKey: (f) => String(f.id),
    rowHref: (f) => flowHref(f.id),
    rowClass: (f) => (f.active === false ? 'ended' : null),  // kept a while after it ended
  });
}
