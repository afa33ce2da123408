// Who is signed in on this phone. Only the token and what the button needs are kept:
// no name, no sealed data (the phone may be seized).
import { api } from './api.js';

const KEY = 'ab.session';

export function session() {
  try {
    return JSON.parse(localStorage.getItem(KEY)) || null;
  } catch {
    return null;
  }
}

export function token() {
  const s = session();
  return s ? s.token : '';
}

export function save(auth) {
  const r = auth.record || {};
  const s = { token: auth.token, id: r.id, zip: r.zip || '', language: r.language || 'es', disclosure: r.disclosure || '', verified: !!r.phone_verified_at };
  localStorage.setItem(KEY, JSON.stringify(s));
  // A relative's family page opened on this phone must not show this person's alerts to
  // whoever holds the phone later (hooks/family/device.go): its stamps and link go.
  for (const k of Object.keys(localStorage)) if (k.startsWith('ab.family.')) localStorage.removeItem(k);
  return s;
}

export function update(fields) {
  const s = session();
  if (!s) return;
  localStorage.setItem(KEY, JSON.stringify({ ...s, ...fields }));
}

export function clear() {
  localStorage.removeItem(KEY);
  clearDraft();
}

// The registration in progress (screens/register.js) is kept on the phone under these keys
// until it is sent; signing out forgets it too.
export const DRAFT_KEY = 'ab.register';
export const SEALED_DRAFT_KEY = 'ab.register.sealed';

export function clearDraft() {
  localStorage.removeItem(DRAFT_KEY);
  sessionStorage.removeItem(SEALED_DRAFT_KEY);
}

export async function signIn(phone, password) {
  const auth = await api('/api/collections/registrants/auth-with-password', {
    method: 'POST',
    body: { identity: phone, password },
  });
  return save(auth);
}

// refresh renews the token so that it does not expire on the day it is needed.
export async function refresh() {
  const s = session();
  if (!s) return null;
  const auth = await api('/api/collections/registrants/auth-refresh', { method: 'POST', token: s.token });
  return save(auth);
}

// the phone rules live in phone.js; sign-in and registration read numbers the same way
export { normalizePhone, validPhone } from './phone.js';
