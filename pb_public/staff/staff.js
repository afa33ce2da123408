// The advisers' desk: one sign-in shared with the admin UI, the board of cases and one screen
// per case (#case/{id}), kept live by PocketBase realtime (server-sent events, no polling).
import { h, fill, field, status } from '../js/dom.js';
import { t, onLangChange } from '../js/i18n.js';
import { api, explain } from '../js/api.js';
import { mountHeader } from '../js/help.js';
import { subscribe, registerWorker } from '../js/push.js';
import { kindLabel } from '../js/alerts.js';
import { loadConsulate } from '../js/consulate.js';
import * as auth from './auth.js';
import * as data from './data.js';
import * as live from './live.js';
import * as alarm from './alarm.js';
import * as board from './board.js';
import { renderCase, refresh, openCase, closeCase } from './case.js';

const main = document.getElementById('main');
const ALERTS = live.topic('alerts', data.BOARD_QUERY);
const alerts = new Map();
const fresh = new Set();
const names = new Map(); // staff id -> name
const consulateNames = new Map(); // code -> name
let here = null;
let liveState = 'connecting';
let started = false;
let view = null; // the board's live parts while it is on screen
let healthInfo = null;

function ctx() {
  return {
    here: here && here.code,
    meId: (auth.me() || {}).id || '',
    // IT runs the machine and neither reads sealed fields nor works cases (hooks/staff)
    worksCases: ['adviser', 'consul'].includes((auth.me() || {}).role),
    names,
    fresh,
    now: Date.now(),
    consulateName: (code) => consulateNames.get(code) || code || '',
    onSaved: (a) => { merge(a); },
  };
}

// caseTopics are the open case's timeline: its events and its notes.
function topics() {
  const id = openCase();
  const out = [ALERTS];
  if (id) {
    const query = { filter: `alert = "${id}"`, fields: 'id,alert' };
    out.push(live.topic('alert_events', query), live.topic('case_notes', query));
  }
  return out;
}

function route() {
  const m = /^#case\/([a-z0-9]{1,40})$/.exec(location.hash);
  return m ? m[1] : '';
}

function render() {
  if (!auth.token()) return renderSignIn();
  const id = route();
  if (id) {
    view = null;
    renderCase(main, id, ctx()).then(() => live.resubscribe().catch(() => {}));
    return;
  }
  closeCase();
  live.resubscribe().catch(() => {});
  renderBoard();
}

function renderSignIn() {
  view = null;
  const email = field({ label: t('staff.email.label'), name: 'email', type: 'email', autocomplete: 'username', required: true });
  const password = field({ label: t('staff.password.label'), name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const say = status();
  fill(main,
    h('h1', {}, t('staff.signin.title')),
    h('p', { class: 'hint' }, t('desk.signin.once')),
    h('form', { novalidate: true, onsubmit: async (e) => {
      e.preventDefault();
      say.say('');
      try {
        await auth.signIn(email.input.value.trim(), password.input.value);
        start();
      } catch (err) {
        say.say(err.status === 400 ? t('err.signin') : explain(err), 'error');
      }
    } }, email, password, h('button', { type: 'submit', class: 'btn primary' }, t('staff.signin.button')), say));
}

function soundButton() {
  const on = alarm.wanted() && alarm.playing();
  return h('button', { type: 'button', class: 'btn small', 'aria-pressed': on ? 'true' : 'false', onclick: async () => {
    if (on) alarm.disable();
    else await alarm.enable();
    redrawTools();
  } }, on ? t('desk.sound.on') : t('desk.sound.off'));
}

function pushButton(say) {
  const btn = h('button', { type: 'button', class: 'btn small', onclick: async () => {
    btn.disabled = true;
    try {
      const c = await loadConsulate();
      const sub = await subscribe(c && c.vapidPublicKey);
      await api('/api/alertbutton/push/subscriptions', { method: 'POST', body: sub, token: auth.token() });
      say.say(t('staff.push.ok'), 'ok');
    } catch (err) {
      if (err.message === 'denied') say.say(t('family.notify.denied'), 'error');
      else if (err.message === 'unsupported') say.say(t('family.notify.unsupported'), 'error');
      else say.say(explain(err), 'error');
      btn.disabled = false;
    }
  } }, t('staff.push.button'));
  return btn;
}

function renderBoard() {
  const say = status();
  const me = auth.me() || {};
  view = {
    live: h('p', { class: 'live', role: 'status' }),
    tools: h('div', { class: 'board-tools' }),
    health: h('div', { class: 'health' }),
    count: h('p', { class: 'unacked', role: 'status' }),
    list: h('ul', { class: 'queue', 'aria-labelledby': 'queue-title' }),
    shown: h('span', {}),
    announcer: h('p', { class: 'visually-hidden', 'aria-live': 'assertive' }),
    say,
  };
  view.sound = h('div', { class: 'sound' });
  fill(main,
    h('h1', {}, t('staff.title')),
    h('div', { class: 'status-line' }, view.live, h('p', { class: 'who' }, t('desk.signed.in', { name: me.name || me.email || '' }))),
    view.count, view.sound, view.health,
    board.tools(me.id, drawList),
    h('h2', { id: 'queue-title' }, t('desk.cases'), ' ', view.shown),
    view.list,
    view.announcer,
    h('h2', {}, t('desk.this.device')),
    view.tools, say);
  redrawTools();
  showLive(liveState);
  drawHealth();
  drawList();
}

function redrawTools() {
  if (!view) return;
  fill(view.sound, soundButton());
  fill(view.tools, pushButton(view.say),
    h('a', { class: 'btn small', href: '/_/' }, t('desk.admin')),
    h('button', { type: 'button', class: 'btn small', onclick: signOut }, t('staff.signout')));
}

function signOut() {
  auth.clear();
  live.close();
  alerts.clear();
  data.forget();
  started = false;
  location.hash = '';
  render();
}

function showLive(state) {
  liveState = state;
  if (!view) return;
  const text = { on: t('staff.live'), connecting: t('staff.connecting'), off: t('staff.offline') }[state];
  view.live.textContent = '● ' + text;
  view.live.className = 'live ' + (state === 'on' ? 'on' : state === 'off' ? 'off' : '');
}

// soon coalesces the redraws realtime messages ask for (a surge of alerts is many messages a
// second) into one every 100 ms; a timer, unlike an animation frame, also runs in a tab in
// the background, whose title counts the unacknowledged cases.
let pending = false;
function soon() {
  if (pending) return;
  pending = true;
  setTimeout(() => {
    pending = false;
    drawList();
  }, 100);
}

function drawList() {
  const all = [...alerts.values()];
  const unacked = all.filter((a) => a.status === 'new').length;
  document.title = (unacked ? `(${unacked}) ` : '') + t('staff.title');
  if (!view) return;
  view.count.textContent = unacked ? t('desk.unacked', { n: unacked }) : t('desk.unacked.none');
  view.count.className = 'unacked' + (unacked ? ' some' : '');
  const n = board.list(view.list, all, ctx());
  view.shown.textContent = '(' + t('desk.shown', { n, total: all.length }) + ')';
}

// drawHealth names the staff on duty whom no device reaches (the escalation's /health).
function drawHealth() {
  if (!view) return;
  const off = ((healthInfo && healthInfo.onDuty) || []).filter((s) => !s.working);
  fill(view.health, off.length ? h('div', { class: 'warn', role: 'note' },
    h('h2', {}, t('desk.unreachable.title')),
    h('ul', {}, off.map((s) => h('li', {}, (s.name || s.email) + ': ' +
      (s.devices ? t('desk.unreachable.broken', { n: s.devices }) : t('desk.unreachable.nodevice')) +
      (s.phone ? '' : ' · ' + t('desk.unreachable.nophone')))))) : null);
}

async function loadHealth() {
  try {
    healthInfo = await data.health();
  } catch {
    healthInfo = null;
  }
  drawHealth();
}

function merge(a) {
  const prev = alerts.get(a.id);
  // the realtime record carries the board's fields; keep what the case screen read too
  alerts.set(a.id, prev ? { ...prev, ...a } : a);
}

async function loadAlerts() {
  try {
    const list = await data.boardAlerts();
    alerts.clear();
    list.forEach((a) => alerts.set(a.id, a));
    drawList();
  } catch (err) {
    if (err.status === 401 || err.status === 403) signOut();
  }
}

function onMessage(name, { action, record }) {
  if (name !== ALERTS) {
    refresh('timeline');
    return;
  }
  if (action === 'delete') alerts.delete(record.id);
  else {
    if (action === 'create') {
      fresh.add(record.id);
      const text = t('staff.new.alert', { kind: kindLabel(record.kind) });
      if (view) view.announcer.textContent = text;
      if (record.status === 'new') alarm.ring(text, t('desk.ring.body'), record.id);
    }
    alerts.set(record.id, record);
  }
  soon();
  if (record.id === openCase()) refresh('alert');
  if (action === 'update' && record.nobody_reached_at) loadHealth();
}

async function start() {
  started = true;
  here = await loadConsulate();
  const [staff, consulates] = await Promise.all([data.staffList().catch(() => []), data.consulates().catch(() => [])]);
  staff.forEach((s) => names.set(s.id, s.name || s.email));
  consulates.forEach((c) => consulateNames.set(c.code, c.name));
  render();
  live.connect({
    topics,
    onState: showLive,
    onConnected: () => Promise.all([loadAlerts(), loadHealth(), refresh('alert'), refresh('timeline')]),
    onMessage,
    onDenied: signOut,
  });
}

setInterval(() => board.tick(main), 5000);
setInterval(() => { if (started) loadHealth(); }, 60000);
// the session is renewed as the admin UI renews it, so a desk left open stays signed in
setInterval(() => { if (started) auth.refresh().then(() => auth.token() || signOut()); }, 30 * 60000);

mountHeader({ helpKey: null, title: () => t('staff.title'), rightsHref: '/#/rights', homeHref: '/', showHome: () => false });
onLangChange(() => { if (started || !auth.token()) render(); });
window.addEventListener('hashchange', () => { if (auth.token()) render(); });
auth.onChange(() => {
  if (!auth.token() && started) signOut();
  else if (auth.token() && !started) start();
});
alarm.wakeOnGesture(redrawTools);
registerWorker();
if (auth.token()) auth.refresh().then(() => (auth.token() ? start() : render()));
else render();
