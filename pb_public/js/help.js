// The header every page shares: app name, one-tap language switch and the help button,
// always in the same place. Help opens a dialog with the numbers to call.
import { h, fill, telLink } from './dom.js';
import { t, lang, setLang, onLangChange } from './i18n.js';
import { CIAM_PHONE, CIAM_PHONE_TEXT } from './strings.js';
import { consulate } from './consulate.js';

// callButtons are the ways to reach a person now: the consulate, or, until IT enters its
// number (consulates.phone), a plain line saying so; and the 24-hour protection line.
// c is the consulate to call (this phone's own by default; none when not known yet);
// forFamily words the missing number for a relative.
export function callButtons(c = consulate(), { forFamily = false } = {}) {
  const phone = c && typeof c.phone === 'string' ? c.phone.trim() : '';
  let line = null;
  if (phone) line = telLink(phone.replace(/[^+\d]/g, ''), t('call.consulate') + ': ' + phone);
  else if (c && c.code) line = h('p', { class: 'nophone' }, t(forFamily ? 'call.consulate.nophone.family' : 'call.consulate.nophone'));
  return h('div', { class: 'calls' },
    line,
    telLink(CIAM_PHONE, t('call.ciam') + ': ' + CIAM_PHONE_TEXT),
    h('p', { class: 'hint' }, t('call.ciam.note')));
}

// mountHeader fills the <header> and the help <dialog>; rightsHref, officerHref and homeHref are where
// the dialog's links go (the family page links to the app's screens); calls makes its call buttons.
export function mountHeader({ title = () => t('app.short'), helpKey = 'help.now', rightsHref = '#/rights', officerHref = '#/officer', homeHref = '#/home', showHome = () => true, calls = () => callButtons() } = {}) {
  const header = document.querySelector('header.top');
  const dialog = h('dialog', { class: 'help', 'aria-labelledby': 'help-title' });
  document.body.append(dialog);

  const renderDialog = () => {
    fill(dialog,
      h('h2', { id: 'help-title' }, t('help.title')),
      helpKey ? h('p', {}, t(helpKey)) : null,
      showHome() ? h('a', { class: 'btn primary', href: homeHref, onclick: () => dialog.close() }, t('help.home')) : null,
      h('p', {}, t('help.call')),
      calls(),
      h('a', { class: 'btn', href: officerHref, onclick: () => dialog.close() }, t('officer.open')),
      h('a', { class: 'btn', href: rightsHref, onclick: () => dialog.close() }, t('help.rights')),
      h('button', { type: 'button', class: 'btn', onclick: () => dialog.close() }, t('help.close')));
  };

  const render = () => {
    fill(header,
      h('span', { class: 'brand' }, title()),
      h('button', {
        type: 'button', class: 'btn small lang', lang: lang() === 'es' ? 'en' : 'es',
        onclick: () => setLang(lang() === 'es' ? 'en' : 'es'),
      }, t('lang.switch')),
      h('button', {
        type: 'button', class: 'btn small helpbtn', 'aria-haspopup': 'dialog',
        onclick: () => { renderDialog(); dialog.showModal(); },
      }, t('help.button')));
    document.title = title();
    if (dialog.open) renderDialog();
  };
  render();
  onLangChange(render);
  return { render, dialog };
}
