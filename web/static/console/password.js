// Choosing a new password. After a sign-in with a one-time password the
// server lets the session do nothing else (must_change_password), so this
// screen is all the console shows until it is done; a staff member can
// also open it from the header to change their own password.
import { $ } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';
import { toast } from './toast.js';

const MIN = 10; // web.MinPasswordLength

let forced = false;
let hooks = { done: () => {}, cancel: () => {}, signOut: () => {} };

// done(j) is called with the server's answer ({staff, csrf_token}) once
// the password is changed; cancel() when a voluntary change is given up;
// signOut() from the forced screen's sign-out button.
export function init(h) { hooks = h; }

export const isForced = () => forced;

// show fills in the screen; the caller makes it the one shown.
export function show(mustChange) {
  forced = !!mustChange;
  for (const id of ['pw-current', 'pw-new', 'pw-repeat']) $(id).value = '';
  $('password-title').setAttribute('data-i18n', forced ? 'pwTitleForced' : 'pwTitle');
  $('password-why').setAttribute('data-i18n', forced ? 'pwWhyForced' : 'pwWhy');
  $('password-title').textContent = t(forced ? 'pwTitleForced' : 'pwTitle');
  $('password-why').textContent = t(forced ? 'pwWhyForced' : 'pwWhy');
  $('password-cancel').hidden = forced;
  $('password-signout').hidden = !forced;
  setTimeout(() => $('pw-current').focus(), 0);
}

// What is wrong with the form, as a string key, or ''.
function problem(cur, pw, again) {
  if (!cur) return 'pwNeedCurrent';
  if ([...pw].length < MIN) return 'pwTooShort';
  if (pw === cur) return 'pwSame';
  if (pw !== again) return 'pwMismatch';
  return '';
}

$('password-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const cur = $('pw-current').value, pw = $('pw-new').value, again = $('pw-repeat').value;
  const p = problem(cur, pw, again);
  if (p) {
    toast(t(p, { n: MIN }));
    $(p === 'pwNeedCurrent' ? 'pw-current' : p === 'pwMismatch' ? 'pw-repeat' : 'pw-new').focus();
    return;
  }
  const b = document.querySelector('[data-console=password-save]');
  b.disabled = true;
  try {
    const j = await api('POST', '/api/console/password', { current_password: cur, new_password: pw });
    for (const id of ['pw-current', 'pw-new', 'pw-repeat']) $(id).value = '';
    hooks.done(j);
    toast(t('pwChanged'), 'info');
  } catch (err) {
    toast(err.status === 403 ? t('pwWrongCurrent') : err.message);
    if (err.status === 403) $('pw-current').select();
  } finally {
    b.disabled = false;
  }
});
$('password-cancel').addEventListener('click', () => hooks.cancel());
$('password-signout').addEventListener('click', () => hooks.signOut());
