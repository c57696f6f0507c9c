// Readable units: 13.14 MB, 3.04 Mbps, "4 min 37 s", 19.75 %.

// value in the largest unit it reaches: scaled(13140000, 1000, BYTES) → "13.14 MB".
function scaled(value, step, units) {
  let v = Number(value);
  let i = 0;
  while (Math.abs(v) >= step && i < units.length - 1) { v /= step; i++; }
  return i === 0 ? `${Math.round(v)} ${units[0]}` : `${v.toFixed(2)} ${units[i]}`;
}

const missing = (v) => v === null || v === undefined;

// Traffic: decimal units, as link speeds are.
export function bytes(n) {
  return missing(n) ? '–' : scaled(n, 1000, ['B', 'KB', 'MB', 'GB', 'TB', 'PB']);
}

// Memory: binary steps, as the kernel counts it (the talk showed 2960 KB as 2.89 MB).
export function kilobytes(kb) {
  return missing(kb) ? 'not available' : scaled(kb, 1024, ['KB', 'MB', 'GB', 'TB']);
}

export function bps(n) {
  return missing(n) ? '–' : scaled(n, 1000, ['bps', 'kbps', 'Mbps', 'Gbps', 'Tbps']);
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  const s = Number(seconds);
  if (s < 1) return s <= 0 ? '0 s' : `${Math.max(1, Math.round(s * 1000))} ms`;
  let rest = Math.round(s);
  const d = Math.floor(rest / 86400); rest %= 86400;
  const hr = Math.floor(rest / 3600); rest %= 3600;
  const min = Math.floor(rest / 60);
  const sec = rest % 60;
  if (d) return `${d} d ${hr} h`;
  if (hr) return `${hr} h ${min} min`;
  if (min) return `${min} min ${sec} s`;
  return `${sec} s`;
}

export function count(n) {
  if (n === null || n === undefined) return '–';
  return Number(n).toLocaleString('en-US');
}

export function percent(p, digits = 2) {
  if (p === null || p === undefined) return 'not available';
  return `${Number(p).toFixed(digits)} %`;
}

// Epoch seconds → "2026-11-27 21:35:18" (local time).
export function time(epoch) {
  if (!epoch) return '–';
  const d = new Date(epoch * 1000);
  const pad = (x) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function endpoint(ip, port) {
  if (port === undefined || port === null || port === 0) return ip;
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

export const TREND_ARROWS = { up: '↑', down: '↓', flat: '→' };
