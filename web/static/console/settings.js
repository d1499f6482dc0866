// The shop's voice and hours, which admins change here (GET and PUT
// /api/console/settings): the server checks every field and names each
// problem; nothing is saved unless all pass. The change applies without a
// restart: the widget reads it when it next loads.
import { $ } from './dom.js';
import { t } from './i18n.js';
import { api, fail } from './api.js';
import { toast } from './toast.js';

const FIELDS = ['shop_name', 'assistant_name', 'tone', 'instructions', 'greeting_en', 'greeting_zh', 'accent_color', 'hours', 'time_zone'];
let hooks = { done: () => {} };
const input = (f) => $('set-' + f.replace('_', '-'));

export function init(h) {
  hooks = h;
  $('settings-form').addEventListener('submit', (e) => { e.preventDefault(); save(); });
  $('settings-cancel').addEventListener('click', () => hooks.done());
  $('set-accent-pick').addEventListener('input', () => { input('accent_color').value = $('set-accent-pick').value; });
}

// show fetches the settings in force; the caller shows the screen.
export async function show() {
  for (const f of FIELDS) { input(f).value = ''; input(f).removeAttribute('aria-invalid'); }
  $('settings-problems').textContent = '';
  try {
    const s = await api('GET', '/api/console/settings');
    for (const f of FIELDS) input(f).value = s[f] || '';
    if (/^#[0-9a-f]{6}$/i.test(s.accent_color || '')) $('set-accent-pick').value = s.accent_color;
    input('shop_name').focus();
  } catch (e) { fail(e); }
}

async function save() {
  const body = {};
  for (const f of FIELDS) { body[f] = input(f).value; input(f).removeAttribute('aria-invalid'); }
  $('settings-problems').textContent = '';
  try {
    await api('PUT', '/api/console/settings', body);
    toast(t('setSaved'));
    hooks.done();
  } catch (e) {
    const fields = (e.body && e.body.fields) || null;
    if (!fields) { fail(e); return; }
    const lines = [];
    for (const f of FIELDS) {
      if (!fields[f]) continue;
      input(f).setAttribute('aria-invalid', 'true');
      lines.push(t('set_' + f) + ': ' + fields[f]);
    }
    $('settings-problems').textContent = lines.join('\n');
    const first = FIELDS.find((f) => fields[f]);
    if (first) input(first).focus();
  }
}
