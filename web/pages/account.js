// Sign up, log in and out, and the profile.
import { h, notice, dl } from '../lib/dom.js';
import { t, fmtDate } from '../lib/i18n.js';
import { api, logIn, logOut, currentUser, loadSession } from '../lib/api.js';
import { heading, problemText } from '../lib/page.js';
import { buildFields, errorSummary, summarySlot } from '../lib/form.js';

// Field descriptions in the shape of a service form, so sign-up uses the same form code.
const field = (name, type, key, extra = {}) => ({ name, type, required: true, label: { en: t(key), ur: t(key) }, ...extra });

function afterLogin(query) {
  const next = query.get('next');
  location.hash = next && next.startsWith('/') ? '#' + next : '#/applications';
}

export async function login(main, _p, query) {
  heading(main, t('login.title'));
  const summary = summarySlot();
  const form = h('form', { novalidate: true, class: 'stack' });
  const fields = buildFields(form, [field('login', 'text', 'login.identifier'), field('password', 'password', 'login.password')], {}, 'en');
  form.querySelector('#f-login').setAttribute('autocomplete', 'username');
  const pw = form.querySelector('#f-password');
  pw.type = 'password';
  pw.setAttribute('autocomplete', 'current-password');
  form.append(h('button', { type: 'submit' }, t('login.submit')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    fields.clearErrors();
    const data = fields.read();
    const r = await logIn(data.login || '', data.password || '');
    if (r.ok) return afterLogin(query);
    errorSummary(summary, r.data?.errors ? fields.showErrors(r.data.errors) : [], problemText(r));
  });
  main.append(summary, form, h('p', {}, t('login.no_account'), ' ', h('a', { href: '#/signup' }, t('nav.signup'))));
}

export async function signup(main, _p, query) {
  heading(main, t('signup.title'), h('p', {}, t('signup.lead')));
  const summary = summarySlot();
  const form = h('form', { novalidate: true, class: 'stack' });
  const fields = buildFields(form, [
    field('name', 'text', 'signup.name'), field('cnic', 'cnic', 'signup.cnic'), field('email', 'email', 'signup.email'),
    field('mobile', 'phone', 'signup.mobile'), field('password', 'text', 'signup.password', { help: { en: t('signup.password_hint'), ur: t('signup.password_hint') } }),
  ], {}, 'en');
  const pw = form.querySelector('#f-password');
  pw.type = 'password';
  pw.setAttribute('autocomplete', 'new-password');
  form.querySelector('#f-name').setAttribute('autocomplete', 'name');
  form.append(h('button', { type: 'submit' }, t('signup.submit')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    fields.clearErrors();
    const data = fields.read();
    const r = await api('POST', '/v1/auth/signup', { ...data, preferred_lang: document.documentElement.lang });
    if (!r.ok) return errorSummary(summary, r.data?.errors ? fields.showErrors(r.data.errors) : [], problemText(r));
    const l = await logIn(data.email, data.password);
    if (l.ok) return afterLogin(query);
    errorSummary(summary, [], problemText(l));
  });
  main.append(summary, form);
}

export async function profile(main) {
  await loadSession();
  const u = currentUser();
  heading(main, t('profile.title'));
  main.append(dl([
    [t('signup.name'), u.name], [t('signup.cnic'), u.cnic], [t('signup.email'), u.email], [t('signup.mobile'), u.mobile],
    [t('profile.roles'), u.roles.length ? u.roles.map((r) => r.agency ? `${r.role} (${r.agency})` : r.role).join(', ') : t('profile.citizen')],
    [t('profile.since'), fmtDate(u.created_at)],
  ]));
  main.append(profileForm(u));
  main.append(h('h2', {}, t('profile.more')), h('ul', {},
    [['#/organisations', 'nav.organisations'], ['#/data-access', 'nav.data_access'], ['#/consents', 'nav.consents']]
      .map(([href, key]) => h('li', {}, h('a', { href }, t(key))))));
  const status = h('div', { 'aria-live': 'polite' });
  main.append(h('button', { type: 'button', class: 'secondary', onclick: async () => {
    await logOut();
    status.append(notice(t('profile.logged_out')));
    location.hash = '#/';
  } }, t('nav.logout')), status);
}

// Changing name, email or mobile: the server checks; its errors appear beside each field.
function profileForm(u) {
  const summary = summarySlot();
  const status = h('div', { 'aria-live': 'polite' });
  const form = h('form', { novalidate: true, class: 'stack', 'aria-labelledby': 'profile-edit' });
  const fields = buildFields(form, [field('name', 'text', 'signup.name'), field('email', 'email', 'signup.email'),
    field('mobile', 'phone', 'signup.mobile')], u, 'en');
  form.append(h('button', { type: 'submit' }, t('profile.save')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    fields.clearErrors();
    const r = await api('PATCH', '/v1/me', fields.read());
    if (!r.ok) return errorSummary(summary, r.data?.errors ? fields.showErrors(r.data.errors) : [], problemText(r));
    summary.hidden = true;
    await loadSession();
    status.replaceChildren(notice(t('profile.saved')));
  });
  return h('section', {}, h('h2', { id: 'profile-edit' }, t('profile.edit')), summary, form, status);
}
