// Settings: language, what relatives may be told, PINs, sign out, delete my data.
import { h, fill, field, choices, status } from '../js/dom.js';
import { t, lang, setLang } from '../js/i18n.js';
import { api, explain } from '../js/api.js';
import { session, token, update, clear } from '../js/session.js';

export default function settings(ctx) {
  return h('div', { class: 'screen settings' },
    h('h1', {}, t('settings.title')),
    languageForm(),
    disclosureForm(),
    pinsForm(),
    signOut(ctx),
    deleteData(ctx));
}

async function patchMe(body) {
  const s = session();
  return api('/api/collections/registrants/records/' + s.id, { method: 'PATCH', body, token: token() });
}

function languageForm() {
  const say = status();
  const group = choices({ legend: t('settings.language.title'), name: 'language', value: lang(), options: [['es', 'Español'], ['en', 'English']] });
  return h('form', { class: 'card', onsubmit: async (e) => {
    e.preventDefault();
    const l = group.value();
    try {
      await patchMe({ language: l });
      update({ language: l });
      setLang(l); // re-renders this screen in the new language
    } catch (err) {
      say.say(explain(err), 'error');
    }
  } }, group, h('button', { type: 'submit', class: 'btn' }, t('common.save')), say);
}

function disclosureForm() {
  const say = status();
  const group = choices({
    legend: t('settings.disclosure.title'), name: 'disclosure', value: (session() || {}).disclosure || '',
    options: [['all', t('settings.disclosure.all')], ['status', t('settings.disclosure.status')], ['none', t('settings.disclosure.none')]],
  });
  (async () => {
    try {
      const me = await api('/api/collections/registrants/records/' + session().id + '?fields=disclosure', { token: token() });
      const input = group.querySelector(`input[value="${me.disclosure}"]`);
      if (input) input.checked = true;
      update({ disclosure: me.disclosure || '' });
    } catch {
      // offline: keep what the phone remembers
    }
  })();
  return h('form', { class: 'card', onsubmit: async (e) => {
    e.preventDefault();
    const v = group.value();
    if (!v) return;
    try {
      await patchMe({ disclosure: v });
      update({ disclosure: v });
      say.say(t('common.saved'), 'ok');
    } catch (err) {
      say.say(explain(err), 'error');
    }
  } }, group, h('button', { type: 'submit', class: 'btn' }, t('common.save')), say);
}

function pinsForm() {
  const say = status();
  const pinAttrs = { type: 'password', inputmode: 'numeric', autocomplete: 'off', maxlength: 8, required: true };
  const currentPin = field({ label: t('settings.pins.current'), name: 'currentPin', ...pinAttrs });
  const cancelPin = field({ label: t('settings.pins.cancel'), name: 'cancelPin', ...pinAttrs });
  const duressPin = field({ label: t('settings.pins.duress'), name: 'duressPin', ...pinAttrs });
  const changing = h('div', {}, h('p', {}, t('settings.pins.change')), currentPin);
  // Changing PINs takes the current cancel PIN; the server says whether they are set.
  const showCurrent = (set) => { changing.hidden = !set; };
  showCurrent(localStorage.getItem('ab.pins') === '1');
  (async () => {
    try {
      const state = await api('/api/alertbutton/pins', { token: token() });
      showCurrent(state.set);
      if (state.set) localStorage.setItem('ab.pins', '1');
      else localStorage.removeItem('ab.pins');
    } catch {
      // offline: keep what the phone remembers
    }
  })();
  return h('form', { class: 'card', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    for (const f of [currentPin, cancelPin, duressPin]) f.setError('');
    const cur = currentPin.input.value;
    const c = cancelPin.input.value;
    const d = duressPin.input.value;
    const wrong = !changing.hidden && !/^[0-9]{4,8}$/.test(cur) ? [currentPin, t('err.pin')]
      : !/^[0-9]{4,8}$/.test(c) ? [cancelPin, t('err.pin')]
        : !/^[0-9]{4,8}$/.test(d) ? [duressPin, t('err.pin')]
          : c === d ? [duressPin, t('err.pin.same')] : null;
    if (wrong) {
      wrong[0].setError(wrong[1]);
      wrong[0].input.focus();
      return;
    }
    const body = { cancelPin: c, duressPin: d };
    if (!changing.hidden) body.currentPin = cur;
    try {
      await api('/api/alertbutton/pins', { method: 'POST', body, token: token() });
      for (const f of [currentPin, cancelPin, duressPin]) f.input.value = '';
      localStorage.setItem('ab.pins', '1');
      showCurrent(true);
      say.say(t('settings.pins.saved'), 'ok');
    } catch (err) {
      const data = err.data || {};
      if (data.currentPin) {
        showCurrent(true);
        currentPin.setError(data.currentPin.message);
      }
      if (data.cancelPin) cancelPin.setError(data.cancelPin.message);
      if (data.duressPin) duressPin.setError(data.duressPin.message);
      say.say(explain(err), 'error');
    }
  } },
  h('h2', {}, t('settings.pins.title')),
  h('p', {}, t('settings.pins.text')),
  changing, cancelPin, duressPin,
  h('button', { type: 'submit', class: 'btn' }, t('settings.pins.save')),
  say);
}

function signOut(ctx) {
  return h('section', { class: 'card' },
    h('h2', {}, t('settings.signout')),
    h('p', {}, t('settings.signout.text')),
    h('button', { type: 'button', class: 'btn', onclick: () => { forget(); ctx.go('welcome'); } }, t('settings.signout')));
}

// forget removes from the phone everything about this person.
function forget() {
  clear();
  for (const k of ['ab.pins', 'ab.cancelled', 'ab.pending']) localStorage.removeItem(k);
}

function deleteData(ctx) {
  const say = status();
  const box = h('section', { class: 'card danger-zone' });
  const closed = () => fill(box,
    h('h2', {}, t('settings.delete.title')),
    h('p', {}, t('settings.delete.text')),
    h('button', { type: 'button', class: 'btn danger', onclick: open }, t('settings.delete.button')),
    say);
  const open = () => {
    const check = h('input', { type: 'checkbox', id: 'delete-check' });
    const confirm = h('button', { type: 'button', class: 'btn danger', disabled: true, onclick: async () => {
      confirm.disabled = true;
      try {
        await api('/api/collections/registrants/records/' + session().id, { method: 'DELETE', token: token() });
        forget();
        sessionStorage.setItem('ab.deleted', '1');
        ctx.go('welcome');
      } catch (err) {
        say.say(explain(err), 'error');
        confirm.disabled = false;
      }
    } }, t('settings.delete.confirm.button'));
    check.addEventListener('change', () => { confirm.disabled = !check.checked; });
    fill(box,
      h('h2', { tabindex: -1 }, t('settings.delete.confirm.title')),
      h('p', {}, t('settings.delete.text')),
      h('p', {}, t('settings.delete.confirm.text')),
      h('div', { class: 'choice big' }, check, h('label', { for: 'delete-check' }, t('settings.delete.confirm.check'))),
      confirm,
      h('button', { type: 'button', class: 'btn', onclick: closed }, t('settings.delete.keep')),
      say);
    box.querySelector('h2').focus();
  };
  closed();
  return box;
}
