// Campaigns: the segment on screen as a targeted offer (a message in each
// language, an optional coupon, a start and an end), and each campaign's
// figures: shown, clicked, dismissed, redeemed, conversion. Admins create
// and stop them; the server enforces it (docs/console-api.md).
import { $, el, clear } from './dom.js';
import { current } from './i18n.js';
import { api, fail } from './api.js';
import { hashParse } from './router.js';
import { arr, n0, num, pct, dateText } from './format.js';

const KEYS = ['category', 'bought_after', 'bought_before', 'price_min', 'price_max', 'min_rating', 'max_rating', 'lang'];
const WORDS = {
  en: { title: 'Campaigns', make: 'Turn this segment into a campaign', name: 'Name', en: 'Message (English)', zh: 'Message (Chinese)',
    start: 'Starts', end: 'Ends', coupon: 'Coupon', none: 'No coupon', shop: 'The shop\u2019s percentage', set: 'A set percentage',
    code: 'Code', percent: 'Percent', expires: 'Coupon expires', create: 'Create campaign', stop: 'Stop', segment: 'Segment',
    shown: 'Shown', clicked: 'Clicked', dismissed: 'Dismissed', redeemed: 'Redeemed', conversion: 'Conversion', running: 'running',
    stopped: 'stopped', scheduled: 'not running', all: 'every customer', created: 'Campaign created for {n} customers.', empty: 'No campaigns yet.' },
  zh: { title: '营销活动', make: '将此客户分组设为营销活动', name: '名称', en: '消息（英文）', zh: '消息（中文）',
    start: '开始', end: '结束', coupon: '优惠券', none: '不含优惠券', shop: '店铺固定折扣', set: '自定折扣',
    code: '优惠码', percent: '折扣百分比', expires: '优惠券到期', create: '创建活动', stop: '停止', segment: '客户分组',
    shown: '展示', clicked: '点击', dismissed: '关闭', redeemed: '已使用', conversion: '转化率', running: '进行中',
    stopped: '已停止', scheduled: '未进行', all: '全部客户', created: '已为 {n} 位客户创建活动。', empty: '暂无营销活动。' },
};
const w = (k, p) => String((WORDS[current()] || WORDS.en)[k] || WORDS.en[k]).replace('{n}', p == null ? '' : String(p));

let state = { list: [], shopPercent: 10, maxMessage: 600, filter: {}, note: '', err: '' };

export function route() {
  state.filter = hashParse(location.hash, KEYS);
  render();
  load();
}

async function load() {
  try {
    const j = await api('GET', '/api/console/campaigns');
    state.list = arr(j && j.campaigns);
    state.shopPercent = n0(j && j.shop_coupon_percent) || 10;
    state.maxMessage = n0(j && j.max_message) || 600;
  } catch (e) {
    fail(e);
  }
  render();
}

const day = (d) => new Date(Date.now() + d * 864e5).toISOString().slice(0, 10);
const input = (id, attrs) => el('input', Object.assign({ id, 'data-console': id }, attrs));
const field = (label, node, wide) => el('div', wide ? { class: 'wide' } : null, el('label', { for: node.id }, label), node);

function segmentText(f) {
  const parts = Object.entries(f).map(([k, v]) => k + '=' + v);
  return parts.length ? parts.join(', ') : w('all');
}

function form() {
  const f = el('form', { 'data-console': 'campaign-form', novalidate: true },
    el('div', { class: 'wide' }, el('strong', null, w('make')), ' \u2014 ' + w('segment') + ': ' + segmentText(state.filter)),
    field(w('name'), input('c-name', { maxlength: '100', required: true })),
    field(w('start'), input('c-start', { type: 'date', value: day(0) })),
    field(w('end'), input('c-end', { type: 'date', value: day(14) })),
    field(w('en'), el('textarea', { id: 'c-en', 'data-console': 'c-en', maxlength: String(state.maxMessage) }), true),
    field(w('zh'), el('textarea', { id: 'c-zh', 'data-console': 'c-zh', maxlength: String(state.maxMessage) }), true),
    field(w('coupon'), el('select', { id: 'c-coupon', 'data-console': 'c-coupon' },
      el('option', { value: '' }, w('none')), el('option', { value: 'shop' }, w('shop') + ' (' + state.shopPercent + '%)'), el('option', { value: 'set' }, w('set')))),
    field(w('code'), input('c-code', { maxlength: '32' })),
    field(w('percent'), input('c-percent', { type: 'number', min: '1', max: '90' })),
    field(w('expires'), input('c-expires', { type: 'date', value: day(30) })),
    el('div', { class: 'wide' }, el('button', { type: 'submit', 'data-console': 'campaign-create' }, w('create')),
      el('span', { id: 'c-status', 'data-console': 'campaign-status', role: 'status' })));
  f.addEventListener('submit', (e) => { e.preventDefault(); create(); });
  return f;
}

async function create() {
  const v = (id) => $(id).value.trim();
  const at = (d, end) => (d ? new Date(d + (end ? 'T23:59:59Z' : 'T00:00:00Z')).toISOString() : undefined);
  const body = { name: v('c-name'), segment: segmentBody(state.filter), message_en: v('c-en'), message_zh: v('c-zh'),
    starts_at: at(v('c-start')), ends_at: at(v('c-end'), true) };
  const kind = v('c-coupon');
  if (kind) body.coupon = { code: v('c-code'), percent: kind === 'set' ? n0(v('c-percent')) : 0, expires_at: at(v('c-expires'), true) };
  try {
    const j = await api('POST', '/api/console/campaigns', body);
    state.err = ''; state.note = w('created', num(n0(j && j.segment_size)));
  } catch (e) {
    state.err = (e && e.message) || 'error'; state.note = '';
    render();
    return;
  }
  load();
}

// The segment as the server stores it: amounts and ratings as numbers.
function segmentBody(f) {
  const out = {};
  for (const [k, v] of Object.entries(f)) out[k] = /^(price_|min_rating|max_rating)/.test(k) ? +v : v;
  return out;
}

async function stop(id) {
  try { await api('POST', '/api/console/campaigns/' + encodeURIComponent(id) + '/stop'); } catch (e) { fail(e); }
  load();
}

function status(c) { return c.running ? w('running') : c.stopped_at ? w('stopped') : w('scheduled'); }

function table() {
  if (!state.list.length) return el('p', { class: 'dim' }, w('empty'));
  const head = ['name', 'segment', 'coupon', 'shown', 'clicked', 'dismissed', 'redeemed', 'conversion', ''];
  return el('table', { class: 'grid', 'data-console': 'campaign-table' },
    el('thead', null, el('tr', null, head.map((k) => el('th', { scope: 'col' }, k ? w(k) : '')))),
    el('tbody', null, state.list.map((c) => el('tr', { 'data-console': 'campaign-row', 'data-id': String(c.id) },
      el('td', null, String(c.name || ''), el('div', { class: 'dim small' }, status(c) + ' \u00b7 ' + (dateText(c.starts_at) || '') + ' \u2013 ' + (dateText(c.ends_at) || ''))),
      el('td', null, segmentText(c.segment || {})),
      el('td', null, c.coupon_code ? c.coupon_code + ' (' + n0(c.coupon_percent) + '%)' : '\u2014'),
      el('td', { class: 'num', 'data-figure': 'shown' }, num(n0(c.shown))),
      el('td', { class: 'num', 'data-figure': 'clicked' }, num(n0(c.clicked))),
      el('td', { class: 'num', 'data-figure': 'dismissed' }, num(n0(c.dismissed))),
      el('td', { class: 'num', 'data-figure': 'redeemed' }, num(n0(c.redeemed))),
      el('td', { class: 'num', 'data-figure': 'conversion' }, n0(c.shown) ? pct(n0(c.conversion)) : '\u2014'),
      el('td', null, c.running ? el('button', { type: 'button', 'data-console': 'campaign-stop', onclick: () => stop(c.id) }, w('stop')) : null)))));
}

// The form is built again only for another segment or language, so what
// staff typed survives a refresh of the figures or a refused campaign.
let built = '';
export function render() {
  const box = $('campaigns');
  if (!box) return;
  const key = current() + JSON.stringify(state.filter) + state.shopPercent;
  if (key !== built) {
    built = key;
    clear(box);
    box.append(el('h3', null, w('title')), form(), el('div', { id: 'c-table' }));
  }
  const s = $('c-status');
  s.className = state.err ? 'err' : '';
  s.textContent = state.err ? ' ' + state.err : state.note ? ' ' + state.note : '';
  clear($('c-table')).appendChild(table());
}

export function reset() {
  state = { list: [], shopPercent: 10, maxMessage: 600, filter: {}, note: '', err: '' };
  built = '';
  const box = $('campaigns');
  if (box) clear(box);
}
