// Sign in with phone and password. Autocomplete lets password managers fill both; paste works.
import { h, field, status } from '../js/dom.js';
import { t } from '../js/i18n.js';
import { signIn, normalizePhone, validPhone } from '../js/session.js';
import { explain } from '../js/api.js';
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
    h('a', { class: 'btn link', href: '#/register' }, t('signin.noaccount')));
}

// showPassword is a checkbox that reveals what was typed (no memory test).
export function showPassword(input) {
  const id = 'show-' + input.id;
  return h('div', { class: 'choice' },
    h('input', { type: 'checkbox', id, onchange: (e) => { input.type = e.target.checked ? 'text' : 'password'; } }),
    h('label', { for: id }, t('common.show.password')));
}
