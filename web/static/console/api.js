// The JSON API of docs/console-api.md. Every request goes with the session
// cookie; every POST with the CSRF token. A 401 after signing in means the
// session ended: the console signs out (onSessionEnd).
import { t, current } from './i18n.js';
import { toast } from './toast.js';
import * as session from './session.js';

let sessionEnded = () => {};
export function onSessionEnd(fn) { sessionEnded = fn; }

// The console's own words for a status; the server's message is used in
// English, where it is more precise ("Mei from support has it").
function message(status, server) {
  const own = { 0: 'errOffline', 400: 'errBadRequest', 401: 'errSignIn', 403: 'errForbidden', 404: 'errNotFound', 409: 'errConflict', 413: 'errBadRequest', 429: 'errTooMany' }[status] ||
    (status >= 500 ? 'errServer' : '');
  if (server && (current() === 'en' || !own)) return server;
  return own ? t(own) : t('errStatus', { status: String(status) });
}

export async function api(method, path, body) {
  const h = { Accept: 'application/json' };
  if (body !== undefined) h['Content-Type'] = 'application/json';
  if (method !== 'GET') h['X-CSRF-Token'] = session.token();
  let r;
  try {
    r = await fetch(path, { method, headers: h, credentials: 'same-origin', cache: 'no-store', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    const err = new Error(message(0));
    err.status = 0;
    throw err;
  }
  const txt = await r.text();
  let j = null;
  try { j = txt ? JSON.parse(txt) : null; } catch (e) { /* not JSON */ }
  if (!r.ok) {
    const err = new Error(message(r.status, j && typeof j.message === 'string' ? j.message : ''));
    err.status = r.status;
    err.body = j;
    if (r.status === 401 && session.signedIn() && !/\/(login|me)$/.test(path)) sessionEnded('sessionEnded');
    throw err;
  }
  return j;
}

// A failed request's toast (a 401 already signed out, with its own).
export function fail(e) { if (e && e.status !== 401) toast((e && e.message) || t('errSomething')); }

// The route of an action on a conversation.
export const convPath = (id, what) => '/api/console/conversations/' + encodeURIComponent(id) + (what ? '/' + what : '');
