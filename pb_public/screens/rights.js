// Know your rights: short, in both languages, cached by the service worker for offline use.
import { h } from '../js/dom.js';
import { t } from '../js/i18n.js';
import { callButtons } from '../js/help.js';

export default function rights() {
  const items = [1, 2, 3, 4, 5, 6].map((n) => h('section', { class: 'card' },
    h('h2', {}, t(`rights.${n}.h`)),
    h('p', {}, t(`rights.${n}.p`))));
  return h('div', { class: 'screen rights' },
    h('h1', {}, t('rights.title')),
    h('p', { class: 'lead' }, t('rights.lead')),
    items,
    h('a', { class: 'btn', href: '#/officer' }, t('officer.open')),
    callButtons());
}
