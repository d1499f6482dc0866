/*
 * The demo shop around the widget: a sign-in switcher that hands kefu a
 * signed identity (as a real shop's server would), a language toggle, hints
 * and a product grid. Data from the API is put on the page as text only.
 */
(function () {
  'use strict';

  var T = {
    en: {
      tagline: 'Rain, trail & home since 2014', signedInAs: 'Signed in as', guest: 'Guest',
      eyebrow: 'A demo shop for kefu',
      headline: 'Gear for rainy commutes, long trails and slow Sunday mornings.',
      lead: 'Ask the chat in the corner about orders, deliveries, returns and products — in English or Chinese. Pick a customer above to chat as them.',
      openChat: 'Open the chat', tryTitle: 'Try it', asWho: 'as {name}',
      asCustomer: 'Signed in as {name}, try:', asGuest: 'As a guest, try:',
      productsTitle: 'Popular right now', productsNote: 'Free shipping over $75 · 30-day returns',
      productsError: 'The products could not be loaded.',
      customersError: 'The demo customers could not be loaded.',
      identityError: 'Could not sign in as this customer.',
      footer: "Kefu Demo Outfitters is not a real shop. The chat bubble is kefu's widget, embedded with one script tag."
    },
    zh: {
      tagline: '雨天、山野与居家好物 · 始于 2014', signedInAs: '当前登录', guest: '访客',
      eyebrow: 'kefu 演示商店',
      headline: '为雨天通勤、长距离徒步和慵懒的周末早晨准备的好物。',
      lead: '右下角的在线客服可以回答订单、物流、退货和商品问题，中英文都可以。在上方选择一位顾客，即可以他的身份聊天。',
      openChat: '打开在线客服', tryTitle: '试一试', asWho: '（以 {name} 身份）',
      asCustomer: '以 {name} 的身份，可以问：', asGuest: '以访客身份，可以问：',
      productsTitle: '热门商品', productsNote: '满 $75 包邮 · 30 天无忧退货',
      productsError: '商品加载失败。',
      customersError: '演示顾客加载失败。',
      identityError: '无法以该顾客身份登录。',
      footer: 'Kefu Demo Outfitters 不是真实商店。右下角的聊天气泡就是 kefu 的客服组件，只需一行 script 标签即可嵌入。'
    }
  };

  // What to ask as each demo customer (docs/demo.md): [question, order, what happens].
  var TRIES = {
    '': [['Where is order KF-10045? My email is alice.johnson@example.com', 'KF-10045', 'a guest needs the order number and email'],
      ['What is your return policy?', '', 'answered from the help articles'], ['退货政策是什么？', '', '']],
    cus_1001: [['Where is my order?', 'KF-10045', 'in transit with UPS'], ['Can you recommend a better tent?', 'KF-10001', 'she rated her tent 1 star']],
    cus_1002: [['Cancel my order KF-10046.', 'KF-10046', 'refused: already shipped'], ['Did I get my refund?', 'KF-10016', 'refunded']],
    cus_1003: [['Please cancel my order.', 'KF-10054', 'paid, not shipped: cancelled'], ["What's happening with my return?", 'KF-10027', 'RMA-7K3Q9X is open']],
    cus_1004: [['When will my speaker arrive?', 'KF-10044', 'out for delivery'], ['My earbuds are faulty.', 'KF-10015', 'final sale, but under warranty']],
    cus_1005: [['Recommend some running gear', '', 'from her history'], ['How long does shipping to the UK take?', '', '']],
    cus_1006: [['Return the T-shirts, they shrank.', 'KF-10018', 'refused: 40 days after delivery']],
    cus_1007: [['Return the blanket.', 'KF-10022', 'last day of the window'], ['And the gift card', 'KF-10022', 'refused: final sale']],
    cus_1008: [['I want to return the blue jacket.', 'KF-10031', 'accepted, with an RMA'], ["My parcel hasn't moved for days.", 'KF-10042', 'international DHL parcel']],
    cus_1009: [['I only got half my order.', 'KF-10041', 'a split shipment']],
    cus_1010: [['Recommend something for the beach', '', ''], ['What is your return policy?', '', '']],
    cus_1011: [['帮我取消这个订单。', 'KF-10050', '已付款未发货：可取消'], ['我想退货', '', '']],
    cus_1012: [['为什么还没发货?', 'KF-10055', '尚未付款']],
    cus_1013: [['我的大衣到哪儿了?', 'KF-10036', '已交顺丰派送']],
    cus_1014: [['推荐一些徒步装备', '', ''], ['退货政策是什么？', '', '']],
    cus_1015: [['我想退那双橙色的鞋。', 'KF-10029', '清仓商品不退；袜子和打底衫可以退']],
    cus_1016: [['退款什么时候到账?', 'KF-10025', 'RMA-9P2W6L 已收到退货']]
  };
  var GENERAL = [['Where is my order?', 'cus_1001', 'Alice'], ['我想退货', 'cus_1011', '王芳'], ['return the blue jacket', 'cus_1008', 'Hannah']];

  // Colours of the product tiles, by category.
  var TILE = {
    outerwear: ['#2f5d7c', '外套'], tops: ['#b5523b', '上衣'], bottoms: ['#6b5b3e', '裤装'], basics: ['#7d7f86', '基础款'],
    footwear: ['#8a3b5c', '鞋履'], 'bags-accessories': ['#3f6b4f', '箱包配件'], 'home-kitchen': ['#c08a2d', '家居厨房'],
    electronics: ['#36427a', '电子配件'], 'outdoor-gear': ['#2d6e63', '户外装备'], 'gift-cards': ['#9a4f9c', '礼品卡']
  };

  var store = {
    get: function (k) { try { return JSON.parse(localStorage.getItem(k)); } catch (e) { return null; } },
    set: function (k, v) { try { localStorage.setItem(k, JSON.stringify(v)); } catch (e) { /* ignore */ } }
  };
  var lang = store.get('demo:lang') || (/^zh/i.test(navigator.language) ? 'zh' : 'en');
  var customers = [], products = [];
  var select = document.getElementById('demo-customer');

  function t(k, v) {
    return (T[lang][k] || T.en[k] || k).replace(/\{(\w+)\}/g, function (_, n) { return v ? v[n] : ''; });
  }
  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text != null) n.textContent = text;
    return n;
  }
  function getJSON(url) {
    return fetch(url, { headers: { Accept: 'application/json' } }).then(function (r) {
      if (!r.ok) throw new Error(url + ': ' + r.status);
      return r.json();
    });
  }

  // ---- sign-in: the shop's server signs the identity; the page hands it to the widget
  function signIn(id, quiet) {
    store.set('demo:customer', id);
    var c = customers.filter(function (x) { return x.external_id === id; })[0];
    renderTries();
    if (!id) {
      kefu('logout');
      store.set('demo:identity', null);
      return;
    }
    return getJSON('/api/demo/identity?customer_id=' + encodeURIComponent(id)).then(function (identity) {
      if (select.value !== id) return; // the shopper picked someone else meanwhile
      store.set('demo:identity', identity);
      kefu('identify', identity);
      if (c && c.locale && !quiet) setLang(c.locale);
    }).catch(function () { alert(t('identityError')); });
  }

  // ---- language
  function setLang(l) {
    lang = l === 'zh' ? 'zh' : 'en';
    store.set('demo:lang', lang);
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    [].forEach.call(document.querySelectorAll('[data-t]'), function (n) { n.textContent = t(n.getAttribute('data-t')); });
    [].forEach.call(document.querySelectorAll('[data-lang]'), function (b) {
      b.setAttribute('aria-pressed', String(b.getAttribute('data-lang') === lang));
    });
    renderProducts(); renderTries();
    kefu('locale', lang);
  }

  // ---- hints
  function tryItem(q, note, order) {
    var li = el('li');
    li.appendChild(el('q', null, q));
    if (order) li.appendChild(el('span', 'tag', order));
    if (note) li.appendChild(el('span', 'muted', ' ' + note));
    return li;
  }
  function renderTries() {
    var g = document.getElementById('try-general');
    g.textContent = '';
    GENERAL.forEach(function (x) {
      var li = el('li'), b = el('button', 'link');
      b.type = 'button';
      b.appendChild(el('q', null, x[0]));
      b.appendChild(document.createTextNode(' ' + t('asWho', { name: x[2] })));
      b.addEventListener('click', function () {
        select.value = x[1];
        Promise.resolve(signIn(x[1])).then(function () { kefu('open'); });
      });
      li.appendChild(b); g.appendChild(li);
    });
    var box = document.getElementById('try-customer'), id = select.value;
    var c = customers.filter(function (x) { return x.external_id === id; })[0];
    box.textContent = '';
    box.appendChild(el('p', 'muted', c ? t('asCustomer', { name: c.name }) : t('asGuest')));
    var ul = el('ul', 'try');
    (TRIES[c ? id : ''] || TRIES['']).forEach(function (x) { ul.appendChild(tryItem(x[0], x[2], x[1])); });
    box.appendChild(ul);
  }

  // ---- products
  function price(p) {
    try { return new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en-US', { style: 'currency', currency: p.currency || 'USD' }).format(Number(p.price)); } catch (e) { return '$' + p.price; }
  }
  function renderProducts() {
    var ul = document.getElementById('products');
    ul.textContent = '';
    products.forEach(function (p) {
      var tile = TILE[p.category] || ['#56616d', ''];
      var li = el('li', 'product'), art = el('div', 'tile');
      li.id = 'product-' + p.sku; // the widget's product links (data-product-url) point here
      art.style.background = tile[0];
      art.appendChild(el('span', null, lang === 'zh' && tile[1] ? tile[1] : String(p.category || '').replace(/-/g, ' & ')));
      li.appendChild(art);
      var body = el('div', 'pbody');
      body.appendChild(el('h3', null, (lang === 'zh' && p.title_zh) || p.title));
      body.appendChild(el('p', 'price', price(p)));
      li.appendChild(body);
      ul.appendChild(li);
    });
  }

  // ---- start
  document.getElementById('open-chat').addEventListener('click', function () { kefu('open'); });
  [].forEach.call(document.querySelectorAll('[data-lang]'), function (b) {
    b.addEventListener('click', function () { setLang(b.getAttribute('data-lang')); });
  });
  select.addEventListener('change', function () { signIn(select.value); });

  // (index.html already handed the widget the remembered identity, before widget.js could connect.)
  var savedId = store.get('demo:customer') || '';
  setLang(lang);

  getJSON('/api/demo/customers').then(function (list) {
    customers = Array.isArray(list) ? list : [];
    customers.forEach(function (c) {
      var o = el('option', null, c.name + (c.email ? ' — ' + c.email : ''));
      o.value = c.external_id;
      select.appendChild(o);
    });
    if (customers.some(function (c) { return c.external_id === savedId; })) {
      select.value = savedId;
      signIn(savedId, true); // refresh the signature
    } else if (savedId) {
      signIn('');
    }
    renderTries();
  }).catch(function () {
    var e = document.getElementById('products-error');
    e.hidden = false; e.textContent = t('customersError');
  });

  getJSON('/api/demo/products?limit=12').then(function (list) {
    products = Array.isArray(list) ? list : [];
    renderProducts();
  }).catch(function () {
    var e = document.getElementById('products-error');
    e.hidden = false; e.textContent = t('productsError');
  });
})();
