// JSON API calls from the pages. The session is the HttpOnly cookie set by /v1/auth/web-login;
// every state-changing call carries the session's CSRF token in X-CSRF-Token.
import { getLang } from './i18n.js';

let session = null;  // {user, csrf_token} or null

export const currentUser = () => session?.user ?? null;
export const csrfToken = () => session?.csrf_token ?? '';
export const roles = () => session?.user?.roles ?? [];
export const staffAgencies = () =>
  [...new Set(roles().filter((r) => r.role === 'officer' || r.role === 'agency_admin').map((r) => r.agency))];

export async function api(method, path, body) {
  const headers = { Accept: 'application/json', 'Accept-Language': getLang() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && session?.csrf_token) headers['X-CSRF-Token'] = session.csrf_token;
  let r;
  try {
    r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  } catch {
    return { ok: false, status: 0, data: null };
  }
  let data = null;
  if (r.status !== 204) data = await r.json().catch(() => null);
  return { ok: r.ok, status: r.status, data };
}

export async function loadSession() {
  const r = await api('GET', '/v1/auth/session');
  session = r.ok ? r.data : null;
  return session;
}

export async function logIn(login, password) {
  const r = await api('POST', '/v1/auth/web-login', { login, password });
  if (r.ok) await loadSession();
  return r;
}

export async function logOut() {
  await api('POST', '/v1/auth/logout');
  session = null;
}

// Tells the server the person's language (notifications are written in it).
export async function saveLanguage(lang) {
  if (session) await api('PATCH', '/v1/me', { preferred_lang: lang });
}
