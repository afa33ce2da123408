// Check-in timer before an appointment: if the person does not say "I am OK" in time, the
// server raises the alert by itself (the phone may have been taken).
import { h, fill, field, status } from '../js/dom.js';
import { t, formatTime, parseDate, duration } from '../js/i18n.js';
import { api, explain, fieldMessages } from '../js/api.js';
import { session, token } from '../js/session.js';

export default async function checkin(ctx) {
  const list = h('div', { class: 'list' });
  const say = status();

  const load = async () => {
    try {
      const res = await api('/api/collections/checkins/records?perPage=20&sort=-due_at', { token: token() });
      const items = res.items || [];
      fill(list, items.length ? items.map((c) => card(c, say, load)) : h('p', {}, t('checkin.none')));
    } catch (err) {
      fill(list, h('p', { class: 'error' }, explain(err)));
    }
  };
  await load();
  const tick = setInterval(() => list.querySelectorAll('[data-due]').forEach(showLeft), 30000);
  ctx.onLeave(() => clearInterval(tick));

  return h('div', { class: 'screen checkin' },
    h('h1', {}, t('checkin.title')),
    h('p', { class: 'lead' }, t('checkin.lead')),
    form(say, load),
    say,
    h('h2', {}, t('checkin.list')),
    list);
}

function localInputValue(d) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function form(say, reload) {
  const place = field({ label: t('checkin.place.label'), hint: t('common.sealed'), name: 'place', maxlength: 200, autocomplete: 'off' });
  const inTwoHours = new Date(Date.now() + 2 * 3600 * 1000);
  inTwoHours.setMinutes(Math.ceil(inTwoHours.getMinutes() / 15) * 15, 0, 0);
  const due = field({ label: t('checkin.due.label'), name: 'due_at', type: 'datetime-local', required: true, value: localInputValue(inTwoHours) });
  const submit = h('button', { type: 'submit', class: 'btn primary' }, t('checkin.start'));
  return h('form', { class: 'card', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    due.setError('');
    const when = new Date(due.input.value);
    if (isNaN(when) || when.getTime() <= Date.now()) {
      due.setError(t('checkin.past'));
      due.input.focus();
      return;
    }
    const body = { registrant: session().id, due_at: when.toISOString() };
    if (place.input.value.trim()) body.place = place.input.value.trim();
    submit.disabled = true;
    try {
      await api('/api/collections/checkins/records', { method: 'POST', body, token: token() });
      say.say(t('checkin.started'), 'ok');
      place.input.value = '';
      await reload();
    } catch (err) {
      const errs = fieldMessages(err);
      if (errs.due_at) due.setError(errs.due_at);
      if (errs.place) place.setError(errs.place);
      say.say(explain(err), 'error');
    } finally {
      submit.disabled = false;
    }
  } }, place, due, submit);
}

function showLeft(el) {
  const ms = Number(el.dataset.due) - Date.now();
  el.textContent = ms > 0 ? t('checkin.left', { time: duration(ms) }) : t('checkin.overdue');
}

function card(c, say, reload) {
  const due = parseDate(c.due_at);
  const st = c.status || 'armed';
  const left = h('p', { class: 'big', 'data-due': String(due.getTime()) });
  showLeft(left);
  const done = h('button', { type: 'button', class: 'btn primary', onclick: async () => {
    done.disabled = true;
    try {
      await api(`/api/alertbutton/checkins/${c.id}/done`, { method: 'POST', body: {}, token: token() });
      say.say(t('checkin.done.ok'), 'ok');
      await reload();
    } catch (err) {
      say.say(explain(err), 'error');
      done.disabled = false;
    }
  } }, t('checkin.done'));
  const remove = h('button', { type: 'button', class: 'btn small', onclick: async () => {
    try {
      await api('/api/collections/checkins/records/' + c.id, { method: 'DELETE', token: token() });
      await reload();
    } catch (err) {
      say.say(explain(err), 'error');
    }
  } }, t('common.delete'));
  return h('section', { class: 'card' + (st === 'armed' ? ' armed' : '') },
    h('h3', {}, c.place || t('checkin.title')),
    h('p', {}, t('checkin.due', { time: formatTime(due) })),
    h('p', {}, t('checkin.status.' + st)),
    st === 'armed' ? left : null,
    st === 'armed' ? done : null,
    st !== 'armed' ? remove : null);
}
