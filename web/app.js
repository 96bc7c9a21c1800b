// The page shell: language, session, navigation and the fragment router (#/services/ID).
// Each page lives in pages/*.js and is loaded only when shown, to keep the first load small.
import { h, clear, notice } from './lib/dom.js';
import { t, loadLang, initialLang, getLang } from './lib/i18n.js';
import { loadSession, currentUser, staffAgencies, saveLanguage } from './lib/api.js';
import { setTitle } from './lib/page.js';

// pattern → [module, export, who may see it]. Patterns match the fragment's path.
const kRoutes = [
  ['/', 'catalog', 'home', null],
  ['/services', 'catalog', 'catalog', null],
  ['/services/:id', 'catalog', 'service', null],
  ['/login', 'account', 'login', null],
  ['/signup', 'account', 'signup', null],
  ['/profile', 'account', 'profile', 'citizen'],
  ['/apply/:service', 'apply', 'apply', 'citizen'],
  ['/apply/:service/:draft', 'apply', 'apply', 'citizen'],
  ['/applications', 'applications', 'list', 'citizen'],
  ['/applications/:id', 'applications', 'detail', 'citizen'],
  ['/certificates', 'mine', 'certificates', 'citizen'],
  ['/organisations', 'mine', 'organisations', 'citizen'],
  ['/data-access', 'mine', 'dataAccess', 'citizen'],
  ['/consents', 'mine', 'consents', 'citizen'],
  ['/inbox', 'mine', 'inbox', 'citizen'],
  ['/officer', 'officer', 'queue', 'officer'],
  ['/officer/applications/:id', 'officer', 'detail', 'officer'],
  ['/officer/registries', 'officer', 'registries', 'officer'],
  ['/verify', 'public', 'verify', null],
  ['/verify/:id', 'public', 'verify', null],
  ['/registries', 'public', 'registries', null],
  ['/dashboard', 'dashboard', 'dashboard', null],
  ['/engagements', 'public', 'engagements', null],
];

function parseHash() {
  const raw = location.hash.startsWith('#/') ? location.hash.slice(1) : '/';
  const [path, qs] = raw.split('?');
  return { path: path || '/', query: new URLSearchParams(qs || '') };
}

function match(path) {
  const segs = path.split('/').filter(Boolean);
  for (const [pattern, mod, fn, who] of kRoutes) {
    const ps = pattern.split('/').filter(Boolean);
    if (ps.length !== segs.length) continue;
    const params = {};
    if (ps.every((p, i) => (p.startsWith(':') ? ((params[p.slice(1)] = decodeURIComponent(segs[i])), true) : p === segs[i])))
      return { mod, fn, who, params };
  }
  return null;
}

function navLinks() {
  const user = currentUser();
  const links = [['#/services', 'nav.services'], ['#/verify', 'nav.verify'], ['#/registries', 'nav.registries'],
    ['#/dashboard', 'nav.dashboard'], ['#/engagements', 'nav.engagements']];
  if (user) {
    links.push(['#/applications', 'nav.applications'], ['#/certificates', 'nav.certificates'], ['#/inbox', 'nav.inbox'],
      ['#/profile', 'nav.profile']);
    if (staffAgencies().length) links.push(['#/officer', 'nav.officer']);
  } else {
    links.push(['#/login', 'nav.login'], ['#/signup', 'nav.signup']);
  }
  return links;
}

function renderNav() {
  const nav = clear(document.getElementById('site-nav'));
  const here = '#' + parseHash().path;
  nav.append(h('ul', {}, navLinks().map(([href, key]) =>
    h('li', {}, h('a', { href, 'aria-current': here === href || (href !== '#/' && here.startsWith(href + '/')) ? 'page' : null }, t(key))))));
  const sw = document.getElementById('lang-switch');
  const other = getLang() === 'ur' ? 'en' : 'ur';
  sw.textContent = other === 'ur' ? 'اردو' : 'English';
  sw.lang = other;
  sw.setAttribute('aria-label', t('lang.switch'));
}

// Renders run one after another: a navigation while a page is still loading waits for it, so
// two pages never write into <main> at once.
let rendering = Promise.resolve();
export function render() {
  rendering = rendering.then(renderNow, renderNow);
  return rendering;
}

async function renderNow() {
  const main = document.getElementById('main');
  const { path, query } = parseHash();
  const m = match(path);
  delete document.documentElement.dataset.ready;
  renderNav();
  clear(main);
  if (!m) {
    setTitle(t('page.not_found'));
    main.append(h('h1', { tabindex: '-1' }, t('page.not_found')), h('p', {}, h('a', { href: '#/' }, t('nav.home'))));
    focusHeading(main);
    document.documentElement.dataset.ready = path;
    return;
  }
  if (m.who && !currentUser()) {
    location.hash = '#/login?next=' + encodeURIComponent(path);
    return;
  }
  if (m.who === 'officer' && !staffAgencies().length) {
    main.append(h('h1', { tabindex: '-1' }, t('officer.title')), notice(t('officer.not_staff'), 'error'));
    focusHeading(main);
    document.documentElement.dataset.ready = path;
    return;
  }
  try {
    const mod = await import(`./pages/${m.mod}.js`);
    await mod[m.fn](main, m.params, query);
  } catch (e) {
    console.error(e);
    main.append(notice(t('error.page'), 'error'));
  }
  focusHeading(main);
  document.documentElement.dataset.ready = path;  // the browser tests wait for this
}

let firstRender = true;
function focusHeading(main) {
  // Keep focus where it was on the first load; after navigation, move it to the new heading.
  if (firstRender) { firstRender = false; return; }
  main.querySelector('h1')?.focus();
}

export function go(hash) {
  if (location.hash === hash) render(); else location.hash = hash;
}

async function switchLanguage() {
  delete document.documentElement.dataset.ready;  // until the page is drawn in the new language
  const next = getLang() === 'ur' ? 'en' : 'ur';
  await loadLang(next);
  await saveLanguage(next);
  await render();
  document.getElementById('lang-switch').focus();
}

// In-page links (skip link, error summary) focus their target without touching the route.
document.addEventListener('click', (e) => {
  const a = e.target.closest('a[href^="#"]');
  if (!a || a.getAttribute('href').startsWith('#/')) return;
  const target = document.getElementById(a.getAttribute('href').slice(1));
  if (!target) return;
  e.preventDefault();
  if (!target.hasAttribute('tabindex') && !/^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(target.tagName)) target.tabIndex = -1;
  target.focus();
});

async function boot() {
  await Promise.all([loadLang(initialLang()), loadSession()]);
  document.getElementById('lang-switch').addEventListener('click', switchLanguage);
  window.addEventListener('hashchange', render);
  await render();
}

boot();
