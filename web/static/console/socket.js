// The staff socket: frames say what changed. It reconnects with backoff,
// and on every (re)connect the lists and the open conversation are fetched
// again (onUp), since frames may have been missed while it was away.
import { $ } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';
import * as session from './session.js';

const URL = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws/console';

let ws = null, up = false, everUp = false, attempt = 0, timer = null, state = 'connecting';
let handlers = { frame() {}, up() {}, down() {}, ended() {} };

export const isUp = () => up;
export const wasEverUp = () => everUp;

function show(s) {
  state = s;
  const c = $('conn');
  c.setAttribute('data-conn', s);
  c.textContent = t(s === 'up' ? 'connUp' : s === 'down' ? 'connDown' : 'connConnecting');
}
export function rerender() { show(state); }

export function send(f) {
  if (!ws || !up) return false;
  ws.send(JSON.stringify(f));
  return true;
}

// start connects; h: {frame(f), up(), down(), ended(key of the message to show)}.
export function start(h) {
  handlers = Object.assign(handlers, h);
  connect();
}

export function stop() {
  const w = ws;
  ws = null; up = false; everUp = false; attempt = 0;
  clearTimeout(timer); timer = null;
  if (w) w.close(1000);
}

function connect() {
  clearTimeout(timer); timer = null;
  if (!session.signedIn()) return;
  let w;
  try { w = new WebSocket(URL); } catch (e) { retry(); return; }
  ws = w; up = false;
  show(everUp ? 'down' : 'connecting');
  w.onopen = () => {
    if (ws !== w) return;
    up = true; everUp = true; attempt = 0;
    show('up');
    handlers.up();
  };
  w.onmessage = (e) => {
    if (ws !== w) return;
    let f;
    try { f = JSON.parse(e.data); } catch (x) { return; }
    if (f && typeof f.type === 'string') handlers.frame(f);
  };
  w.onclose = () => {
    if (ws !== w) return;
    ws = null; up = false;
    handlers.down();
    if (!session.signedIn()) return;
    show('down');
    retry();
  };
}

// Backoff from 0.5 s to 15 s with jitter; a refused upgrade may mean the
// session ended, so ask.
function retry() {
  const d = Math.min(15000, 500 * Math.pow(2, attempt++));
  if (attempt >= 2) {
    api('GET', '/api/console/me').then((j) => session.renew(j && j.csrf_token))
      .catch((e) => { if (e.status === 401 && session.signedIn()) handlers.ended('sessionEnded'); });
  }
  timer = setTimeout(connect, d / 2 + Math.random() * d / 2);
}
