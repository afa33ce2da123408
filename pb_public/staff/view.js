// What the board and the case screen both show of a case.
import { h } from '../js/dom.js';
import { t, lang, parseDate } from '../js/i18n.js';

export const OPEN = ['new', 'acknowledged', 'in_progress'];
export const isOpen = (a) => OPEN.includes(a.status);

const reg = (a) => (a.expand && a.expand.registrant) || null;

// personName is the registrant's name, or the name staff took down for a walk-in or a call.
export function personName(a) {
  return (reg(a) && reg(a).name) || a.subject_name || '';
}

export function personPhone(a) {
  return (reg(a) && reg(a).phone) || '';
}

// statusText is the status as advisers name it.
export function statusText(a) {
  return t('desk.status.' + a.status);
}

// RELAY are the relay states an alert for another consulate can be in, shown as they are.
const RELAY = ['sending', 'delayed', 'escalated', 'delivered', 'untrusted'];

// markers are what an adviser must not miss on a case: duress, nobody reached, the relay.
export function markers(a, ctx) {
  const out = [];
  if (a.duress) out.push(h('span', { class: 'marker danger duress' }, t('staff.duress')));
  if (a.nobody_reached_at && a.status === 'new') out.push(h('span', { class: 'marker danger nobody' }, t('desk.nobody')));
  const other = a.target_consulate && ctx.here && a.target_consulate !== ctx.here;
  if (RELAY.includes(a.relay_status)) {
    out.push(h('span', { class: 'marker relay relay-' + a.relay_status + (a.relay_status === 'delivered' || a.relay_status === 'sending' ? '' : ' danger') },
      t('desk.relay.' + a.relay_status, { consulate: ctx.consulateName(a.target_consulate) })));
  } else if (other) {
    out.push(h('span', { class: 'marker relayed' }, t('desk.for', { consulate: ctx.consulateName(a.target_consulate) })));
  }
  if (a.source === 'federation') out.push(h('span', { class: 'marker' }, t('desk.from', { consulate: ctx.consulateName(a.origin_consulate) })));
  return out.length ? h('div', { class: 'markers' }, out) : null;
}

// when formats a date as i18n's formatTime does, with one formatter per language: the board
// and a long timeline format hundreds of dates at once.
const formats = {};
export function when(date) {
  const d = date instanceof Date ? date : parseDate(date);
  if (!d || isNaN(d)) return '';
  const l = lang();
  if (!formats[l]) {
    formats[l] = new Intl.DateTimeFormat(l === 'en' ? 'en-US' : 'es-MX', {
      weekday: 'short', day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit',
    });
  }
  return formats[l].format(d);
}
