// Who is signed in. The CSRF token lives here, in memory only: never in
// storage or a cookie a script could read.
let me = null;
let csrf = '';

export const staff = () => me;
export const token = () => csrf;
export const signedIn = () => !!me;

export function begin(j) { me = j.staff; csrf = j.csrf_token || ''; }
export function renew(t) { if (t) csrf = t; }
export function end() { me = null; csrf = ''; }

// The conversation is assigned to the staff member signed in.
export function isMine(c) { return !!(c && c.assigned && me && c.assigned.id === me.id); }
