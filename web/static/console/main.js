/*
 * kefu staff console: the queue, the live transcript, the customer beside
 * it; transcripts, the dashboard, segments and customer pages. It speaks
 * the JSON API and the staff socket of docs/console-api.md.
 *
 * Rules kept throughout:
 *  - data from the network goes on the page only as text nodes (dom.js's
 *    el(), textContent): never innerHTML;
 *  - the CSRF token lives in memory only (session.js) and goes with every
 *    POST;
 *  - the socket says what changed; after a reconnect the lists and the open
 *    conversation are fetched again, since frames may have been missed.
 *
 * This module signs in and out, routes the hash to the views, and hands
 * the socket's frames to the modules that own what they change.
 */
import { $, el, add, clear, narrow, moveFocus } from './dom.js';
import * as i18n from './i18n.js';
import { t } from './i18n.js';
import { api, onSessionEnd } from './api.js';
import * as session from './session.js';
import * as socket from './socket.js';
import { toast, hideToast } from './toast.js';
import { onRoute, route, go } from './router.js';
import * as sound from './sound.js';
import * as inbox from './inbox.js';
import * as conversation from './conversation.js';
import * as customer from './customer.js';
import * as transcripts from './transcripts.js';
import * as playback from './playback.js';
import * as dashboard from './dashboard.js';
import * as segments from './segments.js';
import * as campaigns from './campaigns.js';
import * as customerpage from './customerpage.js';
import * as password from './password.js';
import * as shopSettings from './settings.js';
import { convHash } from './links.js';
import { initial } from './format.js';

const TABS = ['inbox', 'transcripts', 'dashboard', 'segments'];
const PANELS = { inbox: 'cols', transcripts: 'tx', dashboard: 'dash', segments: 'seg', customer: 'cpage' };
const POLL = 60000; // the lists are fetched again this often while the console is seen, and when the staff member comes back to it

let mode = 'inbox';  // the header's tabs, and the customer page
let view = 'inbox';  // narrow screens: inbox | chat | customer
let inboxHash = '';  // where the inbox was, to go back to it from the other views
let hereHash = null; // the hash routed last

// ---- screens and signing in
function screen(s) {
  document.body.setAttribute('data-screen', s);
  $('loading').hidden = s !== 'loading';
  $('login').hidden = s !== 'login';
  $('password').hidden = s !== 'password';
  $('settings').hidden = s !== 'settings';
  $('app').hidden = s !== 'app';
}

function renderMe() {
  const me = session.staff();
  $('lang').value = i18n.current();
  if (!me) return;
  add(clear($('me')), [el('span', { class: 'avatar', 'aria-hidden': 'true' }, initial(me.name || me.email)),
    el('span', { class: 'me-name' }, me.name || me.email || ''), me.role ? el('span', { class: 'role' }, t('role_' + me.role)) : null]);
  $('shop-settings').hidden = me.role !== 'admin';
}

function signedIn(j) {
  session.begin(j);
  i18n.useFor(j.staff.id);
  if (session.mustChangePassword()) {
    // Signed in with a one-time password: nothing else until it is replaced.
    hideToast();
    password.show(true);
    screen('password');
    return;
  }
  inbox.begin();
  renderMe();
  screen('app');
  hideToast();
  catchUp();
  conversation.loadStaff();
  socket.start({
    frame: onFrame,
    up: onUp,
    down: () => conversation.connectionLost(),
    ended: signedOut,
  });
  route();
}

// key: the message to show, in the language of the login screen.
function signedOut(key) {
  session.end();
  socket.stop();
  inbox.reset();
  conversation.reset();
  transcripts.reset();
  dashboard.reset();
  segments.reset();
  campaigns.reset();
  customerpage.reset();
  hereHash = null;
  setMode('inbox');
  i18n.useBrowser();
  screen('login');
  $('login-password').value = '';
  ($('login-email').value ? $('login-password') : $('login-email')).focus();
  if (key) toast(t(key));
}
onSessionEnd(signedOut);

$('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const email = $('login-email').value.trim(), pw = $('login-password').value, b = document.querySelector('[data-console=login]');
  if (!email || !pw) { toast(t('loginMissing')); (email ? $('login-password') : $('login-email')).focus(); return; }
  b.disabled = true;
  b.textContent = t('signingIn');
  try {
    const j = await api('POST', '/api/console/login', { email, password: pw });
    $('login-password').value = '';
    signedIn(j);
  } catch (err) {
    toast(err.status === 401 ? t('loginWrong') : err.message);
    $('login-password').select();
  }
  b.disabled = false;
  b.textContent = t('signIn');
});
async function signOutNow() {
  try { await api('POST', '/api/console/logout'); } catch (e) { /* signed out here either way */ }
  history.replaceState(null, '', location.pathname);
  signedOut();
}
$('logout').addEventListener('click', signOutNow);

// ---- the password: required after a one-time one, or changed from the header
password.init({
  done: (j) => {
    if (password.isForced()) { signedIn(j); return; }
    session.renew(j.csrf_token);
    screen('app');
  },
  cancel: () => screen('app'),
  signOut: signOutNow,
});
// ---- the shop's voice and hours (admins)
shopSettings.init({ done: () => screen('app') });
$('shop-settings').addEventListener('click', () => {
  screen('settings');
  shopSettings.show();
});
$('change-password').addEventListener('click', () => {
  password.show(false);
  screen('password');
});

// ---- the socket's frames, to the modules that own what they change
function onFrame(f) {
  switch (f.type) {
    case 'inbox': inbox.upsert(f.conversation, true); break;
    case 'entry': conversation.onEntry(f.conversation_id, f.entry); break;
    case 'typing': conversation.onTyping(f.conversation_id, f.typing, f.who); break;
  }
}
// Whatever changed before this socket was up (while away, or between the
// first fetch and now) came as no frame.
function onUp() {
  const id = conversation.current();
  if (id) socket.send({ type: 'watch', conversation_id: id });
  catchUp();
  conversation.loadStaff();
}

// The lists and the open conversation, fetched again. A change made from
// the command line (kefu forget, import, seed --reset) sends no frame: it
// shows when the staff member comes back to the console, or within POLL.
let catching = false, again = false, caughtUp = 0;
async function catchUp() {
  if (!session.signedIn()) return;
  if (catching) { again = true; return; } // once more when this one is in: it may have been sent before the change
  catching = true;
  caughtUp = Date.now();
  try {
    await inbox.load(socket.wasEverUp());
    conversation.reload();
  } finally {
    catching = false;
    if (again) { again = false; catchUp(); }
  }
}
function comeBack() { if (document.visibilityState !== 'hidden') catchUp(); }
window.addEventListener('focus', comeBack);
document.addEventListener('visibilitychange', comeBack);
setInterval(() => { if (document.visibilityState !== 'hidden' && Date.now() - caughtUp >= POLL - 1000) catchUp(); }, POLL);

// ---- routing: #c=<id> opens a conversation; #c=<id>&p=customer shows the customer on narrow screens
onRoute(() => {
  if (!session.signedIn()) return;
  const h = location.hash, prev = hereHash;
  hereHash = h;
  if (transcripts.isHash(h)) { setMode('transcripts'); transcripts.route(); return; }
  if (dashboard.isHash(h)) { setMode('dashboard'); dashboard.route(); return; }
  if (segments.isHash(h)) { setMode('segments'); segments.route(); campaigns.route(); return; }
  if (customerpage.isHash(h)) { customerpage.cameFrom(prev); setMode('customer'); customerpage.route(); return; }
  inboxHash = h;
  setMode('inbox');
  const m = /[#&]c=([^&]+)/.exec(h), id = m ? decodeURIComponent(m[1]) : null;
  setView(id ? (/[#&]p=customer/.test(h) ? 'customer' : 'chat') : 'inbox');
  conversation.openConversation(id);
});
customerpage.init({ back: () => inboxHash });

function setView(v) {
  view = v;
  document.body.setAttribute('data-view', v);
}

// The header's tabs, and the panels they show; the customer page has no tab.
function setMode(m) {
  if (mode === m) return;
  mode = m;
  document.body.setAttribute('data-mode', m);
  for (const [k, id] of Object.entries(PANELS)) $(id).hidden = k !== m;
  const tabbed = TABS.includes(m);
  TABS.forEach((x, i) => {
    const b = $('tab-' + x);
    b.setAttribute('aria-selected', String(x === m));
    b.tabIndex = x === m || (!tabbed && !i) ? 0 : -1;
  });
  if (m !== 'transcripts') playback.pause();
}
function showMode(m) {
  if (m === mode) return;
  go(m === 'transcripts' ? transcripts.lastHash() || '#transcripts' : m === 'dashboard' ? dashboard.lastHash() || '#dashboard'
    : m === 'segments' ? segments.lastHash() || '#segments' : inboxHash || '');
}
for (const x of TABS) $('tab-' + x).addEventListener('click', () => showMode(x));
$('tab-inbox').parentNode.addEventListener('keydown', (e) => {
  if (!/^(ArrowLeft|ArrowRight|Home|End)$/.test(e.key)) return;
  e.preventDefault();
  const n = TABS.length;
  let i = TABS.indexOf(String(e.target.id || '').replace(/^tab-/, ''));
  if (i < 0) i = Math.max(0, TABS.indexOf(mode));
  const to = TABS[e.key === 'Home' ? 0 : e.key === 'End' ? n - 1 : (i + (e.key === 'ArrowRight' ? 1 : n - 1)) % n];
  $('tab-' + to).focus();
  showMode(to);
});

$('back-inbox').addEventListener('click', () => {
  const id = conversation.current();
  go('');
  const r = id && $('inbox').querySelector(`[data-console=row][data-id="${CSS.escape(id)}"]`);
  if (r) r.focus();
});
$('show-customer').addEventListener('click', () => go(convHash(conversation.current()) + '&p=customer'));
$('back-chat').addEventListener('click', () => go(convHash(conversation.current())));
$('waiting-link').addEventListener('click', (e) => {
  e.preventDefault();
  const first = inbox.firstWaiting();
  if (first) go(convHash(first.id));
  else { go(''); toast(t('nobodyWaiting'), 'info'); }
});

// ---- the language: picked in the header, remembered for this staff member
$('lang').addEventListener('change', function () {
  const me = session.staff();
  i18n.choose(this.value, me ? me.id : null);
});
i18n.onChange(() => {
  renderMe();
  sound.render();
  socket.rerender();
  inbox.render();
  conversation.rerender();
  customer.render();
  transcripts.rerender();
  dashboard.rerender();
  segments.rerender();
  campaigns.render();
  customerpage.rerender();
  const b = document.querySelector('[data-console=login]');
  if (!b.disabled) b.textContent = t('signIn');
});

// ---- keyboard: arrows move through the list, Alt+T takes over, Esc goes back
document.addEventListener('keydown', (e) => {
  if (!session.signedIn() || document.body.getAttribute('data-screen') !== 'app') return;
  const tgt = e.target, inField = /^(INPUT|TEXTAREA|SELECT)$/.test(tgt.tagName);
  if (mode === 'transcripts') { transcripts.key(e, inField); return; }
  if (mode !== 'inbox') return; // the inbox's keys act on the inbox only
  if (e.altKey && !e.ctrlKey && !e.metaKey && (e.key === 't' || e.key === 'T' || e.code === 'KeyT')) {
    if (conversation.takeOver()) e.preventDefault();
    return;
  }
  if (e.key === 'Escape' && view !== 'inbox' && narrow()) {
    e.preventDefault();
    if (view === 'customer') $('back-chat').click(); else $('back-inbox').click();
    return;
  }
  if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && !inField && tgt.closest && tgt.closest('#inbox')) moveFocus(e, $('inbox'), 'row');
});

// ---- start
document.body.setAttribute('data-mode', mode);
i18n.applyStatic();
$('lang').value = i18n.current();
sound.render();
socket.rerender();
api('GET', '/api/console/me').then((j) => {
  if (j && j.staff) signedIn(j); else screen('login');
}).catch((e) => {
  screen('login');
  if (e.status !== 401) toast(e.message);
  $('login-email').focus();
});
