// The one alert waiting to be sent. It keeps only the alert's id, kind and place (no other
// personal data) and is retried when the phone comes back online, when the app is shown
// again and on a timer, always with the same id, so the server stores it once.
import { api, ApiError } from './api.js';
import { session, token } from './session.js';

const KEY = 'ab.pending';
const RETRY_MS = 10000;
const listeners = new Set();
let inflight = null;
let timer = null;

// pending returns {uid, kind, place, createdAt, state, message} or null.
// state: "locating" (finding the place), "sending" (first try), "waiting" (a try failed; will
// retry), "auth" (needs a new sign in),
// "rejected" (the server refused it; the person can try again).
export function pending() {
  try {
    return JSON.parse(localStorage.getItem(KEY)) || null;
  } catch {
    return null;
  }
}

function store(p) {
  if (p) localStorage.setItem(KEY, JSON.stringify(p));
  else localStorage.removeItem(KEY);
  emit({ type: 'pending', pending: p });
}

function emit(ev) {
  listeners.forEach((fn) => fn(ev));
}

// onOutbox calls fn with {type: "pending"|"sent", ...}; it returns an unsubscribe.
export function onOutbox(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

// enqueue keeps a new alert before anything else happens, so a closed app still sends it.
export function enqueue(uid, kind) {
  const p = { uid, kind, place: null, createdAt: new Date().toISOString(), state: 'locating' };
  store(p);
  return p;
}

// setPlace records where the alert happened ({lat, lon, accuracy} or null for the ZIP code).
export function setPlace(uid, place) {
  const p = pending();
  if (!p || p.uid !== uid) return;
  store({ ...p, place: place || null, state: 'sending' });
}

function body(p, useZip) {
  const b = { uid: p.uid, kind: p.kind };
  if (p.place && !useZip) Object.assign(b, p.place);
  else {
    const zip = (session() || {}).zip;
    if (zip) b.zip = zip;
  }
  return b;
}

// flush sends the pending alert now. It resolves to the stored alert, or null when it is
// still waiting; it never sends two requests at once.
export function flush() {
  if (!inflight) inflight = send().finally(() => { inflight = null; });
  return inflight;
}

async function send() {
  const p = pending();
  if (!p) return null;
  if (!token()) {
    store({ ...p, state: 'auth' });
    return null;
  }
  let useZip = false;
  for (;;) {
    try {
      const res = await api('/api/alertbutton/alerts', { method: 'POST', body: body(p, useZip), token: token() });
      const alert = (res && res.alert) || res || {};
      if (pending() && pending().uid === p.uid) store(null);
      emit({ type: 'sent', alert: { uid: p.uid, ...alert } });
      return alert;
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(0, '');
      if (e.status === 401 || e.status === 403) {
        store({ ...p, state: 'auth' });
        return null;
      }
      if (e.status === 400 && p.place && !useZip) {
        useZip = true; // e.g. a place outside the U.S.: the ZIP code still routes it
        continue;
      }
      if (e.status === 400) {
        store({ ...p, state: 'rejected', message: e.message });
        return null;
      }
      // offline, server down, 404 during an upgrade, 429, 5xx: keep it and try again
      store({ ...p, state: 'waiting', message: '' });
      return null;
    }
  }
}

// startRetrying keeps trying while an alert waits; call it once per page.
export function startRetrying() {
  const retry = () => {
    const p = pending();
    if (!p) return;
    // a fresh alert is still looking for its place: fire() sends it in a moment
    const fresh = p.state === 'locating' && Date.now() - Date.parse(p.createdAt) < 15000;
    if (!fresh && ['locating', 'sending', 'waiting'].includes(p.state)) flush();
  };
  window.addEventListener('online', retry);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') retry();
  });
  if (!timer) timer = setInterval(retry, RETRY_MS);
  retry();
}

// retryNow is the "try now" button: it also retries a rejected or signed-out alert.
export function retryNow() {
  const p = pending();
  if (p) store({ ...p, state: 'waiting' });
  return flush();
}
