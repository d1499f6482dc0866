// The open conversation: its header and actions, the live transcript, the
// reply and note boxes, typing, and the customer beside it.
//
// The transcript shows each entry once. A fetched timeline is the truth;
// entries that come as socket frames are kept and merged into it: a
// message by its seq, an event by what it says, paired with the fetched
// one that says the same within PAIR_MS (a frame's time is the engine's
// clock, the stored one the store's, a few milliseconds apart).
import { $, el, add, clear, busy } from './dom.js';
import { t } from './i18n.js';
import { api, fail, convPath } from './api.js';
import * as session from './session.js';
import * as socket from './socket.js';
import * as inbox from './inbox.js';
import * as customer from './customer.js';
import { toast } from './toast.js';
import { entry } from './entries.js';
import { showPhotos } from './photos.js';
import { day, ago, waitTone, langTag, custName, stars } from './format.js';

const PAIR_MS = 10000;
const LIVE_KEEP = 300;

let openId = null;
let open = null;   // {id, loaded, gone, live: [frames], shown: [entries in order], seqs, events, lastDay}
let drafts = {};   // id -> {reply, note, cid, cidText}
let staffList = [];
let staffLoading = false;

const cur = () => (openId ? inbox.get(openId) : null);
export const current = () => openId;

function fresh(id, live) {
  return { id, loaded: false, gone: false, live: live || [], shown: [], seqs: new Set(), events: [], lastDay: '' };
}

// ---- opening and loading
function saveDraft() {
  if (!openId) return;
  const d = drafts[openId] || (drafts[openId] = {});
  d.reply = $('reply').value;
  d.note = $('note-text').value;
}

export function openConversation(id) {
  if (id === openId) return;
  saveDraft();
  stopTyping();
  openId = id;
  showTyping(false);
  inbox.setOpen(id);
  if (!id) {
    open = null;
    socket.send({ type: 'watch', conversation_id: '' });
    $('conv').hidden = true;
    $('chat-empty').hidden = false;
    customer.reset();
    return;
  }
  open = fresh(id);
  $('conv').hidden = false;
  $('chat-empty').hidden = true;
  const d = drafts[id] || {};
  $('reply').value = d.reply || '';
  $('note-text').value = d.note || '';
  autosize($('reply'));
  autosize($('note-text'));
  placeholder('loading');
  renderHead();
  socket.send({ type: 'watch', conversation_id: id });
  load(id);
  customer.load(id);
}

function placeholder(key) { clear($('transcript')).appendChild(el('p', { class: 'dim pad' }, t(key))); }

async function load(id, keepScroll) {
  const tr = $('transcript');
  tr.setAttribute('aria-busy', 'true');
  let j;
  try {
    j = await api('GET', convPath(id));
  } catch (e) {
    if (!open) tr.removeAttribute('aria-busy');
    if (!open || open.id !== id) return;
    tr.removeAttribute('aria-busy');
    if (e.status === 404) { gone(id); return; }
    if (!open.loaded) placeholder('convFailed');
    fail(e);
    return;
  }
  if (!open) tr.removeAttribute('aria-busy');
  if (!open || open.id !== id) return; // another conversation is open: its own fetch clears aria-busy
  tr.removeAttribute('aria-busy');
  if (j && j.conversation) inbox.upsert(j.conversation);
  const atBottom = !keepScroll || nearBottom(), top = tr.scrollTop;
  open = Object.assign(fresh(id, open.live), { loaded: true });
  clear(tr);
  for (const e of (j && j.timeline) || []) addEntry(e, 'fetch');
  for (const e of open.live) addEntry(e, 'live');
  showPhotos(tr, j && j.photos);
  if (!tr.firstChild) placeholder('noMessages');
  if (atBottom) toBottom(); else tr.scrollTop = top;
  renderHead();
}

// Fetched again after an action, a reconnect or a return to the console:
// a lost frame, or a change made from the command line, shows.
export function reload() { if (openId && open && open.loaded && !open.gone) load(openId, true); }

// The conversation no longer exists (erased from the command line).
function gone(id) {
  if (!open || open.id !== id) return;
  open.gone = true;
  inbox.remove(id);
  placeholder('convGone');
  customer.reset();
  showTyping(false);
  renderHead();
}

// ---- frames
export function onEntry(id, e) {
  if (!open || id !== open.id || !e || typeof e !== 'object') return;
  // Kept, so that a timeline fetched while it came (and so without it) gets it back.
  open.live.push(e);
  if (open.live.length > LIVE_KEEP) open.live.shift();
  if (open.loaded) addEntry(e, 'live');
}
export function onTyping(id, typing, who) { if (open && id === open.id) showTyping(!!typing, who); }

// ---- the transcript
function nearBottom() { const tr = $('transcript'); return tr.scrollHeight - tr.scrollTop - tr.clientHeight < 140; }
function toBottom() { const tr = $('transcript'); requestAnimationFrame(() => { tr.scrollTop = tr.scrollHeight; }); }
const sigOf = (e) => [e.kind, e.type, e.role, e.from, e.to, e.staff, e.author, e.text].join('\u0001');

// how: fetch (the stored timeline), live (a frame) or local (this console's own reply).
function addEntry(e, how) {
  if (!e || typeof e !== 'object' || !open) return;
  if (e.kind === 'message' && e.seq != null) {
    if (open.seqs.has(e.seq)) return;
    open.seqs.add(e.seq);
  } else {
    const sig = sigOf(e), at = Date.parse(e.at) || 0;
    if (how !== 'fetch') {
      const twin = open.events.find((x) => x.fetched && !x.paired && x.sig === sig && Math.abs(x.at - at) <= PAIR_MS);
      if (twin) { twin.paired = true; return; }
    }
    open.events.push({ sig, at, fetched: how === 'fetch', paired: false });
  }
  const tr = $('transcript'), me = session.staff();
  const stick = how === 'fetch' || nearBottom() || (e.kind === 'message' && e.role === 'staff' && me && e.author === me.name);
  const empty = tr.querySelector('p.pad');
  if (empty) empty.remove();
  open.shown.push(e);
  place(e);
  if (Array.isArray(e.photos)) showPhotos(tr, e.photos.map((id) => ({ id, seq: e.seq })));
  if (e.kind === 'message' && e.role === 'user') showTyping(false);
  if (how === 'live' && e.kind === 'message' && e.role === 'assistant' && e.tool_calls && e.tool_calls.length) customer.refreshSoon(open.id);
  if (stick) toBottom();
}

// Messages go in seq order; events stay where they came.
function place(e) {
  const tr = $('transcript'), n = entry(e, cur());
  let ref = null;
  if (e.kind === 'message' && e.seq != null) {
    for (let c = tr.lastElementChild; c; c = c.previousElementSibling) {
      const s = c.getAttribute('data-seq');
      if (s == null) continue;
      if (+s > +e.seq) ref = c; else break;
    }
  }
  const dd = day(e.at);
  if (!ref && dd && dd !== open.lastDay) { tr.appendChild(el('div', { class: 'day', role: 'separator' }, dd)); open.lastDay = dd; }
  tr.insertBefore(n, ref);
}

// ---- the header, the buttons and the composer follow the conversation's state
function renderHead() {
  if (!openId) return;
  const c = cur(), isGone = !!(open && open.gone);
  const name = $('conv-name'), sub = clear($('conv-sub'));
  name.textContent = c ? custName(c) : isGone ? t('convGoneTitle') : '…';
  name.classList.toggle('guest', !!c && !c.customer);
  if (c && !isGone) {
    const mine = session.isMine(c);
    const label = c.state === 'human' ? (c.assigned ? (mine ? t('withYou') : t('withName', { name: c.assigned.name })) : t('withPerson'))
      : c.state === 'queued' ? t('secQueued') : c.state === 'bot' ? t('botAnswering') : t('stateClosed');
    add(sub, [
      el('span', { class: 'st st-' + c.state }, label),
      el('span', { class: 'lang' }, langTag(c.locale)),
      c.state === 'queued' && c.waiting_since ? el('span', { class: 'wait', 'data-since': c.waiting_since, 'data-prefix': 'waitingAgo', 'data-tone': waitTone(c.waiting_since) }, t('waitingAgo', { ago: ago(c.waiting_since) })) : null,
      c.state === 'queued' && c.assigned ? el('span', { class: 'dim' }, '→ ' + c.assigned.name) : null,
      c.state === 'closed' ? stars(c.rating) : null,
      el('span', { class: 'dim id', title: t('convId') }, '#' + String(c.id).slice(0, 8)),
    ]);
  }
  const s = c && !isGone ? c.state : '', mine = session.isMine(c);
  $('takeover').hidden = !(s === 'bot' || s === 'queued');
  $('handback').hidden = s !== 'human';
  $('close').hidden = !s || s === 'closed';
  $('assign-box').hidden = !s || s === 'closed';
  $('actions').hidden = !s || s === 'closed';
  const canReply = s === 'human' && mine;
  $('reply-form').hidden = !canReply;
  $('note-form').hidden = isGone;
  const why = $('reply-why');
  why.textContent = isGone ? t('whyGone') : canReply || !c ? '' : s === 'bot' ? t('whyBot') : s === 'queued' ? t('whyQueued')
    : s === 'human' ? t('whyOther', { name: c.assigned ? c.assigned.name : t('someoneElse') }) : t('whyClosed');
  why.hidden = !why.textContent;
}
inbox.onChange((id) => { if (id === openId) renderHead(); });

// ---- typing
let typingT = null;
function showTyping(on, who) {
  const el0 = $('typing');
  clearTimeout(typingT);
  el0.hidden = !on;
  el0.textContent = on ? t('isTyping', { name: !who || who === 'shopper' ? t('shopper') : who }) : '';
  if (on) typingT = setTimeout(() => { el0.hidden = true; }, 15000); // in case "false" is lost
}
let typingSent = 0, typingIdle = null, typingFor = null;
function sendTyping(on) {
  const id = on ? openId : typingFor;
  if (!id) return;
  if (on && typingFor === id && Date.now() - typingSent < 3000) return; // at most every 3 s
  if (!on && !typingSent) return;
  typingSent = on ? Date.now() : 0;
  typingFor = on ? id : null;
  api('POST', convPath(id, 'typing'), { typing: on }).catch(() => { /* not worth a toast */ });
}
function stopTyping() { clearTimeout(typingIdle); sendTyping(false); }
export function connectionLost() { showTyping(false); }

// ---- the composer
function autosize(ta) { ta.style.height = 'auto'; ta.style.height = Math.min(ta.scrollHeight + 2, ta.id === 'reply' ? 200 : 140) + 'px'; }
function clientID() {
  const a = new Uint8Array(8);
  crypto.getRandomValues(a);
  return 's-' + Date.now().toString(36) + '-' + [...a].map((b) => (b + 256).toString(16).slice(1)).join('');
}
const isIME = (e) => e.isComposing || e.keyCode === 229;

$('reply').addEventListener('input', function () {
  autosize(this);
  clearTimeout(typingIdle);
  if (this.value.trim()) { sendTyping(true); typingIdle = setTimeout(stopTyping, 4000); } else stopTyping();
});
$('reply').addEventListener('keydown', function (e) {
  if (e.key !== 'Enter' || isIME(e)) return;
  if (e.ctrlKey || e.metaKey) { // Ctrl/Cmd+Enter: the text becomes a private note instead
    e.preventDefault();
    if (this.value.trim()) { stopTyping(); addNote(this); }
  } else if (!e.shiftKey) { e.preventDefault(); sendReply(); }
});
$('reply-form').addEventListener('submit', (e) => { e.preventDefault(); sendReply(); });
$('note-text').addEventListener('input', function () { autosize(this); });
$('note-text').addEventListener('keydown', function (e) {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !isIME(e)) { e.preventDefault(); addNote(this); }
});
$('note-form').addEventListener('submit', (e) => { e.preventDefault(); addNote($('note-text')); });

async function sendReply() {
  const id = openId, ta = $('reply'), b = $('send'), text = ta.value.trim();
  if (!id || !text || b.disabled) return;
  if (text.length > 2000) { toast(t('replyTooLong')); return; }
  const d = drafts[id] || (drafts[id] = {});
  if (d.cidText !== text) { d.cid = clientID(); d.cidText = text; } // a retry of the same text is stored once
  busy(b, true);
  clearTimeout(typingIdle); typingSent = 0; typingFor = null; // the reply itself ends "typing"
  try {
    const j = await api('POST', convPath(id, 'reply'), { text, client_id: d.cid });
    d.cid = d.cidText = null;
    if (openId === id) {
      if (ta.value.trim() === text) { ta.value = ''; autosize(ta); }
      if (j && j.seq != null) addEntry({ kind: 'message', seq: j.seq, role: 'staff', author: session.staff().name, text, at: new Date().toISOString() }, 'local');
    } else if (drafts[id]) drafts[id].reply = '';
  } catch (e) {
    failed(id, e);
  }
  busy(b, false);
  if (openId === id) ta.focus();
}

// A private note from the note box (or, with Ctrl/Cmd+Enter, from the reply box).
async function addNote(ta) {
  const id = openId, b = $('note'), text = ta.value.trim(), field = ta.id === 'reply' ? 'reply' : 'note';
  if (!id || b.disabled) return;
  if (!text) { ta.focus(); return; }
  busy(b, true);
  try {
    await api('POST', convPath(id, 'note'), { text });
    if (openId === id) { if (ta.value.trim() === text) { ta.value = ''; autosize(ta); } } else if (drafts[id]) drafts[id][field] = '';
    refresh(id);
  } catch (e) {
    failed(id, e);
  }
  busy(b, false);
  if (openId === id) ta.focus();
}

// After an action the server's frames bring the change; it is fetched too,
// so that a lost frame cannot leave it stale.
function refresh(id) { if (openId === id) load(id, true); }
function failed(id, e) {
  if (e.status === 404) { toast(t('convGone')); gone(id); return; }
  fail(e);
  if (e.status === 409 || e.status === 403) refresh(id);
}

async function action(btn, what, body, done) {
  const id = openId;
  if (!id || btn.disabled) return;
  busy(btn, true);
  try {
    await api('POST', convPath(id, what), body);
    refresh(id);
    if (done) done(id);
  } catch (e) {
    failed(id, e);
  }
  busy(btn, false);
}
$('takeover').addEventListener('click', function () {
  action(this, 'takeover', undefined, (id) => {
    const c = inbox.get(id), me = session.staff();
    if (c) inbox.upsert(Object.assign({}, c, { state: 'human', assigned: { id: me.id, name: me.name }, waiting_since: null }));
    if (openId === id) $('reply').focus();
  });
});
$('handback').addEventListener('click', function () { stopTyping(); action(this, 'handback'); });
$('close').addEventListener('click', function () { stopTyping(); action(this, 'close'); });
$('assign').addEventListener('click', function () {
  const s = $('assign-to'), v = s.value;
  if (!v) { toast(t('assignChoose'), 'info'); s.focus(); return; }
  const p = staffList.find((x) => String(x.id) === v);
  action(this, 'assign', { staff_id: +v }, () => {
    s.value = '';
    toast(t('assignedToast', { name: p ? p.name || p.email : '' }), 'info');
  });
});

// ---- "Assign to…": the staff list, fetched again each time it is opened,
// so that a colleague added since (kefu user add) is there.
export async function loadStaff() {
  if (staffLoading) return;
  staffLoading = true;
  try {
    const j = await api('GET', '/api/console/staff');
    staffList = (j && j.staff) || [];
    renderStaff();
  } catch (e) { fail(e); }
  staffLoading = false;
}
function renderStaff() {
  const s = $('assign-to'), keep = s.value, me = session.staff();
  clear(s);
  add(s, el('option', { value: '' }, t('assignTo')));
  for (const p of staffList) {
    add(s, el('option', { value: p.id }, (p.name || p.email) + (me && p.id === me.id ? t('youSuffix') : '') + (p.role === 'admin' ? t('adminSuffix') : '')));
  }
  s.value = [...s.options].some((o) => o.value === keep) ? keep : '';
}
for (const ev of ['focus', 'pointerdown']) $('assign-to').addEventListener(ev, loadStaff);

// ---- the whole of it, again (another language) or gone (signed out)
export function rerender() {
  renderStaff();
  if (!open) return;
  renderHead();
  if (open.gone) { placeholder('convGone'); return; }
  if (!open.loaded) return;
  const tr = $('transcript'), top = tr.scrollTop, shown = open.shown;
  clear(tr);
  open.lastDay = '';
  open.shown = [];
  for (const e of shown) { open.shown.push(e); place(e); }
  tr.scrollTop = top;
}

export function reset() {
  stopTyping();
  openId = null; open = null; drafts = {}; staffList = [];
  clear($('transcript'));
  $('conv').hidden = true;
  $('chat-empty').hidden = false;
  customer.reset();
  showTyping(false);
}

// The take-over button of the open conversation, for Alt+T.
export function takeOver() {
  const b = $('takeover');
  if (openId && !b.hidden && !b.disabled) { b.click(); return true; }
  return false;
}

