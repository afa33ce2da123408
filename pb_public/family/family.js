// The family page: <origin>/family/#<token>. The token stays in the fragment, so it is never
// sent in a request line, a Referer or a server log; the page sends it only in the
// X-Family-Token header of its API calls, which no log writes down.
import { h, fill, field, status, telLink } from '../js/dom.js';
import { t, onLangChange, formatTime, cityName } from '../js/i18n.js';
import { CIAM_PHONE, CIAM_PHONE_TEXT } from '../js/strings.js';
import { api, explain } from '../js/api.js';
import { mountHeader, callButtons } from '../js/help.js';
import { uuidv7 } from '../js/uuid.js';
import { subscribe, registerWorker } from '../js/push.js';

const main = document.getElementById('main');
// A notice opens /family/ without the token: the relative's phone remembers the last link.
const lastKey = 'ab.family.last';
// An SMS about an alert adds "~" and a stamp as of its raise (hooks/outbox grant), so that
// a relative who first opens the link from it is shown that alert.
const [hashToken, grant = ''] = location.hash.replace(/^#/, '').trim().split('~');
const token = hashToken || localStorage.getItem(lastKey) || '';
const base = '/api/alertbutton/family';
const withToken = { 'X-Family-Token': token };
let info = null;
let infoError = null;
let vapid = '';
// When the page last heard from the server, and whether the last try failed.
let checkedAt = null;
let offline = false;
// the section that shows the case; updated in place so a report being typed is kept
let caseCard = null;
const pollMs = 10000;

// The browser's stamp (see hooks/family/device.go): the page is shown the alerts raised
// after this browser first opened the link. The person's own phone (signed in to the app)
// keeps none: it is shown no alert, whatever happened to it.
const deviceKey = 'ab.family.device.' + token;
const ownPhone = () => localStorage.getItem('ab.session') !== null;

function device() {
  return ownPhone() ? '' : (localStorage.getItem(deviceKey) || '');
}

function headers() {
  const out = { ...withToken };
  const d = device();
  if (d) out['X-Family-Device'] = d;
  if (grant && !ownPhone()) out['X-Family-Grant'] = grant;
  return out;
}

function keepDevice(stamp) {
  if (!stamp || ownPhone()) return;
  localStorage.setItem(deviceKey, stamp);
  localStorage.setItem(lastKey, token);
  if (grant && location.hash !== '#' + token) history.replaceState(null, '', '#' + token);
}
// one id per report on this page, reused on every retry so the consulate gets it once
let reportUid = uuidv7();

async function load() {
  // a token is base64url; anything else is no link (and could not be sent in a header)
  if (!/^[\w-]+$/.test(token)) {
    infoError = new Error('no token');
    return;
  }
  try {
    info = await api(base, { headers: headers() });
    keepDevice(info.device);
    checkedAt = new Date();
  } catch (err) {
    infoError = err;
  }
  try {
    vapid = (await api('/api/alertbutton/info')).vapidPublicKey || '';
  } catch {
    vapid = '';
  }
}

function render() {
  if (!info) {
    fill(main,
      h('h1', {}, t('app.name')),
      h('p', { class: 'error' }, infoError && infoError.status === 0 ? t('common.network') : t('family.invalid')),
      familyCalls());
    return;
  }
  const name = (info.registrant && info.registrant.firstName) || '';
  const c = info.consulate || {};
  fill(main,
    h('h1', {}, t('family.title', { name })),
    h('p', { class: 'lead' }, t('family.lead', { name })),
    c.city ? h('p', {}, t('family.consulate', { city: cityName(c), state: c.state || '' })) : null,
    caseCard = h('section', { class: 'card case', 'aria-labelledby': 'case-title' }),
    notifyCard(name),
    reportCard(name),
    nextSteps());
  renderCase();
}

// renderCase fills the case card: the alert open or closed and its milestones, or that
// there is none to show, and whom to call.
function renderCase() {
  if (!caseCard || !info) return;
  const name = (info.registrant && info.registrant.firstName) || '';
  const list = info.alerts || [];
  const parts = [];
  if (ownPhone()) {
    parts.push(h('h2', { id: 'case-title' }, t('family.case.title')), h('p', {}, t('family.case.ownPhone', { name })));
  } else if (info.shares === false) {
    parts.push(h('h2', { id: 'case-title' }, t('family.case.title')), h('p', {}, t('family.case.notShared', { name })));
  } else if (list.length === 0) {
    parts.push(h('h2', { id: 'case-title' }, t('family.case.none.title')), h('p', {}, t('family.case.none', { name })));
  } else {
    list.forEach((a, i) => parts.push(...alertParts(a, name, i)));
  }
  const open = list.some((a) => a.open);
  parts.push(whatToDo(open, list.find((a) => a.open && a.consulate) || null));
  parts.push(h('p', { class: 'hint checked', role: 'status' }, offline
    ? t('family.case.offline', { time: checkedAt ? formatTime(checkedAt) : '—' })
    : t('family.case.live', { time: checkedAt ? formatTime(checkedAt) : '—' })));
  caseCard.className = 'card case' + (open ? ' open' : '');
  fill(caseCard, ...parts);
}

function alertParts(a, name, i) {
  const id = i === 0 ? 'case-title' : 'case-title-' + i;
  return [
    h('h2', { id, class: a.open ? 'case-open' : '' }, t(a.open ? 'family.case.open' : 'family.case.closed', { name })),
    h('ol', { class: 'milestones' }, (a.milestones || []).map((m) => h('li', {},
      h('span', { class: 'when' }, formatTime(m.at)), ' ', h('span', {}, milestoneText(m, name))))),
  ];
}

// milestoneText is a milestone as a sentence; one the page does not know says nothing raw.
function milestoneText(m, name) {
  const key = 'family.m.' + m.type + (m.by ? '.' + m.by : '');
  const text = t(key, { name, facility: m.facility || '' });
  return text === key ? t('family.m.other') : text;
}

// whatToDo says whom to call: the consulate working the case when its phone is known,
// else that it is not registered yet, and always the 24-hour line.
function whatToDo(open, caseWithConsulate) {
  const c = (caseWithConsulate && caseWithConsulate.consulate) || info.consulate || {};
  const place = cityName(c);
  return h('div', { class: 'todo' },
    h('h3', {}, t(open ? 'family.todo.open' : 'family.todo.title')),
    c.phone
      ? telLink(c.phone.replace(/[^+\d]/g, ''), t('family.todo.consulate', { city: place, phone: c.phone }))
      : h('p', {}, t('family.todo.nophone', { city: place })),
    telLink(CIAM_PHONE, t('call.ciam') + ': ' + CIAM_PHONE_TEXT),
    h('p', { class: 'hint' }, t('call.ciam.note')));
}

// poll asks again every few seconds while the page is shown, and at once when the browser
// comes back online or to the front; a failed try keeps what was shown and says so.
let pollTimer = null;
async function poll() {
  clearTimeout(pollTimer);
  if (!info) {
    if (!infoError || infoError.status !== 0) return; // no link, or removed: nothing to ask
    infoError = null;
    await load(); // the first load found no network: try it again
    render();
    schedule();
    return;
  }
  const ctl = new AbortController();
  const timeout = setTimeout(() => ctl.abort(), 8000);
  try {
    const res = await fetch(base, { headers: { ...headers(), Accept: 'application/json' }, cache: 'no-store', credentials: 'omit', signal: ctl.signal });
    if (res.status === 404) {
      if (localStorage.getItem(lastKey) === token) localStorage.removeItem(lastKey);
      info = null;
      infoError = { status: 404 };
      render();
      return; // the link was revoked: nothing more to ask
    }
    if (!res.ok) throw new Error(String(res.status));
    const next = await res.json();
    keepDevice(next.device);
    info = next;
    offline = false;
    checkedAt = new Date();
  } catch {
    offline = true;
  } finally {
    clearTimeout(timeout);
  }
  renderCase();
  schedule();
}

function schedule() {
  clearTimeout(pollTimer);
  if (document.visibilityState !== 'hidden') pollTimer = setTimeout(poll, pollMs);
}

function notifyCard(name) {
  const say = status();
  const btn = h('button', { type: 'button', class: 'btn primary', onclick: async () => {
    btn.disabled = true;
    try {
      const sub = await subscribe(vapid);
      await api(base + '/subscriptions', { method: 'POST', body: sub, headers: withToken });
      say.say(t('family.notify.ok'), 'ok');
    } catch (err) {
      if (err.message === 'denied') say.say(t('family.notify.denied'), 'error');
      else if (err.message === 'unsupported') say.say(t('family.notify.unsupported'), 'error');
      else say.say(explain(err), 'error');
      btn.disabled = false;
    }
  } }, t('family.notify.button'));
  return h('section', { class: 'card' },
    h('h2', {}, t('family.notify.title')),
    h('p', {}, t('family.notify.text', { name })),
    btn, say);
}

function reportCard(name) {
  const say = status();
  const place = field({ label: t('family.report.place'), name: 'place', maxlength: 300, autocomplete: 'off', required: true });
  const note = field({ label: t('family.report.note'), name: 'note', type: 'textarea', maxlength: 2000, rows: 3 });
  const submit = h('button', { type: 'submit', class: 'btn danger' }, t('family.report.button'));
  return h('form', { class: 'card', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    place.setError('');
    if (!place.input.value.trim()) {
      place.setError(t('err.required'));
      place.input.focus();
      return;
    }
    submit.disabled = true;
    try {
      await api(base + '/alerts', {
        method: 'POST',
        body: { uid: reportUid, place: place.input.value.trim(), note: note.input.value.trim() },
        headers: withToken,
      });
      say.say(t('family.report.sent'), 'ok');
      place.input.value = '';
      note.input.value = '';
      reportUid = uuidv7();
    } catch (err) {
      say.say(err.network ? t('family.report.failed') : explain(err), 'error');
    } finally {
      submit.disabled = false;
    }
  } },
  h('h2', {}, t('family.report.title')),
  h('p', {}, t('family.report.text', { name })),
  place, note, submit, say);
}

function nextSteps() {
  return h('section', { class: 'card' },
    h('h2', {}, t('family.next.title')),
    h('ol', {}, [1, 2, 3, 4].map((n) => h('li', {}, t('family.next.' + n)))),
    familyCalls());
}

// familyCalls are the call buttons for the registrant's consulate (from the link), not this phone's.
function familyCalls() {
  return callButtons(info ? info.consulate : null, { forFamily: true });
}

mountHeader({ helpKey: 'family.next.1', rightsHref: '/#/rights', officerHref: '/#/officer', homeHref: '/', showHome: () => false, calls: familyCalls });
onLangChange(render);
registerWorker();
window.addEventListener('hashchange', () => location.reload());
await load();
render();
schedule();
window.addEventListener('online', poll);
document.addEventListener('visibilitychange', () => (document.visibilityState === 'hidden' ? clearTimeout(pollTimer) : poll()));
