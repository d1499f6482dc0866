// The dashboard: how support went over a range of days.
// #dashboard?from=…&to=…&lang=zh (both days included; no dates: the
// server's last 30 days).
import { $, el, add, clear } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';
import { go, hashParse, hashOf } from './router.js';
import { ISO_DAY, arr, n0, num, pct, secText, dayText, addDays, isoDayOf, nextDay, langName } from './format.js';

const KEYS = ['from', 'to', 'lang'];
const FIELDS = { from: 'd-from', to: 'd-to', lang: 'd-lang' };
const STALE = 60000; // coming back after this long fetches again
const TABLES = ['d-kpis', 'd-chart-conv', 'd-chart-rate', 'd-chart-frt', 'd-chart-csat', 'd-days-body', 'd-days-foot', 'd-tools'];

let dash = fresh();
function fresh() { return { f: {}, key: null, force: false, seq: 0, at: 0, hash: '#dashboard', data: null, err: null, last: '' }; }

export const isHash = (h) => /^#dashboard(\?|$)/.test(h || '');
export const lastHash = () => dash.hash;

export function route() {
  dash.hash = location.hash;
  const f = hashParse(location.hash, KEYS);
  if (f.lang && !/^(en|zh)$/.test(f.lang)) delete f.lang;
  for (const k of ['from', 'to']) if (f[k] && !ISO_DAY.test(f[k])) delete f[k];
  const key = JSON.stringify(f);
  if (key !== dash.key || dash.force || Date.now() - dash.at > STALE) {
    dash.f = f; dash.key = key;
    fill();
    load();
  }
}
function fill() { for (const [k, id] of Object.entries(FIELDS)) $(id).value = dash.f[k] || ''; formError(''); }
function formError(msg, field) { const p = $('d-err'); p.textContent = msg; p.hidden = !msg; if (field) $(field).focus(); }
function read(quiet) {
  const f = {};
  for (const [k, id] of Object.entries(FIELDS)) { const v = $(id).value.trim(); if (v) f[k] = v; }
  const bad = ['from', 'to'].find((k) => f[k] && !ISO_DAY.test(f[k]));
  if (bad) { formError(t('errDate'), quiet ? null : FIELDS[bad]); return null; }
  if (f.from && f.to && f.from > f.to) { formError(t('errFromAfterTo'), quiet ? null : 'd-from'); return null; }
  formError('');
  return f;
}
function apply(quiet) {
  const f = read(quiet);
  if (!f) return;
  dash.force = true; // again even when nothing changed: there may be new conversations
  go(hashOf('#dashboard', f, KEYS));
}
$('d-form').addEventListener('submit', (e) => { e.preventDefault(); apply(false); });
for (const x of [$('d-lang'), $('d-from'), $('d-to')]) x.addEventListener('change', () => apply(true));
for (const b of document.querySelectorAll('#d-form [data-days]')) {
  b.addEventListener('click', () => {
    // Counted back from the server's today (the last day of its default range), not this computer's.
    const n = +b.getAttribute('data-days'), f = { lang: $('d-lang').value }, end = dash.last || new Date().toISOString().slice(0, 10);
    if (n !== 30) { f.to = end; f.from = addDays(end, 1 - n); } // 30 days: the default range, which moves with the days
    dash.force = true;
    go(hashOf('#dashboard', f, KEYS));
  });
}

async function load() {
  const f = dash.f, p = new URLSearchParams(), n = ++dash.seq;
  if (f.from) p.set('from', f.from);
  if (f.to) p.set('to', nextDay(f.to)); // the server's "to" is the first day not counted
  if (f.lang) p.set('lang', f.lang);
  dash.force = false; dash.at = Date.now();
  $('dash-body').setAttribute('aria-busy', 'true');
  if (!dash.data) $('d-range').textContent = t('loading');
  const qs = p.toString();
  try {
    const j = await api('GET', '/api/console/stats' + (qs ? '?' + qs : ''));
    if (n !== dash.seq) return;
    dash.data = j && typeof j === 'object' ? j : {};
    dash.err = '';
  } catch (e) {
    if (n !== dash.seq) return;
    dash.data = null; dash.key = null;
    dash.err = e.status === 401 ? '' : e.message || t('statsFailed');
  }
  render();
}

function totals(days) {
  const s = { conversations: 0, resolved: 0, assumed: 0, handoffs: 0, ratings: 0, happy: 0, coupons: 0, clicks: 0, hasClicks: false, frN: 0, frSum: 0 };
  for (const d of days) {
    const c = n0(d.conversations), r = n0(d.ratings), fr = n0(d.first_response_seconds);
    s.conversations += c; s.resolved += n0(d.resolved_by_bot); s.assumed += n0(d.assumed_resolved); s.handoffs += n0(d.handoffs);
    s.ratings += r; s.happy += n0(d.csat) * r;
    s.coupons += n0(d.coupons);
    if (d.recommendation_clicks != null) { s.hasClicks = true; s.clicks += n0(d.recommendation_clicks); }
    if (fr > 0 && c > 0) { s.frN += c; s.frSum += fr * c; } // each day's mean, weighted by its conversations
  }
  s.resolution = s.conversations ? s.resolved / s.conversations : null;
  s.assumedRate = s.conversations ? s.assumed / s.conversations : null;
  s.handoff = s.conversations ? s.handoffs / s.conversations : null;
  s.csat = s.ratings ? s.happy / s.ratings : null;
  s.fr = s.frN ? s.frSum / s.frN : null;
  return s;
}
function kpi(key, label, value, sub, raw) {
  return el('div', { class: 'kpi', 'data-console': 'kpi', 'data-kpi': key, 'data-value': raw == null || !isFinite(raw) ? '' : String(raw) },
    el('div', { class: 'kpi-label' }, label), el('div', { class: 'kpi-value' }, value), el('div', { class: 'kpi-sub' }, sub || '\u00a0'));
}
// Every day of the range, the days without conversations too (so the bars keep time), up to a year and a bit.
function allDays(days, from, last) {
  if (!from || !last || from > last) return days;
  const by = {}, out = [];
  for (const d of days) by[d.day] = d;
  for (let d = from, i = 0; d && d <= last; d = addDays(d, 1), i++) {
    if (i > 400) return days;
    out.push(by[d] || { day: d, empty: true });
  }
  return out;
}
// Bars drawn with divs, one a day; each bar stacks its series' parts. o.max: the top of the scale.
function barChart(box, days, series, o) {
  clear(box);
  const sums = days.map((d) => (d.empty ? 0 : series.reduce((s, x) => s + Math.max(0, n0(x.get(d))), 0)));
  const max = o.max || Math.max(0, ...sums);
  const have = days.some((d, i) => !d.empty && (o.has ? o.has(d) : sums[i] > 0));
  if (!days.length || !have) { box.appendChild(el('p', { class: 'chart-none' }, o.none || t('chartNone'))); return; }
  const plot = el('div', { class: 'plot' + (days.length > 60 ? ' dense' : '') });
  for (const d of days) {
    const has = !d.empty && (!o.has || o.has(d));
    const bar = el('div', { class: 'bar' + (has ? '' : ' nodata'), 'data-day': d.day,
      title: dayText(d.day, { weekday: 'short', month: 'short', day: 'numeric' }) + ': ' + (d.empty ? t('tipNoConvs') : o.tip(d)) });
    if (has) {
      for (const x of series) {
        const v = Math.max(0, n0(x.get(d)));
        if (!v || !max) continue;
        const part = el('span', { class: 'part ' + x.cls });
        part.style.height = Math.min(100, (v / max) * 100) + '%';
        bar.appendChild(part);
      }
    }
    plot.appendChild(bar);
  }
  const mid = days[Math.floor((days.length - 1) / 2)];
  add(box, [
    el('div', { class: 'axis-y', 'aria-hidden': 'true' }, el('span', null, o.fmt(max)), el('span', null, '0')),
    el('div', { class: 'plot-wrap' }, plot,
      el('div', { class: 'axis-x', 'aria-hidden': 'true' }, el('span', null, dayText(days[0].day)),
        days.length > 2 ? el('span', null, dayText(mid.day)) : null, days.length > 1 ? el('span', null, dayText(days[days.length - 1].day)) : null)),
  ]);
  box.setAttribute('role', 'img');
  box.setAttribute('aria-label', o.label);
}

const LONG = { year: 'numeric', month: 'short', day: 'numeric' };

function render() {
  if (dash.err == null) return; // nothing loaded yet
  const err = dash.err, j = dash.data || {};
  $('dash-body').removeAttribute('aria-busy');
  const days = arr(j.days).filter((d) => d && typeof d === 'object' && ISO_DAY.test(d.day || ''))
    .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const from = isoDayOf(j.from), last = j.to ? addDays(isoDayOf(j.to), -1) : '';
  if (!dash.f.to && !dash.f.from && last) dash.last = last; // the server's today, for the quick ranges
  renderRange(err, from, last);
  if (err) {
    add(clear($('d-kpis')), el('p', { class: 'none err', role: 'alert' }, err));
    for (const id of TABLES.slice(1)) clear($(id));
    return;
  }
  const s = totals(days);
  renderKpis(s, days.length);
  renderCharts(allDays(days, from, last), s);
  renderDays(days, s);
  renderTools(j.tools);
}

// The range in words, and which quick range it is.
function renderRange(err, from, last) {
  $('d-range').textContent = err || !(from && last) ? '' : t('dRange', {
    from: dayText(from, LONG), to: dayText(last, LONG),
    dflt: dash.f.from || dash.f.to ? '' : t('dLast30'),
    langs: dash.f.lang ? t('dLangConvs', { lang: langName(dash.f.lang) }) : t('dAllLangs'),
  });
  for (const b of document.querySelectorAll('#d-form [data-days]')) {
    const n = +b.getAttribute('data-days');
    const on = !err && from && last && (n === 30 ? !dash.f.from && !dash.f.to : dash.last && last === dash.last && addDays(last, 1 - n) === from);
    b.setAttribute('aria-pressed', String(!!on));
  }
}

function renderKpis(s, nd) {
  add(clear($('d-kpis')), [
    kpi('conversations', t('kConvs'), num(s.conversations), nd ? t('kOnDays', { n: nd }) : t('kNoneInRange'), s.conversations),
    kpi('resolution_rate', t('kResolution'), pct(s.resolution), s.conversations ? t('kByBot', { n: s.resolved }) : '', s.resolution),
    // Beside the confirmed ones: the bot's conversations left without a handoff and not come back to in 24 hours.
    kpi('assumed_resolution_rate', t('kAssumed'), pct(s.assumedRate), s.conversations ? t('kAssumedN', { n: s.assumed }) : '', s.assumedRate),
    kpi('handoff_rate', t('kHandoff'), pct(s.handoff), s.conversations ? t('kHanded', { n: s.handoffs }) : '', s.handoff),
    kpi('first_response_seconds', t('kFirstResponse'), secText(s.fr), s.fr != null ? t('kToFirst') : t('kNoAnswers'), s.fr),
    kpi('csat', t('kCsat'), pct(s.csat), s.ratings ? t('kOfRatings', { n: s.ratings }) : t('kNoRatings'), s.csat),
    kpi('coupons', t('kCoupons'), num(s.coupons), t('kGiven'), s.coupons),
    kpi('recommendation_clicks', t('kClicks'), s.hasClicks ? num(s.clicks) : '—', t(s.hasClicks ? 'kOnSuggested' : 'kNotCounted'), s.hasClicks ? s.clicks : null),
  ]);
}

function renderCharts(all, s) {
  const other = (d) => Math.max(0, n0(d.conversations) - n0(d.resolved_by_bot) - n0(d.handoffs));
  barChart($('d-chart-conv'), all, [
    { cls: 's-bot', get: (d) => d.resolved_by_bot },
    { cls: 's-ho', get: (d) => d.handoffs },
    { cls: 's-rest', get: other },
  ], { fmt: num, label: t('cConvLabel', { n: s.conversations }),
    tip: (d) => t('cConvTip', { n: n0(d.conversations), bot: n0(d.resolved_by_bot), ho: n0(d.handoffs) }) });
  barChart($('d-chart-rate'), all, [
    { cls: 's-bot', get: (d) => d.resolution_rate },
    { cls: 's-ho', get: (d) => d.handoff_rate },
    { cls: 's-rest', get: (d) => Math.max(0, 1 - n0(d.resolution_rate) - n0(d.handoff_rate)) },
  ], { max: 1, fmt: pct, label: t('cRateLabel', { res: pct(s.resolution), ho: pct(s.handoff) }),
    has: (d) => n0(d.conversations) > 0,
    tip: (d) => t('cRateTip', { res: pct(n0(d.resolution_rate)), ho: pct(n0(d.handoff_rate)) }) });
  barChart($('d-chart-frt'), all, [{ cls: 's-frt', get: (d) => d.first_response_seconds }],
    { fmt: secText, label: t('cFrtLabel', { v: secText(s.fr) }), none: t('cFrtNone'), tip: (d) => secText(n0(d.first_response_seconds)) });
  barChart($('d-chart-csat'), all, [{ cls: 's-csat', get: (d) => d.csat }],
    { max: 1, fmt: pct, label: t('cCsatLabel', { v: pct(s.csat) }), none: t('cCsatNone'),
      has: (d) => n0(d.ratings) > 0,
      tip: (d) => (n0(d.ratings) ? t('cCsatTip', { v: pct(n0(d.csat)), n: n0(d.ratings) }) : t('kNoRatings')) });
}

// The table by day, newest first, with the range's totals.
function renderDays(days, s) {
  const tb = clear($('d-days-body')), tf = clear($('d-days-foot'));
  if (!days.length) { tb.appendChild(el('tr', null, el('td', { colspan: '11', class: 'none' }, t('dNoConvs')))); return; }
  for (const d of days.slice().reverse()) {
    const c = n0(d.conversations), cell = (col, v) => el('td', { class: 'num', 'data-col': col }, v);
    tb.appendChild(el('tr', { 'data-console': 'day-row', 'data-day': d.day },
      el('th', { scope: 'row' }, el('time', { datetime: d.day }, dayText(d.day, { weekday: 'short', ...LONG }))),
      cell('conversations', num(c)),
      cell('resolved_by_bot', num(n0(d.resolved_by_bot))),
      cell('handoffs', num(n0(d.handoffs))),
      cell('resolution_rate', c ? pct(n0(d.resolution_rate)) : '—'),
      cell('handoff_rate', c ? pct(n0(d.handoff_rate)) : '—'),
      cell('first_response_seconds', secText(n0(d.first_response_seconds))),
      cell('ratings', num(n0(d.ratings))),
      cell('csat', n0(d.ratings) ? pct(n0(d.csat)) : '—'),
      cell('coupons', num(n0(d.coupons))),
      cell('recommendation_clicks', d.recommendation_clicks == null ? '—' : num(n0(d.recommendation_clicks)))));
  }
  const td = (v) => el('td', { class: 'num' }, v);
  tf.appendChild(el('tr', { 'data-console': 'day-total' }, el('th', { scope: 'row' }, t('dAllDays', { n: days.length })),
    td(num(s.conversations)), td(num(s.resolved)), td(num(s.handoffs)), td(pct(s.resolution)), td(pct(s.handoff)), td(secText(s.fr)),
    td(num(s.ratings)), td(pct(s.csat)), td(num(s.coupons)), td(s.hasClicks ? num(s.clicks) : '—')));
}

function renderTools(tools) {
  const tbl = clear($('d-tools')), m = tools && typeof tools === 'object' && !Array.isArray(tools) ? tools : {};
  const names = Object.keys(m).filter((k) => m[k] && typeof m[k] === 'object'), outs = new Set();
  for (const k of names) for (const o of Object.keys(m[k])) outs.add(o);
  const cols = [...outs].sort((a, b) => (a === 'ok' ? -1 : b === 'ok' ? 1 : a < b ? -1 : a > b ? 1 : 0));
  const total = (k) => Object.keys(m[k]).reduce((s, o) => s + n0(m[k][o]), 0);
  // A preview waiting for the shopper's yes is a change tool doing its job, not a failure.
  const fine = (o) => o === 'ok' || o === 'needs_confirmation';
  const good = (row) => n0(row.ok) + n0(row.needs_confirmation);
  if (!names.length) { tbl.appendChild(el('tbody', null, el('tr', null, el('td', { class: 'none' }, t('toolsNone'))))); return; }
  names.sort((a, b) => total(b) - total(a) || (a < b ? -1 : 1));
  const outcome = (o) => { const k = 'outcome_' + o, s = t(k); return s === k ? o.replace(/_/g, ' ') : s; };
  tbl.appendChild(el('thead', null, el('tr', null, el('th', { scope: 'col' }, t('tTool')), el('th', { scope: 'col', class: 'num' }, t('tCalls')),
    cols.map((o) => el('th', { scope: 'col', class: 'num', 'data-outcome': o }, outcome(o))),
    el('th', { scope: 'col', class: 'ok-col' }, t('tOkShare')))));
  const sums = {};
  let everything = 0;
  tbl.appendChild(el('tbody', null, names.map((k) => {
    const n = total(k), ok = good(m[k]), meter = el('span', { class: 'meter-fill' });
    meter.style.width = (n ? (ok / n) * 100 : 0) + '%';
    everything += n;
    return el('tr', { 'data-console': 'tool-row', 'data-tool': k },
      el('th', { scope: 'row' }, el('code', null, k)), el('td', { class: 'num', 'data-outcome': 'total' }, num(n)),
      cols.map((o) => {
        const v = n0(m[k][o]);
        sums[o] = (sums[o] || 0) + v;
        return el('td', { class: 'num' + (v ? '' : ' zero') + (!fine(o) && v ? ' warnv' : ''), 'data-outcome': o }, v ? num(v) : '–');
      }),
      el('td', { class: 'ok-col' }, el('span', { class: 'meter', 'aria-hidden': 'true' }, meter), el('span', { class: 'meter-t' }, n ? pct(ok / n) : '—')));
  })));
  tbl.appendChild(el('tfoot', null, el('tr', null, el('th', { scope: 'row' }, t('tAllTools')), el('td', { class: 'num' }, num(everything)),
    cols.map((o) => el('td', { class: 'num' }, num(sums[o] || 0))),
    el('td', { class: 'ok-col' }, everything ? pct(good(sums) / everything) : '—'))));
}

export function rerender() { render(); }

export function reset() {
  dash = fresh();
  fill();
  for (const id of TABLES) clear($(id));
  $('d-range').textContent = '';
}
