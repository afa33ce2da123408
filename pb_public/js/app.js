// The registrant's app: a hash router over the screens, the shared header, the bottom
// navigation, the "not sent yet" banner and the outbox retry loop.
import { h, fill } from './dom.js';
import { t, onLangChange } from './i18n.js';
import { session, refresh, clear } from './session.js';
import { mountHeader } from './help.js';
import { loadConsulate } from './consulate.js';
import { pending, onOutbox, startRetrying } from './outbox.js';
import { registerWorker } from './push.js';

import welcome from '../screens/welcome.js';

// The first screen comes with the app; the others load when first opened (the service
// worker keeps them all for offline use), so a first visit on a slow network moves less.
const lazy = (load) => async (ctx) => (await load()).default(ctx);
const register = lazy(() => import('../screens/register.js'));
const signin = lazy(() => import('../screens/signin.js'));
const home = lazy(() => import('../screens/home.js'));
const relatives = lazy(() => import('../screens/relatives.js'));
const checkin = lazy(() => import('../screens/checkin.js'));
const alerts = lazy(() => import('../screens/alerts.js'));
const rights = lazy(() => import('../screens/rights.js'));
const officer = lazy(() => import('../screens/officer.js'));
const settings = lazy(() => import('../screens/settings.js'));
const verify = lazy(() => import('../screens/verify.js'));

// Screens that need a signed-in registrant are marked private.
const routes = {
  welcome: { screen: welcome },
  register: { screen: register },
  signin: { screen: signin },
  rights: { screen: rights },
  officer: { screen: officer },
  home: { screen: home, private: true, nav: 'home' },
  relatives: { screen: relatives, private: true, nav: 'relatives' },
  checkin: { screen: checkin, private: true, nav: 'checkin' },
  alerts: { screen: alerts, private: true, nav: 'alerts' },
  settings: { screen: settings, private: true, nav: 'settings' },
  verify: { screen: verify, private: true },
};

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const banner = document.getElementById('banner');
let leave = [];
let firstRender = true;
let renderSeq = 0;

function parse() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  return { name: parts[0] || '', params: parts.slice(1) };
}

export function go(path) {
  if (location.hash === '#/' + path) render();
  else location.hash = '#/' + path;
}

async function render() {
  leave.forEach((fn) => fn());
  leave = [];
  let { name, params } = parse();
  if (!name) name = session() ? 'home' : 'welcome';
  let route = routes[name];
  if (!route || (route.private && !session())) {
    name = session() ? 'home' : 'welcome';
    route = routes[name];
    history.replaceState(null, '', '#/' + name);
  }
  renderNav(route.nav);
  renderBanner(name);
  const seq = ++renderSeq;
  const ctx = { go, params, onLeave: (fn) => leave.push(fn), rerender: render, stale: () => seq !== renderSeq };
  let node;
  try {
    node = await route.screen(ctx);
  } catch (err) {
    node = h('div', {}, h('h1', {}, t('app.name')), h('p', { class: 'error' }, t('common.error')));
    console.error(err);
  }
  if (seq !== renderSeq) return;
  fill(main, node);
  if (!firstRender) {
    const h1 = main.querySelector('h1');
    if (h1) {
      h1.tabIndex = -1;
      h1.focus();
    }
    window.scrollTo(0, 0);
  }
  firstRender = false;
}

function renderNav(active) {
  if (!session()) {
    nav.hidden = true;
    document.body.classList.remove('with-nav');
    return;
  }
  nav.hidden = false;
  document.body.classList.add('with-nav');
  nav.setAttribute('aria-label', t('nav.label'));
  const items = ['home', 'relatives', 'checkin', 'alerts', 'settings'];
  fill(nav, h('ul', {}, items.map((id) => h('li', {},
    h('a', { href: '#/' + id, 'aria-current': id === active ? 'page' : undefined }, t('nav.' + id))))));
}

// renderBanner says, on every screen, that an alert is waiting (except on home, which shows
// it in full) or that the phone is offline.
function renderBanner(name) {
  const p = pending();
  if (p && name !== 'home') fill(banner, h('a', { class: 'banner', href: '#/home' }, t('pending.banner')));
  else if (!navigator.onLine) fill(banner, h('p', { class: 'banner offline', role: 'status' }, t('common.offline')));
  else if ((name === 'home' || name === 'settings') && session() && session().verified === false) {
    fill(banner, h('a', { class: 'banner unverified', href: '#/verify' }, t('verify.banner')));
  }
  else fill(banner);
}

mountHeader({ showHome: () => !!session() });
onLangChange(render);
window.addEventListener('hashchange', render);
for (const ev of ['online', 'offline']) window.addEventListener(ev, () => renderBanner(parse().name || 'home'));
onOutbox((ev) => {
  if (ev.type === 'pending') renderBanner(parse().name || 'home');
});
loadConsulate();
// renew the sign-in so that it has not expired on the day the button is needed; a token the
// server no longer accepts (account deleted, password changed) signs the phone out
refresh().then(() => renderBanner(parse().name || 'home'), (err) => {
  if (err.status === 401 || err.status === 404) {
    clear();
    render();
  }
});
startRetrying();
registerWorker();
render();
