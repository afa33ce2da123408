// Service worker: shows pushes, and keeps the app shell and "know your rights" on the phone
// for offline use. Shell: cache first. Non-personal API answers (the consulate's details):
// network first. Personal data: network only, never stored by the worker. No third parties.

// VERSION changes whenever a shell file changes (pb_public's Go test checks it), so phones
// drop the old cache and fetch the new files.
const VERSION = 'ab-b433db2b278e';

const SHELL = [
  '/',
  '/family/',
  '/staff/',
  '/manifest.json',
  '/css/app.css',
  '/icons/icon-32.png',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/badge-96.png',
];

// The pages' scripts are bundled by the server at startup under /b/ (names that carry their
// content's hash); SCRIPTS lists them, so the worker keeps every screen, even those a page
// loads only when opened.
const BUNDLE = '/b/';
const SCRIPTS = BUNDLE + 'index.json';

const NETWORK_FIRST_API = ['/api/alertbutton/info', '/api/collections/consulates/records'];

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(VERSION);
    const scripts = await (await fetch(SCRIPTS, { cache: 'reload' })).json();
    await cache.addAll([...SHELL, ...scripts].map((url) => new Request(url, { cache: 'reload' })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key !== VERSION) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/_/') || url.pathname === '/api/realtime') return;
  if (url.pathname.startsWith('/api/')) {
    if (NETWORK_FIRST_API.includes(url.pathname)) event.respondWith(networkFirst(req));
    return;
  }
  event.respondWith(cacheFirst(req));
});

async function cacheFirst(req) {
  const cache = await caches.open(VERSION);
  // ignoreVary: the server answers "Vary: Origin", and module scripts are requested with an
  // Origin header that the cached requests lack
  const hit = await cache.match(req, { ignoreSearch: req.mode === 'navigate', ignoreVary: true });
  if (hit) return hit;
  const res = await fetch(req);
  const path = new URL(req.url).pathname;
  if (res.ok && !res.redirected && (SHELL.includes(path) || path.startsWith(BUNDLE))) await cache.put(req, res.clone());
  return res;
}

async function networkFirst(req) {
  const cache = await caches.open(VERSION);
  try {
    const res = await fetch(req);
    if (res.ok) await cache.put(req, res.clone());
    return res;
  } catch (err) {
    const hit = await cache.match(req, { ignoreVary: true });
    if (hit) return hit;
    throw err;
  }
}

// Pushes are {type, alert, title, body, url, lang}; the server writes title and body in the
// receiver's language and keeps them fit for a lock screen.
self.addEventListener('push', (event) => {
  let p = {};
  try {
    p = event.data ? event.data.json() : {};
  } catch {
    p = {};
  }
  // Only when a push carries no text (the server always sends some): both languages at once.
  const title = p.title || 'Alerta consular / Consular alert';
  const options = {
    body: p.body || '',
    lang: p.lang === 'en' ? 'en' : 'es',
    icon: '/icons/icon-192.png',
    badge: '/icons/badge-96.png',
    data: { url: sameOrigin(p.url), type: p.type || '', alert: p.alert || '' },
  };
  if (p.alert) {
    options.tag = p.alert;
    options.renotify = true;
  }
  event.waitUntil(self.registration.showNotification(title, options));
});

function sameOrigin(url) {
  try {
    const u = new URL(url || '/', self.location.origin);
    return u.origin === self.location.origin ? u.href : self.location.origin + '/';
  } catch {
    return self.location.origin + '/';
  }
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || self.location.origin + '/';
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    for (const w of windows) {
      if (w.url === url && 'focus' in w) return w.focus();
    }
    return self.clients.openWindow(url);
  })());
});
