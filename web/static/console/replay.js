// The regression replay: the search's conversations re-run against the
// current agent. POST /api/console/replay?<filters> answers with a verdict
// for each conversation and each of its turns. The report shows the
// counts, then the conversations worst first; each opens on the turns that
// are not the same: the shopper's message, the reasons, recorded beside now.
import { $, el, add, clear } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';
import * as session from './session.js';
import { toast } from './toast.js';
import { go } from './router.js';
import { txHash } from './links.js';
import * as playback from './playback.js';
import { num, clock, custName, arr, n0, langName } from './format.js';

const MAX = 20;
const VERDICTS = ['worse', 'changed', 'same'];

// Given by the transcripts: the search as it stands, and how its count reads.
let search = () => ({ f: {}, offset: 0, total: 0, list: [], searching: false, openId: null });
let params = () => new URLSearchParams();
let totalText = (n) => num(n);
let view = () => {};
let inTranscripts = () => true;
export function init(o) { ({ search, params, totalText, view, inTranscripts } = o); }

let rr = null;
rr = fresh();
function fresh() {
  return { seq: ((rr && rr.seq) || 0) + 1, running: false, t0: 0, took: 0, at: '', timer: null, f: null, found: null,
    data: null, err: '', shown: false, openedFrom: null, open: {} };
}
const verdict = (v) => { v = String(v || '').toLowerCase(); return /^[a-z_]+$/.test(v) ? v : 'unknown'; };
const rank = (v) => { const i = VERDICTS.indexOf(v); return i < 0 ? 1.5 : i; }; // an unknown verdict: between changed and same
const has = () => !!(rr.running || rr.data || rr.err);
export const visible = () => rr.shown && has();
const line = (s, n) => { s = String(s == null ? '' : s).replace(/\s+/g, ' ').trim(); return s.length > n ? s.slice(0, n - 1) + '…' : s; };
const elapsed = () => t('secN', { s: String(Math.floor((Date.now() - rr.t0) / 1000)) });
function secs(ms) { const s = ms / 1000; return s < 0.1 ? t('secUnder') : t('secN', { s: String(s < 10 ? Math.round(s * 10) / 10 : Math.round(s)) }); }
const vLabel = (v) => (VERDICTS.includes(v) ? t('v_' + v) : v);
const vTitle = (v) => (VERDICTS.includes(v) ? t('vTitle_' + v) : null);

// The answer as the report uses it: known shapes only, worst first.
function normalize(j) {
  const results = arr(j && j.results).filter((r) => r && typeof r === 'object').map((r, i) => ({
    id: String(r.conversation_id || ''), verdict: verdict(r.verdict), i, turns: arr(r.turns).filter((x) => x && typeof x === 'object'),
  }));
  results.sort((a, b) => rank(a.verdict) - rank(b.verdict) || a.i - b.i);
  const c = j && j.counts && typeof j.counts === 'object' ? j.counts : null, counts = {};
  for (const v of VERDICTS) counts[v] = c ? Math.max(0, Math.floor(n0(c[v]))) : 0;
  if (!c) for (const r of results) if (Object.prototype.hasOwnProperty.call(counts, r.verdict)) counts[r.verdict]++;
  return { counts, results };
}

async function runReplay() {
  if (rr.running) return;
  const s = search(), f = Object.assign({}, s.f), p = params(f);
  if (f.sort) p.set('sort', f.sort);
  clearInterval(rr.timer);
  rr = Object.assign(fresh(), { running: true, t0: Date.now(), f, found: s.searching ? null : s.total, shown: true });
  const n = rr.seq, qs = p.toString();
  rr.timer = setInterval(tick, 500);
  all();
  $('rr-body').scrollTop = 0;
  try {
    const j = await api('POST', '/api/console/replay' + (qs ? '?' + qs : ''));
    if (n !== rr.seq) return;
    rr.data = normalize(j);
  } catch (e) {
    if (n !== rr.seq) return;
    const m = String((e && e.message) || t('rrFailedShort'));
    rr.err = e && e.status === 401 ? t('errSignIn') : m.charAt(0).toUpperCase() + m.slice(1);
  }
  clearInterval(rr.timer); rr.timer = null;
  rr.running = false; rr.took = Date.now() - rr.t0; rr.at = new Date().toISOString();
  all();
  // Finished out of sight (report hidden, a transcript open, another tab): say so.
  if (session.signedIn() && !(inTranscripts() && visible())) {
    if (rr.err) toast(t('rrFailedToast', { err: rr.err }));
    else toast(t('rrDoneToast', { worse: rr.data.counts.worse, changed: rr.data.counts.changed, same: rr.data.counts.same }), 'info');
  }
}
function tick() {
  if (!rr.running) return;
  const s = elapsed(), x = $('rr-elapsed');
  if (x) x.textContent = s;
  $('tx-rr-run').querySelector('.rr-label').textContent = t('rrRunning', { s });
}
function all() { button(); render(); panels(); view(); }

// The button and its hint follow the search.
export function button() {
  const b = $('tx-rr-run'), n = search().total, none = !n;
  b.disabled = rr.running || none;
  b.setAttribute('aria-busy', String(rr.running));
  b.querySelector('.rr-label').textContent = rr.running ? t('rrRunning', { s: elapsed() }) : t('replayThese');
  b.title = rr.running ? t('rrRunningTitle') : none ? t('rrNothingTitle') : n > MAX ? t('rrFirstTitle', { max: MAX, found: totalText(n) }) : t('rrAllTitle', { n });
  $('tx-rr-hint').textContent = none ? t('rrHintNone') : n > MAX ? t('rrHintFirst', { max: MAX }) : t('rrHintAll', { n });
}

// The report replaces the reader's transcript (or its empty state) while it is shown.
export function panels() {
  const show = visible(), openId = search().openId;
  $('tx-rr').hidden = !show;
  $('tx-conv').hidden = show || !openId;
  $('tx-empty').hidden = show || !!openId;
  for (const b of document.querySelectorAll('.rr-show')) b.hidden = show || !has();
  if (show) playback.pause();
  $('rr-stale').hidden = !rr.data || !rr.f || txHash(rr.f, 0, null) === txHash(search().f, 0, null);
}
function setShown(on) {
  rr.shown = on; rr.openedFrom = null;
  panels(); view();
  if (on) $('rr-h').focus();
}

// A transcript opens (or closes) in the reader: opening one hides the
// report; going back from one opened from the report shows it again.
export function opening(next, prev) {
  if (next) rr.shown = false;
  else if (rr.openedFrom && rr.openedFrom === prev) rr.shown = true;
  rr.openedFrom = next ? rr.openedFrom : null;
}

// What the replay ran on, in words.
function filterText(f) {
  const out = [];
  if (f.q) out.push('“' + line(f.q, 60) + '”');
  if (f.from && f.to) out.push(t('fFromTo', { from: f.from, to: f.to })); else if (f.from) out.push(t('fFrom', { from: f.from })); else if (f.to) out.push(t('fUntil', { to: f.to }));
  if (f.state) out.push(t('state_' + f.state));
  if (f.lang) out.push(langName(f.lang) || f.lang);
  if (f.tool) out.push(t('fUsed', { tool: f.tool }));
  for (const k of ['escalated', 'resolved']) if (f[k]) out.push(t('f_' + k + '_' + (f[k] === 'true' ? 'yes' : 'no')));
  if (f.min_rating && f.max_rating) out.push(f.min_rating + '–' + f.max_rating + ' ★');
  else if (f.min_rating) out.push(t('fAtLeast', { n: f.min_rating })); else if (f.max_rating) out.push(t('fAtMost', { n: f.max_rating }));
  if (f.customer) out.push(t('customerNoLower', { id: f.customer }));
  return out.length ? t('fSearch', { what: out.join(' · ') }) : t('fAll');
}

function render() {
  const box = $('tx-rr'), status = clear($('rr-status')), sum = clear($('rr-summary')), list = clear($('rr-list')), more = $('rr-more');
  box.setAttribute('data-state', rr.running ? 'running' : rr.err ? 'error' : rr.data ? 'done' : 'idle');
  box.setAttribute('aria-busy', String(rr.running));
  const sub = clear($('rr-sub'));
  if (rr.f) add(sub, el('span', null, filterText(rr.f)));
  if (rr.at && !rr.running) add(sub, el('span', { class: 'dim' }, t('rrRan', { at: clock(rr.at), took: secs(rr.took) })));
  sum.hidden = true; more.hidden = true;
  if (rr.running) {
    const n = rr.found ? Math.min(rr.found, MAX) : 0;
    add(status, el('div', { class: 'rr-progress', 'data-console': 'replay-progress' },
      el('div', { class: 'rr-bar', 'aria-hidden': 'true' }, el('span')),
      el('p', null, n ? t('rrReplayingN', { n }) : t('rrReplayingUpTo', { max: MAX }), ' ', el('b', { id: 'rr-elapsed' }, elapsed())),
      el('p', { class: 'dim small' }, t('rrSlow'))));
    return;
  }
  if (rr.err) {
    add(status, el('div', { class: 'rr-err', role: 'alert', 'data-console': 'replay-error' },
      el('p', null, el('b', null, t('rrFailed') + ' '), rr.err),
      el('button', { type: 'button', class: 'btn sm', onclick: runReplay, disabled: !search().total }, t('tryAgain'))));
    return;
  }
  if (!rr.data) return;
  const res = rr.data.results, c = rr.data.counts;
  if (!res.length) { add(status, el('p', { class: 'rr-empty' }, t('rrEmpty'))); return; }
  sum.hidden = false;
  add(sum, [VERDICTS.map((v) => el('div', { class: 'rr-count v-' + v + (c[v] ? '' : ' zero'), 'data-verdict': v, 'data-count': String(c[v]), title: vTitle(v) },
    el('b', null, num(c[v])), el('span', null, vLabel(v)))), el('p', { class: 'rr-of' }, t('rrOf', { n: res.length }))]);
  if (rr.found != null && rr.found > res.length) {
    more.hidden = false;
    more.textContent = t('rrMore', { found: totalText(rr.found), n: res.length });
  }
  add(list, res.map(item));
}

function item(r, k) {
  const v = r.verdict, n = r.turns.length, diff = [], id = r.id, bid = 'rr-d-' + k, isOpen = !!rr.open[id + '#' + r.i];
  r.turns.forEach((x, i) => { if (verdict(x.verdict) !== 'same') diff.push([x, i]); });
  const s = search(), conv = s.list.find((c) => c.id === id), first = r.turns.length ? r.turns[0].shopper : '';
  const detail = el('div', { class: 'rr-detail', id: bid, hidden: !isOpen },
    diff.length ? diff.map((x) => turn(x[0], x[1], n)) : el('p', { class: 'rr-allsame' }, t(n ? 'rrAllSame' : 'rrNoTurns')));
  const toggle = el('button', {
    type: 'button', class: 'rr-toggle', 'data-console': 'replay-toggle', 'aria-expanded': String(isOpen), 'aria-controls': bid,
    onclick() {
      const on = this.getAttribute('aria-expanded') !== 'true';
      this.setAttribute('aria-expanded', String(on));
      detail.hidden = !on;
      rr.open[id + '#' + r.i] = on;
    },
  },
  el('span', { class: 'caret', 'aria-hidden': 'true' }),
  el('span', { class: 'rr-v v-' + v, title: vTitle(v) }, vLabel(v)),
  el('span', { class: 'rr-what' },
    el('span', { class: 'rr-first' }, first ? '“' + line(first, 120) + '”' : t('rrNoShopper')),
    el('span', { class: 'rr-meta' },
      conv ? el('span', { class: 'rr-name' + (conv.customer ? '' : ' guest') }, custName(conv)) : null,
      el('span', { class: 'id', title: id }, '#' + id.slice(0, 8)),
      el('span', null, !n ? t('rrNoBotTurns') : diff.length ? t('rrDiffer', { d: diff.length, n }) : t('rrSame', { n })))));
  const link = id ? el('a', {
    class: 'rr-open', 'data-console': 'replay-open', 'data-id': id, href: txHash(s.f, s.offset, id), title: t('rrOpenTitle'),
    onclick(e) {
      if (e.button || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return; // a new tab: the link as it is
      e.preventDefault();
      rr.shown = false; rr.openedFrom = id;
      go(txHash(s.f, s.offset, id));
      panels(); view();
    },
  }, t('rrOpen')) : null;
  return el('li', { class: 'rr-item v-' + v, 'data-console': 'replay-result', 'data-verdict': v, 'data-id': id }, el('div', { class: 'rr-row' }, toggle, link), detail);
}

function turn(x, i, n) {
  const v = verdict(x.verdict), rec = x.recorded && typeof x.recorded === 'object' ? x.recorded : {}, now = x.replayed && typeof x.replayed === 'object' ? x.replayed : {};
  const why = arr(x.why).filter((w) => w != null && w !== '');
  const marks = toolDiff(arr(rec.tools), arr(now.tools));
  return el('section', { class: 'rr-turn v-' + v, 'data-console': 'replay-turn', 'data-verdict': v, 'data-index': String(i) },
    el('div', { class: 'rr-turn-h' }, el('span', { class: 'rr-v v-' + v }, vLabel(v)), el('span', { class: 'dim small' }, t('turnOf', { i: String(i + 1), n: String(n) }))),
    el('div', { class: 'rr-shopper' }, el('span', { class: 'rr-k' }, t('shopper')), el('div', { class: 'txt' }, x.shopper != null && x.shopper !== '' ? String(x.shopper) : t('noText'))),
    why.length ? el('ul', { class: 'rr-why', 'data-console': 'replay-why', 'aria-label': t('why') }, why.map((w) => el('li', null, typeof w === 'string' ? w : line(JSON.stringify(w), 300)))) : null,
    el('div', { class: 'rr-sides' }, side(t('recorded'), 'recorded', rec, marks[0]), side(t('now'), 'replayed', now, marks[1])));
}
function side(title, key, r, marks) {
  const tools = arr(r.tools), answer = r.answer == null ? '' : String(r.answer);
  return el('div', { class: 'rr-side rr-' + key, 'data-side': key },
    el('h4', null, title, key === 'replayed' ? el('span', { class: 'dim' }, t('currentAgent')) : null),
    el('div', { class: 'rr-k' }, t('tools')),
    tools.length ? el('ul', { class: 'rr-tools' }, tools.map((x, i) => {
      x = x && typeof x === 'object' ? x : {};
      return el('li', {
        class: 'rr-tool' + (marks[i] ? ' ' + marks[i] : ''), 'data-tool': String(x.name || ''), 'data-status': String(x.status || ''),
        title: marks[i] === 'gone' ? t('toolGoneTitle') : marks[i] === 'new' ? t('toolNewTitle') : null,
      },
      el('code', { class: 'rr-tname' }, String(x.name || t('unnamedTool'))), status(x.status),
      marks[i] ? el('span', { class: 'sr' }, t(marks[i] === 'gone' ? 'toolGone' : 'toolNew')) : null);
    })) : el('p', { class: 'rr-none' }, t('noTools')),
    el('div', { class: 'rr-k' }, t('answer')),
    answer ? el('div', { class: 'rr-answer txt' }, answer) : el('p', { class: 'rr-none' }, t('noAnswer')));
}
function status(s) {
  s = s == null ? '' : String(s);
  const tone = !s ? 'none' : s === 'ok' ? 'ok' : /error|invalid|refused|fail/.test(s) ? 'bad' : /not_found|needs/.test(s) ? 'warn' : 'info';
  const key = 'outcome_' + s, label = s ? t(key) : t('toolNoResult');
  return el('span', { class: 'rr-st t-' + tone }, label === key ? s.replace(/_/g, ' ') : label);
}
// The calls one side has and the other does not (by name and status, counted).
function toolDiff(a, b) {
  const key = (x) => (x && typeof x === 'object' ? String(x.name) + '|' + String(x.status) : '?');
  function marks(x, y, tag) {
    const left = {};
    for (const z of y) { const k = key(z); left[k] = (left[k] || 0) + 1; }
    return x.map((z) => { const k = key(z); if (left[k]) { left[k]--; return ''; } return tag; });
  }
  return [marks(a, b, 'gone'), marks(b, a, 'new')];
}

$('tx-rr-run').addEventListener('click', runReplay);
$('rr-close').addEventListener('click', () => { setShown(false); $('tx-rr-run').focus(); });
$('rr-back').addEventListener('click', () => { setShown(false); $('tx-rr-run').focus(); });
for (const b of document.querySelectorAll('.rr-show')) b.addEventListener('click', () => setShown(true));
// Picking a result reads it, even the one open under the report.
$('tx-list').addEventListener('click', (e) => {
  const a = e.target.closest && e.target.closest('[data-console=result]');
  if (!a || !rr.shown || e.button || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
  rr.shown = false; rr.openedFrom = null;
  panels(); view();
});

// Esc on a narrow screen: back from the report to the results.
export function back() { if (!visible()) return false; $('rr-back').click(); return true; }

export function rerender() { button(); render(); }

export function reset() {
  clearInterval(rr.timer);
  rr = fresh();
  clear($('rr-status')); clear($('rr-summary')); clear($('rr-list')); clear($('rr-sub'));
  $('rr-summary').hidden = true; $('rr-more').hidden = true;
  panels(); button();
}
