// Live updates: calls a page's refresh every few seconds, one call at a time,
// not while the tab is hidden or the user paused, and at once when the tab
// shows again.

const pollers = new Set();
let paused = false;
const listeners = new Set();

export function isPaused() { return paused; }
export function setPaused(value) {
  paused = value;
  for (const l of listeners) l(paused);
  if (!paused) for (const p of pollers) p.now();
}
export function onPauseChange(listener) { listeners.add(listener); }

document.addEventListener('visibilitychange', () => {
  if (!document.hidden && !paused) for (const p of pollers) p.now();
});

// refresh: async () => void. Returns {stop(), now()}.
export function poll(refresh, intervalMs = 2000, onError = () => {}) {
  let timer = null;
  let running = false;
  let again = false;  // asked while a refresh was on its way: run once more
  let stopped = false;
  const poller = {
    async now() {
      if (stopped) return;
      if (running) { again = true; return; }
      clearTimeout(timer);
      running = true;
      try {
        await refresh();
        if (!stopped) onError(null);
      } catch (e) {
        if (!stopped) onError(e);
      } finally {
        running = false;
        if (again) { again = false; poller.now(); } else if (!stopped) timer = setTimeout(tick, intervalMs);
      }
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      pollers.delete(poller);
    },
  };
  function tick() {
    if (document.hidden || paused) { timer = setTimeout(tick, intervalMs); return; }
    poller.now();
  }
  pollers.add(poller);
  poller.now();
  return poller;
}

// Calls fn once the user stopped typing for ms.
export function debounce(fn, ms = 300) {
  let t = null;
  return (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };
}
