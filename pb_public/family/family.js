// The family page: <origin>/family/#<token>. The token stays in the fragment, so it is never
// sent in a request line, a Referer or a server log; the page sends it only in the
// X-Family-Token header of its API calls, which no log writes down.
import { h, fill, field, status } from '../js/dom.js';
import { t, onLangChange, cityName } from '../js/i18n.js';
import { api, explain } from '../js/api.js';
import { mountHeader, callButtons } from '../js/help.js';
import { uuidv7 } from '../js/uuid.js';
import { subscribe, registerWorker } from '../js/push.js';

const main = document.getElementById('main');
const token = location.hash.replace(/^#/, '').trim();
const base = '/api/alertbutton/family';
const withToken = { 'X-Family-Token': token };
let info = null;
let infoError = null;
let vapid = '';
// one id per report on this page, reused on every retry so the consulate gets it once
let reportUid = uuidv7();

async function load() {
  // a token is base64url; anything else is no link (and could not be sent in a header)
  if (!/^[\w-]+$/.test(token)) {
    infoError = new Error('no token');
    return;
  }
  try {
    info = await api(base, { headers: withToken });
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
      callButtons());
    return;
  }
  const name = (info.registrant && info.registrant.firstName) || '';
  const c = info.consulate || {};
  fill(main,
    h('h1', {}, t('family.title', { name })),
    h('p', { class: 'lead' }, t('family.lead', { name })),
    c.city ? h('p', {}, t('family.consulate', { city: cityName(c), state: c.state || '' })) : null,
    notifyCard(name),
    reportCard(name),
    nextSteps());
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
    callButtons());
}

mountHeader({ helpKey: 'family.next.1', rightsHref: '/#/rights', officerHref: '/#/officer', homeHref: '/', showHome: () => false });
onLangChange(render);
registerWorker();
window.addEventListener('hashchange', () => location.reload());
await load();
render();
