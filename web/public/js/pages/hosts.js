// #/hosts: the hosts seen in flows.
import { link } from '../dom.js';
import * as fmt from '../format.js';
import { hostHref } from '../cells.js';
import { listView } from '../listview.js';

export function render(main, ctx) {
  return listView(main, ctx, {
    title: 'Hosts',
    route: '#/hosts',
    endpoint: '/hosts',
    itemsKey: 'hosts',
    defaultSort: 'bytes',
    searchLabel: 'Search hosts (address)',
    filters: [{ name: 'interface', label: 'Interface', options: [] }],
    columns: [
      { label: 'Address', sort: 'ip', cell: (x) => link(hostHref(x.ip), x.ip) },
      { label: 'Flows', sort: 'flows', numeric: true, cell: (x) => fmt.count(x.flows_as_client + x.flows_as_server) },
      { label: 'As Client', numeric: true, cell: (x) => fmt.count(x.flows_as_client) },
      { label: 'As Server', numeric: true, cell: (x) => fmt.count(x.flows_as_server) },
      { label: 'Processes', numeric: true, cell: (x) => fmt.count(x.processes) },
      { label: 'Sent', numeric: true, cell: (x) => fmt.bytes(x.bytes_sent) },
      { label: 'Rcvd', numeric: true, cell: (x) => fmt.bytes(x.bytes_rcvd) },
      { label: 'Total', sort: 'bytes', numeric: true, cell: (x) => fmt.bytes(x.bytes) },
      { label: 'Throughput', sort: 'throughput', numeric: true, cell: (x) => fmt.bps(x.throughput_bps) },
      { label: 'Last Seen', cell: (x) => fmt.time(x.last_seen) },
    ],
    rowKey: (x) => x.ip,
    rowHref: (x) => hostHref(x.ip),
  });
}
