// A short beep when someone starts waiting, made on the spot (no file to
// load); off until the staff member turns it on.
import { $, clear, icon, store } from './dom.js';
import { t } from './i18n.js';

const BELL = 'M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2z';
const MUTE = 'M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zM19 16V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66a6.9 6.9 0 0 0-2.6 1.2L19 16.5zM3.3 2.3 2 3.6l3.3 3.3A7 7 0 0 0 5 11v5l-2 2v1h14.4l3 3 1.3-1.3z';

let on = store.get('kefu.console.sound') === '1';
let audio = null;

export function render() {
  const b = $('sound');
  b.setAttribute('aria-pressed', String(on));
  b.querySelector('.sound-label').textContent = t(on ? 'soundOn' : 'soundOff');
  b.title = t('soundTitle');
  clear(b.querySelector('.sound-icon')).appendChild(icon(on ? BELL : MUTE));
}

$('sound').addEventListener('click', () => {
  on = !on;
  store.set('kefu.console.sound', on ? '1' : '0');
  render();
  if (on) beep(true); // a user gesture: lets the browser start the audio
});

export function beep(force) {
  if (!on && !force) return;
  try {
    const AC = window.AudioContext || window.webkitAudioContext;
    if (!AC) return;
    const a = audio || (audio = new AC());
    if (a.state === 'suspended') a.resume();
    [0, 0.18].forEach((t0, i) => {
      const o = a.createOscillator(), g = a.createGain(), at = a.currentTime + t0;
      o.type = 'sine';
      o.frequency.value = i ? 1175 : 880;
      g.gain.setValueAtTime(0.0001, at);
      g.gain.exponentialRampToValueAtTime(0.18, at + 0.015);
      g.gain.exponentialRampToValueAtTime(0.0001, at + 0.14);
      o.connect(g);
      g.connect(a.destination);
      o.start(at);
      o.stop(at + 0.16);
    });
  } catch (e) { /* no audio: the badge still counts */ }
}
