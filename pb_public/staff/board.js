// The board: every case, open ones first (unacknowledged, then by escalation, oldest first),
// with filters, search by name or phone, the count of cases nobody acknowledged yet, the
// response-time clocks and the markers an adviser must not miss.
import { h, fill } from '../js/dom.js';
import { t, lang, duration, parseDate } from '../js/i18n.js';
import { kindLabel } from '../js/alerts.js';
import { adminLink } from './auth.js';
import { OPEN, isOpen, personName, personPhone, markers, statusText, when } from './view.js';

const KINDS = ['detained', 'at_risk', 'raid', 'checkin_missed', 'other'];
const SOURCES = ['button', 'family', 'staff', 'checkin', 'walkin', 'federation'];
// late is when a case nobody acknowledged shows red: the first escalation step.
const LATE_MS = 2 * 60 * 1000;

export const filters = { status: 'open', kind: '', source: '', mine: false, q: '' };

// sorted puts open cases first: unacknowledged, then the highest escalation, then the oldest.
export function sorted(list) {
  const rank = (a) => (a.status === 'new' ? 0 : isOpen(a) ? 1 : 2);
  return list.slice().sort((a, b) => rank(a) - rank(b) ||
    (rank(a) < 2 ? (b.escalation_level || 0) - (a.escalation_level || 0) || cmp(a.created, b.created)
      : cmp(b.created, a.created)));
}

// cmp orders PocketBase dates, which sort as text.
const cmp = (x, y) => (x < y ? -1 : x > y ? 1 : 0);

const fold = (s) => String(s || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
const digits = (s) => String(s || '').replace(/\D/g, '');

// matches applies the filters and the search to one case.
export function matches(a, f, meId) {
  if (f.status === 'open' && !isOpen(a)) return false;
  if (f.status === 'new' && a.status !== 'new') return false;
  if (f.status === 'closed' && isOpen(a)) return false;
  if (f.kind && a.kind !== f.kind) return false;
  if (f.source && a.source !== f.source) return false;
  if (f.mine && a.assigned_to !== meId) return false;
  const q = f.q.trim();
  if (!q) return true;
  const d = digits(q);
  if (d.length >= 3 && digits(personPhone(a)).includes(d)) return true;
  return fold(personName(a)).includes(fold(q));
}

// clock is the response-time clock of a case: how long it has waited, or how long it took.
export function clock(a, now = Date.now()) {
  const created = parseDate(a.created);
  if (a.status === 'new') {
    const waited = now - created;
    return { text: t('desk.clock.waiting', { time: duration(waited) }), late: waited >= LATE_MS, since: created.getTime() };
  }
  const ack = parseDate(a.acknowledged_at);
  if (ack && !isNaN(ack)) return { text: t('desk.clock.answered', { time: duration(ack - created) }), late: false };
  return { text: when(created), late: false };
}

function select(name, label, value, options, onchange) {
  const id = 'filter-' + name;
  return h('div', { class: 'filter' },
    h('label', { for: id }, label),
    h('select', { id, name, onchange: (e) => onchange(e.target.value) },
      options.map(([v, text]) => h('option', { value: v, selected: v === value }, text))));
}

// tools are the filters and the search above the list.
export function tools(meId, redraw) {
  const set = (k) => (v) => { filters[k] = v; redraw(); };
  return h('form', { class: 'desk-filters', role: 'search', 'aria-label': t('desk.filters'), onsubmit: (e) => e.preventDefault() },
    h('div', { class: 'filter search' },
      h('label', { for: 'filter-q' }, t('desk.search.label')),
      h('input', { id: 'filter-q', type: 'search', name: 'q', value: filters.q, autocomplete: 'off', oninput: (e) => set('q')(e.target.value) })),
    select('status', t('desk.filter.status'), filters.status,
      [['open', t('desk.filter.open')], ['new', t('desk.filter.new')], ['closed', t('desk.filter.closed')], ['all', t('desk.filter.all')]], set('status')),
    select('kind', t('desk.filter.kind'), filters.kind, [['', t('desk.filter.any')], ...KINDS.map((k) => [k, kindLabel(k)])], set('kind')),
    select('source', t('desk.filter.source'), filters.source, [['', t('desk.filter.any')], ...SOURCES.map((s) => [s, t('source.' + s)])], set('source')),
    meId ? h('div', { class: 'filter check' },
      h('input', { id: 'filter-mine', type: 'checkbox', name: 'mine', checked: filters.mine, onchange: (e) => set('mine')(e.target.checked) }),
      h('label', { for: 'filter-mine' }, t('desk.filter.mine'))) : null);
}

// list fills ul with the cases that match, and returns how many are shown.
export function list(ul, all, ctx) {
  const shown = sorted(all.filter((a) => matches(a, filters, ctx.meId)));
  fill(ul, shown.length ? shown.map((a) => row(a, ctx)) : h('li', { class: 'empty' }, t('desk.none')));
  return shown.length;
}

// rows keeps each case's drawn row while its record is the same object (a realtime message
// or a save replaces the object), so a filter change or another case's update redraws
// nothing else; the clocks are kept current by tick.
const rows = new WeakMap();

function row(a, ctx) {
  const fresh = ctx.fresh.has(a.id);
  const hit = rows.get(a);
  if (hit && hit.lang === lang() && hit.fresh === fresh) return hit.el;
  const el = drawRow(a, ctx, fresh);
  rows.set(a, { el, lang: lang(), fresh });
  return el;
}

function drawRow(a, ctx, fresh) {
  const name = personName(a) || t('desk.person.unknown');
  const c = clock(a, ctx.now);
  const title = name + ' · ' + kindLabel(a.kind);
  return h('li', { class: 's-' + a.status + (fresh ? ' fresh' : ''), 'data-uid': a.uid, 'data-id': a.id },
    h('h3', {}, h('a', { href: '#case/' + a.id, class: 'case-link' }, title)),
    h('div', { class: 'meta' },
      h('span', { class: 'badge s-' + a.status }, statusText(a)),
      h('span', { class: 'clock' + (c.late ? ' late' : ''), 'data-since': c.since || null }, c.text),
      personPhone(a) ? h('span', {}, personPhone(a)) : null,
      a.escalation_level ? h('span', { class: 'level' }, t('staff.level', { n: a.escalation_level })) : null,
      h('span', {}, a.assigned_to ? t('desk.assigned', { name: ctx.names.get(a.assigned_to) || '…' }) : t('desk.unassigned'))),
    markers(a, ctx),
    h('a', { class: 'admin', href: adminLink('alerts', a.id) },
      t('staff.open'), h('span', { class: 'visually-hidden' }, ': ' + title)));
}

// tick refreshes the waiting clocks of the list in place.
export function tick(ul) {
  const now = Date.now();
  ul.querySelectorAll('.clock[data-since]').forEach((el) => {
    const waited = now - Number(el.dataset.since);
    el.textContent = t('desk.clock.waiting', { time: duration(waited) });
    el.classList.toggle('late', waited >= LATE_MS);
  });
}

export { OPEN };
