// One sign-in for the desk and the admin UI: the session is kept where PocketBase's admin UI
// keeps it (its LocalAuthStore under "__pb_superusers__/_", JSON {token, record}), so signing
// in here signs in at /_/ and the other way round.
import { api } from '../js/api.js';

export const KEY = '__pb_superusers__/_';
const OLD_KEY = 'ab.staff'; // the board's own token before the desk shared the admin UI's

function read() {
  try {
    const s = JSON.parse(localStorage.getItem(KEY));
    return s && typeof s.token === 'string' && s.token ? s : null;
  } catch {
    return null;
  }
}

// expired reads the token's "exp" (seconds); an unreadable token counts as expired.
function expired(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const { exp } = JSON.parse(atob(part + '='.repeat((4 - (part.length % 4)) % 4)));
    return !exp || exp * 1000 <= Date.now();
  } catch {
    return true;
  }
}

export function token() {
  const s = read();
  return s && !expired(s.token) ? s.token : '';
}

// me is the signed-in staff record ({id, email, name, role, ...}) or null.
export function me() {
  const s = read();
  return s && !expired(s.token) ? s.record || s.model || null : null;
}

export function save(tok, record) {
  localStorage.setItem(KEY, JSON.stringify({ token: tok, record }));
  localStorage.removeItem(OLD_KEY);
}

export function clear() {
  localStorage.removeItem(KEY);
  localStorage.removeItem(OLD_KEY);
}

export async function signIn(identity, password) {
  const auth = await api('/api/collections/_superusers/auth-with-password', { method: 'POST', body: { identity, password } });
  save(auth.token, auth.record);
  return auth.record;
}

// refresh renews the session as the admin UI does on every load; 401/403 end it.
export async function refresh() {
  try {
    const auth = await api('/api/collections/_superusers/auth-refresh', { method: 'POST', token: token() });
    save(auth.token, auth.record);
    return true;
  } catch (err) {
    if (err.status === 401 || err.status === 403) clear();
    return !(err.status === 401 || err.status === 403);
  }
}

// onChange calls fn when another tab (the admin UI) signs in or out.
export function onChange(fn) {
  window.addEventListener('storage', (e) => {
    if (e.key === KEY || e.key === null) fn();
  });
}

// adminLink is the record itself in the admin UI (0.39 reads "record=").
export function adminLink(collection, id) {
  return `/_/#/collections?collection=${encodeURIComponent(collection)}&record=${encodeURIComponent(id)}`;
}
