/*
 * kefu staff console: the queue, the live transcript, the customer beside it.
 * It speaks the JSON API and the staff socket of docs/console-api.md.
 *
 * Rules kept throughout:
 *  - data from the network goes on the page only as text nodes (el() below,
 *    textContent): never innerHTML;
 *  - the CSRF token lives in memory only and goes with every POST;
 *  - the socket says what changed; after a reconnect the lists and the open
 *    conversation are fetched again, since frames may have been missed.
 */
(function () {
  'use strict';
  var W = window, D = document;
  var WS_URL = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws/console';
  var CLOSED_LIMIT = 30;

  var st = {
    me: null, csrf: '',
    convs: {},          // id -> Summary, every list
    staff: [],          // for "Assign to…"
    ws: null, wsUp: false, attempt: 0, timer: null, everUp: false,
    openId: null,       // the conversation in the middle column
    open: null,         // {id, loaded, keys:{}, live:[], lastDay} of the open conversation
    touched: {},        // id -> when a frame last changed it (a list fetched before that is older)
    drafts: {},         // id -> {reply, note, cid, cidText}
    sound: false, audio: null,
    collapsed: {},      // section -> true
    view: 'inbox',      // narrow screens: inbox | chat | customer
    mode: 'inbox',      // the header's tabs: inbox | transcripts | dashboard | segments; and the customer page
    inboxHash: '',      // where the inbox was, to go back to it from the other views
    hereHash: null,     // the hash routed last (the customer page's "Back" goes there)
    typingT: null, custT: null
  };
  try {
    st.sound = localStorage.getItem('kefu.console.sound') === '1';
    st.collapsed = JSON.parse(localStorage.getItem('kefu.console.collapsed') || 'null') || { closed: true };
  } catch (e) { st.collapsed = { closed: true }; }

  // ---- DOM helpers: attributes are set as attributes, children as nodes or text nodes
  function el(tag, attrs) {
    var n = D.createElement(tag);
    for (var k in attrs || {}) {
      var v = attrs[k];
      if (v == null || v === false) continue;
      if (k.slice(0, 2) === 'on') n.addEventListener(k.slice(2), v);
      else n.setAttribute(k, v === true ? '' : v);
    }
    for (var i = 2; i < arguments.length; i++) add(n, arguments[i]);
    return n;
  }
  function add(n, c) {
    if (c == null || c === false) return;
    if (Array.isArray(c)) c.forEach(function (x) { add(n, x); });
    else n.appendChild(c.nodeType ? c : D.createTextNode(String(c)));
  }
  function $(id) { return D.getElementById(id); }
  function clear(n) { while (n.firstChild) n.removeChild(n.firstChild); return n; }

  // ---- formatting
  function when(s) {
    var d = new Date(s);
    if (!s || isNaN(d)) return '';
    var now = new Date();
    if (d.toDateString() === now.toDateString()) return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    if (now - d < 6 * 864e5) return d.toLocaleDateString([], { weekday: 'short' }) + ' ' + d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    return d.toLocaleDateString([], { month: 'short', day: 'numeric', year: d.getFullYear() === now.getFullYear() ? undefined : 'numeric' });
  }
  function fullTime(s) { var d = new Date(s); return !s || isNaN(d) ? '' : d.toLocaleString(); }
  function day(s) { var d = new Date(s); return !s || isNaN(d) ? '' : d.toLocaleDateString([], { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' }); }
  function ago(s) {
    var t = Date.parse(s);
    if (isNaN(t)) return '';
    var sec = Math.max(0, Math.floor((Date.now() - t) / 1000));
    if (sec < 60) return sec + 's';
    var m = Math.floor(sec / 60);
    if (m < 60) return m + 'm ' + String(sec % 60).padStart(2, '0') + 's';
    var h = Math.floor(m / 60);
    if (h < 24) return h + 'h ' + String(m % 60).padStart(2, '0') + 'm';
    return Math.floor(h / 24) + 'd ' + (h % 24) + 'h';
  }
  function waitTone(s) {
    var sec = (Date.now() - Date.parse(s)) / 1000;
    return sec >= 300 ? 'late' : sec >= 120 ? 'slow' : 'ok';
  }
  function money(a, cur) {
    if (a == null || a === '') return '';
    try { return new Intl.NumberFormat(undefined, { style: 'currency', currency: cur || 'USD' }).format(Number(a)); } catch (e) { return (cur || '') + ' ' + a; }
  }
  function lang(l) { return /^zh/i.test(l || '') ? '中文' : 'EN'; }
  function custName(c) { return (c && c.customer && c.customer.name) || 'Guest'; }
  var STATE = { queued: 'Waiting', bot: 'Bot', human: 'Human', closed: 'Closed' };
  function stateLabel(c) {
    if (c.state === 'human') return c.assigned ? (isMine(c) ? 'You' : c.assigned.name) : 'Human';
    return STATE[c.state] || String(c.state || '');
  }
  function isMine(c) { return !!(c && c.assigned && st.me && c.assigned.id === st.me.id); }
  function chip(s) {
    s = String(s || '');
    var tone = /delivered|refunded|received|closed|paid/.test(s) ? 'ok' : /cancel|reject|exception|fail/.test(s) ? 'bad' : /pending|open|await/.test(s) ? 'warn' : 'info';
    return el('span', { class: 'chip ' + tone, 'data-status': s }, s.replace(/_/g, ' '));
  }
  function stars(n) { n = Math.max(0, Math.min(5, +n || 0)); return n ? el('span', { class: 'stars', 'aria-label': n + ' out of 5 stars', title: n + ' out of 5' }, '★★★★★'.slice(0, n), el('span', { class: 'off' }, '★★★★★'.slice(n))) : null; }
  function pretty(v) {
    if (typeof v === 'string') {
      var s = v.trim();
      if (/^[[{"]/.test(s)) { try { return JSON.stringify(JSON.parse(s), null, 2); } catch (e) { /* not JSON: as it came */ } }
      return v;
    }
    try { return JSON.stringify(v, null, 2); } catch (e) { return String(v); }
  }
  function oneLine(v, n) { var s = pretty(v).replace(/\s+/g, ' '); return s.length > n ? s.slice(0, n - 1) + '…' : s; }

  // ---- toast: the single [data-console=error]
  var toastT;
  function toast(msg, kind) {
    var t = D.querySelector('[data-console=error]');
    t.querySelector('.toast-text').textContent = msg;
    t.setAttribute('data-kind', kind || 'error');
    t.hidden = false;
    clearTimeout(toastT);
    toastT = setTimeout(function () { t.hidden = true; }, kind === 'info' ? 4000 : 9000);
  }
  function hideToast() { D.querySelector('[data-console=error]').hidden = true; }

  // ---- the JSON API
  function defaultMessage(status) {
    return status === 401 ? 'Please sign in again.' : status === 403 ? 'You are not allowed to do that.' :
      status === 404 ? 'Not found.' : status === 409 ? 'Someone else changed this conversation.' :
      status === 429 ? 'Too many attempts. Please wait a minute.' : status >= 500 ? 'The server had a problem. Please try again.' :
      'Request failed (' + status + ').';
  }
  function api(method, path, body) {
    var h = { Accept: 'application/json' };
    if (body !== undefined) h['Content-Type'] = 'application/json';
    if (method !== 'GET') h['X-CSRF-Token'] = st.csrf;
    return fetch(path, { method: method, headers: h, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body) })
      .catch(function () { var e = new Error('Cannot reach the server. Check your connection.'); e.status = 0; throw e; })
      .then(function (r) {
        return r.text().then(function (txt) {
          var j = null;
          try { j = txt ? JSON.parse(txt) : null; } catch (e) { /* not JSON */ }
          if (!r.ok) {
            var err = new Error((j && typeof j.message === 'string' && j.message) || defaultMessage(r.status));
            err.status = r.status; err.body = j;
            if (r.status === 401 && st.me && !/\/(login|me)$/.test(path)) signedOut('Your session has ended. Please sign in again.');
            throw err;
          }
          return j;
        });
      });
  }
  function fail(e) { if (e && e.status !== 401) toast(e.message || 'Something went wrong.'); }

  // ---- screens
  function screen(s) {
    D.body.setAttribute('data-screen', s);
    $('loading').hidden = s !== 'loading';
    $('login').hidden = s !== 'login';
    $('app').hidden = s !== 'app';
  }

  function signedIn(j) {
    st.me = j.staff; st.csrf = j.csrf_token || '';
    var me = clear($('me'));
    add(me, [el('span', { class: 'avatar', 'aria-hidden': 'true' }, (st.me.name || '?').slice(0, 1).toUpperCase()),
      el('span', { class: 'me-name' }, st.me.name || st.me.email || ''), st.me.role ? el('span', { class: 'role' }, st.me.role) : null]);
    screen('app');
    hideToast();
    loadLists();
    loadStaff();
    connect();
    route();
  }
  function signedOut(msg) {
    var w = st.ws;
    st.me = null; st.csrf = ''; st.ws = null; st.wsUp = false; st.everUp = false; st.attempt = 0;
    clearTimeout(st.timer); st.timer = null;
    if (w) w.close(1000);
    st.convs = {}; st.openId = null; st.open = null; st.drafts = {};
    clear($('inbox')); clear($('transcript'));
    dashReset(); segReset(); cpReset();
    st.hereHash = null;
    txReset();
    $('conv').hidden = true; $('chat-empty').hidden = false;
    renderCustomer(null);
    showTyping(false);
    setTitle();
    screen('login');
    $('login-password').value = '';
    (($('login-email').value ? $('login-password') : $('login-email'))).focus();
    if (msg) toast(msg);
  }

  $('login-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var email = $('login-email').value.trim(), pw = $('login-password').value, b = D.querySelector('[data-console=login]');
    if (!email || !pw) { toast('Enter your email and password.'); (email ? $('login-password') : $('login-email')).focus(); return; }
    b.disabled = true; b.textContent = 'Signing in…';
    api('POST', '/api/console/login', { email: email, password: pw })
      .then(function (j) { $('login-password').value = ''; signedIn(j); })
      .catch(function (err) { toast(err.message); $('login-password').select(); })
      .then(function () { b.disabled = false; b.textContent = 'Sign in'; });
  });
  $('logout').addEventListener('click', function () {
    api('POST', '/api/console/logout').catch(function () { /* signed out here either way */ })
      .then(function () { history.replaceState(null, '', location.pathname); signedOut(); });
  });
  D.querySelector('.toast-x').addEventListener('click', hideToast);

  // ---- lists
  function loadLists() {
    var started = Date.now();
    var q = function (s, n) { return api('GET', '/api/console/conversations?state=' + s + '&limit=' + n).then(function (j) { return (j && j.conversations) || []; }); };
    return Promise.all([q('queued', 100), q('bot', 100), q('human', 100), q('closed', CLOSED_LIMIT)]).then(function (r) {
      var m = {};
      r.forEach(function (list) { list.forEach(function (c) { if (c && c.id) m[c.id] = c; }); });
      if (st.openId && st.convs[st.openId] && !m[st.openId]) m[st.openId] = st.convs[st.openId];
      // A frame that came while the lists were on their way is newer than them.
      for (var k in st.touched) {
        if (st.touched[k] >= started) { if (st.convs[k]) m[k] = st.convs[k]; } else delete st.touched[k];
      }
      // Someone started waiting while the socket was away: beep for them too.
      if (st.everUp && Object.keys(m).some(function (k) { return m[k].state === 'queued' && !(st.convs[k] && st.convs[k].state === 'queued'); })) beep();
      st.convs = m;
      renderInbox();
      renderHead();
    }).catch(fail);
  }
  function loadStaff() {
    return api('GET', '/api/console/staff').then(function (j) {
      st.staff = (j && j.staff) || [];
      var s = clear($('assign-to'));
      add(s, el('option', { value: '' }, 'Assign to…'));
      st.staff.forEach(function (p) {
        add(s, el('option', { value: p.id }, (p.name || p.email) + (st.me && p.id === st.me.id ? ' (you)' : '') + (p.role === 'admin' ? ' · admin' : '')));
      });
    }).catch(fail);
  }

  // A conversation changed (socket frame or a fetch).
  function upsert(c, fromFrame) {
    if (!c || !c.id) return;
    var prev = st.convs[c.id];
    if (fromFrame) st.touched[c.id] = Date.now();
    st.convs[c.id] = c;
    if (c.state === 'queued' && (!prev || prev.state !== 'queued')) beep();
    // Keep only the newest closed conversations.
    var closed = Object.keys(st.convs).map(function (k) { return st.convs[k]; }).filter(function (x) { return x.state === 'closed'; });
    if (closed.length > CLOSED_LIMIT) {
      closed.sort(byUpdated).slice(CLOSED_LIMIT).forEach(function (x) { if (x.id !== st.openId) delete st.convs[x.id]; });
    }
    scheduleInbox();
    if (c.id === st.openId) renderHead();
  }

  function byUpdated(a, b) { return (Date.parse(b.updated_at) || 0) - (Date.parse(a.updated_at) || 0); }
  function byWaiting(a, b) { return (Date.parse(a.waiting_since || a.updated_at) || 0) - (Date.parse(b.waiting_since || b.updated_at) || 0); }
  var SECTIONS = [
    { key: 'queued', title: 'Waiting for a person', test: function (c) { return c.state === 'queued'; }, sort: byWaiting, empty: 'Nobody is waiting.' },
    { key: 'bot', title: 'Bot conversations — live', test: function (c) { return c.state === 'bot'; }, sort: byUpdated, empty: 'No live bot conversations.' },
    { key: 'mine', title: 'Mine', test: function (c) { return c.state === 'human' && isMine(c); }, sort: byUpdated, empty: 'Nothing assigned to you.' },
    { key: 'others', title: 'With colleagues', test: function (c) { return c.state === 'human' && !isMine(c); }, sort: byUpdated, hideEmpty: true },
    { key: 'closed', title: 'Closed', test: function (c) { return c.state === 'closed'; }, sort: byUpdated, empty: 'No closed conversations yet.' }
  ];

  var inboxQueued = false;
  function scheduleInbox() {
    if (inboxQueued) return;
    inboxQueued = true;
    requestAnimationFrame(function () { inboxQueued = false; renderInbox(); });
  }

  function renderInbox() {
    var box = $('inbox'), all = Object.keys(st.convs).map(function (k) { return st.convs[k]; });
    var focused = D.activeElement && D.activeElement.getAttribute && D.activeElement.getAttribute('data-console') === 'row' ? D.activeElement.getAttribute('data-id') : null;
    var top = box.scrollTop;
    clear(box);
    SECTIONS.forEach(function (s) {
      var list = all.filter(s.test).sort(s.sort);
      if (s.hideEmpty && !list.length) return;
      var open = !st.collapsed[s.key], id = 'sec-' + s.key;
      box.appendChild(el('section', { class: 'sec sec-' + s.key, 'data-section': s.key },
        el('h2', null, el('button', { type: 'button', class: 'sec-toggle', 'aria-expanded': String(open), 'aria-controls': id, onclick: function () { toggleSection(s.key); } },
          el('span', { class: 'caret', 'aria-hidden': 'true' }), el('span', { class: 'sec-title' }, s.title),
          el('span', { class: 'count' + (s.key === 'queued' && list.length ? ' hot' : '') }, String(list.length)))),
        el('ul', { class: 'rows', id: id, hidden: !open },
          list.length ? list.map(row) : el('li', { class: 'none' }, s.empty))));
    });
    box.scrollTop = top;
    if (focused) { var r = box.querySelector('[data-console=row][data-id="' + CSS.escape(focused) + '"]'); if (r) r.focus(); }
    setTitle();
  }

  function row(c) {
    var lm = c.last_message || {}, who = lm.role === 'user' ? '' : lm.role === 'assistant' ? 'Bot: ' : lm.role === 'staff' ? (lm.author || (c.assigned && c.assigned.name) || 'Staff') + ': ' : lm.role === 'system' ? 'Note: ' : '';
    var needsReply = c.state === 'human' && isMine(c) && lm.role === 'user';
    return el('li', null, el('a', {
      href: '#c=' + encodeURIComponent(c.id), class: 'row' + (c.id === st.openId ? ' current' : '') + (needsReply ? ' unanswered' : ''),
      'data-console': 'row', 'data-id': c.id, 'data-state': c.state, 'aria-current': c.id === st.openId ? 'true' : null
    },
      el('span', { class: 'r1' },
        el('span', { class: 'name' + (c.customer ? '' : ' guest') }, custName(c)),
        el('span', { class: 'lang', title: 'Language' }, lang(c.locale)),
        el('span', { class: 'st st-' + c.state }, stateLabel(c)),
        c.state === 'queued' && c.waiting_since ?
          el('span', { class: 'wait', 'data-since': c.waiting_since, 'data-tone': waitTone(c.waiting_since), title: 'Waiting since ' + fullTime(c.waiting_since) }, ago(c.waiting_since)) :
          el('time', { class: 'time', datetime: c.updated_at || lm.at || '', title: fullTime(c.updated_at || lm.at) }, when(lm.at || c.updated_at))),
      el('span', { class: 'r2' }, needsReply ? el('span', { class: 'dot', 'aria-label': 'Waiting for your reply' }) : null,
        el('span', { class: 'last' }, lm.text ? who + String(lm.text).replace(/\s+/g, ' ') : '—'),
        c.state === 'closed' ? stars(c.rating) : null)));
  }

  function toggleSection(k) {
    st.collapsed[k] = !st.collapsed[k];
    try { localStorage.setItem('kefu.console.collapsed', JSON.stringify(st.collapsed)); } catch (e) { /* fine */ }
    renderInbox();
    var b = $('inbox').querySelector('[data-section=' + k + '] .sec-toggle');
    if (b) b.focus();
  }

  function waitingCount() { var n = 0; for (var k in st.convs) if (st.convs[k].state === 'queued') n++; return n; }
  function setTitle() {
    var n = st.me ? waitingCount() : 0, b = $('badge');
    D.title = (n ? '(' + n + ') ' : '') + 'kefu console';
    b.textContent = String(n);
    b.setAttribute('data-count', String(n));
    b.classList.toggle('hot', n > 0);
    $('waiting-link').setAttribute('aria-label', n + ' waiting for a person');
  }

  // Waiting times tick without re-rendering the lists.
  setInterval(function () {
    [].forEach.call(D.querySelectorAll('[data-since]'), function (n) {
      var s = n.getAttribute('data-since');
      n.textContent = (n.getAttribute('data-prefix') || '') + ago(s);
      n.setAttribute('data-tone', waitTone(s));
    });
  }, 5000);

  // ---- sound: a short beep, made on the spot (no file to load)
  var BELL = 'M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2z';
  var MUTE = 'M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zM19 16V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66a6.9 6.9 0 0 0-2.6 1.2L19 16.5zM3.3 2.3 2 3.6l3.3 3.3A7 7 0 0 0 5 11v5l-2 2v1h14.4l3 3 1.3-1.3z';
  function icon(d) {
    var ns = 'http://www.w3.org/2000/svg', s = D.createElementNS(ns, 'svg'), p = D.createElementNS(ns, 'path');
    s.setAttribute('viewBox', '0 0 24 24'); s.setAttribute('width', '16'); s.setAttribute('height', '16');
    s.setAttribute('aria-hidden', 'true'); p.setAttribute('d', d); p.setAttribute('fill', 'currentColor');
    s.appendChild(p); return s;
  }
  function soundButton() {
    var b = $('sound');
    b.setAttribute('aria-pressed', String(st.sound));
    b.querySelector('.sound-label').textContent = st.sound ? 'Sound on' : 'Sound off';
    clear(b.querySelector('.sound-icon')).appendChild(icon(st.sound ? BELL : MUTE));
  }
  $('sound').addEventListener('click', function () {
    st.sound = !st.sound;
    try { localStorage.setItem('kefu.console.sound', st.sound ? '1' : '0'); } catch (e) { /* fine */ }
    soundButton();
    if (st.sound) beep(true); // a user gesture: lets the browser start the audio
  });
  function beep(force) {
    if (!st.sound && !force) return;
    try {
      var AC = W.AudioContext || W.webkitAudioContext;
      if (!AC) return;
      var a = st.audio || (st.audio = new AC());
      if (a.state === 'suspended') a.resume();
      [0, 0.18].forEach(function (t0, i) {
        var o = a.createOscillator(), g = a.createGain(), t = a.currentTime + t0;
        o.type = 'sine'; o.frequency.value = i ? 1175 : 880;
        g.gain.setValueAtTime(0.0001, t);
        g.gain.exponentialRampToValueAtTime(0.18, t + 0.015);
        g.gain.exponentialRampToValueAtTime(0.0001, t + 0.14);
        o.connect(g); g.connect(a.destination);
        o.start(t); o.stop(t + 0.16);
      });
    } catch (e) { /* no audio: the badge still counts */ }
  }

  // ---- the staff socket
  function connState(s) {
    var c = $('conn');
    c.setAttribute('data-conn', s);
    c.textContent = s === 'up' ? 'Live' : s === 'down' ? 'Reconnecting…' : 'Connecting…';
  }
  function send(f) {
    if (!st.ws || !st.wsUp) return false;
    st.ws.send(JSON.stringify(f));
    return true;
  }
  function connect() {
    clearTimeout(st.timer); st.timer = null;
    if (!st.me) return;
    var ws;
    try { ws = new WebSocket(WS_URL); } catch (e) { return retry(); }
    st.ws = ws; st.wsUp = false;
    connState(st.everUp ? 'down' : 'connecting');
    ws.onopen = function () {
      if (st.ws !== ws) return;
      st.wsUp = true; st.everUp = true; st.attempt = 0;
      connState('up');
      if (st.openId) send({ type: 'watch', conversation_id: st.openId });
      // Whatever changed before this socket was up (while away, or between the first fetch and now) came as no frame.
      loadLists();
      if (st.openId && st.open && st.open.loaded) loadConversation(st.openId, true);
    };
    ws.onmessage = function (e) {
      if (st.ws !== ws) return;
      var f;
      try { f = JSON.parse(e.data); } catch (x) { return; }
      if (f && typeof f.type === 'string') onFrame(f);
    };
    ws.onclose = function () {
      if (st.ws !== ws) return;
      st.ws = null; st.wsUp = false;
      showTyping(false);
      if (!st.me) return;
      connState('down');
      retry();
    };
  }
  // Backoff from 0.5 s to 15 s with jitter; a refused upgrade may mean the session ended, so ask.
  function retry() {
    var d = Math.min(15000, 500 * Math.pow(2, st.attempt++));
    if (st.attempt >= 2) api('GET', '/api/console/me').then(function (j) { if (j && j.csrf_token) st.csrf = j.csrf_token; })
      .catch(function (e) { if (e.status === 401 && st.me) signedOut('Your session has ended. Please sign in again.'); });
    st.timer = setTimeout(connect, d / 2 + Math.random() * d / 2);
  }

  function onFrame(f) {
    switch (f.type) {
      case 'inbox': upsert(f.conversation, true); break;
      case 'entry':
        if (st.open && f.conversation_id === st.open.id && f.entry && typeof f.entry === 'object') {
          // Kept, so that a timeline fetched while it came (and so without it) gets it back.
          st.open.live.push(f.entry);
          if (st.open.live.length > 300) st.open.live.shift();
          if (st.open.loaded) addEntry(f.entry, true);
        }
        break;
      case 'typing':
        if (st.open && f.conversation_id === st.open.id) {
          showTyping(!!f.typing, f.who);
        }
        break;
    }
  }

  // ---- routing: #c=<id> opens a conversation; #c=<id>&p=customer shows the customer on narrow screens
  function route() {
    if (!st.me) return;
    var h = location.hash, prev = st.hereHash;
    st.hereHash = h;
    if (isTxHash(h)) { setMode('transcripts'); txRoute(); return; }
    if (isDashHash(h)) { setMode('dashboard'); dashRoute(); return; }
    if (isSegHash(h)) { setMode('segments'); segRoute(); return; }
    if (isCustHash(h)) {
      if (prev != null && !isCustHash(prev)) cp.back = prev;
      setMode('customer'); cpRoute(); return;
    }
    st.inboxHash = location.hash;
    setMode('inbox');
    var m = /[#&]c=([^&]+)/.exec(location.hash), id = m ? decodeURIComponent(m[1]) : null;
    var view = id ? (/[#&]p=customer/.test(location.hash) ? 'customer' : 'chat') : 'inbox';
    if (id !== st.openId) openConversation(id);
    setView(view);
  }
  W.addEventListener('hashchange', route);
  function setView(v) {
    st.view = v;
    D.body.setAttribute('data-view', v);
  }
  function go(hash) {
    if (location.hash === hash || (hash === '' && !location.hash)) return route();
    if (hash === '') { history.pushState(null, '', location.pathname + location.search); route(); } // no hashchange for this one
    else location.hash = hash;
  }
  $('back-inbox').addEventListener('click', function () {
    var id = st.openId;
    go('');
    var r = id && $('inbox').querySelector('[data-console=row][data-id="' + CSS.escape(id) + '"]');
    if (r) r.focus();
  });
  $('show-customer').addEventListener('click', function () { go('#c=' + encodeURIComponent(st.openId) + '&p=customer'); });
  $('back-chat').addEventListener('click', function () { go('#c=' + encodeURIComponent(st.openId)); });
  $('waiting-link').addEventListener('click', function (e) {
    e.preventDefault();
    var first = SECTIONS[0], list = Object.keys(st.convs).map(function (k) { return st.convs[k]; }).filter(first.test).sort(first.sort);
    if (list.length) go('#c=' + encodeURIComponent(list[0].id));
    else { go(''); toast('Nobody is waiting.', 'info'); }
  });

  // ---- the open conversation
  function saveDraft() {
    if (!st.openId) return;
    var d = st.drafts[st.openId] || (st.drafts[st.openId] = {});
    d.reply = $('reply').value; d.note = $('note-text').value;
  }
  function openConversation(id) {
    saveDraft();
    stopTyping();
    st.openId = id;
    showTyping(false);
    scheduleInbox();
    if (!id) {
      st.open = null;
      send({ type: 'watch', conversation_id: '' });
      $('conv').hidden = true; $('chat-empty').hidden = false;
      renderCustomer(null);
      return;
    }
    st.open = { id: id, loaded: false, keys: {}, live: [], lastDay: '' };
    $('conv').hidden = false; $('chat-empty').hidden = true;
    var d = st.drafts[id] || {};
    $('reply').value = d.reply || ''; $('note-text').value = d.note || '';
    autosize($('reply')); autosize($('note-text'));
    clear($('transcript')).appendChild(el('p', { class: 'dim pad' }, 'Loading…'));
    renderHead();
    send({ type: 'watch', conversation_id: id });
    loadConversation(id);
    loadCustomer(id);
  }

  function loadConversation(id, keepScroll) {
    return api('GET', '/api/console/conversations/' + encodeURIComponent(id)).then(function (j) {
      if (!st.open || st.open.id !== id) return;
      if (j && j.conversation) upsert(j.conversation);
      var tr = $('transcript'), atBottom = !keepScroll || nearBottom(), top = tr.scrollTop;
      var live = st.open.live;
      st.open = { id: id, loaded: true, keys: {}, live: live, lastDay: '' };
      clear(tr);
      ((j && j.timeline) || []).forEach(function (e) { addEntry(e, false); });
      live.forEach(function (e) { addEntry(e, false); });
      if (!tr.firstChild) tr.appendChild(el('p', { class: 'dim pad' }, 'No messages yet.'));
      if (atBottom) toBottom(); else tr.scrollTop = top;
      renderHead();
    }).catch(function (e) {
      if (!st.open || st.open.id !== id) return;
      clear($('transcript')).appendChild(el('p', { class: 'dim pad' }, e.status === 404 ? 'This conversation does not exist.' : 'Could not load the conversation.'));
      fail(e);
    });
  }

  function cur() { return st.openId ? st.convs[st.openId] : null; }

  // The header, the buttons and the composer follow the conversation's state.
  function renderHead() {
    var c = cur();
    if (!st.openId) return;
    var name = $('conv-name'), sub = clear($('conv-sub'));
    name.textContent = c ? custName(c) : '…';
    name.classList.toggle('guest', !!c && !c.customer);
    if (c) {
      add(sub, [
        el('span', { class: 'st st-' + c.state }, c.state === 'human' ? (c.assigned ? (isMine(c) ? 'With you' : 'With ' + c.assigned.name) : 'With a person') : c.state === 'queued' ? 'Waiting for a person' : c.state === 'bot' ? 'Bot answering' : 'Closed'),
        el('span', { class: 'lang' }, lang(c.locale)),
        c.state === 'queued' && c.waiting_since ? el('span', { class: 'wait', 'data-since': c.waiting_since, 'data-prefix': 'waiting ', 'data-tone': waitTone(c.waiting_since) }, 'waiting ' + ago(c.waiting_since)) : null,
        c.state === 'queued' && c.assigned ? el('span', { class: 'dim' }, '→ ' + c.assigned.name) : null,
        c.state === 'closed' && c.rating ? stars(c.rating) : null,
        el('span', { class: 'dim id', title: 'Conversation id' }, '#' + String(c.id).slice(0, 8))
      ]);
    }
    var s = c ? c.state : '', mine = isMine(c);
    $('takeover').hidden = !(s === 'bot' || s === 'queued');
    $('handback').hidden = s !== 'human';
    $('close').hidden = !s || s === 'closed';
    $('assign-box').hidden = !s || s === 'closed';
    $('actions').hidden = !s || s === 'closed';
    var canReply = s === 'human' && mine;
    $('reply-form').hidden = !canReply;
    var why = $('reply-why');
    why.textContent = canReply ? '' : !c ? '' : s === 'bot' ? 'The bot is answering. Take over to reply yourself.' :
      s === 'queued' ? 'This shopper is waiting for a person. Take over to reply.' :
      s === 'human' ? (c.assigned ? c.assigned.name : 'Someone else') + ' is handling this conversation.' :
      'This conversation is closed.';
    why.hidden = !why.textContent;
  }

  // ---- the transcript
  function nearBottom() { var t = $('transcript'); return t.scrollHeight - t.scrollTop - t.clientHeight < 140; }
  function toBottom() { var t = $('transcript'); requestAnimationFrame(function () { t.scrollTop = t.scrollHeight; }); }

  function entryKey(e) {
    if (e.kind === 'message' && e.seq != null) return 'm' + e.seq;
    return [e.kind, e.type, e.role, e.at, e.from, e.to, e.staff, e.author, e.text].join('\u0001');
  }

  function addEntry(e, live) {
    if (!e || typeof e !== 'object' || !st.open) return;
    var key = entryKey(e), o = st.open, tr = $('transcript');
    if (o.keys[key]) return;
    o.keys[key] = 1;
    var stick = !live || nearBottom() || (e.kind === 'message' && e.role === 'staff' && e.author === (st.me && st.me.name));
    var empty = tr.querySelector('p.pad');
    if (empty) empty.remove();
    var n = e.kind === 'message' ? message(e) : event(e);
    var dd = day(e.at);
    // Messages go in seq order; events stay where they came.
    var ref = null;
    if (e.kind === 'message' && e.seq != null) {
      for (var c = tr.lastElementChild; c; c = c.previousElementSibling) {
        var s = c.getAttribute('data-seq');
        if (s == null) continue;
        if (+s > +e.seq) ref = c; else break;
      }
    }
    if (!ref && dd && dd !== o.lastDay) { tr.appendChild(el('div', { class: 'day', role: 'separator' }, dd)); o.lastDay = dd; }
    tr.insertBefore(n, ref);
    if (e.kind === 'message' && e.role === 'user') showTyping(false);
    if (live && e.kind === 'message' && e.role === 'assistant' && e.tool_calls && e.tool_calls.length) refreshCustomerSoon();
    if (stick) toBottom();
  }

  function meta(parts) { return el('div', { class: 'meta' }, parts.filter(Boolean).map(function (p, i) { return i ? [' · ', p] : p; })); }

  function message(e, conv) {
    var role = /^(user|assistant|staff|system)$/.test(e.role) ? e.role : 'system', c = conv || cur();
    var at = e.at ? el('time', { datetime: e.at, title: fullTime(e.at) }, when(e.at)) : null;
    var attrs = { class: 'entry msg ' + role, 'data-console': 'entry', 'data-kind': 'message', 'data-role': role, 'data-seq': e.seq != null ? e.seq : null };
    if (role === 'system') {
      return el('div', attrs, el('div', { class: 'sys' }, el('span', { class: 'pill' }, 'System'), ' ', e.text || ''), meta([at]));
    }
    var who = role === 'user' ? custName(c) : role === 'assistant' ? 'Bot' : (e.author || 'Staff') + (st.me && e.author === st.me.name ? ' (you)' : '');
    return el('div', attrs,
      el('div', { class: 'who' }, el('span', { class: 'author' }, who),
        role === 'assistant' && e.model ? el('span', { class: 'model', title: 'Model' }, e.model) : null,
        role === 'staff' ? el('span', { class: 'pill staff' }, 'Staff') : null),
      el('div', { class: 'bubble' }, e.text ? el('div', { class: 'txt' }, e.text) : el('div', { class: 'txt dim' }, '(no text)')),
      role === 'assistant' ? tools(e) : null,
      meta([at, e.seq != null ? el('span', { class: 'seq', title: 'Sequence number' }, '#' + e.seq) : null]));
  }

  // Tool calls of the bot's turn, with their results (matched by name, in order), collapsed.
  function tools(e) {
    var calls = Array.isArray(e.tool_calls) ? e.tool_calls : [], results = Array.isArray(e.tool_results) ? e.tool_results.slice() : [];
    if (!calls.length && !results.length) return null;
    var items = calls.map(function (tc) {
      var i = -1;
      for (var k = 0; k < results.length; k++) if (results[k] && results[k].name === tc.name) { i = k; break; }
      var r = i >= 0 ? results.splice(i, 1)[0] : null;
      return tool(tc.name, tc.arguments, r, true);
    }).concat(results.map(function (r) { return tool(r && r.name, undefined, r, false); }));
    return el('div', { class: 'tools', 'data-console': 'tools' }, items);
  }
  function tool(name, args, r, called) {
    var hasArgs = args !== undefined && args !== null && args !== '';
    return el('details', { class: 'tool', 'data-tool': name || '' },
      el('summary', null, el('span', { class: 'tool-ic', 'aria-hidden': 'true' }, '⚙'), el('code', { class: 'tool-name' }, name || 'tool'),
        hasArgs ? el('span', { class: 'tool-args' }, oneLine(args, 60)) : null,
        r ? null : called ? el('span', { class: 'tool-nores' }, 'no result') : null),
      called ? [el('div', { class: 'tool-h' }, 'Arguments'), el('pre', null, hasArgs ? pretty(args) : '(none)')] : null,
      r ? [el('div', { class: 'tool-h' }, 'Result'), el('pre', null, pretty(r.content))] : null);
  }

  var TO = { bot: 'the bot', queued: 'waiting for a person', human: 'a person', closed: 'closed' };
  function eventText(e) {
    var who = e.staff || '';
    switch (e.type) {
      case 'state':
        if (e.to === 'queued') return 'Waiting for a person' + (e.from && e.from !== 'bot' ? ' (was ' + (TO[e.from] || e.from) + ')' : '');
        if (e.to === 'human') return who ? who + ' took over' : 'A person took over';
        if (e.to === 'bot') return e.from === 'human' ? (who || 'Staff') + ' handed back to the bot' : 'Back to the bot';
        if (e.to === 'closed') return 'Closed' + (who ? ' by ' + who : '');
        return 'State: ' + (e.from || '?') + ' → ' + (e.to || '?');
      case 'handoff_requested': return 'Asked for a person' + (e.text ? ': “' + oneLine(e.text, 80) + '”' : '');
      case 'assigned':
        var to = e.to || e.text || '';
        return (who && to && who !== to ? who + ' assigned it to ' + to : to ? 'Assigned to ' + to : (who ? 'Assigned by ' + who : 'Assigned'));
      case 'rated': return 'Shopper rated it' + (e.text ? ': ' + e.text : e.to ? ' ' + e.to + '/5' : '');
      default: return (e.type || 'event') + (e.text ? ': ' + e.text : '');
    }
  }
  function event(e) {
    var type = String(e.type || 'event'), at = e.at ? el('time', { datetime: e.at, title: fullTime(e.at) }, when(e.at)) : null;
    var attrs = { class: 'entry ev ev-' + type.replace(/[^a-z_]/gi, ''), 'data-console': 'entry', 'data-kind': 'event', 'data-role': type, 'data-type': type };
    if (type === 'note') {
      return el('div', attrs,
        el('div', { class: 'note-head' }, el('span', { class: 'pill private' }, 'Private note'), ' ', el('span', { class: 'author' }, e.staff || 'Staff'), at ? [' · ', at] : null),
        el('div', { class: 'txt' }, e.text || ''));
    }
    return el('div', attrs, el('span', { class: 'evt' }, el('span', { class: 'line' }, eventText(e)), at ? [' · ', at] : null));
  }

  // ---- typing
  function showTyping(on, who) {
    var t = $('typing');
    clearTimeout(st.typingT);
    t.hidden = !on;
    t.textContent = on ? (!who || who === 'shopper' ? 'Shopper' : who) + ' is typing…' : '';
    if (on) st.typingT = setTimeout(function () { t.hidden = true; }, 15000); // in case "false" is lost
  }
  var typingSent = 0, typingIdle, typingFor = null;
  function sendTyping(on) {
    var id = on ? st.openId : typingFor;
    if (!id) return;
    if (on && typingFor === id && Date.now() - typingSent < 3000) return; // at most every 3 s
    if (!on && !typingSent) return;
    typingSent = on ? Date.now() : 0;
    typingFor = on ? id : null;
    api('POST', '/api/console/conversations/' + encodeURIComponent(id) + '/typing', { typing: on }).catch(function () { /* not worth a toast */ });
  }
  function stopTyping() { clearTimeout(typingIdle); sendTyping(false); }

  // ---- composer
  function autosize(t) { t.style.height = 'auto'; t.style.height = Math.min(t.scrollHeight + 2, t.id === 'reply' ? 200 : 140) + 'px'; }
  function cid() {
    var a = new Uint8Array(8);
    crypto.getRandomValues(a);
    return 's-' + Date.now().toString(36) + '-' + [].map.call(a, function (b) { return (b + 256).toString(16).slice(1); }).join('');
  }
  function isIME(e) { return e.isComposing || e.keyCode === 229; }

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
  $('reply-form').addEventListener('submit', function (e) { e.preventDefault(); sendReply(); });
  $('note-text').addEventListener('input', function () { autosize(this); });
  $('note-text').addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !isIME(e)) { e.preventDefault(); addNote(this); }
  });
  $('note-form').addEventListener('submit', function (e) { e.preventDefault(); addNote($('note-text')); });

  function busy(b, on) { b.disabled = on; b.setAttribute('aria-busy', String(on)); }
  function path(id, what) { return '/api/console/conversations/' + encodeURIComponent(id) + '/' + what; }

  function sendReply() {
    var id = st.openId, ta = $('reply'), b = $('send'), text = ta.value.trim();
    if (!id || !text || b.disabled) return;
    if (text.length > 2000) return toast('A reply can be at most 2000 characters.');
    var d = st.drafts[id] || (st.drafts[id] = {});
    if (d.cidText !== text) { d.cid = cid(); d.cidText = text; } // a retry of the same text is stored once
    busy(b, true);
    clearTimeout(typingIdle); typingSent = 0; typingFor = null; // the reply itself ends "typing"
    api('POST', path(id, 'reply'), { text: text, client_id: d.cid }).then(function (j) {
      d.cid = d.cidText = null;
      if (st.openId === id) {
        if (ta.value.trim() === text) { ta.value = ''; autosize(ta); }
        if (j && j.seq != null) addEntry({ kind: 'message', seq: j.seq, role: 'staff', author: st.me.name, text: text, at: new Date().toISOString() }, true);
      } else if (st.drafts[id]) st.drafts[id].reply = '';
    }).catch(function (e) { fail(e); if (e.status === 409 || e.status === 403) refresh(id); })
      .then(function () { busy(b, false); if (st.openId === id) ta.focus(); });
  }

  // A private note from the note box (or, with Ctrl/Cmd+Enter, from the reply box).
  function addNote(ta) {
    var id = st.openId, b = $('note'), text = ta.value.trim(), field = ta.id === 'reply' ? 'reply' : 'note';
    if (!id || b.disabled) return;
    if (!text) { ta.focus(); return; }
    busy(b, true);
    api('POST', path(id, 'note'), { text: text }).then(function () {
      if (st.openId === id) { if (ta.value.trim() === text) { ta.value = ''; autosize(ta); } }
      else if (st.drafts[id]) st.drafts[id][field] = '';
      // The note comes back as an entry frame; without a live socket, fetch it.
      if (!st.wsUp) refresh(id);
      else setTimeout(function () {
        if (st.open && st.open.id === id && st.open.loaded && ![].some.call($('transcript').querySelectorAll('.ev-note .txt'), function (n) { return n.textContent === text; })) refresh(id);
      }, 1500);
    }).catch(fail).then(function () { busy(b, false); if (st.openId === id) ta.focus(); });
  }

  // After an action: the server's frames bring the change, but fetch it too so a lost frame can't leave it stale.
  function refresh(id) { if (st.openId === id) loadConversation(id, true); }

  function action(btn, what, body, done) {
    var id = st.openId;
    if (!id || btn.disabled) return;
    busy(btn, true);
    return api('POST', path(id, what), body).then(function () {
      refresh(id);
      if (done) done(id);
    }).catch(function (e) { fail(e); refresh(id); }).then(function () { busy(btn, false); });
  }
  $('takeover').addEventListener('click', function () {
    action(this, 'takeover', undefined, function (id) {
      var c = st.convs[id];
      if (c) upsert(Object.assign({}, c, { state: 'human', assigned: { id: st.me.id, name: st.me.name }, waiting_since: null }));
      if (st.openId === id) $('reply').focus();
    });
  });
  $('handback').addEventListener('click', function () { stopTyping(); action(this, 'handback'); });
  $('close').addEventListener('click', function () { stopTyping(); action(this, 'close'); });
  $('assign').addEventListener('click', function () {
    var s = $('assign-to'), v = s.value;
    if (!v) { toast('Choose who to assign it to.', 'info'); s.focus(); return; }
    var p = st.staff.filter(function (x) { return String(x.id) === v; })[0];
    action(this, 'assign', { staff_id: +v }, function () {
      s.value = '';
      toast('Assigned to ' + (p ? p.name || p.email : 'them') + '.', 'info');
    });
  });

  // ---- customer
  function refreshCustomerSoon() {
    clearTimeout(st.custT);
    var id = st.openId;
    st.custT = setTimeout(function () { if (st.openId === id) loadCustomer(id, true); }, 800);
  }
  function loadCustomer(id, quiet) {
    if (!quiet) clear($('cust-body')).appendChild(el('p', { class: 'dim pad' }, 'Loading…'));
    api('GET', path(id, 'customer')).then(function (j) { if (st.openId === id) renderCustomer(j || {}); })
      .catch(function (e) {
        if (st.openId !== id) return;
        if (!quiet) clear($('cust-body')).appendChild(el('p', { class: 'dim pad' }, 'Could not load the customer.'));
        if (e.status !== 404) fail(e);
      });
  }
  function section(title, count, body) {
    return el('section', { class: 'cs' }, el('h3', null, title, count != null ? el('span', { class: 'count' }, String(count)) : null), body);
  }
  function renderCustomer(j) {
    var box = clear($('cust-body'));
    if (!j) { box.appendChild(el('p', { class: 'dim pad' }, 'Open a conversation to see who it is.')); return; }
    var c = j.customer, rv = j.revealed || {}, orders = j.orders || [], returns = j.returns || [], convs = j.conversations || [];
    if (c) {
      box.appendChild(el('div', { class: 'profile' },
        el('div', { class: 'avatar big', 'aria-hidden': 'true' }, String(c.name || c.email || '?').slice(0, 1).toUpperCase()),
        el('div', { class: 'pwho' }, el('div', { class: 'pname-row' }, el('span', { class: 'pname' }, c.name || '(no name)'),
            el('a', { href: custHash(c.id), class: 'cust-page', 'data-console': 'customer-link', title: 'Needs, history and recommendations' }, 'Customer page')),
          c.email ? el('div', { class: 'pmail' }, c.email) : null,
          el('div', { class: 'dim small' }, 'Customer #' + c.id, ' · ', lang(c.locale), ' · ',
            el('a', { href: txHash({ customer: String(c.id) }, 0, null), class: 'cust-tx', 'data-console': 'customer-transcripts' }, 'Transcripts')))));
    } else {
      box.appendChild(el('div', { class: 'profile' },
        el('div', { class: 'avatar big guest', 'aria-hidden': 'true' }, '?'),
        el('div', null, el('div', { class: 'pname' }, 'Guest'), el('div', { class: 'dim small' }, 'Not signed in at the shop'))));
    }
    var emails = rv.emails || [], ons = rv.orders || [];
    if (!c || emails.length || ons.length) {
      box.appendChild(section('What this chat revealed', null, emails.length || ons.length ?
        el('dl', { class: 'revealed' },
          emails.length ? [el('dt', null, 'Emails'), el('dd', null, emails.map(function (x) { return el('span', { class: 'tag' }, x); }))] : null,
          ons.length ? [el('dt', null, 'Orders'), el('dd', null, ons.map(function (x) { return el('span', { class: 'tag' }, x); }))] : null) :
        el('p', { class: 'dim' }, 'No email or order number yet.')));
    }
    if (c || orders.length) {
      box.appendChild(section('Orders', orders.length, orders.length ? el('ul', { class: 'orders' }, orders.map(function (o) {
        return el('li', { class: 'order', 'data-order': o.number },
          el('div', { class: 'oh' }, el('b', null, o.number), chip(o.status), el('span', { class: 'amt' }, money(o.total, o.currency))),
          o.placed_at ? el('div', { class: 'dim small' }, 'Placed ' + when(o.placed_at)) : null,
          Array.isArray(o.items) && o.items.length ? el('ul', { class: 'items' }, o.items.map(function (it) {
            return el('li', null, (it.quantity || 1) + ' × ' + (it.title || it.sku || ''));
          })) : null);
      })) : el('p', { class: 'dim' }, 'No orders.')));
    }
    if (returns.length) {
      box.appendChild(section('Returns', returns.length, el('ul', { class: 'orders' }, returns.map(function (r) {
        return el('li', { class: 'order' },
          el('div', { class: 'oh' }, el('b', null, r.rma), chip(r.status), r.refund != null ? el('span', { class: 'amt' }, money(r.refund, r.currency)) : null),
          r.order_number ? el('div', { class: 'dim small' }, 'for ' + r.order_number) : null);
      }))));
    }
    var past = convs.filter(function (x) { return x.id !== st.openId; });
    if (c || past.length) {
      box.appendChild(section('Past conversations', past.length, past.length ? el('ul', { class: 'past' }, past.map(function (p) {
        return el('li', null, el('a', { href: '#c=' + encodeURIComponent(p.id), class: 'pastrow' },
          el('span', null, when(p.created_at) || '—'),
          el('span', { class: 'outcome ' + (p.handed_off ? 'ho' : 'bot') }, p.handed_off ? 'handed off' : 'bot only'),
          p.state !== 'closed' ? el('span', { class: 'st st-' + p.state }, STATE[p.state] || p.state) : null,
          stars(p.rating) || el('span', { class: 'dim small' }, p.state === 'closed' ? 'no rating' : '')));
      })) : el('p', { class: 'dim' }, 'First conversation.')));
    }
  }

  // ---- transcripts: search past conversations, read one, replay it as it happened, export
  // The hash is the state: #transcripts?q=…&lang=zh&offset=50&open=<id>, so a reload, the
  // back button and a pasted link all come back to the same search and transcript.
  var TX_PAGE = 50, TX_CAP = 10000, GAP_CAP = 5000; // GAP_CAP: the longest pause a replay makes at 1×
  var TX_KEYS = ['q', 'from', 'to', 'state', 'lang', 'tool', 'escalated', 'resolved', 'min_rating', 'max_rating', 'sort', 'customer'];
  var TX_FIELDS = { q: 'f-q', from: 'f-from', to: 'f-to', state: 'f-state', lang: 'f-lang', tool: 'f-tool', escalated: 'f-escalated',
    resolved: 'f-resolved', min_rating: 'f-min', max_rating: 'f-max', sort: 'f-sort' };
  var tx = txFresh();
  var rp = null; // the open transcript and its replay
  function txFresh() { return { f: {}, offset: 0, key: null, force: false, seq: 0, total: 0, list: [], openId: null, hash: '#transcripts' }; }

  function isTxHash(h) { return /^#transcripts(\?|$)/.test(h || ''); }
  function txParse(h) {
    var i = h.indexOf('?'), p = new URLSearchParams(i < 0 ? '' : h.slice(i + 1)), f = {};
    TX_KEYS.forEach(function (k) { var v = (p.get(k) || '').trim(); if (v) f[k] = v; });
    if (f.sort === 'updated') delete f.sort; // the default
    var off = parseInt(p.get('offset'), 10);
    return { f: f, offset: off > 0 ? off : 0, open: p.get('open') || null };
  }
  function txHash(f, offset, open) {
    var p = new URLSearchParams();
    TX_KEYS.forEach(function (k) { if (f[k]) p.set(k, f[k]); });
    if (offset > 0) p.set('offset', String(offset));
    if (open) p.set('open', open);
    var s = p.toString();
    return '#transcripts' + (s ? '?' + s : '');
  }
  // The server's "to" is exclusive (started before that day); the form's is the last day included.
  function nextDay(d) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
    return m ? new Date(Date.UTC(+m[1], m[2] - 1, +m[3] + 1)).toISOString().slice(0, 10) : d;
  }
  function txFilterParams(f) {
    var p = new URLSearchParams();
    TX_KEYS.forEach(function (k) { if (f[k] && k !== 'sort') p.set(k, k === 'to' ? nextDay(f[k]) : f[k]); });
    return p;
  }
  function exportURL(format, params) {
    var p = new URLSearchParams({ format: format });
    params.forEach(function (v, k) { p.append(k, v); });
    return '/api/console/transcripts/export?' + p.toString();
  }
  function num(n) { return Number(n).toLocaleString('en-US'); }
  // The server counts up to TX_CAP, and a text search looks only at the
  // newest conversations with the words: "more" says the count is a floor.
  function totalText(n) { return n >= TX_CAP ? num(TX_CAP) + '+' : num(n) + (tx.more ? '+' : ''); }
  function terms(q) {
    var seen = {};
    return String(q || '').split(/\s+/).filter(function (w) { w = w.toLowerCase(); return w && !seen[w] && (seen[w] = 1); }).slice(0, 12);
  }

  // ---- the header's tabs
  // The views and their panels; the customer page has no tab of its own.
  var TABS = ['inbox', 'transcripts', 'dashboard', 'segments'];
  var PANELS = { inbox: 'cols', transcripts: 'tx', dashboard: 'dash', segments: 'seg', customer: 'cpage' };
  function setMode(m) {
    if (m === 'transcripts') tx.hash = location.hash;
    if (m === 'dashboard') dash.hash = location.hash;
    if (m === 'segments') seg.hash = location.hash;
    if (st.mode === m) return;
    st.mode = m;
    D.body.setAttribute('data-mode', m);
    for (var k in PANELS) $(PANELS[k]).hidden = k !== m;
    var tabbed = TABS.indexOf(m) >= 0;
    TABS.forEach(function (t, i) {
      var b = $('tab-' + t);
      b.setAttribute('aria-selected', String(t === m));
      b.tabIndex = t === m || (!tabbed && !i) ? 0 : -1;
    });
    if (m !== 'transcripts') rpPause();
  }
  function showMode(m) {
    if (m === st.mode) return;
    go(m === 'transcripts' ? tx.hash || '#transcripts' : m === 'dashboard' ? dash.hash || '#dashboard' :
      m === 'segments' ? seg.hash || '#segments' : st.inboxHash || '');
  }
  TABS.forEach(function (t) { $('tab-' + t).addEventListener('click', function () { showMode(t); }); });
  $('tab-inbox').parentNode.addEventListener('keydown', function (e) {
    if (!/^(ArrowLeft|ArrowRight|Home|End)$/.test(e.key)) return;
    e.preventDefault();
    var i = TABS.indexOf(String(e.target.id || '').replace(/^tab-/, '')), n = TABS.length;
    if (i < 0) i = Math.max(0, TABS.indexOf(st.mode));
    var to = TABS[e.key === 'Home' ? 0 : e.key === 'End' ? n - 1 : (i + (e.key === 'ArrowRight' ? 1 : n - 1)) % n];
    $('tab-' + to).focus();
    showMode(to);
  });

  // ---- routing inside the transcripts
  function txRoute() {
    var r = txParse(location.hash), fkey = JSON.stringify(r.f), key = JSON.stringify([r.f, r.offset]);
    if (key !== tx.key || tx.force) {
      if (fkey !== JSON.stringify(tx.f) || tx.key === null) { tx.f = r.f; txFill(); }
      tx.f = r.f; tx.offset = r.offset; tx.key = key;
      txSearch();
    }
    if (r.open !== tx.openId) {
      // Opening a transcript hides the replay report; going back from one opened from the report shows it again.
      if (r.open) rr.shown = false;
      else if (rr.openedFrom && rr.openedFrom === tx.openId) rr.shown = true;
      rr.openedFrom = r.open ? rr.openedFrom : null;
      txOpen(r.open);
    }
    rrPanels();
    txView();
  }
  function txFill() {
    for (var k in TX_FIELDS) $(TX_FIELDS[k]).value = tx.f[k] || (k === 'sort' ? 'updated' : '');
    formError('');
  }
  function formError(msg, field) {
    var p = $('f-err');
    p.textContent = msg; p.hidden = !msg;
    if (field) $(field).focus();
  }
  // The form as filters, or null (and a message) when it does not make sense.
  function txRead() {
    var f = {};
    for (var k in TX_FIELDS) { var v = $(TX_FIELDS[k]).value.trim(); if (v && !(k === 'sort' && v === 'updated')) f[k] = v; }
    if (tx.f.customer) f.customer = tx.f.customer; // set from a customer's panel; removed with its chip
    var bad = ['from', 'to'].filter(function (k) { return f[k] && !/^\d{4}-\d{2}-\d{2}$/.test(f[k]); })[0];
    if (bad) return formError('Enter the date as YYYY-MM-DD.', TX_FIELDS[bad]), null;
    if (f.from && f.to && f.from > f.to) return formError('“From” is after “To”.', 'f-from'), null;
    if (f.min_rating && f.max_rating && +f.min_rating > +f.max_rating) return formError('The lowest rating is above the highest.', 'f-min'), null;
    formError('');
    return f;
  }
  $('tx-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var f = txRead();
    if (!f) return;
    tx.force = true; // search again even when nothing changed: there may be new conversations
    go(txHash(f, 0, tx.openId));
  });
  $('tx-reset').addEventListener('click', function () {
    tx.f = {}; txFill();
    tx.force = true;
    go(txHash({}, 0, tx.openId));
    $('f-q').focus();
  });
  $('tx-prev').addEventListener('click', function () { go(txHash(tx.f, Math.max(0, tx.offset - TX_PAGE), tx.openId)); });
  $('tx-next').addEventListener('click', function () { go(txHash(tx.f, tx.offset + TX_PAGE, tx.openId)); });

  // ---- the search and its results
  function txSearch() {
    var p = txFilterParams(tx.f), n = ++tx.seq;
    if (tx.f.sort) p.set('sort', tx.f.sort);
    p.set('limit', String(TX_PAGE));
    p.set('offset', String(tx.offset));
    tx.force = false;
    $('tx-export-jsonl').setAttribute('href', exportURL('jsonl', txFilterParams(tx.f)));
    $('tx-export-csv').setAttribute('href', exportURL('csv', txFilterParams(tx.f)));
    renderChips();
    var list = $('tx-list');
    list.setAttribute('aria-busy', 'true');
    if (!list.firstChild) list.appendChild(el('li', { class: 'none' }, 'Searching…'));
    api('GET', '/api/console/transcripts?' + p.toString()).then(function (j) {
      if (n !== tx.seq) return;
      tx.total = Math.max(0, +(j && j.total) || 0);
      tx.more = !!(j && j.more);
      tx.list = ((j && j.conversations) || []).filter(function (c) { return c && c.id; });
      if (!tx.list.length && tx.offset > 0 && tx.total > 0) { // past the end (fewer results now): the last page
        go(txHash(tx.f, Math.floor((Math.min(tx.total, TX_CAP) - 1) / TX_PAGE) * TX_PAGE, tx.openId));
        return;
      }
      renderResults('');
    }).catch(function (e) {
      if (n !== tx.seq) return;
      tx.list = []; tx.total = 0; tx.more = false; tx.key = null;
      renderResults(e.status === 401 ? '' : e.message || 'The search failed.');
    });
  }
  function renderChips() {
    var box = clear($('tx-chips'));
    if (tx.f.customer) {
      box.appendChild(el('span', { class: 'fchip' }, 'Customer #' + tx.f.customer,
        el('button', { type: 'button', class: 'fchip-x', 'aria-label': 'Remove the customer filter', title: 'Remove', onclick: function () {
          var f = Object.assign({}, tx.f); delete f.customer; tx.force = true; go(txHash(f, 0, tx.openId));
        } }, '×')));
    }
  }
  function renderResults(err) {
    var list = $('tx-list'), shownTo = tx.offset + tx.list.length, max = Math.min(tx.total, TX_CAP);
    var focused = D.activeElement && D.activeElement.getAttribute && D.activeElement.getAttribute('data-console') === 'result';
    list.removeAttribute('aria-busy');
    clear(list);
    var t = $('tx-total');
    t.textContent = err ? '—' : totalText(tx.total);
    t.setAttribute('data-total', err ? '' : String(tx.total));
    $('tx-total-label').textContent = !err && tx.total === 1 ? 'conversation' : 'conversations';
    if (err) list.appendChild(el('li', { class: 'none err', role: 'alert' }, err));
    else if (!tx.list.length) list.appendChild(el('li', { class: 'none' }, Object.keys(tx.f).length ? 'No conversation matches these filters.' : 'No conversations yet.'));
    else add(list, tx.list.map(resultRow));
    if (!err && tx.more && tx.f.q && shownTo >= max) {
      list.appendChild(el('li', { class: 'none', 'data-console': 'more-hint' }, 'These are the matches among the newest conversations with these words. Add a word to find older ones.'));
    }
    list.scrollTop = 0;
    $('tx-range').textContent = err || !tx.list.length ? '' : num(tx.offset + 1) + '–' + num(shownTo) + ' of ' + totalText(tx.total);
    $('tx-prev').disabled = !!err || tx.offset <= 0;
    $('tx-next').disabled = !!err || tx.list.length < TX_PAGE || shownTo >= max;
    if (focused) { var r = list.querySelector('[data-console=result]'); if (r) r.focus(); }
    rrButton();
  }
  function resultRow(c) {
    var lm = c.last_message || {}, at = lm.at || c.updated_at;
    var who = lm.role === 'assistant' ? 'Bot: ' : lm.role === 'staff' ? (lm.author || (c.assigned && c.assigned.name) || 'Staff') + ': ' : lm.role === 'system' ? 'Note: ' : '';
    var last = el('span', { class: 'last' }, lm.text ? who + String(lm.text).replace(/\s+/g, ' ') : '—');
    highlight(last, terms(tx.f.q));
    return el('li', null, el('a', {
      href: txHash(tx.f, tx.offset, c.id), class: 'row' + (c.id === tx.openId ? ' current' : ''),
      'data-console': 'result', 'data-id': c.id, 'data-state': c.state, 'aria-current': c.id === tx.openId ? 'true' : null
    },
      el('span', { class: 'r1' },
        el('span', { class: 'name' + (c.customer ? '' : ' guest') }, custName(c)),
        el('span', { class: 'lang', title: 'Language' }, lang(c.locale)),
        el('span', { class: 'st st-' + String(c.state).replace(/[^a-z]/g, '') }, STATE[c.state] || String(c.state || '')),
        el('time', { class: 'time', datetime: at || '', title: 'Last activity ' + fullTime(at) }, when(at))),
      el('span', { class: 'r2' }, last, stars(c.rating))));
  }
  function markCurrent() {
    [].forEach.call($('tx-list').querySelectorAll('[data-console=result]'), function (r) {
      var on = r.getAttribute('data-id') === tx.openId;
      r.classList.toggle('current', on);
      if (on) r.setAttribute('aria-current', 'true'); else r.removeAttribute('aria-current');
    });
  }

  // Search words marked in text, as text nodes and <mark> elements.
  function highlight(node, words) {
    if (!words.length) return;
    var re = new RegExp(words.map(function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }).join('|'), 'gi');
    var walk = D.createTreeWalker(node, NodeFilter.SHOW_TEXT), texts = [];
    while (walk.nextNode()) texts.push(walk.currentNode);
    texts.forEach(function (t) {
      var s = t.nodeValue, m, last = 0, frag = null;
      re.lastIndex = 0;
      while ((m = re.exec(s))) {
        frag = frag || D.createDocumentFragment();
        frag.appendChild(D.createTextNode(s.slice(last, m.index)));
        frag.appendChild(el('mark', null, m[0]));
        last = m.index + m[0].length;
      }
      if (frag) { frag.appendChild(D.createTextNode(s.slice(last))); t.parentNode.replaceChild(frag, t); }
    });
  }

  // ---- one transcript
  function txOpen(id) {
    rpStop();
    tx.openId = id;
    markCurrent();
    if (!id) { rp = null; $('tx-conv').hidden = true; $('tx-empty').hidden = false; return; }
    var known = tx.list.filter(function (c) { return c.id === id; })[0] || null;
    rp = { id: id, conv: known, entries: [], times: [], nodes: [], shown: 0, lastDay: '', playing: false, timer: null, due: 0, wait: null, sp: 1, words: terms(tx.f.q), loaded: false };
    $('tx-conv').hidden = false; $('tx-empty').hidden = true;
    $('tx-conv-jsonl').setAttribute('href', exportURL('jsonl', new URLSearchParams({ id: id })));
    $('tx-conv-csv').setAttribute('href', exportURL('csv', new URLSearchParams({ id: id })));
    $('tx-conv-jsonl').setAttribute('download', 'kefu-conversation-' + id.slice(0, 8) + '.jsonl');
    $('tx-conv-csv').setAttribute('download', 'kefu-conversation-' + id.slice(0, 8) + '.csv');
    $('tx-in-inbox').setAttribute('href', '#c=' + encodeURIComponent(id));
    readerHead();
    clear($('tx-transcript')).appendChild(el('p', { class: 'dim pad' }, 'Loading…'));
    rpControls();
    api('GET', '/api/console/conversations/' + encodeURIComponent(id)).then(function (j) {
      if (!rp || rp.id !== id) return;
      rp.conv = (j && j.conversation) || known;
      rp.entries = ((j && Array.isArray(j.timeline) && j.timeline) || []).filter(function (e) { return e && typeof e === 'object'; });
      rp.times = rp.entries.map(function (e) { return Date.parse(e.at); });
      rp.loaded = true;
      readerHead();
      rpShow(rp.entries.length, false); // all of it to read; Play replays it from the start
      var box = $('tx-transcript'), m = box.querySelector('mark');
      box.scrollTop = 0;
      if (m) m.scrollIntoView({ block: 'center' });
    }).catch(function (e) {
      if (!rp || rp.id !== id) return;
      clear($('tx-transcript')).appendChild(el('p', { class: 'dim pad' }, e.status === 404 ? 'This conversation does not exist (any more).' : 'Could not load the conversation.'));
      if (e.status !== 404) fail(e);
    });
  }
  function readerHead() {
    var c = rp.conv, name = $('tx-name'), sub = clear($('tx-sub'));
    name.textContent = c ? custName(c) : rp.loaded ? 'Guest' : '…';
    name.classList.toggle('guest', !c || !c.customer);
    var first = rp.times[0], lastT = rp.times[rp.times.length - 1];
    add(sub, [
      c ? el('span', { class: 'st st-' + String(c.state).replace(/[^a-z]/g, '') }, STATE[c.state] || String(c.state || '')) : null,
      c ? el('span', { class: 'lang' }, lang(c.locale)) : null,
      c && c.assigned ? el('span', { class: 'dim' }, 'with ' + c.assigned.name) : null,
      c && c.rating ? stars(c.rating) : null,
      !isNaN(first) ? el('span', { class: 'dim', title: fullTime(rp.entries[0].at) + ' – ' + fullTime(rp.entries[rp.entries.length - 1].at) },
        fullTime(rp.entries[0].at) + ', lasted ' + dur(lastT - first)) : null,
      el('span', { class: 'dim id', title: rp.id }, '#' + String(rp.id).slice(0, 8))
    ]);
  }
  function dur(ms) {
    var s = Math.max(0, Math.round((ms || 0) / 1000)), h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60);
    return (h ? h + ':' + String(m).padStart(2, '0') : String(m)) + ':' + String(s % 60).padStart(2, '0');
  }
  function clock(s) { var d = new Date(s); return isNaN(d) ? '' : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' }); }

  // Entry i as shown in the reader: the inbox's rendering, its times with seconds, the search words marked.
  function rpNode(i) {
    if (rp.nodes[i]) return rp.nodes[i];
    var e = rp.entries[i], n = e.kind === 'message' ? message(e, rp.conv) : event(e);
    n.setAttribute('data-console', 'replay-entry');
    n.setAttribute('data-index', String(i));
    [].forEach.call(n.querySelectorAll('time[datetime]'), function (t) { t.textContent = clock(t.getAttribute('datetime')); });
    if (rp.words.length) [].forEach.call(n.querySelectorAll('.txt'), function (t) { highlight(t, rp.words); });
    return (rp.nodes[i] = n);
  }
  // Shows the first n entries (going back clears and rebuilds).
  function rpShow(n, animate) {
    var box = $('tx-transcript'), N = rp.entries.length;
    n = Math.max(0, Math.min(N, n));
    if (n < rp.shown || !rp.shown) { clear(box); rp.shown = 0; rp.lastDay = ''; }
    var ph = box.querySelector('p.pad');
    if (ph && n) ph.remove();
    for (var i = rp.shown; i < n; i++) {
      var d = day(rp.entries[i].at);
      if (d && d !== rp.lastDay) { box.appendChild(el('div', { class: 'day', role: 'separator' }, d)); rp.lastDay = d; }
      var node = rpNode(i);
      node.classList.toggle('appear', !!animate);
      box.appendChild(node);
    }
    rp.shown = n;
    if (!box.firstChild) box.appendChild(el('p', { class: 'dim pad' }, N ? 'Press Play to replay this conversation.' : 'No messages in this conversation.'));
    rpControls();
  }
  function rpToEnd() { var b = $('tx-transcript'); requestAnimationFrame(function () { b.scrollTop = b.scrollHeight; }); }
  function rpSpeed() { var v = $('rp-speed').value; return v === 'instant' ? 0 : (+v || 1); }
  // The wait before entry i at 1×: the gap between its time and the one before, at most GAP_CAP.
  function rpGap(i) {
    var g = rp.times[i] - rp.times[i - 1];
    return isNaN(g) || g < 0 ? 0 : Math.min(GAP_CAP, g);
  }
  function rpSchedule() {
    clearTimeout(rp.timer); rp.timer = null;
    if (!rp.playing) return rpControls();
    var N = rp.entries.length, sp = rpSpeed();
    if (rp.shown >= N) { rp.playing = false; return rpControls(); }
    if (!sp) { rp.playing = false; rp.wait = null; rpShow(N, true); rpToEnd(); return; }
    var d = rp.wait != null ? rp.wait : rp.shown ? rpGap(rp.shown) / sp : 0, me = rp;
    rp.wait = null; rp.sp = sp; rp.due = Date.now() + d;
    rp.timer = setTimeout(function () {
      if (rp !== me || !me.playing) return;
      me.timer = null;
      rpShow(me.shown + 1, true);
      rpToEnd();
      rpSchedule();
    }, d);
    rpControls();
  }
  function rpPlay() {
    if (!rp || !rp.loaded || !rp.entries.length || rp.playing) return;
    if (rp.shown >= rp.entries.length) { rp.wait = null; rpShow(0, false); }
    rp.playing = true;
    rpSchedule();
  }
  function rpPause() {
    if (!rp || !rp.playing) return;
    rp.wait = rp.timer ? Math.max(0, rp.due - Date.now()) : null; // resumes where it stopped
    clearTimeout(rp.timer); rp.timer = null;
    rp.playing = false;
    rpControls();
  }
  function rpStop() { if (rp) { clearTimeout(rp.timer); rp.timer = null; rp.playing = false; } }
  function rpControls() {
    var b = $('rp-play'), N = rp ? rp.entries.length : 0, shown = rp ? rp.shown : 0, playing = !!(rp && rp.playing);
    var ended = N > 0 && shown >= N && !playing;
    b.querySelector('.rp-ic').textContent = playing ? '❚❚' : '▶';
    b.querySelector('.rp-label').textContent = playing ? 'Pause' : 'Play';
    b.title = playing ? 'Pause the replay' : ended ? 'Replay from the start' : shown ? 'Go on with the replay' : 'Replay from the start';
    b.disabled = !rp || !rp.loaded || !N;
    $('replay').setAttribute('data-state', playing ? 'playing' : ended ? 'ended' : 'paused');
    var pos = $('rp-pos');
    pos.max = String(N); pos.value = String(shown); pos.disabled = b.disabled;
    var t0 = rp && rp.times[0], el0 = shown && !isNaN(t0) ? rp.times[shown - 1] - t0 : 0, all = N && !isNaN(t0) ? rp.times[N - 1] - t0 : 0;
    var txt = shown + ' / ' + N + (N ? ' · ' + dur(el0) + ' of ' + dur(all) : '');
    $('rp-text').textContent = txt;
    pos.setAttribute('aria-valuetext', 'Entry ' + shown + ' of ' + N);
  }
  $('rp-play').addEventListener('click', function () { if (rp && rp.playing) rpPause(); else rpPlay(); });
  $('rp-speed').addEventListener('change', function () {
    try { localStorage.setItem('kefu.console.speed', this.value); } catch (e) { /* fine */ }
    if (!rp) return;
    var sp = rpSpeed();
    if (rp.playing) {
      var left = Math.max(0, rp.due - Date.now());
      clearTimeout(rp.timer); rp.timer = null;
      rp.wait = sp ? left * rp.sp / sp : 0;
      rpSchedule();
    } else if (rp.wait != null) rp.wait = sp ? rp.wait * rp.sp / sp : 0;
    rp.sp = sp || rp.sp;
  });
  $('rp-pos').addEventListener('input', function () {
    if (!rp || !rp.loaded) return;
    rpPause();
    rp.wait = null;
    rpShow(+this.value, false);
    rpToEnd();
  });
  try { var sp0 = localStorage.getItem('kefu.console.speed'); if (/^(1|4|instant)$/.test(sp0 || '')) $('rp-speed').value = sp0; } catch (e) { /* fine */ }

  $('tx-back').addEventListener('click', function () {
    var id = tx.openId;
    go(txHash(tx.f, tx.offset, null));
    var r = id && $('tx-list').querySelector('[data-console=result][data-id="' + CSS.escape(id) + '"]');
    if (r) r.focus();
  });

  // Arrows move through the results; Esc goes back to them on narrow screens.
  function txKey(e, t, inField) {
    if (e.key === 'Escape' && rrVisible() && W.matchMedia('(max-width: 899px)').matches) { e.preventDefault(); $('rr-back').click(); return; }
    if (e.key === 'Escape' && tx.openId && W.matchMedia('(max-width: 899px)').matches) { e.preventDefault(); $('tx-back').click(); return; }
    if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && !inField && t.closest && t.closest('#tx-list')) {
      var rows = [].slice.call($('tx-list').querySelectorAll('[data-console=result]')), i = rows.indexOf(t.closest('[data-console=result]'));
      var next = rows[i < 0 ? 0 : i + (e.key === 'ArrowDown' ? 1 : -1)];
      if (next) { e.preventDefault(); next.focus(); }
    }
  }

  // ---- the regression replay: the search's conversations re-run against the current agent
  // POST /api/console/replay?<filters> answers with a verdict for each conversation and each of
  // its turns. The report shows the counts, then the conversations worst first; each opens on
  // the turns that are not the same: the shopper's message, the reasons, recorded beside now.
  var RR_MAX = 20;
  var RR_VERDICTS = ['worse', 'changed', 'same'];
  var RR_LABEL = { worse: 'Worse', changed: 'Changed', same: 'Same' };
  var RR_TITLE = { worse: 'The agent now does less: a tool it used is no longer called, or is refused',
    changed: 'Other tools, outcomes or words than recorded', same: 'The same tools with the same outcomes, and a like answer' };
  var rr = rrFresh();
  function rrFresh() {
    return { seq: ((rr && rr.seq) || 0) + 1, running: false, t0: 0, took: 0, at: '', timer: null, f: null, found: null,
      data: null, err: '', shown: false, openedFrom: null, open: {} };
  }
  function rrV(v) { v = String(v || '').toLowerCase(); return /^[a-z_]+$/.test(v) ? v : 'unknown'; }
  function rrRank(v) { var i = RR_VERDICTS.indexOf(v); return i < 0 ? 1.5 : i; } // an unknown verdict: between changed and same
  function rrHas() { return !!(rr.running || rr.data || rr.err); }
  function rrVisible() { return rr.shown && rrHas(); }
  function rrLine(s, n) { s = String(s == null ? '' : s).replace(/\s+/g, ' ').trim(); return s.length > n ? s.slice(0, n - 1) + '…' : s; }
  function rrElapsed() { return Math.floor((Date.now() - rr.t0) / 1000) + ' s'; }
  function rrSecs(ms) { var s = ms / 1000; return s < 0.1 ? 'under 0.1 s' : (s < 10 ? Math.round(s * 10) / 10 : Math.round(s)) + ' s'; }

  // The answer as the report uses it: known shapes only, worst first.
  function rrNormalize(j) {
    var results = arr(j && j.results).filter(function (r) { return r && typeof r === 'object'; }).map(function (r, i) {
      return { id: String(r.conversation_id || ''), verdict: rrV(r.verdict), i: i,
        turns: arr(r.turns).filter(function (t) { return t && typeof t === 'object'; }) };
    });
    results.sort(function (a, b) { return rrRank(a.verdict) - rrRank(b.verdict) || a.i - b.i; });
    var c = j && j.counts && typeof j.counts === 'object' ? j.counts : null, counts = {};
    RR_VERDICTS.forEach(function (v) { counts[v] = 0; });
    if (c) RR_VERDICTS.forEach(function (v) { counts[v] = Math.max(0, Math.floor(n0(c[v]))); });
    else results.forEach(function (r) { if (counts.hasOwnProperty(r.verdict)) counts[r.verdict]++; });
    return { counts: counts, results: results };
  }

  function rrRun() {
    if (rr.running) return;
    var f = Object.assign({}, tx.f), p = txFilterParams(f), searching = $('tx-list').getAttribute('aria-busy') === 'true';
    if (f.sort) p.set('sort', f.sort);
    clearInterval(rr.timer);
    rr = Object.assign(rrFresh(), { running: true, t0: Date.now(), f: f, found: searching ? null : tx.total, shown: true });
    var n = rr.seq, qs = p.toString();
    rr.timer = setInterval(rrTick, 500);
    rrAll();
    $('rr-body').scrollTop = 0;
    api('POST', '/api/console/replay' + (qs ? '?' + qs : '')).then(function (j) {
      if (n !== rr.seq) return;
      rr.data = rrNormalize(j);
    }, function (e) {
      if (n !== rr.seq) return;
      var m = String((e && e.message) || 'The replay failed.');
      rr.err = e && e.status === 401 ? 'Please sign in again.' : m.charAt(0).toUpperCase() + m.slice(1);
    }).then(function () {
      if (n !== rr.seq) return;
      clearInterval(rr.timer); rr.timer = null;
      rr.running = false; rr.took = Date.now() - rr.t0; rr.at = new Date().toISOString();
      rrAll();
      // Finished out of sight (report hidden, a transcript open, another tab): say so.
      if (st.me && !(st.mode === 'transcripts' && rrVisible())) {
        if (rr.err) toast('The replay failed: ' + rr.err);
        else toast('Replay finished: ' + RR_VERDICTS.map(function (v) { return num(rr.data.counts[v]) + ' ' + v; }).join(', ') + '.', 'info');
      }
    });
  }
  function rrTick() {
    if (!rr.running) return;
    var s = rrElapsed(), t = $('rr-elapsed');
    if (t) t.textContent = s;
    $('tx-rr-run').querySelector('.rr-label').textContent = 'Replaying… ' + s;
  }
  function rrAll() { rrButton(); rrRender(); rrPanels(); txView(); }

  // The button and its hint follow the search.
  function rrButton() {
    var b = $('tx-rr-run'), n = tx.total, none = !n;
    b.disabled = rr.running || none;
    b.setAttribute('aria-busy', String(rr.running));
    b.querySelector('.rr-label').textContent = rr.running ? 'Replaying… ' + rrElapsed() : 'Replay these';
    b.title = rr.running ? 'The replay is running' : none ? 'No conversation to replay' :
      n > RR_MAX ? 'Replay the first ' + RR_MAX + ' (by start time) of the ' + totalText(n) + ' found' : 'Replay the ' + num(n) + ' found';
    $('tx-rr-hint').textContent = none ? 'Nothing to replay: the search found no conversation.' :
      (n > RR_MAX ? 'Re-runs the first ' + RR_MAX + ' of these' : n === 1 ? 'Re-runs this one' : 'Re-runs these ' + num(n)) + ' against the current agent.';
  }
  // The report replaces the reader's transcript (or its empty state) while it is shown.
  function rrPanels() {
    var show = rrVisible(), has = rrHas();
    $('tx-rr').hidden = !show;
    $('tx-conv').hidden = show || !tx.openId;
    $('tx-empty').hidden = show || !!tx.openId;
    [].forEach.call(D.querySelectorAll('.rr-show'), function (b) { b.hidden = show || !has; });
    if (show) rpPause();
    rrStale();
  }
  function txView() { D.body.setAttribute('data-txview', tx.openId ? 'reader' : rrVisible() ? 'replay' : 'list'); }
  function rrStale() { $('rr-stale').hidden = !rr.data || !rr.f || txHash(rr.f, 0, null) === txHash(tx.f, 0, null); }
  function rrShow(on) {
    rr.shown = on; rr.openedFrom = null;
    rrPanels(); txView();
    if (on) $('rr-h').focus();
  }

  // What the replay ran on, in words.
  var YESNO = { escalated: ['escalated', 'not escalated'], resolved: ['resolved by the bot', 'not resolved by the bot'] };
  function rrFilterText(f) {
    var out = [];
    if (f.q) out.push('“' + rrLine(f.q, 60) + '”');
    if (f.from && f.to) out.push(f.from + ' to ' + f.to); else if (f.from) out.push('from ' + f.from); else if (f.to) out.push('until ' + f.to);
    if (f.state) out.push(STATE[f.state] || f.state);
    if (f.lang) out.push(f.lang === 'zh' ? '中文' : f.lang === 'en' ? 'English' : f.lang);
    if (f.tool) out.push('used ' + f.tool);
    ['escalated', 'resolved'].forEach(function (k) { if (f[k]) out.push(YESNO[k][f[k] === 'true' ? 0 : 1]); });
    if (f.min_rating && f.max_rating) out.push(f.min_rating + '–' + f.max_rating + ' ★');
    else if (f.min_rating) out.push('at least ' + f.min_rating + ' ★'); else if (f.max_rating) out.push('at most ' + f.max_rating + ' ★');
    if (f.customer) out.push('customer #' + f.customer);
    return out.length ? 'Search: ' + out.join(' · ') : 'All conversations';
  }

  function rrRender() {
    var box = $('tx-rr'), status = clear($('rr-status')), sum = clear($('rr-summary')), list = clear($('rr-list')), more = $('rr-more');
    box.setAttribute('data-state', rr.running ? 'running' : rr.err ? 'error' : rr.data ? 'done' : 'idle');
    box.setAttribute('aria-busy', String(rr.running));
    var sub = clear($('rr-sub'));
    if (rr.f) add(sub, el('span', null, rrFilterText(rr.f)));
    if (rr.at && !rr.running) add(sub, el('span', { class: 'dim' }, 'ran ' + clock(rr.at) + ' · took ' + rrSecs(rr.took)));
    sum.hidden = true; more.hidden = true;
    if (rr.running) {
      add(status, el('div', { class: 'rr-progress', 'data-console': 'replay-progress' },
        el('div', { class: 'rr-bar', 'aria-hidden': 'true' }, el('span')),
        el('p', null, 'Replaying ' + (rr.found ? num(Math.min(rr.found, RR_MAX)) + (Math.min(rr.found, RR_MAX) === 1 ? ' conversation' : ' conversations') : 'up to ' + RR_MAX + ' conversations') + ' against the current agent… ', el('b', { id: 'rr-elapsed' }, rrElapsed())),
        el('p', { class: 'dim small' }, 'Each shopper message is sent again, one turn after another. This can take several seconds.')));
      return;
    }
    if (rr.err) {
      add(status, el('div', { class: 'rr-err', role: 'alert', 'data-console': 'replay-error' },
        el('p', null, el('b', null, 'The replay failed. '), rr.err),
        el('button', { type: 'button', class: 'btn sm', onclick: rrRun, disabled: !tx.total }, 'Try again')));
      return;
    }
    if (!rr.data) return;
    var res = rr.data.results, c = rr.data.counts;
    if (!res.length) {
      add(status, el('p', { class: 'rr-empty' }, 'No conversation matched the search, so there was nothing to replay.'));
      return;
    }
    sum.hidden = false;
    add(sum, [RR_VERDICTS.map(function (v) {
      return el('div', { class: 'rr-count v-' + v + (c[v] ? '' : ' zero'), 'data-verdict': v, 'data-count': String(c[v]), title: RR_TITLE[v] },
        el('b', null, num(c[v])), el('span', null, RR_LABEL[v]));
    }), el('p', { class: 'rr-of' }, 'of ' + num(res.length) + ' conversation' + (res.length === 1 ? '' : 's') + ' replayed')]);
    if (rr.found != null && rr.found > res.length) {
      more.hidden = false;
      more.textContent = 'The search found ' + totalText(rr.found) + '; the replay took the ' + (res.length === 1 ? 'one' : num(res.length)) + ' that started first.';
    }
    add(list, res.map(rrItem));
  }

  function rrItem(r, k) {
    var v = r.verdict, n = r.turns.length, diff = [], id = r.id, bid = 'rr-d-' + k, open = !!rr.open[id + '#' + r.i];
    r.turns.forEach(function (t, i) { if (rrV(t.verdict) !== 'same') diff.push([t, i]); });
    var conv = tx.list.filter(function (c) { return c.id === id; })[0], first = r.turns.length ? r.turns[0].shopper : '';
    var detail = el('div', { class: 'rr-detail', id: bid, hidden: !open },
      diff.length ? diff.map(function (x) { return rrTurn(x[0], x[1], n); }) :
        el('p', { class: 'rr-allsame' }, n ? 'Every turn is the same: the same tools with the same outcomes, and a like answer.' : 'No turn of the bot to compare: a person answered, or nobody did.'));
    var toggle = el('button', { type: 'button', class: 'rr-toggle', 'data-console': 'replay-toggle', 'aria-expanded': String(open), 'aria-controls': bid,
      onclick: function () {
        var on = this.getAttribute('aria-expanded') !== 'true';
        this.setAttribute('aria-expanded', String(on));
        detail.hidden = !on;
        rr.open[id + '#' + r.i] = on;
      } },
      el('span', { class: 'caret', 'aria-hidden': 'true' }),
      el('span', { class: 'rr-v v-' + v, title: RR_TITLE[v] || null }, RR_LABEL[v] || v),
      el('span', { class: 'rr-what' },
        el('span', { class: 'rr-first' }, first ? '“' + rrLine(first, 120) + '”' : '(no shopper message)'),
        el('span', { class: 'rr-meta' },
          conv ? el('span', { class: 'rr-name' + (conv.customer ? '' : ' guest') }, custName(conv)) : null,
          el('span', { class: 'id', title: id }, '#' + id.slice(0, 8)),
          el('span', null, !n ? 'no bot turns' : diff.length ? diff.length + ' of ' + n + ' turn' + (n === 1 ? '' : 's') + ' differ' + (diff.length === 1 ? 's' : '') :
            (n === 1 ? 'the one turn is' : 'all ' + n + ' turns are') + ' the same'))));
    var link = id ? el('a', { class: 'rr-open', 'data-console': 'replay-open', 'data-id': id, href: txHash(tx.f, tx.offset, id), title: 'Read this conversation as it was recorded',
      onclick: function (e) {
        if (e.button || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return; // a new tab: the link as it is
        e.preventDefault();
        rr.shown = false; rr.openedFrom = id;
        go(txHash(tx.f, tx.offset, id));
        rrPanels(); txView();
      } }, 'Open transcript →') : null;
    return el('li', { class: 'rr-item v-' + v, 'data-console': 'replay-result', 'data-verdict': v, 'data-id': id },
      el('div', { class: 'rr-row' }, toggle, link), detail);
  }

  function rrTurn(t, i, n) {
    var v = rrV(t.verdict), rec = t.recorded && typeof t.recorded === 'object' ? t.recorded : {}, now = t.replayed && typeof t.replayed === 'object' ? t.replayed : {};
    var why = arr(t.why).filter(function (w) { return w != null && w !== ''; });
    var marks = rrToolDiff(arr(rec.tools), arr(now.tools));
    return el('section', { class: 'rr-turn v-' + v, 'data-console': 'replay-turn', 'data-verdict': v, 'data-index': String(i) },
      el('div', { class: 'rr-turn-h' }, el('span', { class: 'rr-v v-' + v }, RR_LABEL[v] || v), el('span', { class: 'dim small' }, 'Turn ' + (i + 1) + ' of ' + n)),
      el('div', { class: 'rr-shopper' }, el('span', { class: 'rr-k' }, 'Shopper'), el('div', { class: 'txt' }, t.shopper != null && t.shopper !== '' ? String(t.shopper) : '(no text)')),
      why.length ? el('ul', { class: 'rr-why', 'data-console': 'replay-why', 'aria-label': 'Why' }, why.map(function (w) { return el('li', null, typeof w === 'string' ? w : rrLine(JSON.stringify(w), 300)); })) : null,
      el('div', { class: 'rr-sides' }, rrSide('Recorded', 'recorded', rec, marks[0]), rrSide('Now', 'replayed', now, marks[1])));
  }
  function rrSide(title, key, r, marks) {
    var tools = arr(r.tools), answer = r.answer == null ? '' : String(r.answer);
    return el('div', { class: 'rr-side rr-' + key, 'data-side': key },
      el('h4', null, title, key === 'replayed' ? el('span', { class: 'dim' }, ' · current agent') : null),
      el('div', { class: 'rr-k' }, 'Tools'),
      tools.length ? el('ul', { class: 'rr-tools' }, tools.map(function (x, i) {
        x = x && typeof x === 'object' ? x : {};
        return el('li', { class: 'rr-tool' + (marks[i] ? ' ' + marks[i] : ''), 'data-tool': String(x.name || ''), 'data-status': String(x.status || ''),
          title: marks[i] === 'gone' ? 'Not called like this now' : marks[i] === 'new' ? 'Not called like this before' : null },
          el('code', { class: 'rr-tname' }, String(x.name || '(unnamed tool)')), rrStatus(x.status),
          marks[i] ? el('span', { class: 'sr' }, marks[i] === 'gone' ? ' (not now)' : ' (new)') : null);
      })) : el('p', { class: 'rr-none' }, 'No tools'),
      el('div', { class: 'rr-k' }, 'Answer'),
      answer ? el('div', { class: 'rr-answer txt' }, answer) : el('p', { class: 'rr-none' }, 'No answer'));
  }
  function rrStatus(s) {
    s = s == null ? '' : String(s);
    var tone = !s ? 'none' : s === 'ok' ? 'ok' : /error|invalid|refused|fail/.test(s) ? 'bad' : /not_found|needs/.test(s) ? 'warn' : 'info';
    return el('span', { class: 'rr-st t-' + tone }, s ? s.replace(/_/g, ' ') : 'no result');
  }
  // The calls one side has and the other does not (by name and status, counted).
  function rrToolDiff(a, b) {
    function key(t) { return t && typeof t === 'object' ? String(t.name) + '|' + String(t.status) : '?'; }
    function marks(x, y, tag) {
      var left = {};
      y.forEach(function (t) { var k = key(t); left[k] = (left[k] || 0) + 1; });
      return x.map(function (t) { var k = key(t); if (left[k]) { left[k]--; return ''; } return tag; });
    }
    return [marks(a, b, 'gone'), marks(b, a, 'new')];
  }

  $('tx-rr-run').addEventListener('click', rrRun);
  $('rr-close').addEventListener('click', function () { rrShow(false); $('tx-rr-run').focus(); });
  $('rr-back').addEventListener('click', function () { rrShow(false); $('tx-rr-run').focus(); });
  [].forEach.call(D.querySelectorAll('.rr-show'), function (b) { b.addEventListener('click', function () { rrShow(true); }); });
  // Picking a result reads it, even the one open under the report.
  $('tx-list').addEventListener('click', function (e) {
    var a = e.target.closest && e.target.closest('[data-console=result]');
    if (!a || !rr.shown || e.button || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    rr.shown = false; rr.openedFrom = null;
    rrPanels(); txView();
  });
  function rrReset() {
    clearInterval(rr.timer);
    rr = rrFresh();
    clear($('rr-status')); clear($('rr-summary')); clear($('rr-list')); clear($('rr-sub'));
    $('rr-summary').hidden = true; $('rr-more').hidden = true;
    rrPanels(); rrButton();
  }
  rrButton();

  // Signed out: nothing of the last search stays on the page.
  function txReset() {
    rpStop(); rp = null;
    tx = txFresh();
    clear($('tx-list')); clear($('tx-transcript')); clear($('tx-chips'));
    $('tx-total').textContent = '…'; $('tx-range').textContent = '';
    $('tx-conv').hidden = true; $('tx-empty').hidden = false;
    rrReset();
    txFill();
    setMode('inbox');
  }

  // ---- shared by the dashboard, the segments and the customer page
  var ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
  function arr(v) { return Array.isArray(v) ? v : []; }
  function n0(v) { v = Number(v); return isFinite(v) ? v : 0; }
  function hashParse(h, keys) {
    var i = h.indexOf('?'), p = new URLSearchParams(i < 0 ? '' : h.slice(i + 1)), f = {};
    keys.forEach(function (k) { var v = (p.get(k) || '').trim(); if (v) f[k] = v; });
    return f;
  }
  function hashOf(base, f, keys) {
    var p = new URLSearchParams();
    keys.forEach(function (k) { if (f[k]) p.set(k, f[k]); });
    var s = p.toString();
    return base + (s ? '?' + s : '');
  }
  // Days as the server counts them (UTC), shown in words.
  function utcDay(s) { return new Date(String(s) + 'T00:00:00Z'); }
  function dayText(s, o) {
    var d = utcDay(s);
    return isNaN(d) ? String(s || '') : d.toLocaleDateString([], Object.assign({ timeZone: 'UTC' }, o || { month: 'short', day: 'numeric' }));
  }
  function addDays(s, n) { var d = utcDay(s); if (isNaN(d)) return ''; d.setUTCDate(d.getUTCDate() + n); return d.toISOString().slice(0, 10); }
  function isoDayOf(t) { if (ISO_DAY.test(t || '')) return t; var d = new Date(t); return !t || isNaN(d) ? '' : d.toISOString().slice(0, 10); }
  // A date (or a time) as a day with its year.
  function dateText(t) {
    if (ISO_DAY.test(t || '')) return dayText(t, { year: 'numeric', month: 'short', day: 'numeric' });
    var d = new Date(t);
    return !t || isNaN(d) ? '' : d.toLocaleDateString([], { year: 'numeric', month: 'short', day: 'numeric' });
  }
  function dateTimeText(t) {
    var d = new Date(t);
    return !t || isNaN(d) ? '' : d.toLocaleDateString([], { year: 'numeric', month: 'short', day: 'numeric' }) + ', ' + d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }
  function pct(x) { return x == null || !isFinite(x) ? '—' : (Math.round(x * 1000) / 10) + '%'; }
  function secText(s) {
    if (s == null || !isFinite(s) || s <= 0) return '—';
    if (s < 0.1) return '< 0.1 s';
    if (s < 10) return (Math.round(s * 10) / 10) + ' s';
    if (s < 60) return Math.round(s) + ' s';
    var m = Math.floor(s / 60);
    if (m < 60) return m + ' min ' + Math.round(s % 60) + ' s';
    return Math.floor(m / 60) + ' h ' + (m % 60) + ' min';
  }
  function langName(l) { return l === 'zh' ? '中文' : l === 'en' ? 'English' : ''; }
  var CATEGORIES = { outerwear: 'Outerwear', tops: 'Tops', bottoms: 'Bottoms', basics: 'Basics', footwear: 'Footwear',
    'bags-accessories': 'Bags & accessories', 'home-kitchen': 'Home & kitchen', electronics: 'Electronics',
    'outdoor-gear': 'Outdoor gear', 'gift-cards': 'Gift cards' };
  function catLabel(c) { c = String(c || ''); return CATEGORIES[c] || c.replace(/[-_]/g, ' '); }
  // The form's error line.
  function viewError(id, msg, field) {
    var p = $(id);
    p.textContent = msg; p.hidden = !msg;
    if (field) $(field).focus();
  }

  // ---- the dashboard: #dashboard?from=…&to=…&lang=zh (both days included; no dates: the server's last 30 days)
  var DASH_KEYS = ['from', 'to', 'lang'];
  var DASH_FIELDS = { from: 'd-from', to: 'd-to', lang: 'd-lang' };
  var STALE = 60000; // coming back to a view after this long fetches it again
  var dash = dashFresh();
  function dashFresh() { return { f: {}, key: null, force: false, seq: 0, at: 0, hash: '#dashboard', data: null, last: '' }; }
  function isDashHash(h) { return /^#dashboard(\?|$)/.test(h || ''); }
  function dashRoute() {
    var f = hashParse(location.hash, DASH_KEYS);
    if (f.lang && !/^(en|zh)$/.test(f.lang)) delete f.lang;
    ['from', 'to'].forEach(function (k) { if (f[k] && !ISO_DAY.test(f[k])) delete f[k]; });
    var key = JSON.stringify(f);
    if (key !== dash.key || dash.force || Date.now() - dash.at > STALE) {
      dash.f = f; dash.key = key;
      dashFill();
      dashLoad();
    }
  }
  function dashFill() { for (var k in DASH_FIELDS) $(DASH_FIELDS[k]).value = dash.f[k] || ''; viewError('d-err', ''); }
  function dashRead(quiet) {
    var f = {};
    for (var k in DASH_FIELDS) { var v = $(DASH_FIELDS[k]).value.trim(); if (v) f[k] = v; }
    var bad = ['from', 'to'].filter(function (k) { return f[k] && !ISO_DAY.test(f[k]); })[0];
    if (bad) return viewError('d-err', 'Enter the date as YYYY-MM-DD.', quiet ? null : DASH_FIELDS[bad]), null;
    if (f.from && f.to && f.from > f.to) return viewError('d-err', '“From” is after “To”.', quiet ? null : 'd-from'), null;
    viewError('d-err', '');
    return f;
  }
  function dashApply(quiet) {
    var f = dashRead(quiet);
    if (!f) return;
    dash.force = true; // again even when nothing changed: there may be new conversations
    go(hashOf('#dashboard', f, DASH_KEYS));
  }
  $('d-form').addEventListener('submit', function (e) { e.preventDefault(); dashApply(false); });
  [$('d-lang'), $('d-from'), $('d-to')].forEach(function (x) { x.addEventListener('change', function () { dashApply(true); }); });
  [].forEach.call(D.querySelectorAll('#d-form [data-days]'), function (b) {
    b.addEventListener('click', function () {
      // Counted back from the server's today (the last day of its default range), not this computer's.
      var n = +b.getAttribute('data-days'), f = { lang: $('d-lang').value }, end = dash.last || new Date().toISOString().slice(0, 10);
      if (n !== 30) { f.to = end; f.from = addDays(end, 1 - n); } // 30 days: the default range, which moves with the days
      dash.force = true;
      go(hashOf('#dashboard', f, DASH_KEYS));
    });
  });

  function dashLoad() {
    var f = dash.f, p = new URLSearchParams(), n = ++dash.seq;
    if (f.from) p.set('from', f.from);
    if (f.to) p.set('to', nextDay(f.to)); // the server's "to" is the first day not counted
    if (f.lang) p.set('lang', f.lang);
    dash.force = false; dash.at = Date.now();
    $('dash-body').setAttribute('aria-busy', 'true');
    if (!dash.data) $('d-range').textContent = 'Loading…';
    var qs = p.toString();
    api('GET', '/api/console/stats' + (qs ? '?' + qs : '')).then(function (j) {
      if (n !== dash.seq) return;
      dash.data = j && typeof j === 'object' ? j : {};
      renderDash('');
    }).catch(function (e) {
      if (n !== dash.seq) return;
      dash.data = null; dash.key = null;
      renderDash(e.status === 401 ? '' : e.message || 'Could not load the measures.');
    });
  }

  function dashTotals(days) {
    var t = { conversations: 0, resolved: 0, handoffs: 0, ratings: 0, happy: 0, coupons: 0, clicks: 0, hasClicks: false, frN: 0, frSum: 0 };
    days.forEach(function (d) {
      var c = n0(d.conversations), r = n0(d.ratings), fr = n0(d.first_response_seconds);
      t.conversations += c; t.resolved += n0(d.resolved_by_bot); t.handoffs += n0(d.handoffs);
      t.ratings += r; t.happy += n0(d.csat) * r;
      t.coupons += n0(d.coupons);
      if (d.recommendation_clicks != null) { t.hasClicks = true; t.clicks += n0(d.recommendation_clicks); }
      if (fr > 0 && c > 0) { t.frN += c; t.frSum += fr * c; } // each day's mean, weighted by its conversations
    });
    t.resolution = t.conversations ? t.resolved / t.conversations : null;
    t.handoff = t.conversations ? t.handoffs / t.conversations : null;
    t.csat = t.ratings ? t.happy / t.ratings : null;
    t.fr = t.frN ? t.frSum / t.frN : null;
    return t;
  }
  function kpi(key, label, value, sub, raw) {
    return el('div', { class: 'kpi', 'data-console': 'kpi', 'data-kpi': key, 'data-value': raw == null || !isFinite(raw) ? '' : String(raw) },
      el('div', { class: 'kpi-label' }, label), el('div', { class: 'kpi-value' }, value), el('div', { class: 'kpi-sub' }, sub || '\u00a0'));
  }
  // Every day of the range, the days without conversations too (so the bars keep time), up to a year and a bit.
  function allDays(days, from, last) {
    if (!from || !last || from > last) return days;
    var by = {}, out = [];
    days.forEach(function (d) { by[d.day] = d; });
    for (var d = from, i = 0; d && d <= last; d = addDays(d, 1), i++) {
      if (i > 400) return days;
      out.push(by[d] || { day: d, empty: true });
    }
    return out;
  }
  // Bars drawn with divs, one a day; each bar stacks its series' parts. max: the top of the scale.
  function barChart(box, days, series, o) {
    clear(box);
    var sums = days.map(function (d) { return d.empty ? 0 : series.reduce(function (s, x) { return s + Math.max(0, n0(x.get(d))); }, 0); });
    var max = o.max || Math.max.apply(null, sums.concat([0]));
    var have = days.some(function (d, i) { return !d.empty && (o.has ? o.has(d) : sums[i] > 0); });
    if (!days.length || !have) { box.appendChild(el('p', { class: 'chart-none' }, o.none || 'Nothing to show for this range.')); return; }
    var plot = el('div', { class: 'plot' + (days.length > 60 ? ' dense' : '') });
    days.forEach(function (d) {
      var has = !d.empty && (!o.has || o.has(d));
      var bar = el('div', { class: 'bar' + (has ? '' : ' nodata'), 'data-day': d.day,
        title: dayText(d.day, { weekday: 'short', month: 'short', day: 'numeric' }) + ': ' + (d.empty ? 'no conversations' : o.tip(d)) });
      if (has) series.forEach(function (x) {
        var v = Math.max(0, n0(x.get(d)));
        if (!v || !max) return;
        var part = el('span', { class: 'part ' + x.cls });
        part.style.height = Math.min(100, v / max * 100) + '%';
        bar.appendChild(part);
      });
      plot.appendChild(bar);
    });
    var mid = days[Math.floor((days.length - 1) / 2)];
    add(box, [
      el('div', { class: 'axis-y', 'aria-hidden': 'true' }, el('span', null, o.fmt(max)), el('span', null, '0')),
      el('div', { class: 'plot-wrap' }, plot,
        el('div', { class: 'axis-x', 'aria-hidden': 'true' }, el('span', null, dayText(days[0].day)),
          days.length > 2 ? el('span', null, dayText(mid.day)) : null, days.length > 1 ? el('span', null, dayText(days[days.length - 1].day)) : null))
    ]);
    box.setAttribute('role', 'img');
    box.setAttribute('aria-label', o.label);
  }

  function renderDash(err) {
    var j = dash.data || {}, body = $('dash-body');
    body.removeAttribute('aria-busy');
    var days = arr(j.days).filter(function (d) { return d && typeof d === 'object' && ISO_DAY.test(d.day || ''); })
      .sort(function (a, b) { return a.day < b.day ? -1 : a.day > b.day ? 1 : 0; });
    var from = isoDayOf(j.from), last = j.to ? addDays(isoDayOf(j.to), -1) : '';
    if (!dash.f.to && !dash.f.from && last) dash.last = last; // the server's today, for the quick ranges
    var r = $('d-range');
    r.textContent = err ? '' : from && last ? dayText(from, { year: 'numeric', month: 'short', day: 'numeric' }) + ' – ' +
      dayText(last, { year: 'numeric', month: 'short', day: 'numeric' }) + (dash.f.from || dash.f.to ? '' : ' (the last 30 days)') +
      ' · ' + (dash.f.lang ? langName(dash.f.lang) + ' conversations' : 'all languages') : '';
    [].forEach.call(D.querySelectorAll('#d-form [data-days]'), function (b) {
      var n = +b.getAttribute('data-days');
      var on = !err && from && last && (n === 30 ? !dash.f.from && !dash.f.to : dash.last && last === dash.last && addDays(last, 1 - n) === from);
      b.setAttribute('aria-pressed', String(!!on));
    });

    var kp = clear($('d-kpis'));
    if (err) {
      kp.appendChild(el('p', { class: 'none err', role: 'alert' }, err));
      ['d-chart-conv', 'd-chart-rate', 'd-chart-frt', 'd-chart-csat', 'd-days-body', 'd-days-foot', 'd-tools'].forEach(function (id) { clear($(id)); });
      return;
    }
    var t = dashTotals(days), nd = days.length;
    add(kp, [
      kpi('conversations', 'Conversations', num(t.conversations), nd ? 'on ' + num(nd) + (nd === 1 ? ' day' : ' days') : 'none in this range', t.conversations),
      kpi('resolution_rate', 'Resolution rate', pct(t.resolution), t.conversations ? num(t.resolved) + ' by the bot alone' : '', t.resolution),
      kpi('handoff_rate', 'Handoff rate', pct(t.handoff), t.conversations ? num(t.handoffs) + ' handed to a person' : '', t.handoff),
      kpi('first_response_seconds', 'Mean first response', secText(t.fr), t.fr != null ? 'to the first answer' : 'no answers yet', t.fr),
      kpi('csat', 'CSAT', pct(t.csat), t.ratings ? '4–5 ★ of ' + num(t.ratings) + (t.ratings === 1 ? ' rating' : ' ratings') : 'no ratings yet', t.csat),
      kpi('coupons', 'Coupons', num(t.coupons), 'given in conversations', t.coupons),
      kpi('recommendation_clicks', 'Recommendation clicks', t.hasClicks ? num(t.clicks) : '—', t.hasClicks ? 'on suggested products' : 'not counted yet', t.hasClicks ? t.clicks : null)
    ]);

    var all = allDays(days, from, last);
    function other(d) { return Math.max(0, n0(d.conversations) - n0(d.resolved_by_bot) - n0(d.handoffs)); }
    barChart($('d-chart-conv'), all, [
      { cls: 's-bot', get: function (d) { return d.resolved_by_bot; } },
      { cls: 's-ho', get: function (d) { return d.handoffs; } },
      { cls: 's-rest', get: other }
    ], { fmt: num, label: 'Conversations per day, ' + num(t.conversations) + ' in all',
      tip: function (d) { return num(d.conversations) + ' conversations (' + num(d.resolved_by_bot) + ' resolved by bot, ' + num(d.handoffs) + ' handed off)'; } });
    barChart($('d-chart-rate'), all, [
      { cls: 's-bot', get: function (d) { return d.resolution_rate; } },
      { cls: 's-ho', get: function (d) { return d.handoff_rate; } },
      { cls: 's-rest', get: function (d) { return Math.max(0, 1 - n0(d.resolution_rate) - n0(d.handoff_rate)); } }
    ], { max: 1, fmt: function (v) { return pct(v); }, label: 'Resolution rate ' + pct(t.resolution) + ', handoff rate ' + pct(t.handoff),
      has: function (d) { return n0(d.conversations) > 0; },
      tip: function (d) { return 'resolution ' + pct(n0(d.resolution_rate)) + ', handoff ' + pct(n0(d.handoff_rate)); } });
    barChart($('d-chart-frt'), all, [{ cls: 's-frt', get: function (d) { return d.first_response_seconds; } }],
      { fmt: secText, label: 'Mean first response per day; over the range ' + secText(t.fr), none: 'No answers in this range.',
        tip: function (d) { return secText(n0(d.first_response_seconds)); } });
    barChart($('d-chart-csat'), all, [{ cls: 's-csat', get: function (d) { return d.csat; } }],
      { max: 1, fmt: function (v) { return pct(v); }, label: 'CSAT per day; over the range ' + pct(t.csat), none: 'No ratings in this range.',
        has: function (d) { return n0(d.ratings) > 0; },
        tip: function (d) { return n0(d.ratings) ? pct(n0(d.csat)) + ' of ' + num(d.ratings) + ' ratings' : 'no ratings'; } });

    var tb = clear($('d-days-body')), tf = clear($('d-days-foot'));
    if (!days.length) tb.appendChild(el('tr', null, el('td', { colspan: '11', class: 'none' }, 'No conversations in this range.')));
    days.slice().reverse().forEach(function (d) {
      var c = n0(d.conversations);
      tb.appendChild(el('tr', { 'data-console': 'day-row', 'data-day': d.day },
        el('th', { scope: 'row' }, el('time', { datetime: d.day }, dayText(d.day, { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric' }))),
        el('td', { class: 'num', 'data-col': 'conversations' }, num(c)),
        el('td', { class: 'num', 'data-col': 'resolved_by_bot' }, num(n0(d.resolved_by_bot))),
        el('td', { class: 'num', 'data-col': 'handoffs' }, num(n0(d.handoffs))),
        el('td', { class: 'num', 'data-col': 'resolution_rate' }, c ? pct(n0(d.resolution_rate)) : '—'),
        el('td', { class: 'num', 'data-col': 'handoff_rate' }, c ? pct(n0(d.handoff_rate)) : '—'),
        el('td', { class: 'num', 'data-col': 'first_response_seconds' }, secText(n0(d.first_response_seconds))),
        el('td', { class: 'num', 'data-col': 'ratings' }, num(n0(d.ratings))),
        el('td', { class: 'num', 'data-col': 'csat' }, n0(d.ratings) ? pct(n0(d.csat)) : '—'),
        el('td', { class: 'num', 'data-col': 'coupons' }, num(n0(d.coupons))),
        el('td', { class: 'num', 'data-col': 'recommendation_clicks' }, d.recommendation_clicks == null ? '—' : num(n0(d.recommendation_clicks)))));
    });
    if (days.length) {
      tf.appendChild(el('tr', { 'data-console': 'day-total' }, el('th', { scope: 'row' }, 'All ' + num(nd) + (nd === 1 ? ' day' : ' days')),
        el('td', { class: 'num' }, num(t.conversations)), el('td', { class: 'num' }, num(t.resolved)), el('td', { class: 'num' }, num(t.handoffs)),
        el('td', { class: 'num' }, pct(t.resolution)), el('td', { class: 'num' }, pct(t.handoff)), el('td', { class: 'num' }, secText(t.fr)),
        el('td', { class: 'num' }, num(t.ratings)), el('td', { class: 'num' }, pct(t.csat)), el('td', { class: 'num' }, num(t.coupons)),
        el('td', { class: 'num' }, t.hasClicks ? num(t.clicks) : '—')));
    }
    renderTools(j.tools);
  }

  var OUTCOMES = { ok: 'OK', not_found: 'Not found', invalid: 'Invalid', error: 'Error', unknown: 'Unknown' };
  function renderTools(tools) {
    var tbl = clear($('d-tools')), m = tools && typeof tools === 'object' && !Array.isArray(tools) ? tools : {};
    var names = Object.keys(m).filter(function (k) { return m[k] && typeof m[k] === 'object'; }), outs = {};
    names.forEach(function (k) { Object.keys(m[k]).forEach(function (o) { outs[o] = 1; }); });
    var cols = Object.keys(outs).sort(function (a, b) { return a === 'ok' ? -1 : b === 'ok' ? 1 : a < b ? -1 : a > b ? 1 : 0; });
    function total(k) { return Object.keys(m[k]).reduce(function (s, o) { return s + n0(m[k][o]); }, 0); }
    if (!names.length) { tbl.appendChild(el('tbody', null, el('tr', null, el('td', { class: 'none' }, 'The bot called no tools in this range.')))); return; }
    names.sort(function (a, b) { return total(b) - total(a) || (a < b ? -1 : 1); });
    tbl.appendChild(el('thead', null, el('tr', null, el('th', { scope: 'col' }, 'Tool'), el('th', { scope: 'col', class: 'num' }, 'Calls'),
      cols.map(function (o) { return el('th', { scope: 'col', class: 'num', 'data-outcome': o }, OUTCOMES[o] || o.replace(/_/g, ' ')); }),
      el('th', { scope: 'col', class: 'ok-col' }, 'OK share'))));
    var sums = {}, all = 0;
    tbl.appendChild(el('tbody', null, names.map(function (k) {
      var n = total(k), ok = n0(m[k].ok), meter = el('span', { class: 'meter-fill' });
      meter.style.width = (n ? ok / n * 100 : 0) + '%';
      all += n;
      return el('tr', { 'data-console': 'tool-row', 'data-tool': k },
        el('th', { scope: 'row' }, el('code', null, k)), el('td', { class: 'num', 'data-outcome': 'total' }, num(n)),
        cols.map(function (o) { var v = n0(m[k][o]); sums[o] = (sums[o] || 0) + v; return el('td', { class: 'num' + (v ? '' : ' zero') + (o !== 'ok' && v ? ' warnv' : ''), 'data-outcome': o }, v ? num(v) : '–'); }),
        el('td', { class: 'ok-col' }, el('span', { class: 'meter', 'aria-hidden': 'true' }, meter), el('span', { class: 'meter-t' }, n ? pct(ok / n) : '—')));
    })));
    tbl.appendChild(el('tfoot', null, el('tr', null, el('th', { scope: 'row' }, 'All tools'), el('td', { class: 'num' }, num(all)),
      cols.map(function (o) { return el('td', { class: 'num' }, num(sums[o] || 0)); }),
      el('td', { class: 'ok-col' }, all ? pct((sums.ok || 0) / all) : '—'))));
  }
  function dashReset() {
    dash = dashFresh();
    dashFill();
    ['d-kpis', 'd-chart-conv', 'd-chart-rate', 'd-chart-frt', 'd-chart-csat', 'd-days-body', 'd-days-foot', 'd-tools'].forEach(function (id) { clear($(id)); });
    $('d-range').textContent = '';
  }

  // ---- segments: #segments?category=outdoor-gear&bought_after=…&price_min=…&lang=zh
  var SEG_KEYS = ['category', 'bought_after', 'bought_before', 'price_min', 'price_max', 'min_rating', 'max_rating', 'lang'];
  var SEG_FIELDS = { category: 's-category', bought_after: 's-after', bought_before: 's-before', price_min: 's-price-min', price_max: 's-price-max',
    min_rating: 's-min-rating', max_rating: 's-max-rating', lang: 's-lang' };
  var SEG_LIMIT = 200, SEG_CSV_LIMIT = 5000; // the server's default and its most
  var seg = segFresh();
  function segFresh() { return { f: {}, key: null, force: false, seq: 0, at: 0, hash: '#segments', list: [], total: 0 }; }
  function isSegHash(h) { return /^#segments(\?|$)/.test(h || ''); }
  function segRoute() {
    var f = hashParse(location.hash, SEG_KEYS), key = JSON.stringify(f);
    if (key !== seg.key || seg.force || Date.now() - seg.at > STALE) {
      seg.f = f; seg.key = key;
      segFill();
      segLoad();
    }
  }
  function segFill() {
    var c = $('s-category');
    // A category from a pasted link that the list does not know yet still shows.
    if (seg.f.category && ![].some.call(c.options, function (o) { return o.value === seg.f.category; })) c.appendChild(el('option', { value: seg.f.category }, catLabel(seg.f.category)));
    for (var k in SEG_FIELDS) $(SEG_FIELDS[k]).value = seg.f[k] || '';
    viewError('s-err', '');
  }
  function segRead() {
    var f = {};
    for (var k in SEG_FIELDS) { var v = $(SEG_FIELDS[k]).value.trim(); if (v) f[k] = v; }
    var bad = ['bought_after', 'bought_before'].filter(function (k) { return f[k] && !ISO_DAY.test(f[k]); })[0];
    if (bad) return viewError('s-err', 'Enter the date as YYYY-MM-DD.', SEG_FIELDS[bad]), null;
    if (f.bought_after && f.bought_before && f.bought_after >= f.bought_before) return viewError('s-err', '“After” must be before “Before”.', 's-after'), null;
    var badp = ['price_min', 'price_max'].filter(function (k) { return f[k] && !(isFinite(+f[k]) && +f[k] >= 0); })[0];
    if (badp || $('s-price-min').validity.badInput || $('s-price-max').validity.badInput) return viewError('s-err', 'A price is a number like 49.90.', SEG_FIELDS[badp || 'price_min']), null;
    if (f.price_min && f.price_max && +f.price_min > +f.price_max) return viewError('s-err', 'The lowest price is above the highest.', 's-price-min'), null;
    if (f.min_rating && f.max_rating && +f.min_rating > +f.max_rating) return viewError('s-err', 'The lowest rating is above the highest.', 's-min-rating'), null;
    viewError('s-err', '');
    return f;
  }
  $('s-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var f = segRead();
    if (!f) return;
    seg.force = true;
    go(hashOf('#segments', f, SEG_KEYS));
  });
  $('s-reset').addEventListener('click', function () {
    seg.f = {}; segFill();
    seg.force = true;
    go('#segments');
    $('s-category').focus();
  });
  function segParams(f) {
    var p = new URLSearchParams();
    SEG_KEYS.forEach(function (k) { if (f[k]) p.set(k, f[k]); });
    p.set('limit', String(SEG_LIMIT));
    return p;
  }
  function segLoad() {
    var p = segParams(seg.f), n = ++seg.seq;
    seg.force = false; seg.at = Date.now();
    var csv = segParams(seg.f);
    csv.set('limit', String(SEG_CSV_LIMIT)); // a campaign list: everyone, not the first page
    csv.set('format', 'csv');
    $('s-csv').setAttribute('href', '/api/console/segments?' + csv.toString());
    $('s-csv').setAttribute('download', 'kefu-segment' + (seg.f.category ? '-' + seg.f.category.replace(/[^a-z0-9-]/gi, '') : '') + '.csv');
    var rows = $('s-rows');
    rows.setAttribute('aria-busy', 'true');
    if (!rows.firstChild) rows.appendChild(el('tr', null, el('td', { colspan: '8', class: 'none' }, 'Searching…')));
    api('GET', '/api/console/segments?' + p.toString()).then(function (j) {
      if (n !== seg.seq) return;
      seg.list = arr(j && j.customers).filter(function (c) { return c && typeof c === 'object' && c.id != null; });
      seg.total = Math.max(seg.list.length, n0(j && j.total));
      renderSeg('');
    }).catch(function (e) {
      if (n !== seg.seq) return;
      seg.list = []; seg.total = 0; seg.key = null;
      renderSeg(e.status === 401 ? '' : e.status === 404 ? 'This server cannot find customer segments yet.' : e.message || 'The search failed.');
    });
  }
  function ratingCell(v) {
    if (v == null || v === '' || !isFinite(+v) || +v <= 0) return el('span', { class: 'dim' }, '—');
    return el('span', { class: 'rating', title: 'Average of the ratings they gave chats' }, el('span', { class: 'stars' }, '★'), ' ' + (Math.round(+v * 10) / 10).toFixed(1));
  }
  function segRow(c) {
    var href = custHash(c.id);
    return el('tr', { 'data-console': 'segment-row', 'data-id': String(c.id), onclick: function (e) {
      if (e.target.closest('a') || String(W.getSelection ? W.getSelection() : '')) return; // a link, or text being selected
      go(href);
    } },
      el('td', { class: 's-who' }, el('a', { href: href, class: 's-name', 'data-console': 'customer-link' }, c.name || '(no name)'),
        c.email ? el('div', { class: 's-email' }, c.email) : null),
      el('td', null, el('span', { class: 'lang' }, lang(c.locale))),
      el('td', { class: 'nowrap' }, c.last_purchase ? dateText(c.last_purchase) || String(c.last_purchase) : el('span', { class: 'dim' }, '—')),
      el('td', { class: 'num' }, num(n0(c.orders))),
      el('td', { class: 'num' }, c.spent == null ? '—' : money(c.spent, c.currency)),
      el('td', { class: 'num' }, c.avg_item_price == null ? '—' : money(c.avg_item_price, c.currency)),
      el('td', { class: 's-cats' }, arr(c.categories).map(function (x) { return el('span', { class: 'tag cat', 'data-category': String(x) }, catLabel(x)); })),
      el('td', { class: 'num' }, ratingCell(c.avg_rating)));
  }
  function renderSeg(err) {
    var rows = $('s-rows'), foot = clear($('s-foot')), list = seg.list;
    rows.removeAttribute('aria-busy');
    clear(rows);
    var t = $('s-total');
    t.textContent = err ? '—' : num(seg.total);
    t.setAttribute('data-total', err ? '' : String(seg.total));
    $('s-total-label').textContent = !err && seg.total === 1 ? 'customer' : 'customers';
    $('s-shown').textContent = err ? '' : seg.total > list.length ? ' · the first ' + num(list.length) + ' shown' :
      list.length >= SEG_LIMIT ? ' · the first ' + num(SEG_LIMIT) + '; the CSV has up to ' + num(SEG_CSV_LIMIT) : '';
    var sums = clear($('s-sums'));
    $('s-csv').hidden = !!err;
    if (err) { rows.appendChild(el('tr', null, el('td', { colspan: '8', class: 'none err', role: 'alert' }, err))); return; }
    if (!list.length) {
      rows.appendChild(el('tr', null, el('td', { colspan: '8', class: 'none' }, Object.keys(seg.f).length ? 'No customer matches these filters.' : 'No customers yet.')));
      return;
    }
    add(rows, list.map(segRow));
    var orders = 0, spent = 0, rated = 0, rsum = 0, cur = '';
    list.forEach(function (c) {
      orders += n0(c.orders); spent += n0(c.spent); cur = cur || c.currency || '';
      if (c.avg_rating != null && +c.avg_rating > 0) { rated++; rsum += +c.avg_rating; }
    });
    add(sums, [el('span', null, el('b', null, num(orders)), ' orders'), el('span', null, el('b', null, money(spent, cur)), ' spent'),
      el('span', null, el('b', null, money(spent / list.length, cur)), ' per customer')]);
    foot.appendChild(el('tr', { 'data-console': 'segment-totals' },
      el('th', { scope: 'row', colspan: '3' }, list.length < seg.total ? 'These ' + num(list.length) : 'All ' + num(list.length)),
      el('td', { class: 'num' }, num(orders)), el('td', { class: 'num' }, money(spent, cur)), el('td', { class: 'num dim' }, ''),
      el('td', { class: 'dim small' }, rated ? num(rated) + ' rated' : ''), el('td', { class: 'num' }, rated ? ratingCell(rsum / rated) : '—')));
    $('s-scroll').scrollTop = 0;
  }
  function segReset() {
    seg = segFresh();
    segFill();
    clear($('s-rows')); clear($('s-foot')); clear($('s-sums'));
    $('s-total').textContent = '…'; $('s-shown').textContent = '';
  }

  // ---- the customer page: #customer=12
  var cp = { id: null, seq: 0, at: 0, back: '' };
  // The first letter or digit of a name, for an avatar.
  function initial(s) { var m = /[\p{L}\p{N}]/u.exec(String(s || '')); return m ? m[0].toUpperCase() : '?'; }
  function custHash(id) { return '#customer=' + encodeURIComponent(String(id)); }
  function isCustHash(h) { return /^#customer=/.test(h || ''); }
  function cpRoute() {
    var m = /^#customer=([^&?]*)/.exec(location.hash), id = '';
    try { id = m ? decodeURIComponent(m[1]) : ''; } catch (e) { id = ''; }
    if (id !== cp.id || Date.now() - cp.at > STALE) cpLoad(id);
  }
  function cpBack() { go(cp.back || st.inboxHash || ''); }
  function cpLoad(id) {
    var n = ++cp.seq, page = $('cpage'), box = clear($('cp-body'));
    cp.id = id; cp.at = Date.now();
    page.setAttribute('data-id', id);
    page.setAttribute('data-state', 'loading');
    page.scrollTop = 0;
    function note(msg) {
      page.setAttribute('data-state', 'error');
      clear(box).appendChild(el('div', { class: 'cp-none' }, el('button', { type: 'button', class: 'btn ghost sm', onclick: cpBack }, '← Back'), el('p', null, msg)));
    }
    if (!/^\d+$/.test(id)) return note('There is no customer page for this link. Guests have none: they are not signed in at the shop.');
    box.appendChild(el('p', { class: 'dim pad' }, 'Loading the customer…'));
    api('GET', '/api/console/customers/' + encodeURIComponent(id)).then(function (j) {
      if (n !== cp.seq) return;
      renderCP(j && typeof j === 'object' ? j : {}, id);
      page.setAttribute('data-state', 'ready');
    }).catch(function (e) {
      if (n !== cp.seq) return;
      cp.at = 0;
      note(e.status === 404 ? 'There is no customer #' + id + '.' : e.status === 401 ? '' : 'Could not load the customer: ' + (e.message || 'something went wrong') + '.');
    });
  }

  var ASPECTS = [['categories', 'What they buy', '▦'], ['price_band', 'Price band', '¤'], ['praises', 'Praises', '+'],
    ['complaints', 'Complaints', '!'], ['open_issues', 'Open issues', '…'], ['contact', 'How they reach us', '✉'], ['satisfaction', 'Satisfaction', '★']];
  var EVIDENCE_SHOWN = 2;
  function aspectOf(a) { for (var i = 0; i < ASPECTS.length; i++) if (ASPECTS[i][0] === a) return i; return ASPECTS.length; }
  function need(nd, i) {
    var a = String(nd.aspect || ''), k = aspectOf(a), label = k < ASPECTS.length ? ASPECTS[k][1] : a.replace(/_/g, ' ') || 'Other';
    var ev = arr(nd.evidence).filter(function (x) { return x != null && x !== ''; }), more = ev.length - EVIDENCE_SHOWN, id = 'need-ev-' + i;
    var list = el('ul', { class: 'evidence', id: id, 'data-console': 'evidence' }, ev.map(function (x, j) {
      return el('li', { hidden: j >= EVIDENCE_SHOWN }, typeof x === 'string' ? x : oneLine(x, 300));
    }));
    var btn = more > 0 ? el('button', { type: 'button', class: 'ev-more', 'data-console': 'evidence-toggle', 'aria-expanded': 'false', 'aria-controls': id, onclick: function () {
      var open = this.getAttribute('aria-expanded') !== 'true';
      this.setAttribute('aria-expanded', String(open));
      this.textContent = open ? 'Show less' : 'Show ' + more + ' more';
      [].forEach.call(list.children, function (li, j) { li.hidden = !open && j >= EVIDENCE_SHOWN; });
    } }, 'Show ' + more + ' more') : null;
    return el('section', { class: 'need a-' + a.replace(/[^a-z_]/g, ''), 'data-console': 'need', 'data-aspect': a },
      el('h3', null, el('span', { class: 'need-ic', 'aria-hidden': 'true' }, k < ASPECTS.length ? ASPECTS[k][2] : '•'), label),
      el('p', { class: 'need-sum' }, nd.summary || '—'),
      ev.length ? el('div', { class: 'need-ev' }, el('div', { class: 'ev-h' }, 'Evidence', el('span', { class: 'count' }, String(ev.length))), list, btn) : null);
  }

  var KINDS = { order: 'Order', return: 'Return', review: 'Review', conversation: 'Conversation', coupon: 'Coupon' };
  var KIND_ICONS = {
    order: 'M3.5 7.5 12 3l8.5 4.5v9L12 21l-8.5-4.5zM3.5 7.5 12 12l8.5-4.5M12 12v9',
    return: 'M9 14 4 9l5-5M4 9h10.5a5.5 5.5 0 0 1 0 11H10',
    review: 'M12 3.5l2.6 5.3 5.9.9-4.3 4.1 1 5.8-5.2-2.7-5.2 2.7 1-5.8-4.3-4.1 5.9-.9z',
    conversation: 'M4 5h16v11H10l-6 4.5z',
    coupon: 'M3 7h18v3a2 2 0 0 0 0 4v3H3v-3a2 2 0 0 0 0-4zM14.5 7v2.5M14.5 11v2M14.5 14.5V17',
    other: 'M12 4a8 8 0 1 0 0 16 8 8 0 0 0 0-16z'
  };
  function strokeIcon(d) {
    var ns = 'http://www.w3.org/2000/svg', s = D.createElementNS(ns, 'svg'), p = D.createElementNS(ns, 'path');
    s.setAttribute('viewBox', '0 0 24 24'); s.setAttribute('width', '16'); s.setAttribute('height', '16'); s.setAttribute('aria-hidden', 'true');
    p.setAttribute('d', d); p.setAttribute('fill', 'none'); p.setAttribute('stroke', 'currentColor');
    p.setAttribute('stroke-width', '1.8'); p.setAttribute('stroke-linecap', 'round'); p.setAttribute('stroke-linejoin', 'round');
    s.appendChild(p); return s;
  }
  function tlItem(t, cid) {
    var k = String(t.kind || ''), known = KINDS.hasOwnProperty(k) ? k : 'other', ref = t.ref != null && t.ref !== '' ? String(t.ref) : '';
    return el('li', { class: 'tl k-' + known, 'data-console': 'timeline-item', 'data-kind': k },
      el('span', { class: 'tl-ic' }, strokeIcon(KIND_ICONS[known])),
      el('div', { class: 'tl-body' },
        el('div', { class: 'tl-h' }, el('span', { class: 'tl-kind' }, KINDS[k] || k || 'Event'),
          ref ? (k === 'conversation' ? el('a', { class: 'tl-ref', href: txHash({ customer: String(cid) }, 0, ref), title: 'Read this conversation' }, '#' + ref.slice(0, 8)) :
            el('code', { class: 'tl-ref' }, ref)) : null,
          t.at ? el('time', { datetime: t.at, title: fullTime(t.at) }, dateTimeText(t.at)) : null),
        t.detail ? el('div', { class: 'tl-detail' }, t.detail) : null));
  }
  var TL_SHOWN = 40;
  function timeline(items, cid) {
    var list = el('ol', { class: 'timeline', 'data-console': 'timeline' }), shown = 0;
    function more(n) {
      items.slice(shown, shown + n).forEach(function (t) { list.appendChild(tlItem(t, cid)); });
      shown = Math.min(items.length, shown + n);
      btn.hidden = shown >= items.length;
      btn.textContent = 'Show ' + num(items.length - shown) + ' older';
    }
    var btn = el('button', { type: 'button', class: 'btn sm tl-more', 'data-console': 'timeline-more', onclick: function () { more(items.length); } });
    more(TL_SHOWN);
    return [list, btn];
  }

  var WHY = { matches_your_categories: 'Their categories', in_your_price_range: 'Their price range', best_seller: 'Best seller' };
  function recCard(p, zh) {
    var main = zh && p.title_zh ? p.title_zh : p.title || p.title_zh || p.sku || '', alt = zh ? (p.title_zh && p.title ? p.title : '') : p.title_zh || '';
    return el('li', { class: 'rec', 'data-console': 'recommendation', 'data-sku': String(p.sku || '') },
      el('div', { class: 'rec-title' }, main),
      alt && alt !== main ? el('div', { class: 'rec-alt' }, alt) : null,
      el('div', { class: 'rec-meta' }, p.category ? el('span', { class: 'tag cat' }, catLabel(p.category)) : null,
        el('b', { class: 'rec-price' }, p.price != null ? money(p.price, p.currency) : '')),
      el('div', { class: 'rec-foot' }, p.why ? el('span', { class: 'rec-why' }, WHY[p.why] || String(p.why).replace(/_/g, ' ')) : null,
        +p.avg_rating > 0 ? el('span', { class: 'dim small' }, '★ ' + (Math.round(+p.avg_rating * 10) / 10).toFixed(1)) : null,
        p.sku ? el('code', { class: 'rec-sku' }, p.sku) : null));
  }

  // summaryCard is the model-written summary of a customer: the cached one,
  // and a button to ask for it when a hosted model is configured. With the
  // built-in model the needs profile is the summary, so there is no card.
  function summaryCard(j, cid) {
    var s = j.summary && typeof j.summary === 'object' && typeof j.summary.text === 'string' ? j.summary : null;
    if (!s && !j.can_summarise) return null;
    var body = el('p', { 'data-console': 'summary-text' }, s ? s.text : 'Ask the model for a short summary written from the needs profile below.');
    var meta = el('p', { class: 'legend', 'data-console': 'summary-meta' }, s ? summaryMeta(s) : '');
    var btn = j.can_summarise ? el('button', { type: 'button', class: 'btn sm', 'data-console': 'summarise' }, s ? 'Rewrite' : 'Write summary') : null;
    if (btn) btn.onclick = function () {
      btn.disabled = true; btn.textContent = 'Writing…';
      api('POST', '/api/console/customers/' + encodeURIComponent(cid) + '/summary').then(function (r) {
        var ns = r && r.summary && typeof r.summary === 'object' ? r.summary : null;
        if (!ns) throw new Error('The model returned no summary.');
        body.textContent = ns.text; meta.textContent = summaryMeta(ns) + (r.cached ? ' · nothing changed since' : '');
        btn.textContent = 'Rewrite';
      }).catch(fail).then(function () { btn.disabled = false; if (btn.textContent === 'Writing…') btn.textContent = s ? 'Rewrite' : 'Write summary'; });
    };
    return el('section', { class: 'card cp-summary', 'data-console': 'customer-summary' },
      el('h2', null, 'Summary', btn), body, meta);
  }
  function summaryMeta(s) {
    return 'Written by ' + (s.model || 'the model') + (s.created_at && dateText(s.created_at) ? ' on ' + dateText(s.created_at) : '') + ' from the facts below; rewritten when they change.';
  }

  function renderCP(j, id) {
    var c = j.customer && typeof j.customer === 'object' ? j.customer : { id: id }, cid = c.id != null ? c.id : id;
    var needs = arr(j.needs).filter(function (x) { return x && typeof x === 'object'; })
      .map(function (x, i) { return [x, i]; }).sort(function (a, b) { return aspectOf(a[0].aspect) - aspectOf(b[0].aspect) || a[1] - b[1]; })
      .map(function (x) { return x[0]; });
    var tl = arr(j.timeline).filter(function (x) { return x && typeof x === 'object'; })
      .sort(function (a, b) { return (Date.parse(b.at) || 0) - (Date.parse(a.at) || 0); }); // newest first
    var rec = j.recommendations && typeof j.recommendations === 'object' ? j.recommendations : {};
    var prods = arr(rec.products).filter(function (x) { return x && typeof x === 'object'; });
    var counts = {};
    tl.forEach(function (t) { counts[t.kind] = (counts[t.kind] || 0) + 1; });
    var box = clear($('cp-body'));
    box.appendChild(el('div', { class: 'cp-head' },
      el('button', { type: 'button', class: 'btn ghost sm', 'data-console': 'customer-back', onclick: cpBack }, '← Back'),
      el('div', { class: 'avatar big', 'aria-hidden': 'true' }, initial(c.name || c.email)),
      el('div', { class: 'cp-title' },
        el('h1', { class: 'cp-name', 'data-console': 'customer-name' }, c.name || '(no name)'),
        el('div', { class: 'cp-sub' }, c.email ? el('span', { class: 'cp-mail' }, c.email) : null, el('span', { class: 'lang' }, lang(c.locale)),
          el('span', { class: 'dim' }, 'Customer #' + cid), c.since && dateText(c.since) ? el('span', { class: 'dim' }, 'since ' + dateText(c.since)) : null)),
      el('div', { class: 'cp-counts' }, ['order', 'return', 'review', 'conversation', 'coupon'].map(function (k) {
        return el('span', { class: 'cp-count', 'data-kind': k }, el('b', null, num(counts[k] || 0)), ' ' + KINDS[k].toLowerCase() + ((counts[k] || 0) === 1 ? '' : 's'));
      }), el('a', { class: 'cust-tx', href: txHash({ customer: String(cid) }, 0, null), 'data-console': 'customer-transcripts' }, 'Transcripts →'))));
    var sumBox = summaryCard(j, cid);
    if (sumBox) box.appendChild(sumBox);
    var zh = /^zh/i.test(c.locale || '');
    box.appendChild(el('div', { class: 'cp-grid' },
      el('div', { class: 'cp-main' },
        el('section', { class: 'card', 'aria-labelledby': 'cp-needs-h' },
          el('h2', { id: 'cp-needs-h' }, 'Needs profile'),
          el('p', { class: 'legend' }, 'What their orders, returns, reviews and conversations say; each finding with the facts it rests on.'),
          needs.length ? el('div', { class: 'needs' }, needs.map(need)) : el('p', { class: 'dim' }, 'Nothing known about this customer yet.')),
        el('section', { class: 'card', 'aria-labelledby': 'cp-rec-h' },
          el('h2', { id: 'cp-rec-h' }, 'Recommendations'),
          el('p', { class: 'legend', 'data-basis': String(rec.basis || '') }, rec.basis === 'purchase_history' ? 'From what they bought: their categories and price range, leaving out what they own or rated badly.' :
            rec.basis === 'best_sellers' ? 'The shop’s best sellers: they have not bought anything yet.' : 'What the bot would suggest to them.'),
          prods.length ? el('ul', { class: 'recs' }, prods.map(function (p) { return recCard(p, zh); })) : el('p', { class: 'dim' }, 'No products to suggest.'))),
      el('section', { class: 'card cp-side', 'aria-labelledby': 'cp-tl-h' },
        el('h2', { id: 'cp-tl-h' }, 'Timeline', el('span', { class: 'count' }, String(tl.length))),
        tl.length ? timeline(tl, cid) : el('p', { class: 'dim' }, 'No history yet.'))));
  }
  function cpReset() {
    cp = { id: null, seq: cp.seq + 1, at: 0, back: '' };
    clear($('cp-body'));
    $('cpage').removeAttribute('data-id');
    $('cpage').removeAttribute('data-state');
  }

  // ---- keyboard: arrows move through the list, Alt+T takes over, Esc goes back
  D.addEventListener('keydown', function (e) {
    if (!st.me) return;
    var t = e.target, inField = /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName);
    if (st.mode === 'transcripts') { txKey(e, t, inField); return; }
    if (st.mode !== 'inbox') return; // the inbox's keys act on the inbox only
    if (e.altKey && !e.ctrlKey && !e.metaKey && (e.key === 't' || e.key === 'T' || e.code === 'KeyT')) {
      var b = $('takeover');
      if (st.openId && !b.hidden && !b.disabled) { e.preventDefault(); b.click(); }
      return;
    }
    if (e.key === 'Escape' && st.view !== 'inbox' && W.matchMedia('(max-width: 899px)').matches) {
      e.preventDefault();
      if (st.view === 'customer') $('back-chat').click(); else $('back-inbox').click();
      return;
    }
    if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && !inField && t.closest && t.closest('#inbox')) {
      var rows = [].slice.call($('inbox').querySelectorAll('[data-console=row]')), i = rows.indexOf(t.closest('[data-console=row]'));
      var next = rows[i < 0 ? 0 : i + (e.key === 'ArrowDown' ? 1 : -1)];
      if (next) { e.preventDefault(); next.focus(); }
    }
  });

  // ---- start
  soundButton();
  api('GET', '/api/console/me').then(function (j) {
    if (j && j.staff) signedIn(j); else screen('login');
  }).catch(function (e) {
    screen('login');
    if (e.status !== 401) toast(e.message);
    $('login-email').focus();
  });
})();
