// Sign in with phone and password. Autocomplete lets password managers fill both; paste works.
import { h, field, status } from '../js/dom.js';
import { t } from '../js/i18n.js';
import { signIn, normalizePhone, validPhone } from '../js/session.js';
import { api, explain } from '../js/api.js';
import { flush, pending } from '../js/outbox.js';

export default function signin(ctx) {
  const phone = field({ label: t('signin.phone.label'), name: 'phone', type: 'tel', autocomplete: 'username', inputmode: 'tel', required: true });
  const password = field({ label: t('signin.password.label'), name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const msg = status();
  const submit = h('button', { type: 'submit', class: 'btn primary' }, t('signin.submit'));

  const form = h('form', { novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    phone.setError('');
    password.setError('');
    const e164 = normalizePhone(phone.input.value);
    if (!validPhone(e164)) {
      phone.setError(t('err.phone'));
      phone.input.focus();
      return;
    }
    if (!password.input.value) {
      password.setError(t('err.required'));
      password.input.focus();
      return;
    }
    submit.disabled = true;
    msg.say(t('signin.sending'));
    try {
      await signIn(e164, password.input.value);
      msg.say('');
      if (pending()) flush();
      ctx.go('home');
    } catch (err) {
      msg.say(err.status === 400 ? t('err.signin') : explain(err), 'error');
    } finally {
      submit.disabled = false;
    }
  } }, phone, password, showPassword(password.input), submit, msg);

  return h('div', { class: 'screen signin' },
    h('h1', {}, t('signin.title')),
    form,
    h('a', { class: 'btn link', href: '#/register' }, t('signin.noaccount')),
    recoverForm(phone));
}

// recoverForm sets a new password with a one-time code: sent by SMS to a verified phone, or
// read to the person by the consulate once it has checked who they are; it also signs out
// every other phone. Asking for an SMS answers the same whatever the number.
function recoverForm(signinPhone) {
  const phone = field({ label: t('signin.phone.label'), name: 'recoverPhone', type: 'tel', autocomplete: 'username', inputmode: 'tel', required: true });
  const code = field({ label: t('recover.code'), name: 'code', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 8, required: true });
  const smsSaid = status();
  const askSMS = h('button', { type: 'button', class: 'btn', onclick: async () => {
    phone.setError('');
    const e164 = normalizePhone(phone.input.value);
    if (!validPhone(e164)) {
      phone.setError(t('err.phone'));
      phone.input.focus();
      return;
    }
    askSMS.disabled = true;
    try {
      await api('/api/alertbutton/recovery/code', { method: 'POST', body: { phone: e164 } });
      smsSaid.say(t('recover.sms.sent'), 'ok');
      code.input.focus();
    } catch (err) {
      smsSaid.say(explain(err), 'error');
    } finally {
      askSMS.disabled = false;
    }
  } }, t('recover.sms'));
  const password = field({ label: t('recover.password'), name: 'newPassword', type: 'password', autocomplete: 'new-password', required: true });
  const msg = status();
  const submit = h('button', { type: 'submit', class: 'btn' }, t('recover.submit'));
  const form = h('form', { novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    for (const f of [phone, code, password]) f.setError('');
    const e164 = normalizePhone(phone.input.value);
    const wrong = !validPhone(e164) ? [phone, t('err.phone')]
      : !/^([0-9]{6}|[0-9]{8})$/.test(code.input.value) ? [code, t('recover.code.err')]
        : password.input.value.length < 8 ? [password, t('recover.password.err')] : null;
    if (wrong) {
      wrong[0].setError(wrong[1]);
      wrong[0].input.focus();
      return;
    }
    submit.disabled = true;
    try {
      const p = password.input.value;
      await api('/api/alertbutton/recovery', { method: 'POST', body: { phone: e164, code: code.input.value, password: p, passwordConfirm: p } });
      for (const f of [code, password]) f.input.value = '';
      signinPhone.input.value = e164;
      msg.say(t('recover.done'), 'ok');
    } catch (err) {
      const data = err.data || {};
      if (data.code) code.setError(data.code.message);
      if (data.password) password.setError(data.password.message);
      msg.say(explain(err), 'error');
    } finally {
      submit.disabled = false;
    }
  } }, h('p', {}, t('recover.text')), phone, askSMS, smsSaid, code, password, showPassword(password.input), submit, msg);
  return h('details', { class: 'card recover' }, h('summary', {}, t('recover.title')), form);
}

// showPassword is a checkbox that reveals what was typed (no memory test).
export function showPassword(input) {
  const id = 'show-' + input.id;
  return h('div', { class: 'choice' },
    h('input', { type: 'checkbox', id, onchange: (e) => { input.type = e.target.checked ? 'text' : 'password'; } }),
    h('label', { for: id }, t('common.show.password')));
}
