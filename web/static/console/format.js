// Dates, times, numbers and money for the console's locale (Intl), and
// the small labels every view shows (language, stars, status chips).
import { el } from './dom.js';
import { t, locale, current } from './i18n.js';

export const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
export const arr = (v) => (Array.isArray(v) ? v : []);
export const n0 = (v) => { v = Number(v); return isFinite(v) ? v : 0; };

// Formatters are cached per locale and options: building one is slow.
const cache = new Map();
function fmt(kind, o) {
  const k = kind + locale() + JSON.stringify(o || {});
  let f = cache.get(k);
  if (!f) {
    f = kind === 'n' ? new Intl.NumberFormat(locale(), o) : new Intl.DateTimeFormat(locale(), o);
    cache.set(k, f);
  }
  return f;
}
const date = (s) => { const d = new Date(s); return !s || isNaN(d) ? null : d; };
const HM = { hour: '2-digit', minute: '2-digit' };

export const num = (n) => fmt('n').format(Number(n) || 0);
export function pct(x) { return x == null || !isFinite(x) ? '—' : fmt('n', { style: 'percent', maximumFractionDigits: 1 }).format(x); }
export function money(a, cur) {
  if (a == null || a === '' || !isFinite(Number(a))) return '';
  try { return fmt('n', { style: 'currency', currency: cur || 'USD' }).format(Number(a)); } catch (e) { return (cur || '') + ' ' + a; }
}
export const rating1 = (v) => fmt('n', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v);

// A time as the inbox shows it: the time today, weekday and time this week, else the date.
export function when(s) {
  const d = date(s);
  if (!d) return '';
  const now = new Date();
  if (d.toDateString() === now.toDateString()) return fmt('d', HM).format(d);
  if (now - d < 6 * 864e5) return fmt('d', { weekday: 'short', ...HM }).format(d);
  return fmt('d', { month: 'short', day: 'numeric', year: d.getFullYear() === now.getFullYear() ? undefined : 'numeric' }).format(d);
}
export function fullTime(s) { const d = date(s); return d ? fmt('d', { dateStyle: 'medium', timeStyle: 'medium' }).format(d) : ''; }
export function day(s) { const d = date(s); return d ? fmt('d', { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' }).format(d) : ''; }
export function clock(s) { const d = date(s); return d ? fmt('d', { ...HM, second: '2-digit' }).format(d) : ''; }
export function dateText(s) {
  if (ISO_DAY.test(s || '')) return dayText(s, { year: 'numeric', month: 'short', day: 'numeric' });
  const d = date(s);
  return d ? fmt('d', { year: 'numeric', month: 'short', day: 'numeric' }).format(d) : '';
}
export function dateTimeText(s) { const d = date(s); return d ? fmt('d', { year: 'numeric', month: 'short', day: 'numeric', ...HM }).format(d) : ''; }

// Days as the server counts them (UTC), shown in words.
export const utcDay = (s) => new Date(String(s) + 'T00:00:00Z');
export function dayText(s, o) {
  const d = utcDay(s);
  return isNaN(d) ? String(s || '') : fmt('d', { timeZone: 'UTC', ...(o || { month: 'short', day: 'numeric' }) }).format(d);
}
export function addDays(s, n) { const d = utcDay(s); if (isNaN(d)) return ''; d.setUTCDate(d.getUTCDate() + n); return d.toISOString().slice(0, 10); }
export function isoDayOf(s) { if (ISO_DAY.test(s || '')) return s; const d = date(s); return d ? d.toISOString().slice(0, 10) : ''; }
// The server's "to" is exclusive (before that day); the forms' is the last day included.
export function nextDay(d) { return ISO_DAY.test(d || '') ? addDays(d, 1) : d; }

// How long since: 45s, 3m 07s, 2h 05m, 1d 4h.
export function ago(s) {
  const ms = Date.parse(s);
  if (isNaN(ms)) return '';
  const sec = Math.max(0, Math.floor((Date.now() - ms) / 1000));
  const p2 = (v) => String(v).padStart(2, '0');
  if (sec < 60) return t('agoS', { s: String(sec) });
  const m = Math.floor(sec / 60);
  if (m < 60) return t('agoMS', { m: String(m), s: p2(sec % 60) });
  const h = Math.floor(m / 60);
  if (h < 24) return t('agoHM', { h: String(h), m: p2(m % 60) });
  return t('agoDH', { d: String(Math.floor(h / 24)), h: String(h % 24) });
}
export function waitTone(s) {
  const sec = (Date.now() - Date.parse(s)) / 1000;
  return sec >= 300 ? 'late' : sec >= 120 ? 'slow' : 'ok';
}
// A length of time as m:ss or h:mm:ss.
export function dur(ms) {
  const s = Math.max(0, Math.round((ms || 0) / 1000)), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
  return (h ? h + ':' + String(m).padStart(2, '0') : String(m)) + ':' + String(s % 60).padStart(2, '0');
}
// Seconds as the dashboard shows them.
export function secText(s) {
  if (s == null || !isFinite(s) || s <= 0) return '—';
  if (s < 0.1) return t('secUnder');
  if (s < 10) return t('secS', { s: fmt('n', { maximumFractionDigits: 1 }).format(s) });
  if (s < 60) return t('secS', { s: String(Math.round(s)) });
  const m = Math.floor(s / 60);
  if (m < 60) return t('secMS', { m: String(m), s: String(Math.round(s % 60)) });
  return t('secHM', { h: String(Math.floor(m / 60)), m: String(m % 60) });
}

// A conversation's or customer's language, as a short tag.
export const langTag = (l) => (/^zh/i.test(l || '') ? '中文' : 'EN');
export const langName = (l) => (l === 'zh' ? '中文' : l === 'en' ? 'English' : '');

// A product category: the demo shop's have names in both languages; any
// other shop's slug is shown as words.
const CATEGORIES = {
  outerwear: ['Outerwear', '外套'], tops: ['Tops', '上衣'], bottoms: ['Bottoms', '裤装'], basics: ['Basics', '基础款'],
  footwear: ['Footwear', '鞋履'], 'bags-accessories': ['Bags & accessories', '箱包配饰'], 'home-kitchen': ['Home & kitchen', '家居厨房'],
  electronics: ['Electronics', '电子产品'], 'outdoor-gear': ['Outdoor gear', '户外装备'], 'gift-cards': ['Gift cards', '礼品卡'],
};
export function catLabel(c) {
  c = String(c || '');
  const known = CATEGORIES[c];
  if (known) return known[current() === 'zh' ? 1 : 0];
  const words = c.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const custName = (c) => (c && c.customer && c.customer.name) || t('guest');

// Who wrote a conversation's last message, as a list row's line starts.
export function lastWho(c) {
  const lm = c.last_message || {};
  if (lm.role === 'assistant') return t('whoBot');
  if (lm.role === 'staff') return t('whoNamed', { name: lm.author || (c.assigned && c.assigned.name) || t('staff') });
  if (lm.role === 'system') return t('whoNote');
  return '';
}

// n of 5 stars, or nothing for no rating.
export function stars(n) {
  n = Math.max(0, Math.min(5, Math.round(+n) || 0));
  if (!n) return null;
  const said = t('starsOf', { n });
  return el('span', { class: 'stars', 'data-rating': String(n), 'aria-label': said, title: said, role: 'img' },
    '★★★★★'.slice(0, n), el('span', { class: 'off', 'aria-hidden': 'true' }, '★★★★★'.slice(n)));
}

// An order or return status as a coloured chip, in words.
export function chip(s) {
  s = String(s || '');
  const tone = /delivered|refunded|received|closed|paid/.test(s) ? 'ok' : /cancel|reject|exception|fail/.test(s) ? 'bad' : /pending|open|await/.test(s) ? 'warn' : 'info';
  const key = 'status_' + s;
  const label = t(key);
  return el('span', { class: 'chip ' + tone, 'data-status': s }, label === key ? s.replace(/_/g, ' ') : label);
}

// JSON, indented, or the text as it came.
export function pretty(v) {
  if (typeof v === 'string') {
    const s = v.trim();
    if (/^[[{"]/.test(s)) { try { return JSON.stringify(JSON.parse(s), null, 2); } catch (e) { /* not JSON */ } }
    return v;
  }
  try { return JSON.stringify(v, null, 2); } catch (e) { return String(v); }
}
export function oneLine(v, n) { const s = pretty(v).replace(/\s+/g, ' '); return s.length > n ? s.slice(0, n - 1) + '…' : s; }
// The first letter or digit of a name, for an avatar.
export function initial(s) { const m = /[\p{L}\p{N}]/u.exec(String(s || '')); return m ? m[0].toUpperCase() : '?'; }
