// One screen per case (#case/{id}): the person, where, the relatives and how each was
// reached, the add-only timeline (events and notes), and the actions. Every change goes
// through PocketBase's records API as the signed-in staff member; the server writes the
// timeline events.
import { h, fill, status as statusLine } from '../js/dom.js';
import { t, parseDate } from '../js/i18n.js';
import { explain } from '../js/api.js';
import { kindLabel } from '../js/alerts.js';
import { adminLink } from './auth.js';
import * as data from './data.js';
import { isOpen, personName, personPhone, markers, statusText, when } from './view.js';
import { clock } from './board.js';

const KINDS = ['detained', 'at_risk', 'raid', 'checkin_missed', 'other'];

// screen is the case on display: its id, its parts and the lists its selects offer.
let screen = null;

export const openCase = () => (screen ? screen.id : '');

export function closeCase() {
  screen = null;
}

// renderCase draws case id into main; ctx is the desk's (here, names, meId, consulateName,
// onSaved).
export async function renderCase(main, id, ctx) {
  screen = { id, ctx, alert: null, parts: {} };
  const s = screen;
  fill(main, h('p', { role: 'status' }, t('desk.loading')));
  let alert;
  try {
    alert = await data.alert(id);
  } catch (err) {
    fill(main, h('h1', {}, t('desk.case')), h('p', { class: 'status error' }, err.status === 404 ? t('desk.case.missing') : explain(err)),
      h('a', { class: 'btn', href: '#' }, t('desk.back')));
    return;
  }
  if (screen !== s) return;
  const [staff, facilities, consulates] = await Promise.all([data.staffList(), data.facilities(), data.consulates()]);
  if (screen !== s) return;
  Object.assign(s, { alert, staff, facilities, consulates });
  s.say = statusLine();
  s.parts = {
    head: h('div', { class: 'case-head' }),
    actions: h('section', { class: 'case-actions card', 'aria-labelledby': 'case-actions-title' }),
    person: h('section', { class: 'card', 'aria-labelledby': 'case-person-title' }),
    where: h('section', { class: 'card', 'aria-labelledby': 'case-where-title' }),
    relatives: h('section', { class: 'card', 'aria-labelledby': 'case-relatives-title' }),
    timeline: h('ol', { class: 'timeline', 'aria-labelledby': 'case-timeline-title' }),
  };
  fill(main,
    h('a', { class: 'back', href: '#' }, '← ', t('desk.back')),
    s.parts.head, s.say,
    h('div', { class: 'case-grid' },
      h('div', {}, s.parts.actions, s.parts.person, s.parts.where, s.parts.relatives),
      h('section', { class: 'card', 'aria-labelledby': 'case-timeline-title' },
        h('h2', { id: 'case-timeline-title' }, t('desk.timeline')),
        noteForm(s), s.parts.timeline)));
  drawAlert(s);
  const title = main.querySelector('h1');
  if (title) title.focus();
  await Promise.all([drawPerson(s), drawWhere(s), drawRelatives(s), drawTimeline(s)]);
}

// refresh reads again what a realtime message says changed: the alert, its timeline or both.
export async function refresh(what) {
  const s = screen;
  if (!s || !s.alert) return;
  try {
    if (what === 'alert') {
      const a = await data.alert(s.id);
      // the message of one's own save, already drawn: redrawing would reset what the
      // adviser is choosing in the actions
      if (screen !== s || a.updated === s.alert.updated) return;
      s.alert = a;
      drawAlert(s);
      drawPerson(s);
      await drawWhere(s);
    } else {
      await Promise.all([drawTimeline(s), drawRelatives(s)]);
    }
  } catch {
    // the next message or reconnection reads it again
  }
}

function drawAlert(s) {
  const a = s.alert;
  const name = personName(a) || t('desk.person.unknown');
  const c = clock(a);
  fill(s.parts.head,
    h('h1', { tabindex: '-1' }, name, h('span', { class: 'kind' }, ' · ' + kindLabel(a.kind))),
    h('div', { class: 'meta' },
      h('span', { class: 'badge s-' + a.status }, statusText(a)),
      h('span', { class: 'clock' + (c.late ? ' late' : ''), 'data-since': c.since || null }, c.text),
      h('span', {}, t('desk.received', { time: when(a.created) })),
      h('span', {}, t('staff.source', { source: t('source.' + a.source) })),
      a.escalation_level ? h('span', { class: 'level' }, t('staff.level', { n: a.escalation_level })) : null),
    markers(a, s.ctx),
    h('a', { class: 'admin', href: adminLink('alerts', a.id) }, t('staff.open')));
  fill(s.parts.actions, h('h2', { id: 'case-actions-title' }, t('desk.actions')), ...actions(s));
}

// save writes fields of the alert and redraws it; a case changed by someone else meanwhile
// is read again and the adviser is told.
async function save(s, body, done) {
  s.say.say(t('desk.saving'));
  try {
    s.alert = await data.update(s.id, body);
    s.ctx.onSaved(s.alert);
    drawAlert(s);
    s.say.say(done, 'ok');
    drawPerson(s);
    await drawWhere(s);
  } catch (err) {
    if (err.status === 409) {
      s.alert = await data.alert(s.id).catch(() => s.alert);
      drawAlert(s);
      s.say.say(t('desk.stale'), 'error');
      return;
    }
    const fields = Object.values(err.data || {}).map((v) => v && v.message).filter(Boolean);
    s.say.say([explain(err), ...fields].join(' '), 'error');
  }
}

function button(text, onclick, cls = 'btn small') {
  return h('button', { type: 'button', class: cls, onclick }, text);
}

// picker is a labelled select with a save button.
function picker(name, label, value, options, onSave, saveText = t('desk.save')) {
  const id = 'case-' + name;
  const sel = h('select', { id, name }, options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
  return h('div', { class: 'pick' },
    h('label', { for: id }, label),
    h('div', { class: 'pick-row' }, sel, button(saveText, () => onSave(sel.value))));
}

function actions(s) {
  const a = s.alert;
  const out = [];
  const open = isOpen(a);
  const status = [];
  if (a.status === 'new') status.push(button(t('desk.ack'), () => save(s, { status: 'acknowledged' }, t('desk.ack.done')), 'btn small primary'));
  if (a.status === 'acknowledged') status.push(button(t('desk.progress'), () => save(s, { status: 'in_progress' }, t('desk.saved'))));
  if (open) {
    status.push(button(t('desk.resolve'), () => save(s, { status: 'resolved' }, t('desk.resolve.done'))));
    status.push(button(t('desk.false'), () => {
      if (confirm(t('desk.false.confirm'))) save(s, { status: 'false_alarm' }, t('desk.saved'));
    }));
  }
  if (status.length) out.push(h('div', { class: 'act-row' }, status));
  const phone = personPhone(a);
  if (phone) out.push(h('a', { class: 'btn small call', href: 'tel:' + phone }, t('desk.call.person', { phone })));
  if (!open) {
    out.push(h('p', { class: 'hint' }, t('desk.closed', { time: when(a.closed_at) })));
    return out;
  }
  if (!s.ctx.worksCases) {
    out.push(h('p', { class: 'hint' }, t('desk.it.readonly')));
    return out;
  }
  const meId = s.ctx.meId;
  out.push(picker('assigned_to', t('desk.assign'), a.assigned_to || '',
    [['', t('desk.unassigned')], ...s.staff.filter((x) => x.role === 'adviser' || x.role === 'consul' || x.id === a.assigned_to)
      .map((x) => [x.id, (x.name || x.email) + (x.on_duty ? ' · ' + t('desk.on.duty') : '')])],
    (v) => save(s, { assigned_to: v }, t('desk.assign.done'))));
  if (meId && a.assigned_to !== meId) out.push(button(t('desk.assign.me'), () => save(s, { assigned_to: meId }, t('desk.assign.done'))));
  const facilities = s.facilities.filter((f) => f.active !== false || f.id === a.facility);
  if (facilities.length) {
    out.push(picker('facility', t('desk.facility'), a.facility || '',
      [['', t('desk.facility.none')], ...facilities.map((f) => [f.id, f.name])],
      (v) => save(s, { facility: v }, t('desk.saved'))));
  }
  out.push(picker('kind', t('desk.field.kind'), a.kind, KINDS.map((k) => [k, kindLabel(k)]),
    (v) => v !== a.kind && save(s, { kind: v }, t('desk.saved'))));
  const place = h('input', { id: 'case-place', name: 'place', value: a.place || '', autocomplete: 'off', 'aria-describedby': 'case-place-hint' });
  out.push(h('div', { class: 'pick' },
    h('label', { for: 'case-place' }, t('desk.where.place')),
    h('p', { class: 'hint', id: 'case-place-hint' }, t('desk.place.hint')),
    h('div', { class: 'pick-row' }, place, button(t('desk.save'), () => save(s, { place: place.value.trim() }, t('desk.saved'))))));
  const anum = h('input', { id: 'case-a-number', name: 'a_number', value: a.a_number || '', autocomplete: 'off', inputmode: 'numeric' });
  out.push(h('div', { class: 'pick' },
    h('label', { for: 'case-a-number' }, t('desk.anumber')),
    h('div', { class: 'pick-row' }, anum, button(t('desk.save'), () => save(s, { a_number: anum.value.trim() }, t('desk.saved'))))));
  out.push(picker('target_consulate', t('desk.transfer'), a.target_consulate || '',
    s.consulates.map((c) => [c.code, c.name]),
    (v) => {
      if (v === a.target_consulate) return;
      if (confirm(t('desk.transfer.confirm', { consulate: s.ctx.consulateName(v) }))) save(s, { target_consulate: v }, t('desk.transfer.done'));
    }, t('desk.transfer.button')));
  return out;
}

// age in whole years from a birth date "YYYY-MM-DD".
export function age(birth, now = new Date()) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(birth || ''));
  if (!m) return null;
  let years = now.getFullYear() - Number(m[1]);
  if (now.getMonth() + 1 < Number(m[2]) || (now.getMonth() + 1 === Number(m[2]) && now.getDate() < Number(m[3]))) years--;
  return years >= 0 && years < 130 ? years : null;
}

function facts(rows) {
  return h('dl', { class: 'facts' }, rows.filter(Boolean).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

async function drawPerson(s) {
  const a = s.alert;
  const r = (a.expand && a.expand.registrant) || null;
  const years = r ? age(r.birth_date) : null;
  const phone = personPhone(a);
  fill(s.parts.person,
    h('h2', { id: 'case-person-title' }, t('desk.person')),
    facts([
      [t('desk.person.name'), personName(a) || t('desk.person.unknown')],
      years !== null ? [t('desk.person.age'), t('desk.person.years', { n: years })] : null,
      phone ? [t('desk.person.phone'), h('a', { href: 'tel:' + phone }, phone)] : null,
      r && r.language ? [t('desk.person.language'), t('desk.lang.' + r.language)] : null,
      a.a_number ? [t('desk.anumber'), a.a_number] : null,
    ]),
    r ? null : h('p', { class: 'hint' }, t('desk.person.none')));
}

// point is the alert's place as {lat, lon} when the phone sent one, and text otherwise.
export function whereOf(a) {
  const raw = String(a.location || '');
  try {
    const p = JSON.parse(raw);
    if (p && Number.isFinite(p.lat) && Number.isFinite(p.lon)) return { point: { lat: p.lat, lon: p.lon, accuracy: p.accuracy }, text: a.place || '' };
  } catch {
    // a place typed as text
  }
  return { point: null, text: a.place || raw };
}

async function drawWhere(s) {
  const a = s.alert;
  const [county, map] = await Promise.all([data.county(a.county_geoid).catch(() => null), data.countyMap(a.county_geoid).catch(() => null)]);
  if (screen !== s) return;
  const { point, text } = whereOf(a);
  const facility = s.facilities.find((f) => f.id === a.facility);
  let drawn = null;
  if (map) {
    try {
      const { drawLocator } = await import('./locator.js');
      drawn = drawLocator(map, point);
    } catch {
      drawn = null; // no locator on this appliance yet: the words say where
    }
  }
  fill(s.parts.where,
    h('h2', { id: 'case-where-title' }, t('desk.where')),
    facts([
      county ? [t('desk.where.county'), `${county.county_name}, ${county.state}`] : a.zip ? [t('desk.where.zip'), a.zip] : null,
      [t('desk.where.consulate'), s.ctx.consulateName(a.target_consulate) || '—'],
      text ? [t('desk.where.place'), text] : null,
      a.note ? [t('desk.where.note'), a.note] : null,
      point ? [t('desk.where.point'), `${point.lat.toFixed(4)}, ${point.lon.toFixed(4)}` + (point.accuracy ? ` (±${Math.round(point.accuracy)} m)` : '')] : null,
      facility ? [t('desk.facility'), facility.name] : null,
      facility && facility.phone ? [t('desk.facility.phone'), h('a', { href: 'tel:' + facility.phone.replace(/[^+\d]/g, '') }, facility.phone)] : null,
    ]),
    drawn ? h('div', { class: 'locator' }, drawn) : null);
}

async function drawRelatives(s) {
  const a = s.alert;
  const [contacts, told] = await Promise.all([data.contacts(a.registrant).catch(() => []), data.deliveries(a.id).catch(() => null)]);
  if (screen !== s) return;
  const byId = new Map(((told && told.recipients) || []).map((r) => [r.kind + ':' + r.id, r]));
  const relatives = contacts.map((c) => {
    const d = byId.get('contact:' + c.id);
    byId.delete('contact:' + c.id);
    return h('li', {},
      h('div', {}, h('strong', {}, c.name), c.relationship ? ' (' + c.relationship + ')' : ''),
      d ? delivery(d) : null,
      c.phone ? h('a', { class: 'btn small call', href: 'tel:' + c.phone.replace(/[^+\d]/g, '') }, t('desk.call.relative', { name: c.name })) : null);
  });
  const others = [...byId.values()].map((r) => h('li', {}, h('strong', {}, r.name || t('desk.recipient.' + r.kind)), ' · ', t('desk.recipient.' + r.kind), delivery(r)));
  fill(s.parts.relatives,
    h('h2', { id: 'case-relatives-title' }, t('desk.relatives')),
    relatives.length ? h('ul', { class: 'people' }, relatives) : h('p', {}, t('desk.relatives.none')),
    others.length ? [h('h3', {}, t('desk.told.others')), h('ul', { class: 'people' }, others)] : null);
}

// word names a state or a channel; one this desk does not know yet is shown as it is.
function word(prefix, value) {
  const key = prefix + value;
  return t(key) === key ? String(value) : t(key);
}

// delivery is how one person was reached: the best state, then each channel's.
function delivery(r) {
  return h('div', { class: 'delivery' },
    h('span', { class: 'dstate d-' + r.state }, word('desk.delivery.', r.state)),
    (r.channels || []).map((c) => h('span', { class: 'channel' },
      word('desk.channel.', c.channel) + ': ' + word('desk.delivery.', c.state) +
      (c.at ? ' · ' + when(c.at) : '') + (c.why ? ' · ' + c.why : ''))));
}

// actorName says who did something, by the timeline's actor ("staff:<id>", "system", ...).
function actorName(s, actor) {
  const [kind, id] = String(actor || 'system').split(':');
  if (kind === 'staff') {
    const x = s.staff.find((m) => m.id === id);
    return x ? x.name || x.email : t('desk.actor.staff');
  }
  if (kind === 'peer' || kind === 'federation') return s.ctx.consulateName(id) || id;
  const key = 'desk.actor.' + kind;
  return t(key) === key ? actor : t(key);
}

function valueText(s, field, v) {
  if (v === '' || v === null || v === undefined) return t('desk.value.none');
  switch (field) {
    case 'kind': return kindLabel(v);
    case 'assigned_to': return (s.staff.find((x) => x.id === v) || {}).name || (s.staff.find((x) => x.id === v) || {}).email || v;
    case 'facility': return (s.facilities.find((x) => x.id === v) || {}).name || v;
    case 'target_consulate': return s.ctx.consulateName(v) || v;
    case 'duress': return v ? t('desk.value.yes') : t('desk.value.no');
    default: return String(v);
  }
}

// eventText is one timeline event in words; personal values are never in events.
export function eventText(s, ev) {
  const d = ev.data || {};
  switch (ev.type) {
    case 'status':
      return t('desk.ev.status', { from: t('desk.status.' + d.from), to: t('desk.status.' + d.to) });
    case 'transferred':
      return t('desk.ev.transferred', { from: s.ctx.consulateName(d.from) || d.from, to: s.ctx.consulateName(d.to) || d.to });
    case 'escalated':
      return t('desk.ev.escalated', { level: d.level, n: d.notified ?? 0 });
    case 'escalation.nobody_reached':
      return t('desk.ev.nobody', { level: d.level ?? '' });
    case 'alert.changed':
      if (d.field === 'place' || d.field === 'a_number') return t('desk.ev.changed.secret', { field: t('desk.field.' + d.field) });
      return t('desk.ev.changed', { field: t('desk.field.' + d.field), from: valueText(s, d.field, d.from), to: valueText(s, d.field, d.to) });
    default: {
      const key = 'desk.ev.' + ev.type;
      return t(key) === key ? t('desk.ev.other') : t(key);
    }
  }
}

// entries merges events and notes, newest first; a note's own "note.added" event is the note.
export function entries(s, events, notes) {
  const noted = new Set(notes.map((n) => n.id));
  const list = events.filter((ev) => !(ev.type === 'note.added' && ev.data && noted.has(ev.data.note)))
    .map((ev) => ({ at: ev.created, who: actorName(s, ev.actor), text: eventText(s, ev), cls: 'ev-' + ev.type.replace(/[^a-z_]/g, '-') }))
    .concat(notes.map((n) => ({ at: n.created, who: actorName(s, n.consulate ? 'peer:' + n.consulate : 'staff:' + n.author), text: n.body, cls: 'note', note: true })));
  return list.sort((x, y) => (x.at < y.at ? 1 : x.at > y.at ? -1 : 0));
}

export function timelineItems(list) {
  return list.length ? list.map((e) => h('li', { class: e.cls },
    h('div', { class: 'when' }, h('time', { datetime: parseDate(e.at).toISOString() }, when(e.at)), ' · ', e.who),
    e.note ? h('p', { class: 'note-label' }, t('desk.note')) : null,
    h('p', { class: 'what' }, e.text))) : h('li', {}, t('desk.timeline.none'));
}

async function drawTimeline(s) {
  let events, notes;
  try {
    [events, notes] = await Promise.all([data.events(s.id), data.notes(s.id)]);
  } catch (err) {
    if (screen === s) {
      fill(s.parts.timeline, h('li', { class: 'status error' }, explain(err), ' ',
        h('button', { type: 'button', class: 'btn small', onclick: () => drawTimeline(s) }, t('desk.retry'))));
    }
    return;
  }
  if (screen !== s) return;
  fill(s.parts.timeline, timelineItems(entries(s, events, notes)));
}

function noteForm(s) {
  const say = statusLine();
  const area = h('textarea', { id: 'case-note', name: 'note', required: true, maxlength: '5000', 'aria-describedby': 'case-note-hint' });
  return h('form', { class: 'note-form', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    const body = area.value.trim();
    if (!body) {
      say.say(t('desk.note.empty'), 'error');
      area.focus();
      return;
    }
    say.say(t('desk.saving'));
    try {
      await data.addNote(s.id, body);
      area.value = '';
      say.say(t('desk.note.done'), 'ok');
      await drawTimeline(s);
    } catch (err) {
      say.say(explain(err), 'error');
    }
  } },
  h('label', { for: 'case-note' }, t('desk.note.label')),
  h('p', { class: 'hint', id: 'case-note-hint' }, t('desk.note.hint')),
  area,
  h('button', { type: 'submit', class: 'btn small primary' }, t('desk.note.add')),
  say);
}
