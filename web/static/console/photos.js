// Photos a shopper attached, shown under the message that attached them.
// The image comes from the staff-only route (the session cookie goes
// with it); the URL is kefu's own, built from an id, never taken as given.
import { el } from './dom.js';
import { t } from './i18n.js';

const ID = /^ph_[0-9a-f]{24}$/;

// show puts each attached photo in the transcript tr, in the entry of its
// message (data-seq); one never sent is left out.
export function showPhotos(tr, photos) {
  for (const p of Array.isArray(photos) ? photos : []) {
    if (!p || !ID.test(p.id) || !p.seq) continue;
    const msg = tr.querySelector('[data-kind="message"][data-seq="' + Number(p.seq) + '"]');
    if (!msg || msg.querySelector('[data-photo="' + p.id + '"]')) continue;
    const src = '/api/console/photos/' + p.id;
    msg.appendChild(el('a', { class: 'photo', href: src, target: '_blank', rel: 'noopener', 'data-console': 'photo', 'data-photo': p.id },
      el('img', { src, alt: t('photoAlt'), loading: 'lazy', width: Math.min(240, Number(p.width) || 240) })));
  }
}
