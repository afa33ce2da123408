// The advisers' live board: staff sign in, push on this device, and the queue of alerts kept
// up to date by PocketBase realtime (server-sent events, no polling).
import { h, fill, field, status } from '../js/dom.js';
import { t, formatTime, duration, parseDate, onLangChange } from '../js/i18n.js';
import { api, explain } from '../js/api.js';
import { mountHeader } from '../js/help.js';
import { subscribe, registerWorker } from '../js/push.js';
import { kindLabel, statusLabel } from '../js/alerts.js';
import { loadConsulate } from '../js/consulate.js';

const KEY = 'ab.staff';
// only what the board shows: no sealed personal data travels to this screen
const FIELDS = 'id,collectionId,uid,kind,status,source,origin_consulate,target_consulate,escalation_level,duress,created';
// PocketBase names each realtime message after the topic exactly as subscribed
const TOPIC = 'alerts?options=' + encodeURIComponent(JSON.stringify({ query: { fields: FIELDS } }));
const OPEN_RANK = { new: 0, acknowledged: 1, in_progress: 2 };
const main = document.getElementById('main');
const alerts = new Map();
const fresh = new Set();
let here = null; // this appliance's consulate
let source = null;
let live = 'connecting';
let liveEl = null;
let listEl = null;
let countEl = null;
let announcer = null;
let ticker = null;

const staffToken = () => localStorage.getItem(KEY) || '';

function render() {
  if (!staffToken()) return renderSignIn();
  renderBoard();
}

function renderSignIn() {
  const email = field({ label: t('staff.email.label'), name: 'email', type: 'email', autocomplete: 'username', required: true });
  const password = field({ label: t('staff.password.label'), name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const say = status();
  fill(main,
    h('h1', {}, t('staff.signin.title')),
    h('form', { novalidate: true, onsubmit: async (e) => {
      e.preventDefault();
      say.say('');
      try {
        const auth = await api('/api/collections/_superusers/auth-with-password', {
          method: 'POST', body: { identity: email.input.value.trim(), password: password.input.value },
        });
        localStorage.setItem(KEY, auth.token);
        start();
      } catch (err) {
        say.say(err.status === 400 ? t('err.signin') : explain(err), 'error');
      }
    } }, email, password, h('button', { type: 'submit', class: 'btn primary' }, t('staff.signin.button')), say));
}

function renderBoard() {
  const pushSay = status();
  const pushBtn = h('button', { type: 'button', class: 'btn small', onclick: async () => {
    pushBtn.disabled = true;
    try {
      const c = await loadConsulate();
      const sub = await subscribe(c && c.vapidPublicKey);
      await api('/api/alertbutton/push/subscriptions', { method: 'POST', body: sub, token: staffToken() });
      pushSay.say(t('staff.push.ok'), 'ok');
    } catch (err) {
      if (err.message === 'denied') pushSay.say(t('family.notify.denied'), 'error');
      else if (err.message === 'unsupported') pushSay.say(t('family.notify.unsupported'), 'error');
      else pushSay.say(explain(err), 'error');
      pushBtn.disabled = false;
    }
  } }, t('staff.push.button'));
  liveEl = h('p', { class: 'live', role: 'status' });
  countEl = h('span', {});
  listEl = h('ul', { class: 'queue', 'aria-labelledby': 'queue-title' });
  announcer = h('p', { class: 'visually-hidden', 'aria-live': 'assertive' });
  fill(main,
    h('h1', {}, t('staff.title')),
    h('div', { class: 'board-tools' },
      liveEl,
      pushBtn,
      h('button', { type: 'button', class: 'btn small', onclick: signOut }, t('staff.signout'))),
    pushSay,
    h('h2', { id: 'queue-title' }, t('staff.queue'), ' ', countEl),
    listEl,
    announcer);
  showLive(live);
  drawList();
}

function signOut() {
  localStorage.removeItem(KEY);
  if (source) source.close();
  source = null;
  alerts.clear();
  render();
}

function showLive(state) {
  live = state;
  if (!liveEl) return;
  const text = { on: t('staff.live'), connecting: t('staff.connecting'), off: t('staff.offline') }[state];
  liveEl.textContent = '● ' + text;
  liveEl.className = 'live ' + (state === 'on' ? 'on' : state === 'off' ? 'off' : '');
}

function sorted() {
  return [...alerts.values()].sort((a, b) => {
    const ra = OPEN_RANK[a.status] ?? 9;
    const rb = OPEN_RANK[b.status] ?? 9;
    if (ra !== rb) return ra - rb;
    return String(b.created).localeCompare(String(a.created));
  });
}

function relayed(a) {
  return a.source === 'federation' || (here && a.target_consulate && a.target_consulate !== here.code);
}

function drawList() {
  if (!listEl) return;
  const items = sorted();
  const open = items.filter((a) => a.status in OPEN_RANK).length;
  countEl.textContent = '(' + t('staff.open.count', { n: open }) + ')';
  document.title = (open ? `(${open}) ` : '') + t('staff.title');
  fill(listEl, items.length ? items.map(row) : h('li', {}, t('staff.none')));
}

function row(a) {
  const created = parseDate(a.created);
  const label = kindLabel(a.kind) + ' · ' + statusLabel(a.status);
  return h('li', { class: 's-' + a.status + (fresh.has(a.id) ? ' fresh' : ''), 'data-uid': a.uid },
    h('h2', {}, label),
    h('div', { class: 'meta' },
      h('span', { class: 'since', 'data-created': String(created.getTime()) }, t('staff.since', { time: duration(Date.now() - created) })),
      h('span', {}, formatTime(created)),
      h('span', {}, t('staff.level', { n: a.escalation_level || 0 })),
      a.source ? h('span', {}, t('staff.source', { source: t('source.' + a.source) })) : null,
      a.target_consulate ? h('span', {}, t('staff.target', { code: a.target_consulate })) : null,
      relayed(a) ? h('span', { class: 'relayed' }, t('staff.relayed')) : null,
      a.duress ? h('span', { class: 'duress' }, t('staff.duress')) : null),
    h('a', {
      class: 'btn small', target: '_blank', rel: 'noopener',
      href: `/_/#/collections?collection=${encodeURIComponent(a.collectionId)}&recordId=${encodeURIComponent(a.id)}`,
    }, t('staff.open'), h('span', { class: 'visually-hidden' }, ': ' + label + ', ' + formatTime(created))));
}

async function loadAlerts() {
  try {
    const res = await api('/api/collections/alerts/records?perPage=200&sort=-created&fields=' + FIELDS, { token: staffToken() });
    alerts.clear();
    for (const a of res.items || []) alerts.set(a.id, a);
    drawList();
  } catch (err) {
    if (err.status === 401 || err.status === 403) signOut();
  }
}

// connect opens the realtime stream; on every (re)connection it subscribes to "alerts" with
// the staff token and reloads the list, so nothing missed while disconnected is lost.
function connect() {
  if (source) source.close();
  showLive('connecting');
  source = new EventSource('/api/realtime');
  source.addEventListener('PB_CONNECT', async (e) => {
    const { clientId } = JSON.parse(e.data);
    try {
      await api('/api/realtime', { method: 'POST', body: { clientId, subscriptions: [TOPIC] }, token: staffToken() });
      showLive('on');
      await loadAlerts();
    } catch (err) {
      showLive('off');
      if (err.status === 401 || err.status === 403) signOut();
    }
  });
  source.addEventListener(TOPIC, (e) => {
    const { action, record } = JSON.parse(e.data);
    if (action === 'delete') alerts.delete(record.id);
    else {
      if (action === 'create') {
        fresh.add(record.id);
        announcer.textContent = t('staff.new.alert', { kind: kindLabel(record.kind) });
      }
      alerts.set(record.id, record);
    }
    drawList();
  });
  source.onerror = () => {
    showLive('off');
    if (source.readyState === EventSource.CLOSED) setTimeout(() => staffToken() && connect(), 5000);
  };
}

async function start() {
  here = await loadConsulate();
  renderBoard();
  connect();
  if (!ticker) {
    ticker = setInterval(() => {
      document.querySelectorAll('.queue .since').forEach((el) => {
        el.textContent = t('staff.since', { time: duration(Date.now() - Number(el.dataset.created)) });
      });
    }, 15000);
  }
}

mountHeader({ helpKey: null, title: () => t('staff.title'), rightsHref: '/#/rights', homeHref: '/', showHome: () => false });
onLangChange(render);
registerWorker();
if (staffToken()) start();
else render();
