// Home: the alert button; while an alert waits, "NOT SENT YET" and the numbers to call;
// once sent, who was told, what to say to an officer, and "I am safe" or cancel, both with
// the PIN. Once the alert is closed (by the person, or by the consulate) the button is back.
import { h, fill, field, status, telLink } from '../js/dom.js';
import { t, formatTime, cityName } from '../js/i18n.js';
import { token } from '../js/session.js';
import { api, explain } from '../js/api.js';
import { holdButton } from '../js/button.js';
import { uuidv7 } from '../js/uuid.js';
import { locate, locationPermission, askLocation } from '../js/geo.js';
import { pending, enqueue, setPlace, flush, onOutbox, retryNow } from '../js/outbox.js';
import { openAlert, getAlert, isOpen, cancelAlert, markSafe, statusLabel, shown } from '../js/alerts.js';
import { CIAM_PHONE, CIAM_PHONE_TEXT } from '../js/strings.js';
import { callButtons } from '../js/help.js';
import { officerCard } from './officer.js';

// The button shows at once, even on a slow connection; an alert already open replaces it
// when the server answers (unless the person is pressing the button right then).
export default function home(ctx) {
  const root = h('div', { class: 'screen home' });
  // show puts up the panel for alert; notice, when given, says on the button panel why the
  // alert is gone (cancelled, safe, closed by the consulate).
  const show = (alert, notice) => {
    if (pending()) fill(root, pendingPanel());
    else if (alert && isOpen(alert)) fill(root, sentPanel(alert, (msg) => show(null, msg)));
    else fill(root, buttonPanel(notice));
  };
  const busy = () => root.querySelector('.hold.holding, .hold.fired') !== null;
  ctx.onLeave(onOutbox((ev) => {
    if (ev.type === 'sent') show(shown(ev.alert));
    else if (ev.type === 'pending' && ev.pending && !root.querySelector('.hold.holding')) show(null);
  }));
  show(null);
  if (!pending()) {
    openAlert().then((alert) => {
      if (alert && !pending() && !busy() && !ctx.stale()) show(alert);
    }, () => {});
  }
  return root;
}

function buttonPanel(notice) {
  const say = status('status big');
  const lead = h('p', { class: 'lead', id: 'hold-help' }, t('home.lead'));
  const btn = holdButton({
    text: t('button.text'),
    sub: t('button.sub'),
    describedBy: 'hold-help',
    onStart: () => say.say(t('button.holding')),
    onShort: () => say.say(t('button.short')),
    onFire: fire,
  });
  return h('div', {},
    registeredNotice(),
    notice ? h('p', { class: 'notice ok', role: 'status' }, notice) : null,
    h('h1', {}, t('home.title')),
    lead,
    h('div', { class: 'holdwrap' }, btn),
    say,
    onboarding(),
    h('a', { class: 'btn link', href: '#/officer' }, t('officer.open')),
    h('a', { class: 'btn link', href: '#/rights' }, t('home.rights')));
}

// fire keeps the alert first, then looks for the place for a few seconds, then sends.
async function fire() {
  const uid = uuidv7();
  enqueue(uid, 'detained');
  const place = await locate(4000);
  setPlace(uid, place);
  await flush();
}

function registeredNotice() {
  if (!sessionStorage.getItem('ab.registered')) return null;
  // kept a moment: the first screen may render twice (e.g. in the language just chosen)
  setTimeout(() => sessionStorage.removeItem('ab.registered'), 5000);
  return h('p', { class: 'notice ok', role: 'status' }, t('register.done'));
}

// onboarding shows what is still missing: location permission, a relative, the PINs.
function onboarding() {
  const box = h('div', { class: 'onboarding' });
  (async () => {
    const cards = [];
    if ((await locationPermission()) !== 'granted') {
      const say = status();
      cards.push(h('section', { class: 'card' },
        h('h2', {}, t('home.location.title')),
        h('p', {}, t('home.location.text')),
        h('button', { type: 'button', class: 'btn', onclick: async (e) => {
          const ok = await askLocation();
          say.say(ok ? t('home.location.ok') : t('home.location.denied'), ok ? 'ok' : 'error');
          if (ok) e.target.hidden = true;
        } }, t('home.location.button')),
        say));
    }
    try {
      const res = await api('/api/collections/contacts/records?perPage=1&fields=id', { token: token() });
      if (!res.totalItems) {
        cards.push(h('section', { class: 'card' },
          h('h2', {}, t('home.relatives.title')),
          h('p', {}, t('home.relatives.text')),
          h('a', { class: 'btn', href: '#/relatives' }, t('home.relatives.button'))));
      }
    } catch {
      // offline: nothing to suggest
    }
    if (!localStorage.getItem('ab.pins')) {
      cards.push(h('section', { class: 'card' },
        h('h2', {}, t('home.pins.title')),
        h('p', {}, t('home.pins.text')),
        h('a', { class: 'btn', href: '#/settings' }, t('home.pins.button'))));
    }
    fill(box, cards);
  })();
  return box;
}

function pendingPanel() {
  const p = pending();
  const say = status();
  let extra = null;
  if (p.state === 'auth') extra = h('p', { class: 'error' }, t('pending.auth'), ' ', h('a', { href: '#/signin' }, t('signin.title')));
  if (p.state === 'rejected') extra = h('p', { class: 'error' }, t('pending.rejected', { message: p.message || '' }));
  const retry = h('button', { type: 'button', class: 'btn', onclick: async () => {
    retry.disabled = true;
    say.say(t('pending.trying'));
    await retryNow();
    retry.disabled = false;
    if (pending()) say.say(t('pending.text'));
  } }, t('pending.retry'));
  if (p.state === 'locating' || p.state === 'sending') {
    return h('div', { class: 'pending' },
      h('h1', {}, t(p.state === 'locating' ? 'button.locating' : 'button.sending')),
      h('p', {}, t('pending.call')),
      callButtons());
  }
  return h('div', { class: 'pending', role: 'alert' },
    h('h1', { class: 'notsent' }, t('pending.title')),
    h('p', { class: 'lead' }, t('pending.text')),
    extra,
    h('p', {}, t('pending.call')),
    callButtons(),
    retry,
    say);
}

function sentPanel(alert, done) {
  const told = h('ul', { class: 'told', 'aria-live': 'polite' });
  const panel = h('div', { class: 'sent' },
    h('h1', { class: 'ok' }, t('sent.title')),
    h('p', {}, t('sent.at', { time: formatTime(alert.created || new Date()) })),
    alert.status ? h('p', {}, t('sent.status', { status: statusLabel(alert.status) })) : null,
    h('h2', {}, t('sent.told')),
    told,
    h('section', { class: 'card now' },
      h('h2', {}, t('sent.now.title')),
      h('ol', {}, h('li', {}, t('sent.now.1')), h('li', {}, t('sent.now.2')), h('li', {}, t('sent.now.3'))),
      h('a', { href: '#/rights' }, t('home.rights'))),
    h('section', { class: 'card officer' },
      h('h2', {}, t('officer.title')),
      officerCard()),
    closeForm(alert, done),
    callButtons());
  watchTold(told, alert, panel, done);
  return panel;
}

// closeForm takes the PIN for both ways to close the alert: "I am safe" and cancel (Enter
// cancels, as it always did). The PIN keeps whoever holds the phone from closing the case.
function closeForm(alert, done) {
  const pin = field({ label: t('sent.cancel.label'), name: 'pin', type: 'password', inputmode: 'numeric', autocomplete: 'off', maxlength: 8 });
  const close = async (send, doneKey) => {
    pin.setError('');
    if (!/^[0-9]{4,8}$/.test(pin.input.value)) {
      pin.setError(t('err.pin'));
      pin.input.focus();
      return;
    }
    safe.disabled = cancel.disabled = true;
    try {
      await send(alert.uid, pin.input.value);
      done(t(doneKey)); // at once, from the answer itself: the button is back
    } catch (err) {
      pin.setError(explain(err));
      pin.input.focus();
      safe.disabled = cancel.disabled = false;
    }
  };
  const safe = h('button', { type: 'button', class: 'btn primary', 'aria-describedby': 'safe-help',
    onclick: () => close(markSafe, 'sent.safe.done') }, t('sent.safe'));
  const cancel = h('button', { type: 'submit', class: 'btn' }, t('sent.cancel.button'));
  return h('form', { class: 'card', novalidate: true, onsubmit: (e) => {
    e.preventDefault();
    close(cancelAlert, 'sent.cancelled');
  } },
  h('h2', {}, t('sent.close.title')),
  h('p', {}, t('sent.close.text')),
  pin,
  safe,
  h('p', { class: 'hint', id: 'safe-help' }, t('sent.safe.help')),
  cancel);
}

// watchTold lists who was told, as the server knows it, and keeps the list true while the
// sent screen is shown: it reads the alert at once, then again after a pause that grows
// (3 s up to a minute, longer after a failed read: light on a bad connection). It pauses
// while the page is hidden (the first read excepted) and stops once the screen is gone; once
// the alert reads closed (the consulate closed it), done puts the button back.
const FIRST_WAIT = 3000;
const LONGEST_WAIT = 60000;

function watchTold(list, alert, panel, done) {
  let wait = FIRST_WAIT;
  let timer = null;
  fill(list, alert.told ? toldItems(alert) : h('li', {}, t('told.unknown')));
  const gone = () => !panel.isConnected;
  const stop = () => document.removeEventListener('visibilitychange', onVisible);
  const later = () => {
    if (!timer && !gone()) timer = setTimeout(read, wait);
  };
  const read = async (first) => {
    timer = null;
    if (gone()) return stop();
    if (document.hidden && !first) return; // onVisible reads again
    try {
      const a = await getAlert(alert.uid);
      if (gone()) return stop();
      fill(list, toldItems(a));
      if (!isOpen(a)) {
        stop();
        return done(t('sent.closed', { status: statusLabel(a.status) }));
      }
      wait = Math.min(wait * 1.5, LONGEST_WAIT);
    } catch {
      wait = Math.min(wait * 2, LONGEST_WAIT);
    }
    later();
  };
  function onVisible() {
    if (gone()) return stop();
    if (document.hidden) return;
    clearTimeout(timer);
    timer = null;
    wait = FIRST_WAIT;
    read();
  }
  document.addEventListener('visibilitychange', onVisible);
  setTimeout(() => read(true)); // once the panel is on the screen
}

// toldItems are the lines of who was told: the consulate with how far the alert got to it,
// then each relative with how they were told, or that nobody could be.
function toldItems(alert) {
  const lines = Array.isArray(alert.told) ? alert.told : [];
  const items = lines.map((l) => (l.kind === 'consulate' ? consulateItem(l) : contactItem(l)));
  if (alert.disclosure === 'none') items.push(h('li', {}, t('sent.told.none')));
  else if (!lines.some((l) => l.kind === 'contact')) items.push(h('li', {}, t('sent.told.norelatives')));
  return items;
}

function consulateItem(l) {
  const city = cityName(l);
  if (l.state !== 'untrusted') return h('li', { class: 'told-' + l.state }, t('told.consulate.' + l.state, { city }));
  const by = cityName(l.calledBy);
  return h('li', { class: 'told-untrusted' },
    h('p', {}, t('told.consulate.untrusted', { city, by })),
    h('p', {}, t('told.untrusted.call')),
    telLink(CIAM_PHONE, t('call.ciam') + ': ' + CIAM_PHONE_TEXT));
}

function contactItem(l) {
  const channel = l.channel ? t('channel.' + l.channel) : '';
  return h('li', { class: 'told-' + l.state }, t('told.contact.' + l.state, { name: l.name || '', channel }));
}
