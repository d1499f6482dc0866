// Links between the views, so that none imports another to point at it.
export const TX_KEYS = ['q', 'from', 'to', 'state', 'lang', 'tool', 'escalated', 'resolved', 'min_rating', 'max_rating', 'sort', 'customer'];

export const convHash = (id) => '#c=' + encodeURIComponent(id);
export const custHash = (id) => '#customer=' + encodeURIComponent(String(id));

// #transcripts?q=…&offset=50&open=<id>: a search, its page, and the
// transcript open beside it.
export function txHash(f, offset, open) {
  const p = new URLSearchParams();
  for (const k of TX_KEYS) if (f[k]) p.set(k, f[k]);
  if (offset > 0) p.set('offset', String(offset));
  if (open) p.set('open', open);
  const s = p.toString();
  return '#transcripts' + (s ? '?' + s : '');
}
