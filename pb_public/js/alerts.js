// The registrant's own alerts: the open one, cancel or "I am safe" with a PIN, the timeline.
import { api } from './api.js';
import { token } from './session.js';
import { t } from './i18n.js';

const CANCELLED = 'ab.cancelled';
export const CLOSED = ['resolved', 'false_alarm', 'cancelled'];

// The duress PIN answers exactly like the cancel PIN and the alert stays open on the server.
// The phone remembers what this person cancelled and shows it as cancelled whatever the
// server says, so that whoever holds the phone cannot tell which PIN was used.
function cancelledUids() {
  try {
    return JSON.parse(localStorage.getItem(CANCELLED)) || [];
  } catch {
    return [];
  }
}

function markCancelled(uid) {
  const list = cancelledUids().filter((u) => u !== uid).concat(uid).slice(-50);
  localStorage.setItem(CANCELLED, JSON.stringify(list));
}

// shown is the alert as this phone shows it.
export function shown(alert) {
  if (alert && cancelledUids().includes(alert.uid)) return { ...alert, status: 'cancelled' };
  return alert;
}

export function isOpen(alert) {
  return alert && !CLOSED.includes(shown(alert).status);
}

// The phone reads its alerts only through the appliance's own routes, which show each alert
// as this person may see it (the records API does not serve alerts to a registrant).
export async function listAlerts() {
  const res = await api('/api/alertbutton/alerts', { token: token() });
  return (res.items || []).map(shown);
}

// OWN_SOURCES are the alerts the person set off: the button and a missed check-in. Someone
// else's report (a relative, staff, a peer consulate) never turns the home screen into
// "Alerta enviada": the person did not send it, and the button must stay in reach.
const OWN_SOURCES = ['button', 'checkin'];

export function isOwn(alert) {
  return !!alert && OWN_SOURCES.includes(alert.source);
}

// openAlert is the newest alert the person set off that is still open, or null.
export async function openAlert() {
  const list = await listAlerts();
  return list.find((a) => isOwn(a) && isOpen(a)) || null;
}

// getAlert is one alert by its uid, with its timeline in events.
export async function getAlert(uid) {
  return shown(await api('/api/alertbutton/alerts/' + encodeURIComponent(uid), { token: token() }));
}

export async function cancelAlert(uid, pin) {
  const res = await api(`/api/alertbutton/alerts/${encodeURIComponent(uid)}/cancel`, { method: 'POST', body: { pin }, token: token() });
  markCancelled(uid);
  return res;
}

// markSafe closes the alert as "I am safe / released". It takes the PIN, as cancel does, so
// that whoever holds the phone cannot close the case; the duress PIN answers the same.
export async function markSafe(uid, pin) {
  return api(`/api/alertbutton/alerts/${encodeURIComponent(uid)}/safe`, { method: 'POST', body: { pin }, token: token() });
}

export function kindLabel(kind) {
  return kind ? t('kind.' + kind) : '';
}

export function statusLabel(status) {
  return status ? t('status.' + status) : '';
}

// eventLabel is the sentence that says what happened in a timeline event: its type
// ("created", "facility_set", "alert.changed"...), and for a change of status the status it
// changed to. A type the app does not know yet reads as a plain sentence, never as its code.
export function eventLabel(ev) {
  const e = typeof ev === 'string' ? { type: ev } : ev || {};
  const type = String(e.type || '');
  if (type === 'status' && e.status && has('event.status.' + e.status)) return t('event.status.' + e.status);
  if (has('event.' + type)) return t('event.' + type);
  return t('event.other');
}

function has(key) {
  return t(key) !== key;
}
