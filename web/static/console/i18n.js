// The console's language: English or Chinese, from the browser's
// languages until a staff member picks one in the header, then theirs
// (remembered in this browser, keyed by their staff id).
import { en, zh } from './strings.js';
import { store } from './dom.js';

const DICTS = { en, zh };
const KEY = 'kefu.console.lang.';
let lang = fromBrowser();
const listeners = [];

// The first of the browser's languages the console speaks.
export function fromBrowser() {
  const ls = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || 'en'];
  for (const l of ls) {
    if (/^zh\b/i.test(l)) return 'zh';
    if (/^en\b/i.test(l)) return 'en';
  }
  return 'en';
}

export const current = () => lang;

// The locale for Intl: the browser's own English (en-GB dates for a
// British browser), and Simplified Chinese as the strings are written.
export function locale() {
  if (lang === 'zh') return 'zh-CN';
  const ls = navigator.languages || [navigator.language || ''];
  return ls.find((l) => /^en\b/i.test(l)) || 'en-US';
}

let numFmt = null, numFor = '';
function fmtNum(n) {
  const l = locale();
  if (numFor !== l) { numFmt = new Intl.NumberFormat(l); numFor = l; }
  return numFmt.format(n);
}

// t('key', {n: 3, name: 'Mei'}): the string in the current language, with
// {placeholders} filled (numbers formatted for the locale). A string with
// plural forms ({one, other}) is chosen by n.
export function t(key, params) {
  let s = DICTS[lang][key];
  if (s == null) s = en[key];
  if (s == null) return key;
  if (typeof s === 'object') {
    const n = params && params.n;
    s = s[new Intl.PluralRules(locale()).select(Number(n) || 0)] || s.other;
  }
  return s.replace(/\{(\w+)\}/g, (m, k) => {
    const v = params && params[k];
    if (v == null) return m;
    return typeof v === 'number' ? fmtNum(v) : String(v);
  });
}

// Every element of the page marked data-i18n="key" gets the string as its
// text; data-i18n-attr="placeholder=key title=key" sets attributes.
export function applyStatic(root) {
  const r = root || document;
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  for (const n of r.querySelectorAll('[data-i18n]')) n.textContent = t(n.getAttribute('data-i18n'));
  for (const n of r.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of n.getAttribute('data-i18n-attr').split(/\s+/)) {
      const [attr, key] = pair.split('=');
      if (attr && key) n.setAttribute(attr, t(key));
    }
  }
  document.title = t('title');
}

// Called with the new language whenever it changes: views re-render.
export function onChange(fn) { listeners.push(fn); }

function use(l) {
  const next = DICTS[l] ? l : 'en';
  if (next === lang) return;
  lang = next;
  applyStatic();
  listeners.forEach((fn) => fn(lang));
}

// The staff member signed in: their language, else the browser's.
export function useFor(staffId) { use(store.get(KEY + staffId) || fromBrowser()); }
// Signed out: the browser's language again.
export function useBrowser() { use(fromBrowser()); }
// Picked in the header: used now and remembered for this staff member.
export function choose(l, staffId) {
  if (staffId != null) store.set(KEY + staffId, l);
  use(l);
}
