// My alerts, newest first; one alert with its timeline.
import { h } from '../js/dom.js';
import { t, formatTime } from '../js/i18n.js';
import { explain } from '../js/api.js';
import { listAlerts, getAlert, kindLabel, statusLabel, eventLabel } from '../js/alerts.js';

export default async function alerts(ctx) {
  if (ctx.params[0]) return detail(ctx.params[0]);
  let items;
  try {
    items = await listAlerts();
  } catch (err) {
    return h('div', { class: 'screen alerts' }, h('h1', {}, t('alerts.title')), h('p', { class: 'error' }, explain(err)));
  }
  return h('div', { class: 'screen alerts' },
    h('h1', {}, t('alerts.title')),
    items.length
      ? h('ul', { class: 'plain' }, items.map((a) => h('li', { class: 'card' },
        h('h2', {}, kindLabel(a.kind) + ' · ' + formatTime(a.created)),
        h('p', { class: 'badge s-' + a.status }, statusLabel(a.status)),
        h('a', { class: 'btn small', href: '#/alerts/' + encodeURIComponent(a.uid) }, t('alerts.open'), h('span', { class: 'visually-hidden' }, ': ' + formatTime(a.created))))))
      : h('p', {}, t('alerts.none')));
}

async function detail(uid) {
  let a;
  let events = [];
  try {
    a = await getAlert(uid);
    events = a.events || [];
  } catch (err) {
    return h('div', { class: 'screen alerts' }, h('h1', {}, t('alerts.detail')), h('p', { class: 'error' }, explain(err)),
      h('a', { class: 'btn', href: '#/alerts' }, t('alerts.back')));
  }
  // the timeline stops at "cancelled" for an alert this phone cancelled (whichever PIN)
  const cut = a.status === 'cancelled' ? events.findIndex((e) => /cancel|duress/.test(e.type)) : -1;
  if (cut >= 0) events[cut] = { ...events[cut], type: 'cancelled' };
  if (cut >= 0) events = events.slice(0, cut + 1);
  return h('div', { class: 'screen alerts' },
    h('h1', {}, t('alerts.detail')),
    h('p', {}, kindLabel(a.kind) + ' · ' + formatTime(a.created)),
    h('p', { class: 'badge s-' + a.status }, statusLabel(a.status)),
    h('h2', {}, t('alerts.timeline')),
    events.length
      ? h('ol', { class: 'timeline' }, events.map((e) => h('li', {},
        h('span', { class: 'when' }, formatTime(e.created)), ' ', h('span', {}, eventLabel(e)))))
      : h('p', {}, t('alerts.timeline.none')),
    h('a', { class: 'btn', href: '#/alerts' }, t('alerts.back')));
}
