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

// A listing's way on, or null when it has one page: a link to its first page when this page is
// not it, and to the next page when one follows (hrefs, or null).
export function pager(label, { first, next }) {
  const links = [];
  if (first) links.push(h('a', { href: first }, t('common.first_page')));
  if (next) links.push(h('a', { href: next, rel: 'next' }, t('registry.next_page')));
  return links.length ? h('nav', { class: 'pager', 'aria-label': label }, ...links) : null;
}
