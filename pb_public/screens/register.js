// Registration, one short step at a time, saying why each item is asked and what is sealed.
// The draft lives only in memory: nothing typed here is written to the phone's storage.
import { h, field, choices, status } from '../js/dom.js';
import { t, lang, setLang } from '../js/i18n.js';
import { api, explain, fieldMessages } from '../js/api.js';
import { signIn, normalizePhone, validPhone } from '../js/session.js';
import { showPassword } from './signin.js';

const TOTAL = 4;
let draft = {};
let serverErrors = {};

const stepOf = { phone: 1, password: 1, passwordConfirm: 1, name: 2, language: 2, zip: 3, birth_date: 3, id_document: 3, address: 3, consent: 4 };

export default function register(ctx) {
  const step = Math.min(TOTAL, Math.max(1, parseInt(ctx.params[0], 10) || 1));
  if (!draft.language) draft.language = lang();
  const fields = {};
  const msg = status();

  const input = (name, opts) => {
    const f = field({ name, ...opts });
    f.input.value = draft[name] || '';
    if (serverErrors[name]) f.setError(serverErrors[name]);
    fields[name] = f;
    return f;
  };

  let body;
  if (step === 1) {
    const phone = input('phone', { label: t('register.phone.label'), hint: t('register.phone.hint'), type: 'tel', autocomplete: 'tel', inputmode: 'tel', required: true });
    const will = h('p', { class: 'hint', 'aria-live': 'polite' });
    const showWill = () => {
      const e164 = normalizePhone(phone.input.value);
      will.textContent = validPhone(e164) ? t('register.phone.will', { phone: e164 }) : '';
    };
    phone.input.addEventListener('input', showWill);
    showWill();
    const password = input('password', { label: t('register.password.label'), hint: t('register.password.hint'), type: 'password', autocomplete: 'new-password', minlength: 8, required: true });
    // a hidden username field next to the new password lets password managers save both
    body = [phone, will, password, showPassword(password.input)];
  } else if (step === 2) {
    body = [
      input('name', { label: t('register.name.label'), hint: t('register.name.hint'), autocomplete: 'name', required: true, maxlength: 120 }),
      choices({ legend: t('register.language.label'), hint: t('register.language.hint'), name: 'language', value: draft.language, options: [['es', 'Español'], ['en', 'English']] }),
    ];
  } else if (step === 3) {
    body = [
      input('zip', { label: t('register.zip.label'), hint: t('register.zip.hint'), inputmode: 'numeric', autocomplete: 'postal-code', maxlength: 5, required: true }),
      h('fieldset', { class: 'sealed' },
        h('legend', {}, t('register.sealed.title')),
        h('p', { class: 'hint' }, t('register.sealed.why')),
        input('birth_date', { label: t('register.birth.label') + ' ' + t('common.optional'), type: 'date', autocomplete: 'bday' }),
        input('id_document', { label: t('register.id.label') + ' ' + t('common.optional'), maxlength: 60, autocomplete: 'off' }),
        input('address', { label: t('register.address.label') + ' ' + t('common.optional'), type: 'textarea', autocomplete: 'street-address', maxlength: 300, rows: 2 })),
    ];
    fields.address.input.value = draft.address || '';
  } else {
    const id = 'consent-box';
    const err = h('p', { class: 'error', id: 'consent-err', hidden: !serverErrors.consent }, serverErrors.consent || '');
    const box = h('input', { type: 'checkbox', id, name: 'consent', checked: !!draft.consent, 'aria-describedby': 'consent-err' });
    fields.consent = { input: box, setError: (m) => { err.textContent = m || ''; err.hidden = !m; } };
    body = [
      h('h2', {}, t('register.consent.title')),
      h('p', {}, t('register.consent.text')),
      h('div', { class: 'choice big' }, box, h('label', { for: id }, t('register.consent.label'))),
      err,
    ];
  }

  // keep collects this step's values into the draft.
  const keep = () => {
    for (const [name, f] of Object.entries(fields)) {
      draft[name] = name === 'consent' ? f.input.checked : f.input.value.trim();
    }
    const l = form.querySelector('input[name=language]:checked');
    if (l) draft.language = l.value;
  };

  const check = () => {
    const errs = {};
    if (step === 1) {
      draft.phone = normalizePhone(draft.phone);
      if (!validPhone(draft.phone)) errs.phone = t('err.phone');
      if ((draft.password || '').length < 8) errs.password = t('err.password.short');
    } else if (step === 2) {
      if (!draft.name) errs.name = t('err.required');
    } else if (step === 3) {
      if (!/^[0-9]{5}$/.test(draft.zip || '')) errs.zip = t('err.zip');
    } else if (!draft.consent) {
      errs.consent = t('err.consent');
    }
    for (const [name, f] of Object.entries(fields)) f.setError(errs[name] || '');
    const first = Object.keys(errs)[0];
    if (first) fields[first].input.focus();
    return !first;
  };

  const submit = async () => {
    msg.say(t('register.sending'));
    const payload = {
      phone: draft.phone, password: draft.password, passwordConfirm: draft.password,
      name: draft.name, language: draft.language, zip: draft.zip, consent: true,
    };
    for (const k of ['birth_date', 'id_document', 'address']) if (draft[k]) payload[k] = draft[k];
    try {
      await api('/api/collections/registrants/records', { method: 'POST', body: payload });
      await signIn(draft.phone, draft.password);
      const chosen = draft.language;
      draft = {};
      serverErrors = {};
      sessionStorage.setItem('ab.registered', '1');
      ctx.go('home');
      if (chosen !== lang()) setLang(chosen);
    } catch (err) {
      serverErrors = fieldMessages(err);
      const steps = Object.keys(serverErrors).map((f) => stepOf[f] || TOTAL);
      const back = steps.length ? Math.min(...steps) : step;
      if (back !== step) ctx.go('register/' + back);
      else {
        for (const [name, m] of Object.entries(serverErrors)) if (fields[name]) fields[name].setError(m);
        msg.say(explain(err), 'error');
      }
    }
  };

  const form = h('form', { novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    keep();
    serverErrors = {};
    if (!check()) return;
    if (step < TOTAL) ctx.go('register/' + (step + 1));
    else {
      next.disabled = true;
      await submit();
      next.disabled = false;
    }
  } }, body,
  h('div', { class: 'row' },
    step > 1 ? h('a', { class: 'btn', href: '#/register/' + (step - 1), onclick: keep }, t('common.back')) : null,
    null),
  msg);
  form.addEventListener('input', keep);
  const next = h('button', { type: 'submit', class: 'btn primary' }, step < TOTAL ? t('common.next') : t('register.submit'));
  form.querySelector('.row').prepend(next);

  return h('div', { class: 'screen register' },
    h('h1', {}, t('register.title')),
    h('p', { class: 'step' }, t('register.step', { n: step, total: TOTAL })),
    h('progress', { max: TOTAL, value: step, 'aria-label': t('register.step', { n: step, total: TOTAL }) }),
    form);
}
