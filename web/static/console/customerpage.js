// The customer page (#customer=12): profile, the needs profile with its
// evidence, the timeline, recommendations, and a model-written summary
// when a hosted model is configured.
import { $, el, clear, icon } from './dom.js';
import { t, current } from './i18n.js';
import { api, fail } from './api.js';
import { go } from './router.js';
import { txHash } from './links.js';
import { arr, num, money, rating1, dateText, dateTimeText, fullTime, langTag, catLabel, initial, oneLine } from './format.js';

const STALE = 60000;
const EVIDENCE_SHOWN = 2;
const TIMELINE_SHOWN = 40;

let cp = { id: null, seq: 0, at: 0, back: '', data: null, err: '' };
let fallbackBack = () => '';
// Where "Back" goes when the page was opened directly: the inbox's place.
export function init(o) { fallbackBack = o.back; }

export const isHash = (h) => /^#customer=/.test(h || '');
// The page was reached from hash prev (its "Back" returns there).
export function cameFrom(prev) { if (prev != null && !isHash(prev)) cp.back = prev; }

export function route() {
  const m = /^#customer=([^&?]*)/.exec(location.hash);
  let id = '';
  try { id = m ? decodeURIComponent(m[1]) : ''; } catch (e) { id = ''; }
  if (id !== cp.id || Date.now() - cp.at > STALE) load(id);
}
function back() { go(cp.back || fallbackBack() || ''); }

function note() {
  const page = $('cpage');
  page.setAttribute('data-state', 'error');
  const msg = cp.err === 'guest' ? t('cpGuest') : cp.err === 'missing' ? t('cpMissing', { id: cp.id }) : cp.err === 'signin' ? '' : t('cpFailed', { err: cp.err });
  clear($('cp-body')).appendChild(el('div', { class: 'cp-none' }, el('button', { type: 'button', class: 'btn ghost sm', onclick: back }, t('back')), el('p', null, msg)));
}

async function load(id) {
  const n = ++cp.seq, page = $('cpage'), box = clear($('cp-body'));
  cp.id = id; cp.at = Date.now(); cp.data = null; cp.err = '';
  page.setAttribute('data-id', id);
  page.setAttribute('data-state', 'loading');
  page.scrollTop = 0;
  if (!/^\d+$/.test(id)) { cp.err = 'guest'; note(); return; }
  box.appendChild(el('p', { class: 'dim pad' }, t('cpLoading')));
  try {
    const j = await api('GET', '/api/console/customers/' + encodeURIComponent(id));
    if (n !== cp.seq) return;
    cp.data = j && typeof j === 'object' ? j : {};
    render();
    page.setAttribute('data-state', 'ready');
  } catch (e) {
    if (n !== cp.seq) return;
    cp.at = 0;
    cp.err = e.status === 404 ? 'missing' : e.status === 401 ? 'signin' : e.message || t('errSomething');
    note();
  }
}

// ---- the needs profile, worded here from its figures (the server's
// summary is English, for a model)
const ASPECTS = [['categories', 'aCategories', '▦'], ['price_band', 'aPrice', '¤'], ['praises', 'aPraises', '+'],
  ['complaints', 'aComplaints', '!'], ['open_issues', 'aOpen', '…'], ['contact', 'aContact', '✉'], ['satisfaction', 'aSatisfaction', '★']];
const aspectOf = (a) => { const i = ASPECTS.findIndex((x) => x[0] === a); return i < 0 ? ASPECTS.length : i; };

function listWords(xs) {
  try { return new Intl.ListFormat(current() === 'zh' ? 'zh-CN' : 'en', { style: 'long', type: 'conjunction' }).format(xs); } catch (e) { return xs.join(', '); }
}
function needText(nd) {
  const f = nd.figures && typeof nd.figures === 'object' ? nd.figures : null;
  if (!f) return nd.summary || '—';
  switch (nd.aspect) {
    case 'categories': {
      const cs = arr(f.categories).map((c) => t('nCategory', { name: catLabel(c.category), n: +c.items || 0 }));
      return cs.length ? t('nBuys', { what: listWords(cs) }) : nd.summary || '—';
    }
    case 'price_band':
      return t('nPrices', { low: money(f.low, f.currency), high: money(f.high, f.currency), median: money(f.median, f.currency) });
    case 'praises': return t('nPraises', { n: +f.count || 0 });
    case 'complaints': return t('nComplaints', { n: +f.count || 0 });
    case 'open_issues': return t('nOpen', { n: +f.count || 0 });
    case 'contact': return t('nContact', { n: +f.count || 0, handed: t('nHanded', { n: +f.handoffs || 0 }) });
    case 'satisfaction':
      if (f.trend === 'none') return t('nNoRatings');
      if (f.trend === 'one') return t('nOneRating', { r: String(f.late) });
      if (f.trend === 'improving' || f.trend === 'declining' || f.trend === 'steady') {
        return t('nTrend_' + f.trend, { from: rating1(+f.early || 0), to: rating1(+f.late || 0) });
      }
      return nd.summary || '—';
    default: return nd.summary || '—';
  }
}

function need(nd, i) {
  const a = String(nd.aspect || ''), k = aspectOf(a), label = k < ASPECTS.length ? t(ASPECTS[k][1]) : a.replace(/_/g, ' ') || t('aOther');
  const ev = arr(nd.evidence).filter((x) => x != null && x !== ''), more = ev.length - EVIDENCE_SHOWN, id = 'need-ev-' + i;
  const list = el('ul', { class: 'evidence', id, 'data-console': 'evidence' },
    ev.map((x, j) => el('li', { hidden: j >= EVIDENCE_SHOWN }, typeof x === 'string' ? x : oneLine(x, 300))));
  const btn = more > 0 ? el('button', {
    type: 'button', class: 'ev-more', 'data-console': 'evidence-toggle', 'aria-expanded': 'false', 'aria-controls': id,
    onclick() {
      const open = this.getAttribute('aria-expanded') !== 'true';
      this.setAttribute('aria-expanded', String(open));
      this.textContent = open ? t('showLess') : t('showMore', { n: more });
      [...list.children].forEach((li, j) => { li.hidden = !open && j >= EVIDENCE_SHOWN; });
    },
  }, t('showMore', { n: more })) : null;
  return el('section', { class: 'need a-' + a.replace(/[^a-z_]/g, ''), 'data-console': 'need', 'data-aspect': a },
    el('h3', null, el('span', { class: 'need-ic', 'aria-hidden': 'true' }, k < ASPECTS.length ? ASPECTS[k][2] : '•'), label),
    el('p', { class: 'need-sum' }, needText(nd)),
    ev.length ? el('div', { class: 'need-ev' }, el('div', { class: 'ev-h' }, t('evidence'), el('span', { class: 'count' }, String(ev.length))), list, btn) : null);
}

// ---- the timeline, newest first
const KINDS = ['order', 'return', 'review', 'conversation', 'coupon'];
const KIND_ICONS = {
  order: 'M3.5 7.5 12 3l8.5 4.5v9L12 21l-8.5-4.5zM3.5 7.5 12 12l8.5-4.5M12 12v9',
  return: 'M9 14 4 9l5-5M4 9h10.5a5.5 5.5 0 0 1 0 11H10',
  review: 'M12 3.5l2.6 5.3 5.9.9-4.3 4.1 1 5.8-5.2-2.7-5.2 2.7 1-5.8-4.3-4.1 5.9-.9z',
  conversation: 'M4 5h16v11H10l-6 4.5z',
  coupon: 'M3 7h18v3a2 2 0 0 0 0 4v3H3v-3a2 2 0 0 0 0-4zM14.5 7v2.5M14.5 11v2M14.5 14.5V17',
  other: 'M12 4a8 8 0 1 0 0 16 8 8 0 0 0 0-16z',
};
function tlItem(x, cid) {
  const k = String(x.kind || ''), known = KINDS.includes(k) ? k : 'other', ref = x.ref != null && x.ref !== '' ? String(x.ref) : '';
  return el('li', { class: 'tl k-' + known, 'data-console': 'timeline-item', 'data-kind': k },
    el('span', { class: 'tl-ic' }, icon(KIND_ICONS[known], true)),
    el('div', { class: 'tl-body' },
      el('div', { class: 'tl-h' }, el('span', { class: 'tl-kind' }, known === 'other' ? k || t('kind_other') : t('kind_' + k)),
        ref ? (k === 'conversation' ? el('a', { class: 'tl-ref', href: txHash({ customer: String(cid) }, 0, ref), title: t('readConv') }, '#' + ref.slice(0, 8))
          : el('code', { class: 'tl-ref' }, ref)) : null,
        x.at ? el('time', { datetime: x.at, title: fullTime(x.at) }, dateTimeText(x.at)) : null),
      x.detail ? el('div', { class: 'tl-detail' }, x.detail) : null));
}
function timeline(items, cid) {
  const list = el('ol', { class: 'timeline', 'data-console': 'timeline' });
  let shown = 0;
  const btn = el('button', { type: 'button', class: 'btn sm tl-more', 'data-console': 'timeline-more', onclick: () => more(items.length) });
  function more(n) {
    for (const x of items.slice(shown, shown + n)) list.appendChild(tlItem(x, cid));
    shown = Math.min(items.length, shown + n);
    btn.hidden = shown >= items.length;
    btn.textContent = t('showOlder', { n: items.length - shown });
  }
  more(TIMELINE_SHOWN);
  return [list, btn];
}

// ---- recommendations
function recCard(p, zh) {
  const main = zh && p.title_zh ? p.title_zh : p.title || p.title_zh || p.sku || '', alt = zh ? (p.title_zh && p.title ? p.title : '') : p.title_zh || '';
  const why = p.why ? t('why_' + p.why) : '';
  return el('li', { class: 'rec', 'data-console': 'recommendation', 'data-sku': String(p.sku || '') },
    el('div', { class: 'rec-title' }, main),
    alt && alt !== main ? el('div', { class: 'rec-alt' }, alt) : null,
    el('div', { class: 'rec-meta' }, p.category ? el('span', { class: 'tag cat' }, catLabel(p.category)) : null,
      el('b', { class: 'rec-price' }, p.price != null ? money(p.price, p.currency) : '')),
    el('div', { class: 'rec-foot' }, why ? el('span', { class: 'rec-why' }, why === 'why_' + p.why ? String(p.why).replace(/_/g, ' ') : why) : null,
      +p.avg_rating > 0 ? el('span', { class: 'dim small' }, '★ ' + rating1(+p.avg_rating)) : null,
      p.sku ? el('code', { class: 'rec-sku' }, p.sku) : null));
}

// ---- the summary: the cached one, and a button to ask for it when a
// hosted model is configured (with the built-in model the needs profile is
// the summary, so there is no card)
function summaryMeta(s) {
  const on = s.created_at && dateText(s.created_at);
  return t(on ? 'sumMetaOn' : 'sumMeta', { model: s.model || t('theModel'), on });
}
function summaryCard(j, cid) {
  const s = j.summary && typeof j.summary === 'object' && typeof j.summary.text === 'string' ? j.summary : null;
  if (!s && !j.can_summarise) return null;
  const body = el('p', { 'data-console': 'summary-text' }, s ? s.text : t('sumAsk'));
  const meta = el('p', { class: 'legend', 'data-console': 'summary-meta' }, s ? summaryMeta(s) : '');
  const btn = j.can_summarise ? el('button', { type: 'button', class: 'btn sm', 'data-console': 'summarise' }, t(s ? 'sumRewrite' : 'sumWrite')) : null;
  if (btn) {
    btn.onclick = async () => {
      btn.disabled = true;
      btn.textContent = t('sumWriting');
      try {
        const r = await api('POST', '/api/console/customers/' + encodeURIComponent(cid) + '/summary');
        const ns = r && r.summary && typeof r.summary === 'object' ? r.summary : null;
        if (!ns) throw new Error(t('sumNone'));
        j.summary = ns;
        body.textContent = ns.text;
        meta.textContent = summaryMeta(ns) + (r.cached ? t('sumUnchanged') : '');
      } catch (e) { fail(e); }
      btn.disabled = false;
      btn.textContent = t(j.summary ? 'sumRewrite' : 'sumWrite');
    };
  }
  return el('section', { class: 'card cp-summary', 'data-console': 'customer-summary' }, el('h2', null, t('summary'), btn), body, meta);
}

// The page's head: who, since when, and how much history of each kind.
function head(c, cid, tl) {
  const counts = {};
  for (const x of tl) counts[x.kind] = (counts[x.kind] || 0) + 1;
  return el('div', { class: 'cp-head' },
    el('button', { type: 'button', class: 'btn ghost sm', 'data-console': 'customer-back', onclick: back }, t('back')),
    el('div', { class: 'avatar big', 'aria-hidden': 'true' }, initial(c.name || c.email)),
    el('div', { class: 'cp-title' },
      el('h1', { class: 'cp-name', 'data-console': 'customer-name' }, c.name || t('noName')),
      el('div', { class: 'cp-sub' }, c.email ? el('span', { class: 'cp-mail' }, c.email) : null, el('span', { class: 'lang' }, langTag(c.locale)),
        el('span', { class: 'dim' }, t('customerNo', { id: String(cid) })), c.since && dateText(c.since) ? el('span', { class: 'dim' }, t('since', { when: dateText(c.since) })) : null)),
    el('div', { class: 'cp-counts' }, KINDS.map((k) => el('span', { class: 'cp-count', 'data-kind': k }, el('b', null, num(counts[k] || 0)), ' ' + t('count_' + k, { n: counts[k] || 0 }))),
      el('a', { class: 'cust-tx', href: txHash({ customer: String(cid) }, 0, null), 'data-console': 'customer-transcripts' }, t('transcriptsArrow'))));
}

function render() {
  const j = cp.data, id = cp.id;
  const c = j.customer && typeof j.customer === 'object' ? j.customer : { id }, cid = c.id != null ? c.id : id;
  const needs = arr(j.needs).filter((x) => x && typeof x === 'object')
    .map((x, i) => [x, i]).sort((a, b) => aspectOf(a[0].aspect) - aspectOf(b[0].aspect) || a[1] - b[1]).map((x) => x[0]);
  const tl = arr(j.timeline).filter((x) => x && typeof x === 'object').sort((a, b) => (Date.parse(b.at) || 0) - (Date.parse(a.at) || 0));
  const rec = j.recommendations && typeof j.recommendations === 'object' ? j.recommendations : {};
  const prods = arr(rec.products).filter((x) => x && typeof x === 'object');
  const box = clear($('cp-body'));
  box.appendChild(head(c, cid, tl));
  const sum = summaryCard(j, cid);
  if (sum) box.appendChild(sum);
  const zh = current() === 'zh' || /^zh/i.test(c.locale || '');
  const basis = rec.basis === 'purchase_history' ? 'recBasisHistory' : rec.basis === 'best_sellers' ? 'recBasisBest' : 'recBasisOther';
  box.appendChild(el('div', { class: 'cp-grid' },
    el('div', { class: 'cp-main' },
      el('section', { class: 'card', 'aria-labelledby': 'cp-needs-h' },
        el('h2', { id: 'cp-needs-h' }, t('needsProfile')),
        el('p', { class: 'legend' }, t('needsLegend')),
        needs.length ? el('div', { class: 'needs' }, needs.map(need)) : el('p', { class: 'dim' }, t('needsNone'))),
      el('section', { class: 'card', 'aria-labelledby': 'cp-rec-h' },
        el('h2', { id: 'cp-rec-h' }, t('recommendations')),
        el('p', { class: 'legend', 'data-basis': String(rec.basis || '') }, t(basis)),
        prods.length ? el('ul', { class: 'recs' }, prods.map((p) => recCard(p, zh))) : el('p', { class: 'dim' }, t('recNone')))),
    el('section', { class: 'card cp-side', 'aria-labelledby': 'cp-tl-h' },
      el('h2', { id: 'cp-tl-h' }, t('timeline'), el('span', { class: 'count' }, String(tl.length))),
      tl.length ? timeline(tl, cid) : el('p', { class: 'dim' }, t('timelineNone')))));
}

export function rerender() {
  if (cp.data) render();
  else if (cp.err) note();
}

export function reset() {
  cp = { id: null, seq: cp.seq + 1, at: 0, back: '', data: null, err: '' };
  clear($('cp-body'));
  $('cpage').removeAttribute('data-id');
  $('cpage').removeAttribute('data-state');
}
