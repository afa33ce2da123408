// Registration, one short step at a time, saying why each item is asked and what is sealed.
// The draft survives a reload or a crash (cheap phones drop pages): the step and its fields
// are kept in localStorage, the optional sealed details only in sessionStorage (gone with the
// tab), and the password nowhere: it is asked on the last step, just before sending.
// The draft is removed once registered, and on sign-out (clear in session.js).
import { h, field, choices, status } from '../js/dom.js';
import { t, lang, setLang } from '../js/i18n.js';
import { api, explain, fieldMessages } from '../js/api.js';
import { signIn, DRAFT_KEY, SEALED_DRAFT_KEY, clearDraft as forgetDraft } from '../js/session.js';
import { normalizePhone, formatPhone } from '../js/phone.js';
import { showPassword } from './signin.js';

const TOTAL = 4;
const SEALED = ['birth_date', 'id_document', 'address'];
const SECRET = ['password', 'passwordConfirm'];

let password = ''; // in memory only, while the page lives
let serverErrors = {};

const stepOf = { phone: 1, name: 2, language: 2, zip: 3, birth_date: 3, id_document: 3, address: 3, password: 4, passwordConfirm: 4, consent: 4 };

function readJSON(store, key) {
  try {
    return JSON.parse(store.getItem(key)) || {};
  } catch {
    return {};
  }
}

// loadDraft is what the phone kept of the registration, with the password typed on this page.
function loadDraft() {
  if (localStorage.getItem(DRAFT_KEY) === null) password = ''; // sent, or signed out since
  return { ...readJSON(localStorage, DRAFT_KEY), ...readJSON(sessionStorage, SEALED_DRAFT_KEY), password };
}

function saveDraft(draft) {
  password = draft.password || '';
  const open = {};
  const sealed = {};
  for (const [k, v] of Object.entries(draft)) {
    if (SECRET.includes(k)) continue;
    (SEALED.includes(k) ? sealed : open)[k] = v;
  }
  try {
    localStorage.setItem(DRAFT_KEY, JSON.stringify(open));
    sessionStorage.setItem(SEALED_DRAFT_KEY, JSON.stringify(sealed));
  } catch {
    // a full or blocked storage only loses the reload safety net
  }
}

// clearDraft forgets the registration in progress, in memory and on the phone.
function clearDraft() {
  password = '';
  serverErrors = {};
  forgetDraft();
}

// stepErrors are the errors of step's required fields in d, by field name.
function stepErrors(step, d) {
  const errs = {};
  if (step === 1) {
    if (!normalizePhone(d.phone)) errs.phone = t('err.phone');
  } else if (step === 2) {
    if (!d.name) errs.name = t('err.required');
  } else if (step === 3) {
    if (!/^[0-9]{5}$/.test(d.zip || '')) errs.zip = t('err.zip');
  } else {
    if ((d.password || '').length < 8) errs.password = t('err.password.short');
    if (!d.consent) errs.consent = t('err.consent');
  }
  return errs;
}

// firstOpenStep is the first step before want whose required fields are empty, else want:
// a reload or a typed address never lands past a step left undone.
function firstOpenStep(want, d) {
  for (let s = 1; s < want; s++) if (Object.keys(stepErrors(s, d)).length) return s;
  return want;
}

export default function register(ctx) {
  const d = loadDraft();
  if (!d.language) d.language = lang();
  const asked = parseInt(ctx.params[0], 10) || d.step || 1;
  const step = firstOpenStep(Math.min(TOTAL, Math.max(1, asked)), d);
  if (String(step) !== ctx.params[0]) history.replaceState(null, '', '#/register/' + step);
  d.step = step;
  saveDraft(d);

  const fields = {};
  const msg = status();

  const input = (name, opts) => {
    const f = field({ name, ...opts });
    f.input.value = d[name] || '';
    if (serverErrors[name]) f.setError(serverErrors[name]);
    fields[name] = f;
    return f;
  };

  let body;
  if (step === 1) {
    const phone = input('phone', { label: t('register.phone.label'), hint: t('register.phone.hint'), type: 'tel', autocomplete: 'tel', inputmode: 'tel', required: true, maxlength: 24 });
    const understood = h('p', { class: 'hint understood', id: 'phone-understood', 'aria-live': 'polite' });
    const showUnderstood = () => {
      const e164 = normalizePhone(phone.input.value);
      understood.textContent = e164 ? t('register.phone.will', { phone: formatPhone(e164) }) : '';
    };
    phone.input.addEventListener('input', showUnderstood);
    showUnderstood();
    body = [phone, understood];
  } else if (step === 2) {
    body = [
      input('name', { label: t('register.name.label'), hint: t('register.name.hint'), autocomplete: 'name', required: true, maxlength: 120 }),
      choices({ legend: t('register.language.label'), hint: t('register.language.hint'), name: 'language', value: d.language, options: [['es', 'Español'], ['en', 'English']] }),
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
    fields.address.input.value = d.address || '';
  } else {
    const id = 'consent-box';
    const err = h('p', { class: 'error', id: 'consent-err', hidden: !serverErrors.consent }, serverErrors.consent || '');
    const box = h('input', { type: 'checkbox', id, name: 'consent', checked: !!d.consent, 'aria-describedby': 'consent-err' });
    fields.consent = { input: box, setError: (m) => { err.textContent = m || ''; err.hidden = !m; } };
    const pw = input('password', { label: t('register.password.label'), hint: t('register.password.hint'), type: 'password', autocomplete: 'new-password', minlength: 8, required: true });
    body = [
      // the phone as user name next to the new password lets password managers save both
      h('input', { type: 'text', name: 'username', autocomplete: 'username', value: normalizePhone(d.phone), hidden: true, 'aria-hidden': 'true', tabindex: -1 }),
      pw, showPassword(pw.input),
      h('h2', {}, t('register.consent.title')),
      h('p', {}, t('register.consent.text')),
      h('div', { class: 'choice big' }, box, h('label', { for: id }, t('register.consent.label'))),
      err,
    ];
  }

  // keep collects this step's values into the draft and onto the phone (never the password).
  const keep = () => {
    for (const [name, f] of Object.entries(fields)) {
      d[name] = name === 'consent' ? f.input.checked : name === 'password' ? f.input.value : f.input.value.trim();
    }
    const l = form.querySelector('input[name=language]:checked');
    if (l) d.language = l.value;
    saveDraft(d);
  };

  const check = () => {
    const errs = stepErrors(step, d);
    for (const [name, f] of Object.entries(fields)) f.setError(errs[name] || '');
    const first = Object.keys(errs)[0];
    if (first) fields[first].input.focus();
    return !first;
  };

  const submit = async () => {
    msg.say(t('register.sending'));
    const phone = normalizePhone(d.phone);
    const payload = {
      phone, password: d.password, passwordConfirm: d.password,
      name: d.name, language: d.language, zip: d.zip, consent: true,
    };
    for (const k of SEALED) if (d[k]) payload[k] = d[k];
    try {
      await api('/api/collections/registrants/records', { method: 'POST', body: payload });
    } catch (err) {
      showServerErrors(err);
      return;
    }
    try {
      await signIn(phone, d.password);
    } catch (err) {
      // A taken number answers the registration like a new one (its owner gets an SMS), so
      // the sign-in that follows is where it shows: say what to do, not why.
      msg.say(err.status === 400 ? t('register.notOpened') : explain(err), 'error');
      return;
    }
    const chosen = d.language;
    clearDraft();
    sessionStorage.setItem('ab.registered', '1');
    ctx.go('home');
    if (chosen !== lang()) setLang(chosen);
  };

  const showServerErrors = (err) => {
    serverErrors = fieldMessages(err);
    const steps = Object.keys(serverErrors).map((f) => stepOf[f] || TOTAL);
    const back = steps.length ? Math.min(...steps) : step;
    if (back !== step) {
      ctx.go('register/' + back);
      return;
    }
    let shown = false;
    for (const [name, m] of Object.entries(serverErrors)) {
      if (fields[name]) { fields[name].setError(m); shown = true; }
    }
    // the field says what is wrong; the line below the button only when no field can
    msg.say(shown ? '' : explain(err), shown ? '' : 'error');
  };

  const form = h('form', { novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    keep();
    serverErrors = {};
    if (!check()) return;
    if (step < TOTAL) {
      d.step = step + 1;
      saveDraft(d);
      ctx.go('register/' + (step + 1));
    } else {
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
  form.addEventListener('change', keep);
  const next = h('button', { type: 'submit', class: 'btn primary' }, step < TOTAL ? t('common.next') : t('register.submit'));
  form.querySelector('.row').prepend(next);

  return h('div', { class: 'screen register' },
    h('h1', {}, t('register.title')),
    h('p', { class: 'step' }, t('register.step', { n: step, total: TOTAL })),
    h('progress', { max: TOTAL, value: step, 'aria-label': t('register.step', { n: step, total: TOTAL }) }),
    form);
}
