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
      const items = res.items || [];
      fill(list, items.length ? items.map((c) => contactCard(c, { linkBox, say, reload: load })) : h('p', {}, t('relatives.none')));
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

function contactCard(c, { linkBox, say, reload }) {
  const remove = h('div', { class: 'row' });
  const askRemove = () => fill(remove,
    h('button', { type: 'button', class: 'btn danger', onclick: async () => {
      try {
        await api('/api/collections/contacts/records/' + c.id, { method: 'DELETE', token: token() });
        say.say(t('relatives.deleted', { name: c.name }), 'ok');
        fill(linkBox);
        reload();
      } catch (err) {
        say.say(explain(err), 'error');
      }
    } }, t('common.delete') + ': ' + c.name),
    h('button', { type: 'button', class: 'btn', onclick: resetRemove }, t('common.cancel')));
  const resetRemove = () => fill(remove,
    h('button', { type: 'button', class: 'btn small', onclick: askRemove }, t('relatives.delete.button', { name: c.name })));
  resetRemove();
  return h('section', { class: 'card contact' },
    h('h2', {}, c.name),
    c.relationship ? h('p', {}, c.relationship) : null,
    h('button', { type: 'button', class: 'btn primary', onclick: () => showLink(c, linkBox, say) }, t('relatives.link.button', { name: c.name })),
    remove);
}

// showLink issues a new family link (revoking the old one) and shows ways to pass it on.
async function showLink(contact, box, say) {
  try {
    const res = await api(`/api/alertbutton/contacts/${contact.id}/family-link`, { method: 'POST', body: {}, token: token() });
    let url = res.url || '';
    if (!url.includes('#') && res.token) url = `${location.origin}/family/#${res.token}`;
    say.say('');
    fill(box, linkPanel(contact.name, url));
    box.querySelector('h2').focus();
  } catch (err) {
    say.say(explain(err), 'error');
  }
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
      await reload();
      await showLink(c, linkBox, say);
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
