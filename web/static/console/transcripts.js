// Transcripts: search past conversations, read one (playback.js), replay
// the search against the current agent (replay.js), export.
// The hash is the state: #transcripts?q=…&lang=zh&offset=50&open=<id>, so a
// reload, the back button and a pasted link all come back to the same
// search and transcript.
import { $, el, add, clear, narrow, highlight, moveFocus } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';
import { go } from './router.js';
import { TX_KEYS, txHash } from './links.js';
import * as playback from './playback.js';
import * as replay from './replay.js';
import { num, when, fullTime, nextDay, langTag, custName, stars, lastWho } from './format.js';

const PAGE = 50, CAP = 10000;
const FIELDS = { q: 'f-q', from: 'f-from', to: 'f-to', state: 'f-state', lang: 'f-lang', tool: 'f-tool', escalated: 'f-escalated',
  resolved: 'f-resolved', min_rating: 'f-min', max_rating: 'f-max', sort: 'f-sort' };

let tx = fresh();
function fresh() { return { f: {}, offset: 0, key: null, force: false, seq: 0, total: 0, more: false, list: [], openId: null, hash: '#transcripts', err: '', loaded: false }; }

export const isHash = (h) => /^#transcripts(\?|$)/.test(h || '');
export const lastHash = () => tx.hash;

function parse(h) {
  const i = h.indexOf('?'), p = new URLSearchParams(i < 0 ? '' : h.slice(i + 1)), f = {};
  for (const k of TX_KEYS) { const v = (p.get(k) || '').trim(); if (v) f[k] = v; }
  if (f.sort === 'updated') delete f.sort; // the default
  const off = parseInt(p.get('offset'), 10);
  return { f, offset: off > 0 ? off : 0, open: p.get('open') || null };
}
// The search's filters as the server takes them ("to" is exclusive there).
function filterParams(f) {
  const p = new URLSearchParams();
  for (const k of TX_KEYS) if (f[k] && k !== 'sort') p.set(k, k === 'to' ? nextDay(f[k]) : f[k]);
  return p;
}
function exportURL(format, params) {
  const p = new URLSearchParams({ format });
  params.forEach((v, k) => p.append(k, v));
  return '/api/console/transcripts/export?' + p.toString();
}
// The server counts up to CAP, and a text search looks only at the newest
// conversations with the words: "more" says the count is a floor.
function totalText(n) { return n >= CAP ? num(CAP) + '+' : num(n) + (tx.more ? '+' : ''); }
function terms(q) {
  const seen = new Set();
  return String(q || '').split(/\s+/).filter((w) => { w = w.toLowerCase(); if (!w || seen.has(w)) return false; seen.add(w); return true; }).slice(0, 12);
}

function view() { document.body.setAttribute('data-txview', tx.openId ? 'reader' : replay.visible() ? 'replay' : 'list'); }
replay.init({
  search: () => ({ f: tx.f, offset: tx.offset, total: tx.total, list: tx.list, openId: tx.openId, searching: $('tx-list').getAttribute('aria-busy') === 'true' }),
  params: filterParams,
  totalText,
  view,
  inTranscripts: () => document.body.getAttribute('data-mode') === 'transcripts',
});

// ---- routing inside the transcripts
export function route() {
  tx.hash = location.hash;
  const r = parse(location.hash), fkey = JSON.stringify(r.f), key = JSON.stringify([r.f, r.offset]);
  if (key !== tx.key || tx.force) {
    if (fkey !== JSON.stringify(tx.f) || tx.key === null) { tx.f = r.f; fill(); }
    tx.f = r.f; tx.offset = r.offset; tx.key = key;
    runSearch();
  }
  if (r.open !== tx.openId) {
    replay.opening(r.open, tx.openId);
    openTranscript(r.open);
  }
  replay.panels();
  view();
}

function fill() {
  for (const [k, id] of Object.entries(FIELDS)) $(id).value = tx.f[k] || (k === 'sort' ? 'updated' : '');
  formError('');
}
function formError(msg, field) {
  const p = $('f-err');
  p.textContent = msg; p.hidden = !msg;
  if (field) $(field).focus();
}
// The form as filters, or null (and a message) when it does not make sense.
function read() {
  const f = {};
  for (const [k, id] of Object.entries(FIELDS)) { const v = $(id).value.trim(); if (v && !(k === 'sort' && v === 'updated')) f[k] = v; }
  if (tx.f.customer) f.customer = tx.f.customer; // set from a customer's panel; removed with its chip
  const bad = ['from', 'to'].find((k) => f[k] && !/^\d{4}-\d{2}-\d{2}$/.test(f[k]));
  if (bad) { formError(t('errDate'), FIELDS[bad]); return null; }
  if (f.from && f.to && f.from > f.to) { formError(t('errFromAfterTo'), 'f-from'); return null; }
  if (f.min_rating && f.max_rating && +f.min_rating > +f.max_rating) { formError(t('errRatings'), 'f-min'); return null; }
  formError('');
  return f;
}
$('tx-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const f = read();
  if (!f) return;
  tx.force = true; // search again even when nothing changed: there may be new conversations
  go(txHash(f, 0, tx.openId));
});
$('tx-reset').addEventListener('click', () => {
  tx.f = {}; fill();
  tx.force = true;
  go(txHash({}, 0, tx.openId));
  $('f-q').focus();
});
$('tx-prev').addEventListener('click', () => go(txHash(tx.f, Math.max(0, tx.offset - PAGE), tx.openId)));
$('tx-next').addEventListener('click', () => go(txHash(tx.f, tx.offset + PAGE, tx.openId)));

// ---- the search and its results
async function runSearch() {
  const p = filterParams(tx.f), n = ++tx.seq;
  if (tx.f.sort) p.set('sort', tx.f.sort);
  p.set('limit', String(PAGE));
  p.set('offset', String(tx.offset));
  tx.force = false;
  $('tx-export-jsonl').setAttribute('href', exportURL('jsonl', filterParams(tx.f)));
  $('tx-export-csv').setAttribute('href', exportURL('csv', filterParams(tx.f)));
  chips();
  const list = $('tx-list');
  list.setAttribute('aria-busy', 'true');
  if (!list.firstChild) list.appendChild(el('li', { class: 'none' }, t('searching')));
  try {
    const j = await api('GET', '/api/console/transcripts?' + p.toString());
    if (n !== tx.seq) return;
    tx.total = Math.max(0, +(j && j.total) || 0);
    tx.more = !!(j && j.more);
    tx.list = ((j && j.conversations) || []).filter((c) => c && c.id);
    if (!tx.list.length && tx.offset > 0 && tx.total > 0) { // past the end (fewer results now): the last page
      go(txHash(tx.f, Math.floor((Math.min(tx.total, CAP) - 1) / PAGE) * PAGE, tx.openId));
      return;
    }
    tx.err = '';
  } catch (e) {
    if (n !== tx.seq) return;
    tx.list = []; tx.total = 0; tx.more = false; tx.key = null;
    tx.err = e.status === 401 ? '' : e.message || t('searchFailed');
  }
  tx.loaded = true;
  results();
}
function chips() {
  const box = clear($('tx-chips'));
  if (!tx.f.customer) return;
  box.appendChild(el('span', { class: 'fchip' }, t('customerNo', { id: tx.f.customer }),
    el('button', {
      type: 'button', class: 'fchip-x', 'aria-label': t('removeCustomer'), title: t('remove'),
      onclick() { const f = Object.assign({}, tx.f); delete f.customer; tx.force = true; go(txHash(f, 0, tx.openId)); },
    }, '×')));
}
function results() {
  const list = $('tx-list'), err = tx.err, shownTo = tx.offset + tx.list.length, max = Math.min(tx.total, CAP);
  const focused = document.activeElement && document.activeElement.getAttribute && document.activeElement.getAttribute('data-console') === 'result';
  list.removeAttribute('aria-busy');
  clear(list);
  const tot = $('tx-total');
  tot.textContent = err ? '—' : totalText(tx.total);
  tot.setAttribute('data-total', err ? '' : String(tx.total));
  $('tx-total-label').textContent = t('conversationsWord', { n: err ? 0 : tx.total });
  if (err) list.appendChild(el('li', { class: 'none err', role: 'alert' }, err));
  else if (!tx.list.length) list.appendChild(el('li', { class: 'none' }, t(Object.keys(tx.f).length ? 'noMatch' : 'noConvsYet')));
  else add(list, tx.list.map(row));
  if (!err && tx.more && tx.f.q && shownTo >= max) list.appendChild(el('li', { class: 'none', 'data-console': 'more-hint' }, t('moreHint')));
  list.scrollTop = 0;
  $('tx-range').textContent = err || !tx.list.length ? '' : t('range', { from: num(tx.offset + 1), to: num(shownTo), total: totalText(tx.total) });
  $('tx-prev').disabled = !!err || tx.offset <= 0;
  $('tx-next').disabled = !!err || tx.list.length < PAGE || shownTo >= max;
  if (focused) { const r = list.querySelector('[data-console=result]'); if (r) r.focus(); }
  replay.button();
}
function row(c) {
  const lm = c.last_message || {}, at = lm.at || c.updated_at;
  const last = el('span', { class: 'last' }, lm.text ? lastWho(c) + String(lm.text).replace(/\s+/g, ' ') : '—');
  highlight(last, terms(tx.f.q));
  return el('li', null, el('a', {
    href: txHash(tx.f, tx.offset, c.id), class: 'row' + (c.id === tx.openId ? ' current' : ''),
    'data-console': 'result', 'data-id': c.id, 'data-state': c.state, 'aria-current': c.id === tx.openId ? 'true' : null,
  },
  el('span', { class: 'r1' },
    el('span', { class: 'name' + (c.customer ? '' : ' guest') }, custName(c)),
    el('span', { class: 'lang', title: t('language') }, langTag(c.locale)),
    el('span', { class: 'st st-' + String(c.state).replace(/[^a-z]/g, '') }, t('state_' + c.state)),
    el('time', { class: 'time', datetime: at || '', title: t('lastActivity', { when: fullTime(at) }) }, when(at))),
  el('span', { class: 'r2' }, last, stars(c.rating))));
}
function markCurrent() {
  for (const r of $('tx-list').querySelectorAll('[data-console=result]')) {
    const on = r.getAttribute('data-id') === tx.openId;
    r.classList.toggle('current', on);
    if (on) r.setAttribute('aria-current', 'true'); else r.removeAttribute('aria-current');
  }
}

function openTranscript(id) {
  tx.openId = id;
  markCurrent();
  if (!id) { playback.open(null); $('tx-conv').hidden = true; $('tx-empty').hidden = false; return; }
  $('tx-conv').hidden = false;
  $('tx-empty').hidden = true;
  playback.open(id, tx.list.find((c) => c.id === id) || null, terms(tx.f.q));
}

$('tx-back').addEventListener('click', () => {
  const id = tx.openId;
  go(txHash(tx.f, tx.offset, null));
  const r = id && $('tx-list').querySelector(`[data-console=result][data-id="${CSS.escape(id)}"]`);
  if (r) r.focus();
});

// Arrows move through the results; Esc goes back to them on narrow screens.
export function key(e, inField) {
  if (e.key === 'Escape' && narrow() && replay.back()) { e.preventDefault(); return; }
  if (e.key === 'Escape' && tx.openId && narrow()) { e.preventDefault(); $('tx-back').click(); return; }
  if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && !inField && e.target.closest && e.target.closest('#tx-list')) moveFocus(e, $('tx-list'), 'result');
}

export function rerender() {
  chips();
  if (tx.loaded) results();
  replay.rerender();
  playback.rerender();
}

// Signed out: nothing of the last search stays on the page.
export function reset() {
  playback.reset();
  tx = fresh();
  clear($('tx-list')); clear($('tx-chips'));
  $('tx-total').textContent = '…'; $('tx-range').textContent = '';
  $('tx-conv').hidden = true; $('tx-empty').hidden = false;
  replay.reset();
  fill();
}
