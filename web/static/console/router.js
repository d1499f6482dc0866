// The URL's hash is the console's place: #c=<id> (a conversation),
// #transcripts?…, #dashboard?…, #segments?…, #customer=<id>. main.js routes
// it; views move with go().
let routeFn = () => {};
export function onRoute(fn) { routeFn = fn; }
export const route = () => routeFn();

export function go(hash) {
  if (location.hash === hash || (hash === '' && !location.hash)) return routeFn();
  if (hash === '') { history.pushState(null, '', location.pathname + location.search); routeFn(); } // no hashchange for this one
  else location.hash = hash;
}

window.addEventListener('hashchange', () => routeFn());

// A hash's query (after "?") as filters: only the keys given, trimmed.
export function hashParse(h, keys) {
  const i = h.indexOf('?'), p = new URLSearchParams(i < 0 ? '' : h.slice(i + 1)), f = {};
  for (const k of keys) { const v = (p.get(k) || '').trim(); if (v) f[k] = v; }
  return f;
}
export function hashOf(base, f, keys) {
  const p = new URLSearchParams();
  for (const k of keys) if (f[k]) p.set(k, f[k]);
  const s = p.toString();
  return base + (s ? '?' + s : '');
}
