// The customer beside the open conversation: who it is, what the chat
// revealed (for a guest), orders, returns and past conversations.
import { $, el, add, clear } from './dom.js';
import { t } from './i18n.js';
import { api, fail, convPath } from './api.js';
import { when, money, chip, stars, langTag, initial } from './format.js';
import { convHash, custHash, txHash } from './links.js';

let forId = null; // the conversation shown
let data = null;  // its answer, kept to re-render in another language
let timer = null;

const placeholder = (key) => clear($('cust-body')).appendChild(el('p', { class: 'dim pad' }, t(key)));

export function reset() { forId = null; data = null; clearTimeout(timer); placeholder('custNone'); }

export function load(id, quiet) {
  if (id !== forId) data = null;
  forId = id;
  if (!quiet) placeholder('loading');
  api('GET', convPath(id, 'customer')).then((j) => {
    if (forId !== id) return;
    data = j || {};
    render();
  }).catch((e) => {
    if (forId !== id) return;
    if (!quiet) placeholder('custFailed');
    if (e.status !== 404) fail(e);
  });
}

// After the bot used a tool (an order looked up, a return started), the
// panel catches up a moment later.
export function refreshSoon(id) {
  clearTimeout(timer);
  timer = setTimeout(() => { if (forId === id) load(id, true); }, 800);
}

const section = (title, count, body) =>
  el('section', { class: 'cs' }, el('h3', null, title, count != null ? el('span', { class: 'count' }, String(count)) : null), body);

export function render() {
  if (!forId) { placeholder('custNone'); return; }
  if (!data) return;
  const c = data.customer, orders = data.orders || [], returns = data.returns || [];
  const past = (data.conversations || []).filter((x) => x.id !== forId);
  add(clear($('cust-body')), [
    c ? profile(c) : guest(),
    revealed(c, data.revealed || {}),
    c || orders.length ? section(t('orders'), orders.length, orders.length ? el('ul', { class: 'orders' }, orders.map(order)) : el('p', { class: 'dim' }, t('noOrders'))) : null,
    returns.length ? section(t('returns'), returns.length, el('ul', { class: 'orders' }, returns.map(ret))) : null,
    c || past.length ? section(t('pastConvs'), past.length, past.length ? el('ul', { class: 'past' }, past.map(pastRow)) : el('p', { class: 'dim' }, t('firstConv'))) : null,
  ]);
}

function profile(c) {
  return el('div', { class: 'profile' },
    el('div', { class: 'avatar big', 'aria-hidden': 'true' }, initial(c.name || c.email)),
    el('div', { class: 'pwho' },
      el('div', { class: 'pname-row' }, el('span', { class: 'pname' }, c.name || t('noName')),
        el('a', { href: custHash(c.id), class: 'cust-page', 'data-console': 'customer-link', title: t('custPageTitle') }, t('custPage'))),
      c.email ? el('div', { class: 'pmail' }, c.email) : null,
      el('div', { class: 'dim small' }, t('customerNo', { id: String(c.id) }), ' · ', langTag(c.locale), ' · ',
        el('a', { href: txHash({ customer: String(c.id) }, 0, null), class: 'cust-tx', 'data-console': 'customer-transcripts' }, t('transcripts')))));
}
function guest() {
  return el('div', { class: 'profile' },
    el('div', { class: 'avatar big guest', 'aria-hidden': 'true' }, '?'),
    el('div', null, el('div', { class: 'pname' }, t('guest')), el('div', { class: 'dim small' }, t('guestNotSignedIn'))));
}
// What a guest's chat revealed (the emails and order numbers it looked up).
function revealed(c, rv) {
  const emails = rv.emails || [], ons = rv.orders || [];
  if (c && !emails.length && !ons.length) return null;
  const tags = (xs) => xs.map((x) => el('span', { class: 'tag' }, x));
  return section(t('revealed'), null, emails.length || ons.length
    ? el('dl', { class: 'revealed' },
      emails.length ? [el('dt', null, t('emails')), el('dd', null, tags(emails))] : null,
      ons.length ? [el('dt', null, t('orders')), el('dd', null, tags(ons))] : null)
    : el('p', { class: 'dim' }, t('revealedNone')));
}
function order(o) {
  return el('li', { class: 'order', 'data-order': o.number },
    el('div', { class: 'oh' }, el('b', null, o.number), chip(o.status), el('span', { class: 'amt' }, money(o.total, o.currency))),
    o.placed_at ? el('div', { class: 'dim small' }, t('placed', { when: when(o.placed_at) })) : null,
    Array.isArray(o.items) && o.items.length
      ? el('ul', { class: 'items' }, o.items.map((it) => el('li', null, t('itemQty', { n: it.quantity || 1, title: it.title || it.sku || '' }))))
      : null);
}
function ret(r) {
  const exchange = r.kind === 'exchange';
  return el('li', { class: 'order', 'data-kind': exchange ? 'exchange' : 'return' },
    el('div', { class: 'oh' }, el('b', null, r.rma), exchange ? el('span', { class: 'dim small' }, t('exchange')) : null, chip(r.status),
      r.refund != null && !(exchange && Number(r.refund) === 0) ? el('span', { class: 'amt' }, money(r.refund, r.currency)) : null),
    exchange && r.exchanged_for ? el('div', { class: 'small' }, t('exchangedFor', { items: r.exchanged_for })) : null,
    r.order_number ? el('div', { class: 'dim small' }, t('returnFor', { order: r.order_number })) : null);
}
function pastRow(p) {
  return el('li', null, el('a', { href: convHash(p.id), class: 'pastrow' },
    el('span', null, when(p.created_at) || '—'),
    el('span', { class: 'outcome ' + (p.handed_off ? 'ho' : 'bot') }, t(p.handed_off ? 'handedOff' : 'botOnly')),
    p.state !== 'closed' ? el('span', { class: 'st st-' + p.state }, t('state_' + p.state)) : null,
    stars(p.rating) || el('span', { class: 'dim small' }, p.state === 'closed' ? t('noRating') : '')));
}
