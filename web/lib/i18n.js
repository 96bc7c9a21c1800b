// Message catalogues (i18n/en.json, i18n/ur.json), the page language and direction, and
// number and date formatting. The choice persists in localStorage.
const kStoreKey = 'darwaza.lang';
export const kLanguages = ['en', 'ur'];
let lang = 'en';
let dict = {};

export function initialLang() {
  const q = new URLSearchParams(location.search).get('lang');
  const saved = localStorage.getItem(kStoreKey);
  return kLanguages.includes(q) ? q : kLanguages.includes(saved) ? saved : 'en';
}

export async function loadLang(l) {
  const r = await fetch(`/assets/i18n/${l}.json`);
  dict = await r.json();
  lang = l;
  localStorage.setItem(kStoreKey, l);
  document.documentElement.lang = l;
  document.documentElement.dir = l === 'ur' ? 'rtl' : 'ltr';
  translateStatic(document);
}

export const getLang = () => lang;

// t(KEY, {name: 'x'}) with {name} placeholders. A missing key shows itself (and fails the test).
export function t(key, vars) {
  let s = dict[key] ?? key;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

// For keys built from API values (categories, states): the fallback when there is no message.
export function tOr(key, fallback) {
  return dict[key] ?? fallback;
}

export function translateStatic(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-aria-label]')) el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
}

const locale = () => (lang === 'ur' ? 'ur-PK' : 'en-PK');
export function fmtDate(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : new Intl.DateTimeFormat(locale(), { dateStyle: 'medium' }).format(d);
}
export function fmtDateTime(iso) {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}
export function fmtNum(n) {
  return typeof n === 'number' ? new Intl.NumberFormat(locale()).format(n) : n ?? '—';
}
