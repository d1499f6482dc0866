// The inbox: every listed conversation's summary, in sections (waiting,
// bot, mine, colleagues', closed), the waiting badge and the page title.
// It owns the summaries; the open conversation reads them from here.
import { $, el, clear, focusedId, store } from './dom.js';
import { t } from './i18n.js';
import { api, fail } from './api.js';
import * as session from './session.js';
import { beep } from './sound.js';
import { when, fullTime, ago, waitTone, langTag, custName, stars, lastWho } from './format.js';
import { convHash } from './links.js';

const CLOSED_LIMIT = 30;
const SEEN_KEEP = 300;

let convs = {};   // id -> Summary
let touched = {}; // id -> when a frame last changed it (a list fetched before that is older)
let openId = null;
let seen = {};    // id -> the time of the last message the staff member saw in it
let collapsed = store.json('kefu.console.collapsed', { closed: true });
const listeners = [];

export const get = (id) => convs[id] || null;
export const all = () => Object.values(convs);
// fn(id, summary) after a conversation changed; summary is null when it left.
export function onChange(fn) { listeners.push(fn); }
const changed = (id) => listeners.forEach((fn) => fn(id, convs[id] || null));

// Assigned to the signed-in staff member and not closed: in "Mine",
// whatever the state (the backend's ?state=mine says the same).
const mine = (c) => session.isMine(c) && c.state !== 'closed';

export function stateLabel(c) {
  if (c.state === 'human') return c.assigned ? (session.isMine(c) ? t('you') : c.assigned.name) : t('stateHuman');
  const k = { queued: 'stateQueued', bot: 'stateBot', closed: 'stateClosed' }[c.state];
  return k ? t(k) : String(c.state || '');
}

// ---- unread: a shopper's message in a conversation of mine that I have not seen open
function seenKey() { const s = session.staff(); return s ? 'kefu.console.seen.' + s.id : ''; }
function markSeen(c) {
  const at = c && c.last_message && c.last_message.at;
  if (!at || seen[c.id] === at) return;
  seen[c.id] = at;
  const ids = Object.keys(seen);
  if (ids.length > SEEN_KEEP) {
    ids.sort((a, b) => Date.parse(seen[a]) - Date.parse(seen[b])).slice(0, ids.length - SEEN_KEEP).forEach((k) => delete seen[k]);
  }
  if (seenKey()) store.set(seenKey(), JSON.stringify(seen));
}
function unread(c) {
  const lm = c.last_message;
  if (c.id === openId || !lm || lm.role !== 'user' || !mine(c)) return false;
  return !seen[c.id] || Date.parse(lm.at) > Date.parse(seen[c.id]);
}

// ---- the summaries
export function begin() { seen = seenKey() ? store.json(seenKey(), {}) : {}; }

export function reset() {
  convs = {}; touched = {}; openId = null; seen = {};
  clear($('inbox'));
  setTitle();
}

// Fetches every list; beepNew: beep for anyone who started waiting since
// the last fetch (the socket was away). It resolves to whether the open
// conversation was in the lists (when not, it may have been erased from
// the command line).
export async function load(beepNew) {
  const started = Date.now();
  const q = (s, n) => api('GET', `/api/console/conversations?state=${s}&limit=${n}`).then((j) => (j && j.conversations) || []);
  let lists;
  try {
    lists = await Promise.all([q('queued', 100), q('bot', 100), q('human', 100), q('closed', CLOSED_LIMIT)]);
  } catch (e) {
    fail(e);
    return true;
  }
  const m = {};
  for (const list of lists) for (const c of list) if (c && c.id) m[c.id] = older(c, convs[c.id]) ? convs[c.id] : c;
  const openListed = !openId || !!m[openId];
  if (openId && convs[openId] && !m[openId]) m[openId] = convs[openId]; // an old closed one stays while open
  // A frame that came while the lists were on their way is newer than them.
  for (const k of Object.keys(touched)) {
    if (touched[k] >= started) { if (convs[k]) m[k] = convs[k]; } else delete touched[k];
  }
  // Someone started waiting while the socket was away: beep for them too.
  if (beepNew && Object.keys(m).some((k) => m[k].state === 'queued' && !(convs[k] && convs[k].state === 'queued'))) beep();
  const before = convs;
  convs = m;
  if (openId && convs[openId]) markSeen(convs[openId]);
  render();
  for (const k of new Set([...Object.keys(before), ...Object.keys(m)])) if (before[k] !== m[k]) changed(k);
  return openListed;
}

// Every change to a conversation moves its updated_at: a fetched summary
// older than the one shown was read before a frame that came first.
const older = (c, than) => !!than && (Date.parse(c.updated_at) || 0) < (Date.parse(than.updated_at) || 0);

// A conversation changed (a socket frame, or a fetch of it).
export function upsert(c, fromFrame) {
  if (!c || !c.id) return;
  const prev = convs[c.id];
  if (!fromFrame && older(c, prev)) return;
  if (fromFrame) touched[c.id] = Date.now();
  convs[c.id] = c;
  if (c.state === 'queued' && (!prev || prev.state !== 'queued')) beep();
  if (c.id === openId) markSeen(c);
  // Keep only the newest closed conversations.
  const closed = all().filter((x) => x.state === 'closed');
  if (closed.length > CLOSED_LIMIT) {
    closed.sort(byUpdated).slice(CLOSED_LIMIT).forEach((x) => { if (x.id !== openId) delete convs[x.id]; });
  }
  schedule();
  changed(c.id);
}

// A conversation that is no more (erased).
export function remove(id) {
  if (!convs[id]) return;
  delete convs[id];
  delete touched[id];
  schedule();
  changed(id);
}

// The conversation open in the middle column: marked in the list, and read.
export function setOpen(id) {
  openId = id;
  if (id && convs[id]) markSeen(convs[id]);
  schedule();
}

// ---- the sections
const byUpdated = (a, b) => (Date.parse(b.updated_at) || 0) - (Date.parse(a.updated_at) || 0);
const byWaiting = (a, b) => (Date.parse(a.waiting_since || a.updated_at) || 0) - (Date.parse(b.waiting_since || b.updated_at) || 0);
const SECTIONS = [
  { key: 'queued', title: 'secQueued', empty: 'secQueuedNone', test: (c) => c.state === 'queued' && !mine(c), sort: byWaiting },
  { key: 'bot', title: 'secBot', empty: 'secBotNone', test: (c) => c.state === 'bot' && !mine(c), sort: byUpdated },
  { key: 'mine', title: 'secMine', empty: 'secMineNone', test: mine, sort: byUpdated },
  { key: 'others', title: 'secOthers', test: (c) => c.state === 'human' && !mine(c), sort: byUpdated, hideEmpty: true },
  { key: 'closed', title: 'secClosed', empty: 'secClosedNone', test: (c) => c.state === 'closed', sort: byUpdated },
];

// The longest waiting conversation, for the header's badge.
export function firstWaiting() { return all().filter((c) => c.state === 'queued').sort(byWaiting)[0] || null; }

let queued = false;
function schedule() {
  if (queued) return;
  queued = true;
  requestAnimationFrame(() => { queued = false; render(); });
}

export function render() {
  const box = $('inbox'), list = all();
  const focused = focusedId('row');
  const top = box.scrollTop;
  clear(box);
  for (const s of SECTIONS) {
    const rows = list.filter(s.test).sort(s.sort);
    if (s.hideEmpty && !rows.length) continue;
    const open = !collapsed[s.key], id = 'sec-' + s.key;
    box.appendChild(el('section', { class: 'sec sec-' + s.key, 'data-section': s.key },
      el('h2', null, el('button', { type: 'button', class: 'sec-toggle', 'aria-expanded': String(open), 'aria-controls': id, onclick: () => toggle(s.key) },
        el('span', { class: 'caret', 'aria-hidden': 'true' }), el('span', { class: 'sec-title' }, t(s.title)),
        el('span', { class: 'count' + (s.key === 'queued' && rows.length ? ' hot' : '') }, String(rows.length)))),
      el('ul', { class: 'rows', id, hidden: !open }, rows.length ? rows.map(row) : el('li', { class: 'none' }, t(s.empty)))));
  }
  box.scrollTop = top;
  if (focused) { const r = box.querySelector(`[data-console=row][data-id="${CSS.escape(focused)}"]`); if (r) r.focus(); }
  setTitle();
}

function row(c) {
  const lm = c.last_message || {};
  const needsReply = c.state === 'human' && session.isMine(c) && lm.role === 'user';
  const isOpen = c.id === openId;
  return el('li', null, el('a', {
    href: convHash(c.id), class: 'row' + (isOpen ? ' current' : '') + (needsReply ? ' unanswered' : ''),
    'data-console': 'row', 'data-id': c.id, 'data-state': c.state, 'aria-current': isOpen ? 'true' : null,
  },
  el('span', { class: 'r1' },
    el('span', { class: 'name' + (c.customer ? '' : ' guest') }, custName(c)),
    el('span', { class: 'lang', title: t('language') }, langTag(c.locale)),
    el('span', { class: 'st st-' + c.state }, stateLabel(c)),
    c.state === 'queued' && c.waiting_since
      ? el('span', { class: 'wait', 'data-since': c.waiting_since, 'data-tone': waitTone(c.waiting_since), title: t('waitingSince', { time: fullTime(c.waiting_since) }) }, ago(c.waiting_since))
      : el('time', { class: 'time', datetime: c.updated_at || lm.at || '', title: fullTime(c.updated_at || lm.at) }, when(lm.at || c.updated_at))),
  el('span', { class: 'r2' },
    unread(c) ? el('span', { class: 'dot', role: 'img', 'aria-label': t('unread') }) : null,
    el('span', { class: 'last' }, lm.text ? lastWho(c) + String(lm.text).replace(/\s+/g, ' ') : '—'),
    c.state === 'closed' ? stars(c.rating) : null)));
}

function toggle(k) {
  collapsed[k] = !collapsed[k];
  store.set('kefu.console.collapsed', JSON.stringify(collapsed));
  render();
  const b = $('inbox').querySelector(`[data-section=${k}] .sec-toggle`);
  if (b) b.focus();
}

// ---- the badge and the title: how many wait for a person
function setTitle() {
  const n = session.signedIn() ? all().filter((c) => c.state === 'queued').length : 0;
  const b = $('badge');
  document.title = (n ? `(${n}) ` : '') + t('title');
  b.textContent = String(n);
  b.setAttribute('data-count', String(n));
  b.classList.toggle('hot', n > 0);
  $('waiting-link').setAttribute('aria-label', t('waitingCount', { n }));
}

// Waiting times tick without re-rendering the lists.
setInterval(() => {
  for (const n of document.querySelectorAll('[data-since]')) {
    const s = n.getAttribute('data-since'), key = n.getAttribute('data-prefix');
    n.textContent = key ? t(key, { ago: ago(s) }) : ago(s);
    n.setAttribute('data-tone', waitTone(s));
  }
}, 5000);
