// Talks to /api/v1 (docs/api.md). The session cookie goes along by itself;
// requests that change something carry the session's CSRF token. A 401 from
// anywhere sends the user to the login page.

let csrfToken = '';
let onUnauthorized = () => {};

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function setCsrfToken(token) { csrfToken = token || ''; }
export function whenUnauthorized(callback) { onUnauthorized = callback; }

// Drops empty values so "no filter" is no parameter.
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && String(v) !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

async function request(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const response = await fetch(`/api/v1${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  if (response.status === 401 && path !== '/login') onUnauthorized();
  if (!response.ok) {
    const why = payload && payload.error ? payload.error : response.statusText;
    throw new ApiError(response.status, `${method} /api/v1${path}: ${response.status} ${why}`);
  }
  return payload;
}

export const get = (path, params) => request('GET', path + query(params));
export const post = (path, body = {}) => request('POST', path, body);
