// What every page does: its title, its one h1, and problem bodies turned into messages.
import { h } from './dom.js';
import { t } from './i18n.js';

export function setTitle(text) {
  document.title = `${text} — ${t('app.name')}`;
}

export function heading(main, text, ...intro) {
  setTitle(text);
  main.append(h('h1', { tabindex: '-1' }, text), ...intro);
}

// The message for a failed call: the problem's own detail when the server gave one.
export function problemText(r) {
  if (r.status === 0) return t('error.network');
  if (r.status === 401) return t('error.signin');
  if (r.status === 403 && r.data?.type === '/problems/csrf') return t('error.csrf');
  // Too many requests from this address, or the server at capacity: in the reader's language
  // (a throttled sign-in keeps its own detail).
  if (['/problems/rate-limited', '/problems/busy', '/problems/overloaded'].includes(r.data?.type)) return t('error.busy');
  return r.data?.detail || r.data?.title || t('error.generic');
}

export const localized = (o, lang) => (o && typeof o === 'object' ? o[lang] || o.en || '' : o ?? '');
