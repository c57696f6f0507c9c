// "Client / Server Process Information" as the talk showed it: user,
// PID/name [son of PPID/name], CPU load, I/O wait, memory, page faults,
// command line, container.
import { h, keyValueTable, link } from './dom.js';
import * as fmt from './format.js';
import { processHref } from './cells.js';

export function pidName(pid, name) {
  return `${pid}/${name}`;
}

// PROCESS_DETAIL → a table; null → a line saying nothing is known.
// linked: the PID/name links to the live process page (not for past flows).
export function processInformation(p, caption, { linked = true } = {}) {
  if (!p) return h('p', { class: 'muted' }, 'No process information (not a local end, or not attributed).');
  const memory = p.memory_actual_kb === null || p.memory_actual_kb === undefined
    ? 'not available'
    : `${fmt.kilobytes(p.memory_actual_kb)} / ${fmt.kilobytes(p.memory_peak_kb)}` +
      (p.memory_peak_kb ? ` [${((100 * p.memory_actual_kb) / p.memory_peak_kb).toFixed(1)} %]` : '');
  const faults = p.page_faults === null || p.page_faults === undefined
    ? 'not available'
    : `${fmt.count(p.page_faults)} (minor ${fmt.count(p.minor_faults)}, major ${fmt.count(p.major_faults)})`;
  const pidLine = h('span', {},
    p.key && linked ? link(processHref(p.key), pidName(p.pid, p.name)) : pidName(p.pid, p.name),
    p.tid && p.tid !== p.pid ? h('span', { class: 'muted' }, ` (thread ${p.tid})`) : null,
    p.parent ? ` [son of ${pidName(p.parent.pid, p.parent.name)}]` : null);
  return keyValueTable([
    ['User Name', p.uid === undefined || p.uid === null ? (p.user || '–') : `${p.user || '?'} (uid ${p.uid})`],
    ['Process PID/Name', pidLine],
    ['Average CPU Load', fmt.percent(p.average_cpu_load_pct)],
    ['I/O Wait Time Percentage', fmt.percent(p.iowait_pct)],
    ['Memory Actual / Peak', memory],
    ['VM Page Faults', faults],
    ['Command Line', h('code', { class: 'cmdline' }, p.cmdline || '')],
    ['Executable', h('code', {}, p.exe || '')],
    ['Container', p.container || 'none'],
    ['Cgroup', h('code', {}, p.cgroup || '')],
    p.shared_with && p.shared_with.length ? ['Socket Shared With', p.shared_with.map((pid) => `pid ${pid}`).join(', ')] : null,
  ], caption);
}
