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
  const s = { token: auth.token, id: r.id, zip: r.zip || '', language: r.language || 'es', disclosure: r.disclosure || '' };
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

// normalizePhone turns what a person types into E.164: 10 digits are a U.S. number.
export function normalizePhone(text) {
  const raw = String(text || '').trim();
  const digits = raw.replace(/\D/g, '');
  if (!digits) return '';
  if (raw.startsWith('+')) return '+' + digits;
  if (raw.startsWith('00')) return '+' + digits.slice(2);
  if (digits.length === 10) return '+1' + digits;
  if (digits.length === 11 && digits.startsWith('1')) return '+' + digits;
  return '+' + digits;
}

export function validPhone(e164) {
  return /^\+[1-9][0-9]{7,14}$/.test(e164);
}
