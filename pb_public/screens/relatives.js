// Relatives: add one, then give them their own family link (share, copy, or QR code).
import { h, fill, field, choices, status } from '../js/dom.js';
import { t, lang } from '../js/i18n.js';
import { api, explain, fieldMessages } from '../js/api.js';
import { session, token } from '../js/session.js';
import { qrSvg } from '../js/qr.js';

export default async function relatives() {
  const list = h('div', { class: 'list' });
  const linkBox = h('div', { class: 'linkbox' });
  const say = status();

  const load = async () => {
    try {
      const res = await api('/api/collections/contacts/records?perPage=50&sort=created', { token: token() });
      const states = await linkStates();
      const items = res.items || [];
      fill(list, items.length ? items.map((c) => contactCard(c, states[c.id], { linkBox, say, reload: load })) : h('p', {}, t('relatives.none')));
    } catch (err) {
      fill(list, h('p', { class: 'error' }, explain(err)));
    }
  };
  await load();

  return h('div', { class: 'screen relatives' },
    h('h1', {}, t('relatives.title')),
    h('p', { class: 'lead' }, t('relatives.lead')),
    say,
    linkBox,
    list,
    addForm({ linkBox, say, reload: load }));
}

// linkStates is, by contact, whether their notices reach them: subscribed, sms, not_opened
// or none. Without it the cards just show no state.
async function linkStates() {
  try {
    const res = await api('/api/alertbutton/family-links', { token: token() });
    return Object.fromEntries((res.items || []).map((i) => [i.contact, i.state]));
  } catch {
    return {};
  }
}

function contactCard(c, state, { linkBox, say, reload }) {
  const ctx = { linkBox, say, reload };
  const hasLink = state && state !== 'none';
  // Replacing or removing a link, or the relative, is asked first: what will happen, yes, no.
  const confirmBox = h('div', { class: 'row' });
  const ask = (question, yes, action) => () => fill(confirmBox,
    question ? h('p', { class: 'confirm' }, question) : null,
    h('button', { type: 'button', class: 'btn danger', onclick: action }, yes),
    h('button', { type: 'button', class: 'btn', onclick: () => fill(confirmBox) }, t('common.cancel')));
  const remove = async () => {
    try {
      await api('/api/collections/contacts/records/' + c.id, { method: 'DELETE', token: token() });
      say.say(t('relatives.deleted', { name: c.name }), 'ok');
      fill(linkBox);
      reload();
    } catch (err) {
      say.say(explain(err), 'error');
    }
  };
  const small = (label, onclick) => h('button', { type: 'button', class: 'btn small', onclick }, label);
  return h('section', { class: 'card contact' },
    h('h2', {}, c.name),
    c.relationship ? h('p', {}, c.relationship) : null,
    state ? h('p', { class: 'linkstate ' + state }, t('relatives.state.' + state)) : null,
    hasLink
      ? h('button', { type: 'button', class: 'btn primary', onclick: () => showLink(c, ctx) }, t('relatives.link.show', { name: c.name }))
      : h('button', { type: 'button', class: 'btn primary', onclick: () => issueLink(c, ctx) }, t('relatives.link.create', { name: c.name })),
    h('div', { class: 'row' },
      hasLink ? small(t('relatives.link.new'),
        ask(t('relatives.link.new.confirm', { name: c.name }), t('relatives.link.new.yes'), () => issueLink(c, ctx))) : null,
      hasLink ? small(t('relatives.link.revoke', { name: c.name }),
        ask(t('relatives.link.revoke.confirm', { name: c.name }), t('relatives.link.revoke.yes'), () => revokeLink(c, ctx))) : null,
      small(t('relatives.delete.button', { name: c.name }), ask(null, t('common.delete') + ': ' + c.name, remove))),
    confirmBox);
}

// showLink shows the link the relative already has, revoking nothing.
async function showLink(contact, { linkBox, say, reload }) {
  try {
    const res = await api(`/api/alertbutton/contacts/${contact.id}/family-link`, { token: token() });
    present(contact, res, linkBox, say);
  } catch (err) {
    say.say(explain(err), 'error');
    if (err.status === 404) reload();
  }
}

// issueLink makes a new family link, replacing the relative's old one (asked first when
// there is one), and shows it.
async function issueLink(contact, { linkBox, say, reload }) {
  try {
    const res = await api(`/api/alertbutton/contacts/${contact.id}/family-link`, { method: 'POST', body: {}, token: token() });
    await reload();
    present(contact, res, linkBox, say);
  } catch (err) {
    say.say(explain(err), 'error');
  }
}

// revokeLink turns the relative's link off (asked first).
async function revokeLink(contact, { linkBox, say, reload }) {
  try {
    await api(`/api/alertbutton/contacts/${contact.id}/family-link`, { method: 'DELETE', token: token() });
    fill(linkBox);
    await reload();
    say.say(t('relatives.link.revoked', { name: contact.name }), 'ok');
  } catch (err) {
    say.say(explain(err), 'error');
  }
}

function present(contact, res, box, say) {
  let url = res.url || '';
  if (!url.includes('#') && res.token) url = `${location.origin}/family/#${res.token}`;
  say.say('');
  fill(box, linkPanel(contact.name, url));
  box.querySelector('h2').focus();
}

function linkPanel(name, url) {
  const copied = status();
  const urlId = 'family-url';
  const urlInput = h('input', { id: urlId, type: 'text', readonly: true, value: url, class: 'url' });
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
    } catch {
      urlInput.select();
      document.execCommand('copy');
    }
    copied.say(t('relatives.link.copied'), 'ok');
  };
  const share = navigator.share
    ? h('button', { type: 'button', class: 'btn primary', onclick: () => navigator.share({ title: t('relatives.share.text'), url }).catch(() => {}) }, t('relatives.link.share'))
    : null;
  return h('section', { class: 'card link' },
    h('h2', { tabindex: -1 }, t('relatives.link.title', { name })),
    h('p', {}, t('relatives.link.text', { name })),
    h('label', { for: urlId, class: 'visually-hidden' }, t('relatives.link.title', { name })),
    urlInput,
    share,
    h('button', { type: 'button', class: 'btn', onclick: copy }, t('relatives.link.copy')),
    copied,
    h('p', {}, t('relatives.link.qr.text')),
    qrSvg(url, t('relatives.link.qr', { name })));
}

function addForm({ linkBox, say, reload }) {
  const name = field({ label: t('relatives.name.label'), name: 'name', required: true, maxlength: 120, autocomplete: 'off' });
  const relationship = field({ label: t('relatives.relationship.label') + ' ' + t('common.optional'), name: 'relationship', maxlength: 60, autocomplete: 'off' });
  const language = choices({ legend: t('relatives.language.label'), name: 'contact-language', value: lang(), options: [['es', 'Español'], ['en', 'English']] });
  const phone = field({ label: t('relatives.phone.label') + ' ' + t('common.optional'), name: 'phone', type: 'tel', inputmode: 'tel', autocomplete: 'off', maxlength: 20 });
  const email = field({ label: t('relatives.email.label') + ' ' + t('common.optional'), name: 'email', type: 'email', autocomplete: 'off', maxlength: 200 });
  const fields = { name, relationship, phone, email };
  const msg = status();

  const form = h('form', { class: 'card', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    Object.values(fields).forEach((f) => f.setError(''));
    if (!name.input.value.trim()) {
      name.setError(t('err.required'));
      name.input.focus();
      return;
    }
    const body = { registrant: session().id, name: name.input.value.trim(), language: language.value() };
    for (const [k, f] of Object.entries({ relationship, phone, email })) if (f.input.value.trim()) body[k] = f.input.value.trim();
    try {
      const c = await api('/api/collections/contacts/records', { method: 'POST', body, token: token() });
      form.reset();
      msg.say('');
      say.say(t('relatives.added', { name: c.name }), 'ok');
      await issueLink(c, { linkBox, say, reload });
    } catch (err) {
      const errs = fieldMessages(err);
      for (const [k, m] of Object.entries(errs)) if (fields[k]) fields[k].setError(m);
      msg.say(explain(err), 'error');
    }
  } },
  h('h2', {}, t('relatives.add.title')),
  name, relationship, language,
  h('fieldset', { class: 'sealed' },
    h('legend', {}, t('common.sealed')),
    h('p', { class: 'hint' }, t('relatives.contact.why')),
    phone, email),
  h('button', { type: 'submit', class: 'btn primary' }, t('relatives.add.button')),
  msg);
  return form;
}
