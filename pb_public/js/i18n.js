// The language the app speaks: Spanish unless the person chose English.
import { strings } from './strings.js';

const KEY = 'ab.lang';
const listeners = new Set();

let current = localStorage.getItem(KEY) === 'en' ? 'en' : 'es';

export function lang() {
  return current;
}

export function setLang(l) {
  current = l === 'en' ? 'en' : 'es';
  localStorage.setItem(KEY, current);
  document.documentElement.lang = current;
  listeners.forEach((fn) => fn(current));
}

export function onLangChange(fn) {
  listeners.add(fn);
}

// t returns the string for key in the current language, with {name} placeholders filled.
// With n of 1 it takes key + '.one' where there is one ("1 abierta", not "1 abiertas").
export function t(key, vars = {}) {
  if (Number(vars.n) === 1 && strings[current][key + '.one'] !== undefined) key += '.one';
  let s = strings[current][key] ?? strings.es[key] ?? key;
  for (const [k, v] of Object.entries(vars)) s = s.replaceAll('{' + k + '}', String(v));
  return s;
}

// cityName is a consulate's city as people say it: in Spanish from its Spanish name
// ("Consulado de México en Los Ángeles" gives "Los Ángeles"), in English its city; never its
// code unless nothing else is known ("san-jose" then reads "San Jose").
const NAME_ES = 'Consulado de México en ';
export function cityName(c, l = current) {
  if (!c) return '';
  if (l === 'es' && typeof c.name === 'string' && c.name.startsWith(NAME_ES)) return c.name.slice(NAME_ES.length);
  if (c.city) return c.city;
  return String(c.code || '').split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
}

// formatTime shows a date the way the reader expects.
export function formatTime(date) {
  const d = date instanceof Date ? date : parseDate(date);
  if (!d || isNaN(d)) return '';
  return d.toLocaleString(current === 'en' ? 'en-US' : 'es-MX', {
    weekday: 'short', day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit',
  });
}

// duration is a short length of time such as "5 min".
export function duration(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return t('time.s', { n: s });
  if (s < 3600) return t('time.m', { n: Math.floor(s / 60) });
  if (s < 86400) return t('time.h', { n: Math.floor(s / 3600) });
  return t('time.d', { n: Math.floor(s / 86400) });
}

// parseDate reads PocketBase dates ("2025-01-02 03:04:05.678Z") and ISO dates.
export function parseDate(s) {
  if (!s) return null;
  return new Date(String(s).replace(' ', 'T'));
}

document.documentElement.lang = current;
