// The officer card: what to say or show an officer, in Spanish and in English side by side,
// in large high-contrast type; cached by the service worker for offline use.
import { h } from '../js/dom.js';
import { t, cityName } from '../js/i18n.js';
import { consulate } from '../js/consulate.js';
import { callButtons } from '../js/help.js';
import { OFFICER_LINES, OFFICER_CONSULATE, OFFICER_CONSULATE_ANY } from '../js/strings.js';

export default function officer() {
  return h('div', { class: 'screen officer' },
    h('h1', {}, t('officer.title')),
    h('p', { class: 'lead' }, t('officer.lead')),
    officerCard(),
    callButtons());
}

// officerCard is the sentences, one row each: Spanish on the left, English on the right,
// each marked with its language so that a screen reader says it right.
export function officerCard() {
  const c = consulate();
  const place = c && c.city ? {
    es: OFFICER_CONSULATE.es.replace('{city}', cityName(c, 'es')),
    en: OFFICER_CONSULATE.en.replace('{city}', cityName(c, 'en')),
  } : OFFICER_CONSULATE_ANY;
  const rows = OFFICER_LINES.concat(place);
  return h('div', { class: 'officer-card', role: 'table', 'aria-label': t('officer.title') },
    h('div', { class: 'officer-row head', role: 'row' },
      h('span', { role: 'columnheader' }, t('officer.es')),
      h('span', { role: 'columnheader' }, t('officer.en'))),
    rows.map((l) => h('div', { class: 'officer-row', role: 'row' },
      h('p', { role: 'cell', lang: 'es' }, l.es),
      h('p', { role: 'cell', lang: 'en' }, l.en))));
}
