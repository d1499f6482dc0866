/*
 * kefu chat widget: one <script src=".../widget.js" async></script> on the shop's page.
 * It speaks the protocol in docs/protocol.md over ws(s)://<this script's host>/ws.
 *
 * Rules kept throughout:
 *  - everything lives in a Shadow DOM, so the shop's CSS cannot reach it;
 *  - data from the network is only ever put on the page as text nodes
 *    (el() below, textContent): never innerHTML;
 *  - a message the shopper typed is in the outbox (localStorage) until the
 *    server's ack says it is stored, and is sent again, with the same
 *    client_id, after every reconnect.
 */
(function () {
  'use strict';
  var W = window, D = document;
  if (W.kefu && W.kefu.loaded) return; // embedded twice

  // Our own <script> tells where the server is, even when the page is on another origin.
  var me = D.currentScript || D.querySelector('script[src*="widget.js"]');
  var src = new URL((me && me.src) || '/widget.js', location.href);
  var WS_URL = (src.protocol === 'https:' ? 'wss://' : 'ws://') + src.host +
    src.pathname.replace(/[^/]*$/, '') + 'ws';
  var opts = (me && me.dataset) || {};

  var S = {
    en: {
      title: 'Chat with us', sub: 'We usually reply in seconds',
      hi: 'Hi! Ask us about an order, a delivery, a return or a product.',
      hiName: 'Hi {name}! Ask us about an order, a delivery, a return or a product.',
      ph: 'Type your message…', send: 'Send', human: 'Talk to a person',
      humanText: "I'd like to talk to a person",
      open: 'Open chat', close: 'Close chat',
      connecting: 'Connecting…', reconnecting: 'Connection lost. Reconnecting…',
      offline: "You're offline. Messages will be sent when you're back online.",
      dead: 'Chat is not available on this site.',
      queued: 'Waiting for a person…', joined: '{name} from support joined', ended: 'This conversation has ended',
      sending: 'Sending…', sent: 'Sent', failed: 'Not sent',
      yes: 'Yes', no: 'No', keepOrder: 'No, keep it', typing: 'Typing…', support: 'Support',
      rateQ: 'How did we do?', comment: 'Anything to add? (optional)', rate: 'Send feedback',
      star: '{n} out of 5 stars', thanks: 'Thanks for your feedback',
      order: 'Order {n}', total: 'Total', eta: 'Estimated delivery', last: 'Latest',
      ret: 'Return {n}', forOrder: 'Order {n}', refund: 'Refund', products: 'You might like',
      exch: 'Exchange {n}', exchNew: 'Exchange', pay: 'You pay', back: 'Refunded to you', same: 'No price difference',
      addr: 'New address', was: 'Was',
      err: 'Something went wrong. Please try again.', unread: '{n} new messages',
      erased: 'This conversation was erased at your request. Write to us to start a new one.'
    },
    zh: {
      title: '在线客服', sub: '通常几秒内回复',
      hi: '您好！订单、物流、退货或商品的问题都可以问我们。',
      hiName: '{name}，您好！订单、物流、退货或商品的问题都可以问我们。',
      ph: '请输入消息…', send: '发送', human: '转人工客服',
      humanText: '我想转人工客服',
      open: '打开在线客服', close: '关闭在线客服',
      connecting: '正在连接…', reconnecting: '连接已断开，正在重新连接…',
      offline: '网络已断开，恢复后会自动发送您的消息。',
      dead: '本网站暂不支持在线客服。',
      queued: '正在为您转接人工客服…', joined: '客服 {name} 已加入', ended: '本次会话已结束',
      sending: '发送中…', sent: '已发送', failed: '未发送',
      // "取消" beside a cancellation would read as "cancel the order".
      yes: '确认', no: '不用了', keepOrder: '保留订单', typing: '正在输入…', support: '客服',
      rateQ: '请为本次服务评分', comment: '还有什么想告诉我们的吗？（选填）', rate: '提交评价',
      star: '{n} 星（满分 5 星）', thanks: '感谢您的评价',
      order: '订单 {n}', total: '合计', eta: '预计送达', last: '最新动态',
      ret: '退货 {n}', forOrder: '订单 {n}', refund: '退款', products: '为您推荐',
      exch: '换货 {n}', exchNew: '换货', pay: '需补差价', back: '退还差价', same: '无差价',
      addr: '新地址', was: '原地址',
      err: '出错了，请稍后再试。', unread: '{n} 条新消息',
      erased: '应您的要求，此会话已被删除。如需帮助，请重新发送消息。'
    }
  };
  // Status labels of cards; an unknown status is shown as it came, underscores as spaces.
  var STATUS = {
    en: {
      pending_payment: 'Awaiting payment', paid: 'Paid', shipped: 'Shipped', delivered: 'Delivered',
      cancelled: 'Cancelled', label_created: 'Label created', in_transit: 'In transit',
      out_for_delivery: 'Out for delivery', exception: 'Delivery problem', open: 'Open',
      received: 'Received', refunded: 'Refunded', rejected: 'Rejected', preview: 'Not confirmed yet', changed: 'Changed'
    },
    zh: {
      pending_payment: '待付款', paid: '已付款', shipped: '已发货', delivered: '已送达',
      cancelled: '已取消', label_created: '已揽件', in_transit: '运输中',
      out_for_delivery: '派送中', exception: '配送异常', open: '处理中',
      received: '已收到退货', refunded: '已退款', rejected: '已拒绝', preview: '待确认', changed: '已修改'
    }
  };

  function lang(l) { return /^zh/i.test(l || '') ? 'zh' : 'en'; }
  var st = {
    locale: opts.locale ? lang(opts.locale) : lang(navigator.language),
    identity: null,   // {customer_id, expires, signature} from kefu('identify')
    ws: null,         // the current socket; frames of older ones are ignored
    ready: false,     // welcome received on st.ws
    wanted: false,    // a connection was asked for at least once
    idle: false,      // closed by the server for idleness: reconnect when the shopper acts
    dead: false,      // 4003: this origin is not allowed; never retry
    timer: null, attempt: 0,
    convId: null, lastSeq: 0, seen: {}, // seqs shown in this conversation
    outbox: [],       // [{client_id, text, at}], mirrored in localStorage
    state: 'bot', staff: '', customer: '',
    open: false, unread: 0
  };
  function t(k, v) {
    var s = (S[st.locale] || S.en)[k] || S.en[k] || k;
    return s.replace(/\{(\w+)\}/g, function (_, n) { return v && v[n] != null ? v[n] : ''; });
  }

  // ---- storage: one record per identity, so switching shopper never resumes another's chat
  var memStore = {};
  function key() { return 'kefu:' + (st.identity ? 'c:' + st.identity.customer_id : 'guest'); }
  function box() {
    try { var s = localStorage.getItem(key()); return s ? JSON.parse(s) || {} : {}; } catch (e) { return memStore[key()] || {}; }
  }
  // Read-modify-write, so two tabs of the shop don't drop each other's outbox entries.
  function putBox(f) {
    var b = box(); f(b); memStore[key()] = b;
    try { localStorage.setItem(key(), JSON.stringify(b)); } catch (e) { /* private mode: memory only */ }
  }
  function obAdd(m) { st.outbox.push(m); putBox(function (b) { (b.outbox = b.outbox || []).push(m); }); }
  function obDel(id) {
    var f = function (m) { return m.client_id !== id; };
    st.outbox = st.outbox.filter(f);
    putBox(function (b) { b.outbox = (b.outbox || []).filter(f); });
  }
  function obGet(id) { return st.outbox.filter(function (m) { return m.client_id === id; })[0]; }

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
  function icon(d, size, cls) {
    var ns = 'http://www.w3.org/2000/svg', s = D.createElementNS(ns, 'svg'), p = D.createElementNS(ns, 'path');
    s.setAttribute('viewBox', '0 0 24 24'); if (cls) s.setAttribute('class', cls); s.setAttribute('width', size); s.setAttribute('height', size);
    s.setAttribute('aria-hidden', 'true'); p.setAttribute('d', d); p.setAttribute('fill', 'currentColor');
    s.appendChild(p); return s;
  }
  var CHAT = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z';
  var CROSS = 'M18.3 5.7 12 12l6.3 6.3-1.4 1.4L10.6 13.4 4.3 19.7 2.9 18.3 9.2 12 2.9 5.7 4.3 4.3l6.3 6.3 6.3-6.3z';
  var PERSON = 'M12 12a5 5 0 1 0 0-10 5 5 0 0 0 0 10zm0 2c-4.4 0-8 2.2-8 5v3h16v-3c0-2.8-3.6-5-8-5z';

  // Message text: plain text, with http(s) links and **bold** made into elements (never parsed as HTML).
  function rich(text) {
    var out = [];
    String(text).split(/(\*\*[^*\n]+\*\*|https?:\/\/[^\s<>"'）]+[^\s<>"'）.,;:!?)。，])/).forEach(function (p, i) {
      if (!(i % 2)) { if (p) out.push(p); return; }
      if (p.slice(0, 2) === '**') out.push(el('strong', null, p.slice(2, -2)));
      else out.push(el('a', { href: p, target: '_blank', rel: 'noopener noreferrer nofollow' }, p));
    });
    return out;
  }
  function loc() { return st.locale === 'zh' ? 'zh-CN' : 'en-US'; }
  function money(a, cur) {
    if (a == null || a === '') return '';
    try { return new Intl.NumberFormat(loc(), { style: 'currency', currency: cur || 'USD' }).format(Number(a)); } catch (e) { return (cur || '') + ' ' + a; }
  }
  function when(s, o) {
    var d = new Date(s);
    return isNaN(d) ? String(s) : o ? d.toLocaleDateString(loc(), o) : d.toLocaleTimeString(loc(), { hour: 'numeric', minute: '2-digit' });
  }
  function chip(s) {
    s = String(s || '');
    var tone = /delivered|refunded|received/.test(s) ? 'ok' : /cancel|reject|exception/.test(s) ? 'bad' : /pending/.test(s) ? 'warn' : 'info';
    return el('span', { class: 'chip ' + tone, 'data-status': s }, STATUS[st.locale][s] || s.replace(/_/g, ' '));
  }
  function title(x) { return (st.locale === 'zh' && x.title_zh) || x.title || x.sku || ''; }

  // ---- cards under a message
  function card(c) {
    if (!c || typeof c !== 'object') return null;
    var o = c.order, r = c['return'], k = c.kind, body;
    if (k === 'order' && o) {
      var tr = c.tracking;
      body = [
        el('div', { class: 'ch' }, el('b', null, t('order', { n: o.number })), chip(o.status)),
        Array.isArray(o.items) && o.items.length ? el('ul', null, o.items.map(function (it) {
          return el('li', null, (it.quantity || 1) + ' × ' + title(it));
        })) : null,
        o.total != null ? el('div', { class: 'row' }, el('span', null, t('total')), el('b', null, money(o.total, o.currency))) : null,
        tr ? el('div', { class: 'trk', 'data-kefu': 'tracking' },
          el('div', { class: 'ch' }, el('span', null, [tr.carrier, tr.number || tr.tracking_number].filter(Boolean).join(' · ')), tr.status ? chip(tr.status) : null),
          tr.estimated_delivery_at ? el('div', null, t('eta') + ': ', el('b', null, when(tr.estimated_delivery_at, { weekday: 'short', month: 'short', day: 'numeric' }))) : null,
          tr.last_event ? el('div', { class: 'dim' }, t('last') + ': ' + tr.last_event) : null) : null
      ];
    } else if (k === 'return' && r) {
      body = [
        el('div', { class: 'ch' }, el('b', null, t('ret', { n: r.rma })), chip(r.status)),
        r.order_number ? el('div', { class: 'dim' }, t('forOrder', { n: r.order_number })) : null,
        r.refund != null ? el('div', { class: 'row' }, el('span', null, t('refund')), el('b', null, money(r.refund, r.currency))) : null
      ];
    } else if (k === 'exchange' && c.exchange) {
      // What goes back and what is sent out, and who pays the difference.
      var x = c.exchange, d = parseFloat(x.difference) || 0;
      body = [
        el('div', { class: 'ch' }, el('b', null, x.rma ? t('exch', { n: x.rma }) : t('exchNew')), chip(x.status)),
        x.order_number ? el('div', { class: 'dim' }, t('forOrder', { n: x.order_number })) : null,
        el('ul', null, (x.lines || []).map(function (l) {
          var back = (st.locale === 'zh' && l.back_zh) || l.back, out = (st.locale === 'zh' && l.out_zh) || l.out;
          return el('li', null, (l.quantity || 1) + ' × ' + back + ' → ' + out + (l.out_options ? ' (' + l.out_options + ')' : ''));
        })),
        el('div', { class: 'row' }, el('span', null, d > 0 ? t('pay') : d < 0 ? t('back') : t('same')),
          d ? el('b', null, money(String(Math.abs(d).toFixed(2)), x.currency)) : null)
      ];
    } else if (k === 'address' && c.address) {
      var a = c.address;
      body = [
        el('div', { class: 'ch' }, el('b', null, t('forOrder', { n: a.order_number })), chip(a.status)),
        el('div', null, t('addr') + ': ', el('b', null, a.address)),
        a.previous ? el('div', { class: 'dim' }, t('was') + ': ' + a.previous) : null
      ];
    } else if (k === 'products' && Array.isArray(c.products)) {
      body = [
        el('div', { class: 'ch' }, el('b', null, t('products'))),
        el('ul', { class: 'prods' }, c.products.map(function (p) {
          // A click is reported (the dashboard counts how often a
          // recommendation is followed) and opens the shop's product page
          // when the script tag gives data-product-url="/p/{sku}".
          return el('li', { 'data-sku': p.sku }, el('button', { type: 'button', class: 'prod', 'data-kefu': 'product', onclick: function () {
            send({ type: 'click', sku: p.sku });
            var u = me && me.getAttribute('data-product-url');
            if (u) W.open(u.replace('{sku}', encodeURIComponent(p.sku)), '_blank', 'noopener');
          } }, el('span', null, title(p)), el('b', null, money(p.price, p.currency))));
        }))
      ];
    } else return null;
    return el('div', { 'data-kefu': 'card', 'data-kind': k, class: 'card' }, body);
  }

  // ---- the widget's DOM (built once in mount())
  var host, root, wrap, launcher, badge, panel, titleEl, subEl, banner, sc, greet, log, pend, draftSlot, activity, typing, toast, human, form, input, sendBtn, closeBtn;
  var byCid = {};     // client_id -> the shopper's bubble
  var draft = null, rating = null, typingT, toastT;

  function mount() {
    host = el('div', { id: 'kefu-widget' });
    // Inline !important beats any page rule aimed at the host; inherited styles stop here.
    host.style.cssText = 'all:initial !important';
    root = host.attachShadow({ mode: 'open' });
    root.appendChild(el('style', null, STYLE));
    launcher = el('button', { type: 'button', class: 'launcher', 'data-kefu': 'launcher', 'aria-expanded': 'false', 'aria-controls': 'kefu-panel', onclick: function () { setOpen(!st.open, true); } },
      icon(CHAT, 28, 'i-chat'), icon(CROSS, 24, 'i-x'), badge = el('span', { class: 'badge', 'data-kefu': 'unread', hidden: true }));
    closeBtn = el('button', { type: 'button', class: 'x', onclick: function () { setOpen(false, true); } }, icon(CROSS, 20));
    input = el('textarea', { 'data-kefu': 'input', rows: 1, maxlength: 2000, onkeydown: onKey, oninput: onInput });
    sendBtn = el('button', { type: 'submit', class: 'send', 'data-kefu': 'send' });
    human = el('button', { type: 'button', class: 'human', 'data-kefu': 'human', onclick: function () { submit(t('humanText')); } }, icon(PERSON, 14), el('span'));
    panel = el('div', { class: 'panel', id: 'kefu-panel', 'data-kefu': 'panel', role: 'dialog', 'aria-labelledby': 'kefu-title', hidden: true },
      el('div', { class: 'head' },
        el('div', null, titleEl = el('h2', { id: 'kefu-title' }), subEl = el('p')),
        closeBtn),
      banner = el('div', { class: 'banner', 'data-kefu': 'status', role: 'status', hidden: true }),
      sc = el('div', { class: 'scroll' },
        greet = el('div', { class: 'greet' }),
        log = el('div', { class: 'log', 'data-kefu': 'messages', role: 'log', 'aria-live': 'polite' }),
        pend = el('div', { class: 'log' }),
        draftSlot = el('div', { class: 'log' }),
        activity = el('div', { class: 'act', 'data-kefu': 'activity', role: 'status', hidden: true }),
        typing = el('div', { class: 'msg assistant typing', 'data-kefu': 'typing', hidden: true }, el('i'), el('i'), el('i'))),
      toast = el('div', { class: 'toast', 'data-kefu': 'error', role: 'alert', hidden: true }),
      el('div', { class: 'foot' }, human,
        form = el('form', { onsubmit: function (e) { e.preventDefault(); submit(input.value); } }, input, sendBtn)));
    wrap = el('div', { class: 'w' + (opts.position === 'left' ? ' left' : '') }, panel, launcher);
    if (opts.color && /^#[0-9a-f]{3,8}$/i.test(opts.color)) wrap.style.setProperty('--k', opts.color);
    wrap.addEventListener('keydown', function (e) { if (e.key === 'Escape' && st.open) { setOpen(false, true); } });
    root.appendChild(wrap);
    D.body.appendChild(host);
    mountPhotos();
    texts();
    loadVoice();
  }

  // The shop's voice (greeting, accent colour), which its admins change in the console: read at
  // each load. The page's own data-color wins over the shop's accent.
  function loadVoice() {
    var url = src.origin + src.pathname.replace(/[^/]*$/, '') + 'api/widget/settings';
    if (!W.fetch) return;
    fetch(url, { credentials: 'omit', cache: 'no-store' }).then(function (r) { return r.ok ? r.json() : null; }).then(function (v) {
      if (!v) return;
      st.voice = v;
      if (!opts.color && /^#[0-9a-f]{6}$/i.test(v.accent_color || '')) wrap.style.setProperty('--k', v.accent_color);
      refresh();
    }).catch(function () { /* kefu's own wording stays */ });
  }

  // Interface strings: set again when the locale changes.
  function texts() {
    wrap.setAttribute('lang', st.locale === 'zh' ? 'zh-CN' : 'en');
    titleEl.textContent = t('title'); subEl.textContent = t('sub');
    launcher.setAttribute('aria-label', t(st.open ? 'close' : 'open'));
    closeBtn.setAttribute('aria-label', t('close'));
    input.placeholder = t('ph'); input.setAttribute('aria-label', t('ph'));
    sendBtn.textContent = t('send');
    human.lastChild.textContent = t('human');
    typing.setAttribute('aria-label', t('typing'));
    showBanner(); refresh();
    if (rating && !rating.done) showRating(true);
  }

  function setOpen(o, byUser) {
    st.open = o;
    panel.hidden = !o;
    wrap.classList.toggle('open', o);
    launcher.setAttribute('aria-expanded', String(o));
    launcher.setAttribute('aria-label', t(o ? 'close' : 'open'));
    if (o) {
      st.unread = 0; refresh(); ensure(); bottom(true);
      if (byUser) input.focus();
    } else if (byUser) launcher.focus();
  }

  function refresh() {
    greet.hidden = !!(log.firstChild || pend.firstChild);
    var own = st.voice && st.voice[st.locale === 'zh' ? 'greeting_zh' : 'greeting_en'];
    greet.textContent = own || (st.customer ? t('hiName', { name: st.customer }) : t('hi'));
    badge.hidden = !st.unread;
    badge.textContent = st.unread > 9 ? '9+' : st.unread;
    badge.setAttribute('aria-label', t('unread', { n: st.unread }));
  }
  function nearBottom() { return sc.scrollHeight - sc.scrollTop - sc.clientHeight < 120; }
  function bottom(force) {
    if (force || nearBottom()) requestAnimationFrame(function () { sc.scrollTop = sc.scrollHeight; });
  }
  // A new message for a shopper who was at the bottom: shown whole, or from its top when it is
  // taller than the view (scrolling to the very bottom would hide where it starts).
  function reveal(n, wasNear) {
    if (!wasNear) return;
    requestAnimationFrame(function () {
      var top = n.getBoundingClientRect().top - sc.getBoundingClientRect().top + sc.scrollTop - 8;
      sc.scrollTop = n.offsetHeight > sc.clientHeight - 16 ? top : sc.scrollHeight;
    });
  }

  // The status banner: connection trouble first, else where the conversation stands.
  function showBanner() {
    var s = '', cls = 'banner';
    if (st.dead) s = t('dead');
    else if (st.wanted && !st.ready && !st.idle) {
      s = navigator.onLine === false ? t('offline') : st.attempt ? t('reconnecting') : t('connecting');
    }
    if (s) cls += ' warn';
    else if (st.state === 'queued') s = t('queued');
    else if (st.state === 'human') s = t('joined', { name: st.staff || t('support') }), cls += ' ok';
    else if (st.state === 'closed') s = t('ended');
    banner.className = cls; banner.textContent = s; banner.hidden = !s;
  }
  function showToast(s) {
    toast.textContent = s; toast.hidden = false;
    clearTimeout(toastT); toastT = setTimeout(function () { toast.hidden = true; }, 6000);
  }

  // ---- messages
  function meta(n, state, at) {
    n.setAttribute('data-state', state);
    var m = n.querySelector('.meta');
    m.textContent = '';
    add(m, [at ? when(at) : '', state === 'sent' ? el('span', { 'data-kefu': 'tick', title: t('sent'), 'aria-label': t('sent') }, ' ✓') :
      state === 'pending' ? ' · ' + t('sending') : state === 'failed' ? ' · ' + t('failed') : null]);
  }
  function bubble(role, text, author) {
    role = /^(user|assistant|staff|system)$/.test(role) ? role : 'system';
    return el('div', { class: 'msg ' + role, 'data-kefu': 'message', 'data-role': role },
      role === 'staff' ? el('div', { class: 'who' }, author || t('support')) : null,
      text ? el('div', { class: 'txt' }, rich(text)) : null);
  }
  // Put a stored message in seq order among the others (confirm boxes stay where they came).
  function place(n, seq) {
    n.setAttribute('data-seq', seq);
    var ref = null;
    for (var c = log.lastElementChild; c; c = c.previousElementSibling) {
      var s = c.getAttribute('data-seq');
      if (s == null) continue;
      if (+s > seq) ref = c; else break;
    }
    log.insertBefore(n, ref);
    st.seen[seq] = 1;
    if (seq > st.lastSeq) st.lastSeq = seq;
  }
  function pending(m) {
    var n = bubble('user', m.text);
    n.appendChild(el('div', { class: 'meta' }));
    meta(n, 'pending', m.at);
    byCid[m.client_id] = n;
    pend.appendChild(n);
    return n;
  }
  function settle(n, seq, at) {
    meta(n, 'sent', at || Date.now());
    place(n, seq);
  }
  function clearLog() {
    log.textContent = ''; st.seen = {}; st.lastSeq = 0; st.convId = null;
    Object.keys(byCid).forEach(function (id) { if (!pend.contains(byCid[id])) delete byCid[id]; });
    clearLive(); removeRating(); refresh();
  }
  function clearLive() {
    if (draft) draft.remove(); draft = null;
    activity.hidden = true; typing.hidden = true;
  }

  function onMessage(f) {
    var seq = +f.seq || 0, n = f.client_id && byCid[f.client_id];
    if (n) { // our own message coming back (other tab, resume): it is stored, whatever the ack did
      obDel(f.client_id);
      if (!n.hasAttribute('data-seq')) settle(n, seq, f.created_at);
      showPhotos(n, f.photos);
      return;
    }
    if (st.seen[seq]) return;
    if (f.role !== 'user') {
      activity.hidden = true; typing.hidden = true;
      if (f.role === 'assistant' && draft) { draft.remove(); draft = null; }
    }
    var wasNear = nearBottom();
    n = bubble(f.role, f.text, f.author);
    if (Array.isArray(f.cards) && f.cards.length) {
      n.classList.add('wide');
      n.appendChild(el('div', { class: 'cards' }, f.cards.map(card)));
    }
    if (f.role === 'assistant' && f.offer && f.offer.campaign_id) n.appendChild(offer(f.offer));
    // Replies offered with one click (a clarifying question's options): a click sends the text.
    if (f.role === 'assistant' && Array.isArray(f.suggestions) && f.suggestions.length) {
      n.appendChild(el('div', { class: 'sugg', 'data-kefu': 'suggestions' }, f.suggestions.slice(0, 4).map(function (s) {
        return el('button', { type: 'button', 'data-kefu': 'suggestion', onclick: function () { submit(s); } }, String(s));
      })));
    }
    n.appendChild(el('div', { class: 'meta' }, f.created_at ? when(f.created_at) : ''));
    if (f.role === 'user') {
      if (f.client_id) byCid[f.client_id] = n;
      meta(n, 'sent', f.created_at);
      showPhotos(n, f.photos);
    }
    place(n, seq); pruneSuggestions();
    // Count as unread only what is new, not the history replayed after a reload.
    if (!st.open && f.role !== 'user' && !(Date.parse(f.created_at) < loadedAt - 5000)) st.unread++;
    refresh();
    if (f.role === 'user') bottom(true); else reveal(n, wasNear);
  }

  // A campaign's offer: its coupon, a button that copies the code (a click) and one that dismisses it.
  function offer(o) {
    var zh = st.locale === 'zh', box;
    function respond(r) { send({ type: 'offer', campaign_id: o.campaign_id, response: r }); }
    box = el('div', { class: 'offer', 'data-kefu': 'offer', 'data-campaign': o.campaign_id },
      o.code ? el('div', { class: 'code' }, (zh ? '优惠码 ' : 'Code ') + o.code + (o.percent ? ' · ' + (zh ? (100 - o.percent) / 10 + ' 折' : o.percent + '% off') : '')) : null,
      el('button', { type: 'button', 'data-kefu': 'offer-use', onclick: function () {
        respond('click');
        if (o.code && navigator.clipboard) navigator.clipboard.writeText(o.code).catch(function () {});
        this.textContent = zh ? '已复制' : 'Copied';
      } }, o.code ? (zh ? '复制优惠码' : 'Copy code') : (zh ? '好的' : 'Got it')),
      el('button', { type: 'button', 'data-kefu': 'offer-dismiss', 'aria-label': zh ? '关闭' : 'Dismiss', onclick: function () {
        respond('dismiss'); box.remove();
      } }, '×'));
    return box;
  }

  function onDelta(f) {
    if (f.reset) { if (draft) draft.remove(); draft = null; return; }
    typing.hidden = true;
    if (!draft) draftSlot.appendChild(draft = el('div', { class: 'msg assistant', 'data-kefu': 'draft', 'data-role': 'assistant', 'aria-busy': 'true' }, el('div', { class: 'txt' })));
    draft.firstChild.textContent += f.text || '';
    bottom();
  }

  function onConfirm(f) {
    if (!f.action_id || log.querySelector('[data-action="' + CSS.escape(String(f.action_id)) + '"]')) return;
    var yes, no, box = el('div', { class: 'confirm', 'data-kefu': 'confirm', 'data-action': f.action_id },
      el('p', null, f.summary || ''),
      el('div', { class: 'btns' },
        yes = el('button', { type: 'button', class: 'yes', 'data-kefu': 'confirm-yes', onclick: function () { answer('yes'); } }, t('yes')),
        no = el('button', { type: 'button', 'data-kefu': 'confirm-no', onclick: function () { answer('no'); } }, t(f.kind === 'cancel_order' ? 'keepOrder' : 'no'))));
    function answer(a) {
      if (!send({ type: 'confirm', action_id: f.action_id, answer: a })) return showToast(t('reconnecting'));
      (a === 'yes' ? yes : no).setAttribute('aria-pressed', 'true');
      done();
    }
    function done() { yes.disabled = no.disabled = true; box.classList.add('done'); }
    box.done = done;
    var left = Date.parse(f.expires_at) - Date.now();
    if (left > 0 && left < 864e5) setTimeout(done, left);
    log.appendChild(box); refresh(); bottom(true);
  }
  // Suggestions stand only under the latest message: whatever comes after answers them.
  function pruneSuggestions() {
    var live = null;
    for (var c = log.lastElementChild; c && !live; c = c.previousElementSibling) if (c.hasAttribute('data-seq')) live = c;
    [].forEach.call(log.querySelectorAll('.sugg'), function (s) { if (s.parentNode !== live || pend.firstChild) s.remove(); });
  }
  // The shopper's next message answers (or drops) any open question.
  function closeConfirms() {
    [].forEach.call(log.querySelectorAll('.confirm:not(.done)'), function (b) { b.done(); });
  }

  function setState(s, staff) {
    if (s !== st.state && draft) { draft.remove(); draft = null; } // a handoff ends the bot's turn
    st.state = s || 'bot';
    if (staff) st.staff = staff;
    human.hidden = st.state === 'queued' || st.state === 'human';
    if (st.state === 'closed') { if (box().rated !== st.convId) showRating(); }
    else removeRating();
    showBanner();
  }

  // ---- rating, when the conversation is closed
  function removeRating() { if (rating) rating.remove(); rating = null; }
  function showRating(again) {
    if (rating && !again) return;
    var stars = [], value = 0, comment, go;
    removeRating();
    function pick(v) {
      value = v; go.disabled = false;
      stars.forEach(function (b, i) { b.setAttribute('aria-pressed', String(i < v)); });
    }
    for (var i = 1; i <= 5; i++) {
      stars.push(el('button', { type: 'button', class: 'star', 'data-kefu': 'star', 'data-value': i, 'aria-pressed': 'false', 'aria-label': t('star', { n: i }), onclick: pick.bind(null, i) }, '★'));
    }
    rating = el('div', { class: 'rate', 'data-kefu': 'rating' },
      el('p', null, t('rateQ')), el('div', { class: 'stars' }, stars),
      comment = el('textarea', { 'data-kefu': 'comment', rows: 2, maxlength: 1000, placeholder: t('comment'), 'aria-label': t('comment') }),
      go = el('button', { type: 'button', class: 'send', 'data-kefu': 'rate-submit', disabled: true, onclick: function () {
        var f = { type: 'rate', rating: value };
        if (comment.value.trim()) f.comment = comment.value.trim();
        if (!send(f)) return showToast(t('reconnecting'));
        putBox(function (b) { b.rated = st.convId; });
        rating.textContent = ''; rating.done = true;
        rating.appendChild(el('p', { role: 'status' }, t('thanks')));
      } }, t('rate')));
    draftSlot.parentNode.insertBefore(rating, activity);
    bottom(true);
  }

  // ---- frames from the server
  function onFrame(f) {
    switch (f.type) {
      case 'welcome':
        // Another conversation than the one on screen (token expired, identity switched): start clean.
        if (!f.resumed || (st.convId && st.convId !== f.conversation_id)) clearLog();
        st.convId = f.conversation_id; st.ready = true; st.idle = false; st.attempt = 0;
        st.customer = (f.customer && f.customer.name) || '';
        putBox(function (b) { b.token = f.resume_token; });
        clearLive(); setState(f.state, f.staff); refresh();
        st.outbox.forEach(sendMsg);
        break;
      case 'ack':
        var n = byCid[f.client_id];
        obDel(f.client_id);
        if (n && !n.hasAttribute('data-seq')) settle(n, +f.seq);
        break;
      case 'message': onMessage(f); break;
      case 'delta': onDelta(f); break;
      case 'activity':
        activity.textContent = '';
        add(activity, [el('span', { class: 'spin', 'aria-hidden': 'true' }), f.text || '']);
        activity.hidden = !f.text; bottom();
        break;
      case 'confirm': onConfirm(f); break;
      case 'state': setState(f.state, f.staff); break;
      case 'typing':
        typing.hidden = !f.typing || !!draft;
        clearTimeout(typingT);
        if (f.typing) typingT = setTimeout(function () { typing.hidden = true; }, 15000); // in case "false" is lost
        bottom();
        break;
      case 'error': onError(f); break;
    }
  }

  function onError(f) {
    var m = f.client_id && obGet(f.client_id), n = f.client_id && byCid[f.client_id];
    showToast(f.message || t('err'));
    if (f.code === 'closed') newConversation();
    else if (m && (f.code === 'rate_limited' || f.code === 'not_saved')) {
      // Keep it in the outbox and try again after a pause that grows with each try.
      m.tries = (m.tries || 0) + 1;
      setTimeout(function () { if (obGet(m.client_id)) sendMsg(m); }, Math.min(30000, (f.code === 'rate_limited' ? 4000 : 1500) * m.tries) * (1 + Math.random() / 2));
    } else if (m && f.code === 'invalid_message') {
      obDel(m.client_id);
      if (n) meta(n, 'failed', m.at);
    }
  }

  // ---- the socket
  function send(f) {
    if (!st.ready || !st.ws || st.ws.readyState !== 1) return false;
    st.ws.send(JSON.stringify(f));
    return true;
  }
  function sendMsg(m) { if (send({ type: 'message', client_id: m.client_id, text: m.text, attachments: m.attachments })) m.sent = Date.now(); }

  function connect() {
    clearTimeout(st.timer); st.timer = null;
    if (st.dead) return;
    st.wanted = true; st.idle = false; st.ready = false;
    var ws;
    try { ws = new WebSocket(WS_URL); } catch (e) { return retry(); }
    st.ws = ws;
    showBanner();
    ws.onopen = function () {
      if (st.ws !== ws) return;
      var h = { type: 'hello', last_seq: st.lastSeq, locale: st.locale }, tok = box().token;
      if (tok) h.resume_token = tok;
      if (CONTINUE) { h.continue = CONTINUE; h.last_seq = 0; CONTINUE = null; } // the emailed link's conversation
      if (st.identity) h.identity = st.identity;
      ws.send(JSON.stringify(h));
    };
    ws.onmessage = function (e) {
      if (st.ws !== ws) return;
      var f;
      try { f = JSON.parse(e.data); } catch (x) { return; }
      if (f && typeof f.type === 'string') onFrame(f);
    };
    ws.onclose = function (e) {
      if (st.ws !== ws) return;
      st.ws = null; st.ready = false; clearLive();
      if (e.code === 4003) st.dead = input.disabled = sendBtn.disabled = human.disabled = true;
      else if (e.code === 4410) erased();
      // Closed normally or for idleness: come back when the shopper needs us, not before.
      else if (e.code === 4009 || ((e.code === 1000 || e.code === 1001) && !st.open && !st.outbox.length)) st.idle = true;
      else retry();
      showBanner();
    };
  }
  // Exponential backoff from 0.5 s to 15 s, with jitter so a restarted server is not hit all at once.
  function retry() {
    var d = Math.min(15000, 500 * Math.pow(2, st.attempt++));
    st.timer = setTimeout(connect, d / 2 + Math.random() * d / 2);
    showBanner();
  }
  function ensure() { if (!st.ws && !st.timer && !st.dead) connect(); }
  // Drop the socket and connect again soon (identity or locale changed: both go in hello).
  function restart() {
    var w = st.ws;
    st.ws = null; st.ready = false;
    if (w) w.close(1000);
    clearTimeout(st.timer); st.timer = null; st.attempt = 0;
    if (st.wanted || box().token || st.outbox.length) st.timer = setTimeout(connect, 30);
  }
  // 4410: a privacy request erased the conversation. Its token and unsent
  // messages go (they could never be saved); a new one starts when the
  // shopper writes.
  function erased() {
    st.outbox = [];
    putBox(function (b) { delete b.token; b.outbox = []; });
    clearLog(); setState('bot'); st.idle = true; st.attempt = 0;
    showToast(t('erased'));
  }
  function newConversation() {
    putBox(function (b) { delete b.token; });
    clearLog(); setState('bot'); restart();
  }

  // ---- the shopper's input
  var typingSent = 0, idleT;
  function setTyping(on) {
    if (on && Date.now() - typingSent < 2000) return; // at most every 2 s
    if (!on && !typingSent) return;
    send({ type: 'typing', typing: on });
    typingSent = on ? Date.now() : 0;
  }
  function onInput() {
    input.style.height = 'auto';
    input.style.height = Math.min(input.scrollHeight, 120) + 'px';
    ensure();
    clearTimeout(idleT);
    if (input.value.trim()) { setTyping(true); idleT = setTimeout(function () { setTyping(false); }, 3000); }
    else setTyping(false);
  }
  function onKey(e) {
    // Enter sends; Shift+Enter is a new line; Enter that ends an IME composition (Chinese input) does nothing.
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) { e.preventDefault(); submit(input.value); }
  }
  function cid() {
    var a = new Uint8Array(8);
    (W.crypto || W.msCrypto).getRandomValues(a);
    return 'm-' + Date.now().toString(36) + '-' + [].map.call(a, function (b) { return (b + 256).toString(16).slice(1); }).join('');
  }
  function submit(text) {
    text = String(text || '').trim().slice(0, 2000);
    if (!text) return;
    if (st.state === 'closed') newConversation();
    var m = { client_id: cid(), text: text, at: Date.now() };
    obAdd(m); pending(m);
    input.value = ''; onInput(); clearTimeout(idleT); setTyping(false);
    closeConfirms(); pruneSuggestions(); refresh(); bottom(true);
    ensure(); sendMsg(m);
  }

  // ---- the public function, kefu('identify' | 'logout' | 'locale' | 'open' | 'close', ...)
  function api(cmd, arg) {
    if (cmd === 'identify' || cmd === 'logout') {
      var id = cmd === 'identify' && arg && arg.customer_id ? { customer_id: String(arg.customer_id), expires: +arg.expires, signature: String(arg.signature || '') } : null;
      var same = (id && id.customer_id) === (st.identity && st.identity.customer_id);
      st.identity = id;
      if (same) return; // a fresh signature for the same shopper: used at the next hello
      // Someone else: show their conversation (or none), never the previous shopper's.
      pend.textContent = ''; byCid = {}; clearLog(); st.customer = ''; setState('bot');
      st.outbox = box().outbox || [];
      st.outbox.forEach(pending);
      refresh(); restart();
    } else if (cmd === 'locale') {
      var l = lang(arg);
      if (l === st.locale) return;
      st.locale = l; texts();
      if (st.ws) restart(); // the server learns the locale from hello
    } else if (cmd === 'open' || cmd === 'close') setOpen(cmd === 'open');
  }

  var loadedAt = Date.now();
  // A staff reply emailed to a shopper who left links here with ?kefu_continue=<token>: the
  // widget opens on that conversation (the server checks the token) and the token leaves the URL.
  var CONTINUE = (function () {
    try {
      var u = new URL(location.href), c = u.searchParams.get('kefu_continue');
      if (c) { u.searchParams.delete('kefu_continue'); history.replaceState(history.state, '', u.toString()); }
      return c;
    } catch (x) { return null; }
  })();

  function start() {
    mount();
    var q = (W.kefu && W.kefu.q) || [];
    var kefu = W.kefu = function () { api.apply(null, arguments); };
    kefu.loaded = true;
    kefu.debug = {
      state: function () {
        return { connected: st.ready, conversationId: st.convId, lastSeq: st.lastSeq, state: st.state,
          outbox: st.outbox.map(function (m) { return { client_id: m.client_id, text: m.text }; }) };
      }
    };
    st.outbox = box().outbox || [];
    st.outbox.forEach(pending);
    [].slice.call(q).forEach(function (a) { api.apply(null, a); });
    refresh();
    // Connect right away only to restore an existing conversation or deliver unsent messages;
    // otherwise the first open or keystroke does it, so idle visitors open no conversation.
    // On load nothing is shown, so last_seq is 0 and the whole history is replayed.
    if (CONTINUE) setOpen(true, false);
    else if (!st.timer && (box().token || st.outbox.length)) connect();
    W.addEventListener('online', function () { if (st.wanted && !st.ws && !st.dead && !st.idle) { st.attempt = 0; connect(); } });
    // A socket can look open long after the network went: drop it, and come back on 'online'.
    W.addEventListener('offline', function () {
      var w = st.ws;
      if (!w) return showBanner();
      st.ws = null; st.ready = false; w.close(); clearLive(); retry();
    });
    // A message that got no ack (lost on a half-dead socket) is sent again after a while.
    setInterval(function () {
      st.outbox.forEach(function (m) { if (!m.sent || Date.now() - m.sent > 10000) sendMsg(m); });
    }, 5000);
  }

  // ---- photos (issue 18): a button, drag and drop, paste. The picture is
  // POSTed to /api/photos with the conversation's resume token; kefu checks
  // and cleans it, and the message that follows lists its id in attachments.
  var PHOTO_S = {
    en: { attach: 'Attach a photo', caption: 'Photo attached', first: 'Tell us what happened first, then attach the photo.',
      failed: 'The photo could not be sent.', big: 'This photo is larger than {mb} MB.', sending: 'Sending the photo…' },
    zh: { attach: '添加照片', caption: '附上照片', first: '请先说明情况，再添加照片。',
      failed: '照片未能发送。', big: '这张照片超过 {mb} MB。', sending: '正在发送照片…' }
  };
  var PHOTO_TYPES = /^image\/(jpeg|png|webp)$/;
  var PHOTO_URL = src.origin + src.pathname.replace(/[^/]*$/, '') + 'api/photos';
  var photoBtn, photoFile;
  function pt(k, v) { return (PHOTO_S[st.locale] || PHOTO_S.en)[k].replace('{mb}', v || ''); }
  function photoMaxMB() { return +opts.photoMaxMb || 8; }
  function mountPhotos() {
    photoFile = el('input', { type: 'file', accept: 'image/jpeg,image/png,image/webp', 'data-kefu': 'photo-file', hidden: true,
      onchange: function () { if (photoFile.files[0]) sendPhoto(photoFile.files[0]); photoFile.value = ''; } });
    photoBtn = el('button', { type: 'button', class: 'photo', 'data-kefu': 'photo', onclick: function () { photoFile.click(); } },
      icon('M4 7h3l2-2h6l2 2h3v12H4z M12 9.5a3.5 3.5 0 1 0 0 7a3.5 3.5 0 1 0 0-7', 18));
    form.insertBefore(photoBtn, input);
    form.appendChild(photoFile);
    panel.addEventListener('dragover', function (e) { if (hasFile(e.dataTransfer)) e.preventDefault(); });
    panel.addEventListener('drop', function (e) {
      var f = firstImage(e.dataTransfer && e.dataTransfer.files);
      if (f) { e.preventDefault(); sendPhoto(f); }
    });
    input.addEventListener('paste', function (e) {
      var f = firstImage(e.clipboardData && e.clipboardData.files);
      if (f) { e.preventDefault(); sendPhoto(f); }
    });
    var relabel = texts;
    texts = function () { relabel(); photoBtn.setAttribute('aria-label', pt('attach')); photoBtn.title = pt('attach'); };
  }
  function hasFile(dt) { return dt && [].indexOf.call(dt.types || [], 'Files') >= 0; }
  function firstImage(files) { return [].filter.call(files || [], function (f) { return PHOTO_TYPES.test(f.type); })[0]; }
  // The conversation must be stored (its first message acknowledged) for
  // the token to open it; the server checks the type, size and content.
  function sendPhoto(file) {
    var token = box().token;
    if (!token || !st.lastSeq) { showToast(pt('first')); return; }
    if (file.size > photoMaxMB() * 1048576) { showToast(pt('big', photoMaxMB())); return; }
    var caption = String(input.value || '').trim().slice(0, 2000) || pt('caption');
    var fd = new FormData();
    fd.append('resume_token', token);
    fd.append('photo', file, file.name || 'photo');
    photoBtn.disabled = true; photoBtn.setAttribute('aria-busy', 'true');
    fetch(PHOTO_URL, { method: 'POST', body: fd, credentials: 'omit' }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        if (!r.ok || !j.id) throw new Error(j.message || pt('failed'));
        return j;
      });
    }).then(function (j) {
      if (input.value.trim() === caption) { input.value = ''; onInput(); }
      var m = { client_id: cid(), text: caption, attachments: [j.id], at: Date.now() };
      obAdd(m); pending(m);
      var n = byCid[m.client_id];
      if (n) n.appendChild(el('img', { class: 'photo-img', 'data-kefu': 'photo-preview', alt: pt('caption'), src: URL.createObjectURL(file) }));
      refresh(); bottom(true); ensure(); sendMsg(m);
    }).catch(function (e) { showToast(e.message || pt('failed')); }).then(function () {
      photoBtn.disabled = false; photoBtn.removeAttribute('aria-busy');
    });
  }

  // A stored message's photos (the history after a reload, another tab):
  // each opened with the resume token in a form body, so the token stays
  // out of URLs and the request needs no preflight.
  function showPhotos(n, ids) {
    var token = box().token;
    if (!Array.isArray(ids) || !ids.length || !token || n.querySelector('.photo-img')) return;
    ids.forEach(function (id) {
      var img = el('img', { class: 'photo-img', 'data-kefu': 'photo-shown', alt: pt('caption') });
      n.insertBefore(img, n.querySelector('.meta'));
      fetch(PHOTO_URL + '/' + encodeURIComponent(id), { method: 'POST', body: new URLSearchParams({ resume_token: token }), credentials: 'omit' })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.blob(); })
        .then(function (b) { img.src = URL.createObjectURL(b); })
        .catch(function () { img.remove(); });
    });
  }

  var STYLE = [
    ':host{all:initial}',
    '.w{--k:#0f6e5a;--ink:#1b1f24;--dim:#5d6670;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;color:var(--ink)}',
    '*{box-sizing:border-box}[hidden]{display:none!important}',
    'button,textarea{font:inherit;color:inherit}',
    'button{cursor:pointer}button:disabled{cursor:default;opacity:.55}',
    ':focus-visible{outline:3px solid var(--k);outline-offset:2px}',
    '.launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;width:60px;height:60px;border:0;border-radius:50%;background:var(--k);color:#fff;display:grid;place-items:center;box-shadow:0 6px 20px rgba(0,0,0,.25);transition:transform .15s}',
    '.launcher .i-x,.open .launcher .i-chat{display:none}.open .launcher .i-x{display:block}',
    '.launcher:hover{transform:scale(1.06)}.launcher:focus-visible{outline-color:#fff;box-shadow:0 0 0 3px var(--k),0 0 0 6px rgba(0,0,0,.25)}',
    '.badge{position:absolute;top:-2px;right:-2px;min-width:20px;height:20px;padding:0 5px;border-radius:10px;background:#d93636;color:#fff;font-size:12px;font-weight:700;line-height:20px}',
    '.panel{position:fixed;right:20px;bottom:92px;z-index:2147483000;width:380px;max-width:calc(100vw - 40px);height:620px;max-height:calc(100vh - 112px);display:flex;flex-direction:column;background:#fff;border-radius:16px;overflow:hidden;box-shadow:0 12px 40px rgba(0,0,0,.22)}',
    '.left .launcher,.left .panel{right:auto;left:20px}',
    '.head{display:flex;align-items:flex-start;justify-content:space-between;gap:8px;padding:16px 16px 14px;background:var(--k);color:#fff}',
    'h2{margin:0;font-size:17px;font-weight:650}.head p{margin:2px 0 0;font-size:12.5px;opacity:.85}',
    '.x{border:0;background:transparent;color:#fff;padding:4px;border-radius:8px;display:grid}.x:hover{background:rgba(255,255,255,.15)}.x:focus-visible{outline-color:#fff}',
    '.banner{padding:7px 14px;font-size:13px;background:#eef3f7;color:#33475b;border-bottom:1px solid #e1e7ee}',
    '.banner.warn{background:#fff5db;color:#7a5300}.banner.ok{background:#e7f6ee;color:#165c36}',
    '.scroll{flex:1;overflow-y:auto;padding:14px 12px 8px;background:#f7f8fa;overscroll-behavior:contain}',
    '.greet{margin:4px 6px 12px;padding:12px 14px;border-radius:12px;background:#fff;border:1px solid #e6e9ee;color:var(--dim)}',
    '.log{display:flex;flex-direction:column;gap:6px}.log:not(:empty){margin-bottom:6px}',
    '.msg{max-width:86%;padding:8px 12px;border-radius:16px;overflow-wrap:anywhere}',
    '.txt{white-space:pre-wrap}.txt a{color:inherit;text-decoration:underline}',
    '.user{align-self:flex-end;background:var(--k);color:#fff;border-bottom-right-radius:5px}',
    '.assistant,.staff{align-self:flex-start;background:#fff;border:1px solid #e3e7ec;border-bottom-left-radius:5px}',
    '.staff{border-color:#bfe3cf}.who{font-size:12px;font-weight:650;color:#1d7a4a;margin-bottom:2px}',
    '.wide{max-width:94%}.card b{white-space:nowrap}',
    '.system{align-self:center;max-width:92%;font-size:12.5px;color:var(--dim);text-align:center;padding:2px 8px}',
    '.meta{font-size:11px;opacity:.7;margin-top:3px;text-align:right}.meta:empty{display:none}',
    '.user[data-state=pending]{opacity:.75}.user[data-state=failed]{background:#b3261e}',
    '.cards{display:flex;flex-direction:column;gap:8px;margin-top:8px}',
    '.card{background:#f9fafb;border:1px solid #e3e7ec;border-radius:12px;padding:10px 12px;font-size:13px;color:var(--ink)}',
    '.ch{display:flex;justify-content:space-between;align-items:center;gap:8px}',
    '.card ul{margin:6px 0;padding:0;list-style:none}.card li{padding:2px 0}',
    '.prods li{border-top:1px solid #eceff3}.prods li:first-child{border:0}',
    '.prod{display:flex;width:100%;justify-content:space-between;gap:10px;padding:6px 0;border:0;background:none;font:inherit;color:inherit;text-align:left;cursor:pointer}.prod:hover span{text-decoration:underline}',
    '.row{display:flex;justify-content:space-between;border-top:1px solid #eceff3;padding-top:6px;margin-top:4px}',
    '.trk{margin-top:8px;padding-top:8px;border-top:1px dashed #d5dbe2;display:grid;gap:3px}',
    '.dim{color:var(--dim)}',
    '.chip{flex:none;font-size:11.5px;font-weight:600;padding:1px 8px;border-radius:999px;background:#e6effa;color:#1d4f91}',
    '.chip.ok{background:#e3f5ea;color:#17663b}.chip.bad{background:#fde8e7;color:#a52a22}.chip.warn{background:#fff1d6;color:#845a00}',
    '.confirm,.rate{align-self:stretch;background:#fff;border:1px solid #cfd8e1;border-radius:12px;padding:10px 12px}',
    '.confirm p,.rate p{margin:0 0 8px}.rate p:last-child{margin:0}.system .meta{display:none}',
    '.sugg{display:flex;flex-wrap:wrap;gap:6px;margin-top:8px}',
    '.offer{display:flex;flex-wrap:wrap;align-items:center;gap:6px;margin-top:8px;padding:8px;border:1px dashed var(--k);border-radius:8px}',
    '.offer .code{flex:1 1 100%;font-weight:700;letter-spacing:.05em}',
    '.offer button{padding:4px 10px;border-radius:999px;border:1px solid var(--k);background:#fff;color:var(--k);font-size:13px}',
    '.sugg button{padding:5px 11px;border-radius:999px;border:1px solid var(--k);background:#fff;color:var(--k);font-size:13px;font-weight:600;text-align:left}',
    '.sugg button:hover{background:var(--k);color:#fff}',
    '.btns{display:flex;gap:8px}.btns button{flex:1;padding:7px;border-radius:9px;border:1px solid #cfd8e1;background:#fff;font-weight:600}',
    '.btns .yes{background:var(--k);border-color:var(--k);color:#fff}',
    '.btns [aria-pressed=true]{box-shadow:inset 0 0 0 2px var(--ink)}',
    '.stars{display:flex;gap:4px;margin-bottom:8px}',
    '.star{border:0;background:none;font-size:26px;line-height:1;color:#c9d0d8;padding:2px}.star[aria-pressed=true]{color:#f2a900}',
    '.rate textarea{width:100%;resize:vertical;border:1px solid #cfd8e1;border-radius:9px;padding:6px 8px;margin-bottom:8px}',
    '.act{display:flex;align-items:center;gap:8px;font-size:12.5px;color:var(--dim);padding:4px 6px}',
    '.spin{width:12px;height:12px;border:2px solid #cdd5dd;border-top-color:var(--k);border-radius:50%;animation:r .8s linear infinite}',
    '@keyframes r{to{transform:rotate(360deg)}}',
    '.typing{display:inline-flex;gap:4px;padding:12px 14px}',
    '.typing i{width:7px;height:7px;border-radius:50%;background:#9aa4ae;animation:b 1.2s infinite}',
    '.typing i:nth-child(2){animation-delay:.2s}.typing i:nth-child(3){animation-delay:.4s}',
    '@keyframes b{0%,60%,100%{opacity:.3;transform:none}30%{opacity:1;transform:translateY(-3px)}}',
    '@media (prefers-reduced-motion:reduce){*{animation:none!important;transition:none!important}}',
    '.toast{margin:0 12px 6px;padding:8px 12px;border-radius:9px;background:#fde8e7;color:#8a1f17;font-size:13px}',
    '.foot{padding:8px 12px 12px;border-top:1px solid #e6e9ee;background:#fff}',
    '.human{display:inline-flex;align-items:center;gap:5px;margin-bottom:8px;padding:4px 10px;border:1px solid #cfd8e1;border-radius:999px;background:#fff;font-size:12.5px;color:var(--dim)}',
    '.human:hover{border-color:var(--k);color:var(--k)}',
    'form{display:flex;gap:8px;align-items:flex-end}',
    'form textarea{flex:1;resize:none;min-height:40px;max-height:120px;border:1px solid #cfd8e1;border-radius:12px;padding:9px 12px;background:#fff;line-height:1.4}',
    'form textarea:focus{border-color:var(--k);outline:none;box-shadow:0 0 0 3px rgba(15,110,90,.18)}',
    '.send{height:40px;padding:0 16px;border:0;border-radius:12px;background:var(--k);color:#fff;font-weight:650}',
    '.photo{height:40px;width:40px;display:inline-flex;align-items:center;justify-content:center;border:1px solid #cfd8e1;border-radius:12px;background:#fff;color:var(--dim)}',
    '.photo:hover{border-color:var(--k);color:var(--k)}.photo[disabled]{opacity:.5}',
    '.photo-img{display:block;max-width:200px;max-height:200px;margin-top:6px;border-radius:8px}',
    '@media (max-width:480px){.panel{inset:0;width:100%;max-width:none;height:100%;max-height:none;border-radius:0}.open .launcher{display:none}}'
  ].join('\n');

  if (D.body) start();
  else D.addEventListener('DOMContentLoaded', start);
})();
