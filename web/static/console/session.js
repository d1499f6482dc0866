// Who is signed in. The CSRF token lives here, in memory only: never in
// storage or a cookie a script could read.
let me = null;
let csrf = '';

export const staff = () => me;
export const token = () => csrf;
// Signed in and free to use the console: a session that must choose a
// new password first can do nothing else (the server refuses it).
export const signedIn = () => !!me && !me.must_change_password;
export const mustChangePassword = () => !!me && !!me.must_change_password;

export function begin(j) { me = j.staff; csrf = j.csrf_token || ''; }
export function renew(t) { if (t) csrf = t; }
export function end() { me = null; csrf = ''; }

// The conversation is assigned to the staff member signed in.
export function isMine(c) { return !!(c && c.assigned && me && c.assigned.id === me.id); }
