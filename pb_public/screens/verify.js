// Verify the phone with the 6-digit code the server sent by SMS at registration (or a new
// one). The account works without it; until then home and settings show a banner.
import { h, field, status } from '../js/dom.js';
import { t } from '../js/i18n.js';
import { session, token, update } from '../js/session.js';
import { api, explain } from '../js/api.js';

export default function verify(ctx) {
  const done = status();
  if (session().verified) {
    done.say(t('verify.already'), 'ok');
    return h('div', { class: 'screen verify' }, h('h1', {}, t('verify.title')), done,
      h('a', { class: 'btn primary', href: '#/home' }, t('nav.home')));
  }
  const code = field({ label: t('verify.code'), name: 'phoneCode', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 6, required: true });
  const submit = h('button', { type: 'submit', class: 'btn primary' }, t('verify.submit'));
  const form = h('form', { novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    code.setError('');
    const value = code.input.value.replace(/\D/g, '');
    if (!/^[0-9]{6}$/.test(value)) {
      code.setError(t('verify.code.err'));
      code.input.focus();
      return;
    }
    submit.disabled = true;
    try {
      await api('/api/alertbutton/phone/verify', { method: 'POST', token: token(), body: { code: value } });
      update({ verified: true });
      done.say(t('verify.done'), 'ok');
      ctx.go('home');
    } catch (err) {
      const data = err.data || {};
      if (data.code) code.setError(data.code.message);
      done.say(explain(err), 'error');
    } finally {
      submit.disabled = false;
    }
  } }, code, submit, done);

  const sent = status();
  const again = h('button', { type: 'button', class: 'btn', onclick: async () => {
    again.disabled = true;
    try {
      await api('/api/alertbutton/phone/code', { method: 'POST', token: token() });
      sent.say(t('verify.again.sent'), 'ok');
    } catch (err) {
      sent.say(explain(err), 'error');
    } finally {
      again.disabled = false;
    }
  } }, t('verify.again'));

  return h('div', { class: 'screen verify' },
    h('h1', {}, t('verify.title')),
    h('p', {}, t('verify.text')),
    form,
    again, sent,
    h('p', {}, t('verify.inperson')),
    h('a', { class: 'btn link', href: '#/home' }, t('verify.later')));
}
