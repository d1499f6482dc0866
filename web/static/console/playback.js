// One transcript in the reader: read it whole, or replay it as it
// happened (the original gaps divided by the speed, a long pause capped),
// and export it.
import { $, el, add, clear, highlight, store } from './dom.js';
import { t } from './i18n.js';
import { api, fail, convPath } from './api.js';
import { entry } from './entries.js';
import { day, clock, dur, fullTime, langTag, custName, stars } from './format.js';
import { convHash } from './links.js';

const GAP_CAP = 5000; // the longest pause a replay makes at 1×

let rp = null; // {id, conv, entries, times, nodes, shown, lastDay, playing, timer, due, wait, sp, words, loaded, failed}

const exportURL = (format, id) => '/api/console/transcripts/export?' + new URLSearchParams({ format, id }).toString();

// open shows transcript id (known: its summary from the results, if any;
// words: the search's, marked in the text); null closes the reader.
export function open(id, known, words) {
  stop();
  if (!id) { rp = null; return; }
  rp = { id, conv: known, entries: [], times: [], nodes: [], shown: 0, lastDay: '', playing: false, timer: null, due: 0, wait: null, sp: 1, words, loaded: false, failed: '' };
  $('tx-conv-jsonl').setAttribute('href', exportURL('jsonl', id));
  $('tx-conv-csv').setAttribute('href', exportURL('csv', id));
  $('tx-conv-jsonl').setAttribute('download', 'kefu-conversation-' + id.slice(0, 8) + '.jsonl');
  $('tx-conv-csv').setAttribute('download', 'kefu-conversation-' + id.slice(0, 8) + '.csv');
  $('tx-in-inbox').setAttribute('href', convHash(id));
  head();
  placeholder('loading');
  controls();
  api('GET', convPath(id)).then((j) => {
    if (!rp || rp.id !== id) return;
    rp.conv = (j && j.conversation) || known;
    rp.entries = ((j && Array.isArray(j.timeline) && j.timeline) || []).filter((e) => e && typeof e === 'object');
    rp.times = rp.entries.map((e) => Date.parse(e.at));
    rp.loaded = true;
    head();
    show(rp.entries.length, false); // all of it to read; Play replays it from the start
    const box = $('tx-transcript'), m = box.querySelector('mark');
    box.scrollTop = 0;
    if (m) m.scrollIntoView({ block: 'center' });
  }).catch((e) => {
    if (!rp || rp.id !== id) return;
    rp.failed = e.status === 404 ? 'txGone' : 'convFailed';
    placeholder(rp.failed);
    if (e.status !== 404) fail(e);
  });
}

function placeholder(key) { clear($('tx-transcript')).appendChild(el('p', { class: 'dim pad' }, t(key))); }

function head() {
  const c = rp.conv, name = $('tx-name'), sub = clear($('tx-sub'));
  name.textContent = c ? custName(c) : rp.loaded ? t('guest') : '…';
  name.classList.toggle('guest', !c || !c.customer);
  const first = rp.times[0], last = rp.times[rp.times.length - 1];
  add(sub, [
    c ? el('span', { class: 'st st-' + String(c.state).replace(/[^a-z]/g, '') }, t('state_' + c.state)) : null,
    c ? el('span', { class: 'lang' }, langTag(c.locale)) : null,
    c && c.assigned ? el('span', { class: 'dim' }, t('withName', { name: c.assigned.name })) : null,
    c ? stars(c.rating) : null,
    !isNaN(first) ? el('span', { class: 'dim', title: fullTime(rp.entries[0].at) + ' – ' + fullTime(rp.entries[rp.entries.length - 1].at) },
      t('startedLasted', { when: fullTime(rp.entries[0].at), dur: dur(last - first) })) : null,
    el('span', { class: 'dim id', title: rp.id }, '#' + String(rp.id).slice(0, 8)),
  ]);
}

// Entry i as the reader shows it: times with seconds, the search words marked.
function node(i) {
  if (rp.nodes[i]) return rp.nodes[i];
  const n = entry(rp.entries[i], rp.conv);
  n.setAttribute('data-console', 'replay-entry');
  n.setAttribute('data-index', String(i));
  for (const tm of n.querySelectorAll('time[datetime]')) tm.textContent = clock(tm.getAttribute('datetime'));
  if (rp.words.length) for (const x of n.querySelectorAll('.txt')) highlight(x, rp.words);
  return (rp.nodes[i] = n);
}

// Shows the first n entries (going back clears and rebuilds).
function show(n, animate) {
  const box = $('tx-transcript'), N = rp.entries.length;
  n = Math.max(0, Math.min(N, n));
  if (n < rp.shown || !rp.shown) { clear(box); rp.shown = 0; rp.lastDay = ''; }
  const ph = box.querySelector('p.pad');
  if (ph && n) ph.remove();
  for (let i = rp.shown; i < n; i++) {
    const d = day(rp.entries[i].at);
    if (d && d !== rp.lastDay) { box.appendChild(el('div', { class: 'day', role: 'separator' }, d)); rp.lastDay = d; }
    const x = node(i);
    x.classList.toggle('appear', !!animate);
    box.appendChild(x);
  }
  rp.shown = n;
  if (!box.firstChild) box.appendChild(el('p', { class: 'dim pad' }, t(N ? 'pressPlay' : 'noMessagesConv')));
  controls();
}
function toEnd() { const b = $('tx-transcript'); requestAnimationFrame(() => { b.scrollTop = b.scrollHeight; }); }
function speed() { const v = $('rp-speed').value; return v === 'instant' ? 0 : (+v || 1); }
// The wait before entry i at 1×: the gap since the one before, at most GAP_CAP.
function gap(i) { const g = rp.times[i] - rp.times[i - 1]; return isNaN(g) || g < 0 ? 0 : Math.min(GAP_CAP, g); }

function schedule() {
  clearTimeout(rp.timer); rp.timer = null;
  if (!rp.playing) { controls(); return; }
  const N = rp.entries.length, sp = speed();
  if (rp.shown >= N) { rp.playing = false; controls(); return; }
  if (!sp) { rp.playing = false; rp.wait = null; show(N, true); toEnd(); return; }
  const d = rp.wait != null ? rp.wait : rp.shown ? gap(rp.shown) / sp : 0, me = rp;
  rp.wait = null; rp.sp = sp; rp.due = Date.now() + d;
  rp.timer = setTimeout(() => {
    if (rp !== me || !me.playing) return;
    me.timer = null;
    show(me.shown + 1, true);
    toEnd();
    schedule();
  }, d);
  controls();
}
function play() {
  if (!rp || !rp.loaded || !rp.entries.length || rp.playing) return;
  if (rp.shown >= rp.entries.length) { rp.wait = null; show(0, false); }
  rp.playing = true;
  schedule();
}
export function pause() {
  if (!rp || !rp.playing) return;
  rp.wait = rp.timer ? Math.max(0, rp.due - Date.now()) : null; // resumes where it stopped
  clearTimeout(rp.timer); rp.timer = null;
  rp.playing = false;
  controls();
}
function stop() { if (rp) { clearTimeout(rp.timer); rp.timer = null; rp.playing = false; } }

function controls() {
  const b = $('rp-play'), N = rp ? rp.entries.length : 0, shown = rp ? rp.shown : 0, playing = !!(rp && rp.playing);
  const ended = N > 0 && shown >= N && !playing;
  b.querySelector('.rp-ic').textContent = playing ? '❚❚' : '▶';
  b.querySelector('.rp-label').textContent = t(playing ? 'pause' : 'play');
  b.title = t(playing ? 'pauseTitle' : shown && !ended ? 'goOnTitle' : 'playTitle');
  b.disabled = !rp || !rp.loaded || !N;
  $('replay').setAttribute('data-state', playing ? 'playing' : ended ? 'ended' : 'paused');
  const pos = $('rp-pos');
  pos.max = String(N); pos.value = String(shown); pos.disabled = b.disabled;
  const t0 = rp && rp.times[0], el0 = shown && !isNaN(t0) ? rp.times[shown - 1] - t0 : 0, all = N && !isNaN(t0) ? rp.times[N - 1] - t0 : 0;
  $('rp-text').textContent = shown + ' / ' + N + (N ? ' · ' + t('durOf', { at: dur(el0), all: dur(all) }) : '');
  pos.setAttribute('aria-valuetext', t('entryOf', { i: String(shown), n: String(N) }));
}

$('rp-play').addEventListener('click', () => { if (rp && rp.playing) pause(); else play(); });
$('rp-speed').addEventListener('change', function () {
  store.set('kefu.console.speed', this.value);
  if (!rp) return;
  const sp = speed();
  if (rp.playing) {
    const left = Math.max(0, rp.due - Date.now());
    clearTimeout(rp.timer); rp.timer = null;
    rp.wait = sp ? left * rp.sp / sp : 0;
    schedule();
  } else if (rp.wait != null) rp.wait = sp ? rp.wait * rp.sp / sp : 0;
  rp.sp = sp || rp.sp;
});
$('rp-pos').addEventListener('input', function () {
  if (!rp || !rp.loaded) return;
  pause();
  rp.wait = null;
  show(+this.value, false);
  toEnd();
});
{
  const sp0 = store.get('kefu.console.speed');
  if (/^(1|4|instant)$/.test(sp0 || '')) $('rp-speed').value = sp0;
}

// Another language: the same entries, in new words.
export function rerender() {
  controls();
  if (!rp) return;
  head();
  if (!rp.loaded) { placeholder(rp.failed || 'loading'); return; }
  const n = rp.shown;
  rp.nodes = [];
  rp.shown = 0;
  show(n, false);
}

export function reset() { stop(); rp = null; clear($('tx-transcript')); controls(); }
