// One timeline entry as an element: a message (with the tool calls and
// results of the bot's turn, collapsed) or an event. The inbox's open
// conversation and the transcript reader show entries alike.
import { el } from './dom.js';
import { t } from './i18n.js';
import * as session from './session.js';
import { when, fullTime, custName, pretty, oneLine } from './format.js';

const ROLES = /^(user|assistant|staff|system)$/;

export function entry(e, conv) { return e.kind === 'message' ? message(e, conv) : event(e); }

function meta(parts) {
  return el('div', { class: 'meta' }, parts.filter(Boolean).map((p, i) => (i ? [' · ', p] : p)));
}
const timeOf = (e) => (e.at ? el('time', { datetime: e.at, title: fullTime(e.at) }, when(e.at)) : null);

function message(e, conv) {
  const role = ROLES.test(e.role) ? e.role : 'system';
  const attrs = { class: 'entry msg ' + role, 'data-console': 'entry', 'data-kind': 'message', 'data-role': role, 'data-seq': e.seq != null ? e.seq : null };
  if (role === 'system') {
    return el('div', attrs, el('div', { class: 'sys' }, el('span', { class: 'pill' }, t('pillSystem')), ' ', e.text || ''), meta([timeOf(e)]));
  }
  const me = session.staff();
  const who = role === 'user' ? custName(conv) : role === 'assistant' ? t('bot')
    : (e.author || t('staff')) + (me && e.author === me.name ? t('youSuffix') : '');
  return el('div', attrs,
    el('div', { class: 'who' }, el('span', { class: 'author' }, who),
      role === 'assistant' && e.model ? el('span', { class: 'model', title: t('model') }, e.model) : null,
      role === 'staff' ? el('span', { class: 'pill staff' }, t('pillStaff')) : null),
    el('div', { class: 'bubble' }, e.text ? el('div', { class: 'txt' }, e.text) : el('div', { class: 'txt dim' }, t('noText'))),
    role === 'assistant' ? tools(e) : null,
    meta([timeOf(e), e.seq != null ? el('span', { class: 'seq', title: t('seqTitle') }, '#' + e.seq) : null]));
}

// Tool calls of the bot's turn, with their results (matched by name, in order).
function tools(e) {
  const calls = Array.isArray(e.tool_calls) ? e.tool_calls : [];
  const results = Array.isArray(e.tool_results) ? e.tool_results.slice() : [];
  if (!calls.length && !results.length) return null;
  const items = calls.map((tc) => {
    const i = results.findIndex((r) => r && r.name === tc.name);
    return tool(tc.name, tc.arguments, i >= 0 ? results.splice(i, 1)[0] : null, true);
  }).concat(results.map((r) => tool(r && r.name, undefined, r, false)));
  return el('div', { class: 'tools', 'data-console': 'tools' }, items);
}
function tool(name, args, r, called) {
  const hasArgs = args !== undefined && args !== null && args !== '';
  return el('details', { class: 'tool', 'data-tool': name || '' },
    el('summary', null, el('span', { class: 'tool-ic', 'aria-hidden': 'true' }, '⚙'), el('code', { class: 'tool-name' }, name || 'tool'),
      hasArgs ? el('span', { class: 'tool-args' }, oneLine(args, 60)) : null,
      !r && called ? el('span', { class: 'tool-nores' }, t('toolNoResult')) : null),
    called ? [el('div', { class: 'tool-h' }, t('toolArgs')), el('pre', null, hasArgs ? pretty(args) : t('toolNone'))] : null,
    r ? [el('div', { class: 'tool-h' }, t('toolResult')), el('pre', null, pretty(r.content))] : null);
}

const STATE_WORD = { bot: 'toBot', queued: 'toQueued', human: 'toHuman', closed: 'toClosed' };

// What an event says, in words.
export function eventText(e) {
  const who = e.staff || '';
  switch (e.type) {
    case 'state':
      if (e.to === 'queued') return e.from && e.from !== 'bot' ? t('evQueuedFrom', { was: STATE_WORD[e.from] ? t(STATE_WORD[e.from]) : e.from }) : t('evQueued');
      if (e.to === 'human') return who ? t('evTookOver', { name: who }) : t('evTookOverAnon');
      if (e.to === 'bot') return e.from === 'human' ? t('evHandedBack', { name: who || t('staff') }) : t('evBackToBot');
      if (e.to === 'closed') return who ? t('evClosedBy', { name: who }) : t('evClosed');
      return t('evState', { from: e.from || '?', to: e.to || '?' });
    case 'handoff_requested': return e.text ? t('evAskedFor', { text: oneLine(e.text, 80) }) : t('evAsked');
    case 'assigned': {
      // text names the assignee (older entries have none).
      const to = e.text || '';
      if (who && to && who !== to) return t('evAssignedTo', { name: who, to });
      if (to) return t('evAssigned', { to });
      return who ? t('evAssignedBy', { name: who }) : t('evAssignedAnon');
    }
    case 'rated': return e.text ? t('evRatedSaid', { text: e.text }) : t('evRated');
    default: return (e.type || 'event') + (e.text ? ': ' + e.text : '');
  }
}

function event(e) {
  const type = String(e.type || 'event');
  const attrs = { class: 'entry ev ev-' + type.replace(/[^a-z_]/gi, ''), 'data-console': 'entry', 'data-kind': 'event', 'data-role': type, 'data-type': type };
  const at = timeOf(e);
  if (type === 'note') {
    return el('div', attrs,
      el('div', { class: 'note-head' }, el('span', { class: 'pill private' }, t('pillNote')), ' ', el('span', { class: 'author' }, e.staff || t('staff')), at ? [' · ', at] : null),
      el('div', { class: 'txt' }, e.text || ''));
  }
  return el('div', attrs, el('span', { class: 'evt' }, el('span', { class: 'line' }, eventText(e)), at ? [' · ', at] : null));
}
