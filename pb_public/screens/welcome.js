// The first screen: what the app does, register or sign in.
import { h } from '../js/dom.js';
import { t } from '../js/i18n.js';

export default function welcome() {
  const deleted = sessionStorage.getItem('ab.deleted');
  sessionStorage.removeItem('ab.deleted');
  return h('div', { class: 'screen welcome' },
    deleted ? h('p', { class: 'notice ok', role: 'status' }, t('welcome.deleted')) : null,
    h('img', { src: '/icons/icon-192.png', alt: '', width: 96, height: 96, class: 'logo' }),
    h('h1', {}, t('welcome.title')),
    h('p', { class: 'lead' }, t('welcome.p1')),
    h('p', {}, t('welcome.p2')),
    h('a', { class: 'btn primary', href: '#/register' }, t('welcome.register')),
    h('a', { class: 'btn', href: '#/signin' }, t('welcome.signin')),
    h('a', { class: 'btn link', href: '#/rights' }, t('welcome.rights')));
}
