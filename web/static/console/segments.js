// Segments: find customers by what they bought, spent and rated, and
// export the list. #segments?category=outdoor-gear&bought_after=…&lang=zh
import { $, el, add, clear } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';
import { go, hashParse, hashOf } from './router.js';
import { custHash } from './links.js';
import { ISO_DAY, arr, n0, num, money, rating1, dateText, langTag, catLabel } from './format.js';

const KEYS = ['category', 'bought_after', 'bought_before', 'price_min', 'price_max', 'min_rating', 'max_rating', 'lang'];
const FIELDS = { category: 's-category', bought_after: 's-after', bought_before: 's-before', price_min: 's-price-min', price_max: 's-price-max',
  min_rating: 's-min-rating', max_rating: 's-max-rating', lang: 's-lang' };
const LIMIT = 200, CSV_LIMIT = 5000; // the server's default and its most
const STALE = 60000;

let seg = fresh();
function fresh() { return { f: {}, key: null, force: false, seq: 0, at: 0, hash: '#segments', list: [], total: 0, err: null }; }

export const isHash = (h) => /^#segments(\?|$)/.test(h || '');
export const lastHash = () => seg.hash;

export function route() {
  seg.hash = location.hash;
  const f = hashParse(location.hash, KEYS), key = JSON.stringify(f);
  if (key !== seg.key || seg.force || Date.now() - seg.at > STALE) {
    seg.f = f; seg.key = key;
    fill();
    load();
  }
}

// The category list names each category in the console's language.
function categories() {
  const c = $('s-category');
  // A category from a pasted link that the list does not know yet still shows.
  if (seg.f.category && ![...c.options].some((o) => o.value === seg.f.category)) c.appendChild(el('option', { value: seg.f.category }));
  for (const o of c.options) if (o.value) o.textContent = catLabel(o.value);
}
function fill() {
  categories();
  for (const [k, id] of Object.entries(FIELDS)) $(id).value = seg.f[k] || '';
  formError('');
}
function formError(msg, field) { const p = $('s-err'); p.textContent = msg; p.hidden = !msg; if (field) $(field).focus(); }
function read() {
  const f = {};
  for (const [k, id] of Object.entries(FIELDS)) { const v = $(id).value.trim(); if (v) f[k] = v; }
  const bad = ['bought_after', 'bought_before'].find((k) => f[k] && !ISO_DAY.test(f[k]));
  if (bad) { formError(t('errDate'), FIELDS[bad]); return null; }
  if (f.bought_after && f.bought_before && f.bought_after >= f.bought_before) { formError(t('errAfterBefore'), 's-after'); return null; }
  const badp = ['price_min', 'price_max'].find((k) => f[k] && !(isFinite(+f[k]) && +f[k] >= 0));
  if (badp || $('s-price-min').validity.badInput || $('s-price-max').validity.badInput) { formError(t('errPrice'), FIELDS[badp || 'price_min']); return null; }
  if (f.price_min && f.price_max && +f.price_min > +f.price_max) { formError(t('errPrices'), 's-price-min'); return null; }
  if (f.min_rating && f.max_rating && +f.min_rating > +f.max_rating) { formError(t('errRatings'), 's-min-rating'); return null; }
  formError('');
  return f;
}
$('s-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const f = read();
  if (!f) return;
  seg.force = true;
  go(hashOf('#segments', f, KEYS));
});
$('s-reset').addEventListener('click', () => {
  seg.f = {}; fill();
  seg.force = true;
  go('#segments');
  $('s-category').focus();
});
function params(f) {
  const p = new URLSearchParams();
  for (const k of KEYS) if (f[k]) p.set(k, f[k]);
  p.set('limit', String(LIMIT));
  return p;
}
async function load() {
  const p = params(seg.f), n = ++seg.seq;
  seg.force = false; seg.at = Date.now();
  const csv = params(seg.f);
  csv.set('limit', String(CSV_LIMIT)); // a campaign list: everyone, not the first page
  csv.set('format', 'csv');
  $('s-csv').setAttribute('href', '/api/console/segments?' + csv.toString());
  $('s-csv').setAttribute('download', 'kefu-segment' + (seg.f.category ? '-' + seg.f.category.replace(/[^a-z0-9-]/gi, '') : '') + '.csv');
  const rows = $('s-rows');
  rows.setAttribute('aria-busy', 'true');
  if (!rows.firstChild) rows.appendChild(el('tr', null, el('td', { colspan: '8', class: 'none' }, t('searching'))));
  try {
    const j = await api('GET', '/api/console/segments?' + p.toString());
    if (n !== seg.seq) return;
    seg.list = arr(j && j.customers).filter((c) => c && typeof c === 'object' && c.id != null);
    seg.total = Math.max(seg.list.length, n0(j && j.total));
    seg.err = '';
  } catch (e) {
    if (n !== seg.seq) return;
    seg.list = []; seg.total = 0; seg.key = null;
    seg.err = e.status === 401 ? '' : e.status === 404 ? t('segMissing') : e.message || t('searchFailed');
  }
  render();
}
function ratingCell(v) {
  if (v == null || v === '' || !isFinite(+v) || +v <= 0) return el('span', { class: 'dim' }, '—');
  return el('span', { class: 'rating', title: t('avgRatingTitle') }, el('span', { class: 'stars' }, '★'), ' ' + rating1(+v));
}
function row(c) {
  const href = custHash(c.id);
  return el('tr', {
    'data-console': 'segment-row', 'data-id': String(c.id),
    onclick(e) {
      if (e.target.closest('a') || String(window.getSelection ? window.getSelection() : '')) return; // a link, or text being selected
      go(href);
    },
  },
  el('td', { class: 's-who' }, el('a', { href, class: 's-name', 'data-console': 'customer-link' }, c.name || t('noName')),
    c.email ? el('div', { class: 's-email' }, c.email) : null),
  el('td', null, el('span', { class: 'lang' }, langTag(c.locale))),
  el('td', { class: 'nowrap' }, c.last_purchase ? dateText(c.last_purchase) || String(c.last_purchase) : el('span', { class: 'dim' }, '—')),
  el('td', { class: 'num' }, num(n0(c.orders))),
  el('td', { class: 'num' }, c.spent == null ? '—' : money(c.spent, c.currency)),
  el('td', { class: 'num' }, c.avg_item_price == null ? '—' : money(c.avg_item_price, c.currency)),
  el('td', { class: 's-cats' }, arr(c.categories).map((x) => el('span', { class: 'tag cat', 'data-category': String(x) }, catLabel(x)))),
  el('td', { class: 'num' }, ratingCell(c.avg_rating)));
}
function render() {
  if (seg.err == null) return; // nothing loaded yet
  const rows = $('s-rows'), foot = clear($('s-foot')), list = seg.list, err = seg.err;
  rows.removeAttribute('aria-busy');
  clear(rows);
  const tot = $('s-total');
  tot.textContent = err ? '—' : num(seg.total);
  tot.setAttribute('data-total', err ? '' : String(seg.total));
  $('s-total-label').textContent = t('customersWord', { n: err ? 0 : seg.total });
  $('s-shown').textContent = err ? '' : seg.total > list.length ? t('segFirstShown', { n: list.length })
    : list.length >= LIMIT ? t('segFirstCsv', { n: LIMIT, csv: CSV_LIMIT }) : '';
  const sums = clear($('s-sums'));
  $('s-csv').hidden = !!err;
  if (err) { rows.appendChild(el('tr', null, el('td', { colspan: '8', class: 'none err', role: 'alert' }, err))); return; }
  if (!list.length) {
    rows.appendChild(el('tr', null, el('td', { colspan: '8', class: 'none' }, t(Object.keys(seg.f).length ? 'segNoMatch' : 'segNone'))));
    return;
  }
  add(rows, list.map(row));
  let orders = 0, spent = 0, rated = 0, rsum = 0, cur = '';
  for (const c of list) {
    orders += n0(c.orders); spent += n0(c.spent); cur = cur || c.currency || '';
    if (c.avg_rating != null && +c.avg_rating > 0) { rated++; rsum += +c.avg_rating; }
  }
  add(sums, [el('span', null, t('sumOrders', { n: orders })), el('span', null, t('sumSpent', { v: money(spent, cur) })),
    el('span', null, t('sumPer', { v: money(spent / list.length, cur) }))]);
  foot.appendChild(el('tr', { 'data-console': 'segment-totals' },
    el('th', { scope: 'row', colspan: '3' }, t(list.length < seg.total ? 'segThese' : 'segAll', { n: list.length })),
    el('td', { class: 'num' }, num(orders)), el('td', { class: 'num' }, money(spent, cur)), el('td', { class: 'num dim' }, ''),
    el('td', { class: 'dim small' }, rated ? t('segRated', { n: rated }) : ''), el('td', { class: 'num' }, rated ? ratingCell(rsum / rated) : '—')));
  $('s-scroll').scrollTop = 0;
}

export function rerender() { categories(); render(); }

export function reset() {
  seg = fresh();
  fill();
  clear($('s-rows')); clear($('s-foot')); clear($('s-sums'));
  $('s-total').textContent = '…';
  $('s-shown').textContent = '';
}
