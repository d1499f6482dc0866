// DOM helpers. Network data reaches the page only through these, as
// attributes set one by one and children appended as nodes or text nodes:
// never innerHTML.

export const $ = (id) => document.getElementById(id);

// el('a', {href, class, onclick}, child, [children], 'text'): an element.
// A null, undefined or false attribute or child is left out.
export function el(tag, attrs, ...children) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on')) n.addEventListener(k.slice(2), v);
    else n.setAttribute(k, v === true ? '' : v);
  }
  add(n, children);
  return n;
}

export function add(n, c) {
  if (c == null || c === false) return n;
  if (Array.isArray(c)) c.forEach((x) => add(n, x));
  else n.appendChild(c.nodeType ? c : document.createTextNode(String(c)));
  return n;
}

export function clear(n) {
  while (n.firstChild) n.removeChild(n.firstChild);
  return n;
}

// An SVG icon from one path; stroked (outlined) or filled.
export function icon(d, stroked) {
  const ns = 'http://www.w3.org/2000/svg';
  const s = document.createElementNS(ns, 'svg');
  const p = document.createElementNS(ns, 'path');
  s.setAttribute('viewBox', '0 0 24 24');
  s.setAttribute('width', '16');
  s.setAttribute('height', '16');
  s.setAttribute('aria-hidden', 'true');
  p.setAttribute('d', d);
  if (stroked) {
    p.setAttribute('fill', 'none');
    p.setAttribute('stroke', 'currentColor');
    p.setAttribute('stroke-width', '1.8');
    p.setAttribute('stroke-linecap', 'round');
    p.setAttribute('stroke-linejoin', 'round');
  } else {
    p.setAttribute('fill', 'currentColor');
  }
  s.appendChild(p);
  return s;
}

// A button that is working: disabled, and said so to screen readers.
export function busy(b, on) {
  b.disabled = on;
  b.setAttribute('aria-busy', String(on));
}

// The keyboard focus is on a row of this kind: its data-id.
export function focusedId(kind) {
  const a = document.activeElement;
  return a && a.getAttribute && a.getAttribute('data-console') === kind ? a.getAttribute('data-id') : null;
}

// Arrow keys move the focus through the rows of a kind inside box.
export function moveFocus(e, box, kind) {
  const rows = [...box.querySelectorAll(`[data-console=${kind}]`)];
  const i = rows.indexOf(e.target.closest(`[data-console=${kind}]`));
  const next = rows[i < 0 ? 0 : i + (e.key === 'ArrowDown' ? 1 : -1)];
  if (next) { e.preventDefault(); next.focus(); }
}

export const narrow = () => window.matchMedia('(max-width: 899px)').matches;

// Search words marked in text, as text nodes and <mark> elements.
export function highlight(node, words) {
  if (!words.length) return;
  const re = new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gi');
  const walk = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
  const texts = [];
  while (walk.nextNode()) texts.push(walk.currentNode);
  for (const t of texts) {
    const s = t.nodeValue;
    let m, last = 0, frag = null;
    re.lastIndex = 0;
    while ((m = re.exec(s))) {
      frag = frag || document.createDocumentFragment();
      frag.appendChild(document.createTextNode(s.slice(last, m.index)));
      frag.appendChild(el('mark', null, m[0]));
      last = m.index + m[0].length;
    }
    if (frag) { frag.appendChild(document.createTextNode(s.slice(last))); t.parentNode.replaceChild(frag, t); }
  }
}

// localStorage that never throws (private windows, full quotas).
export const store = {
  get(k) { try { return localStorage.getItem(k); } catch (e) { return null; } },
  set(k, v) { try { localStorage.setItem(k, v); } catch (e) { /* fine: not remembered */ } },
  json(k, def) { try { return JSON.parse(localStorage.getItem(k) || 'null') || def; } catch (e) { return def; } },
};
