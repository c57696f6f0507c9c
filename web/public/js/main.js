// The console: a single page with hash routes (#/flows, #/flows/17, ...).
// Each page module renders into <main> and returns a stop() that ends its
// live updates when the user goes elsewhere.
import * as api from './api.js';
import { fill, h } from './dom.js';
import { isPaused, onPauseChange, setPaused } from './poller.js';
import * as dashboard from './pages/dashboard.js';
import * as flows from './pages/flows.js';
import * as flow from './pages/flow.js';
import * as processes from './pages/processes.js';
import * as processPage from './pages/process.js';
import * as hosts from './pages/hosts.js';
import * as host from './pages/host.js';
import * as graph from './pages/graph.js';
import * as historyPage from './pages/history.js';
import * as pastFlow from './pages/pastflow.js';
import * as login from './pages/login.js';

const ROUTES = [
  [/^\/?$/, dashboard, 'dashboard'],
  [/^\/flows$/, flows, 'flows'],
  [/^\/flows\/([^/]+)$/, flow, 'flows'],
  [/^\/processes$/, processes, 'processes'],
  [/^\/processes\/([^/]+)$/, processPage, 'processes'],
  [/^\/hosts$/, hosts, 'hosts'],
  [/^\/hosts\/([^/]+)$/, host, 'hosts'],
  [/^\/graph$/, graph, 'graph'],
  [/^\/history$/, historyPage, 'history'],
  [/^\/history\/flow\/([^/]+)$/, pastFlow, 'history'],
  [/^\/login$/, login, null],
];

const main = document.querySelector('main');
const topbar = document.querySelector('.topbar');
const banner = document.querySelector('.banner');
let session = null;
let stopPage = () => {};
let afterLogin = '#/';

// One error line under the nav bar; null clears it.
export function showError(error) {
  if (!error) { banner.hidden = true; return; }
  if (error.status === 401) return;  // the login page says it
  banner.textContent = error.message || String(error);
  banner.hidden = false;
}

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, search = ''] = raw.split('?');
  return { path, query: new URLSearchParams(search) };
}

function route() {
  const { path, query } = parseHash();
  if (!session && path !== '/login') {
    afterLogin = location.hash || '#/';
    location.hash = '#/login';
    return;
  }
  if (session && path === '/login') {
    location.hash = '#/';
    return;
  }
  stopPage();
  stopPage = () => {};
  showError(null);
  const found = ROUTES.find(([re]) => re.test(path));
  if (!found) {
    fill(main, h('h1', {}, 'Not found'), h('p', {}, 'No page at ', h('code', {}, path), '. ', h('a', { href: '#/' }, 'Dashboard')));
    return;
  }
  const [re, page, navName] = found;
  const params = re.exec(path).slice(1).map(decodeURIComponent);
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === navName) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  main.replaceChildren();
  document.title = navName ? `${navName[0].toUpperCase()}${navName.slice(1)} · vedetta` : 'vedetta';
  const stop = page.render(main, { params, query, session, showError, loggedIn });
  stopPage = typeof stop === 'function' ? stop : () => {};
}

function startSession(who) {
  session = who;
  api.setCsrfToken(who.csrf_token);
  topbar.hidden = false;
  topbar.querySelector('.who').textContent = `${who.user} (${who.role})`;
}

function loggedIn(who) {
  startSession(who);
  const target = afterLogin === '#/login' ? '#/' : afterLogin;
  if (location.hash === target) route();
  else location.hash = target;  // hashchange routes
}

function loggedOut() {
  session = null;
  api.setCsrfToken('');
  topbar.hidden = true;
  if (parseHash().path !== '/login') {
    afterLogin = location.hash || '#/';
    location.hash = '#/login';
  }
}

api.whenUnauthorized(loggedOut);

topbar.querySelector('.logout').addEventListener('click', async () => {
  try { await api.post('/logout'); } catch (e) { showError(e); }
  afterLogin = '#/';
  loggedOut();
});

const pauseButton = topbar.querySelector('.pause');
const liveState = topbar.querySelector('.live-state');
function showPause(paused) {
  pauseButton.textContent = paused ? 'Resume' : 'Pause';
  pauseButton.setAttribute('aria-pressed', String(paused));
  liveState.textContent = paused ? 'paused' : 'live';
  liveState.classList.toggle('paused', paused);
}
pauseButton.addEventListener('click', () => setPaused(!isPaused()));
onPauseChange(showPause);
showPause(false);

window.addEventListener('hashchange', route);

// Already logged in (the cookie survives a reload)? Otherwise: login.
api.get('/session').then((who) => {
  startSession(who);
  route();
}).catch((e) => {
  if (e.status !== 401) showError(e);
  loggedOut();
  route();
});
