// The service catalog (search in English or Urdu, categories) and a service's page.
import { h, table, notice, dl } from '../lib/dom.js';
import { t, tOr, getLang, fmtNum } from '../lib/i18n.js';
import { api, currentUser } from '../lib/api.js';
import { heading, problemText, localized } from '../lib/page.js';

export async function home(main) {
  heading(main, t('home.title'), h('p', { class: 'lead' }, t('home.lead')));
  main.append(h('ul', { class: 'cards' },
    [['#/services', 'nav.services', 'home.services'], ['#/verify', 'nav.verify', 'home.verify'],
      ['#/registries', 'nav.registries', 'home.registries'], ['#/dashboard', 'nav.dashboard', 'home.dashboard'],
      ['#/engagements', 'nav.engagements', 'home.engagements']]
      .map(([href, title, text]) => h('li', { class: 'card' }, h('h2', {}, h('a', { href }, t(title))), h('p', {}, t(text))))));
}

export async function catalog(main, _params, query) {
  const q = query.get('q') || '';
  const category = query.get('category') || '';
  heading(main, t('catalog.title'));
  const cats = await api('GET', '/v1/categories');
  const select = h('select', { id: 'category', name: 'category' }, h('option', { value: '' }, t('catalog.all_categories')),
    (cats.data?.items || []).map((c) => h('option', { value: c.category, selected: c.category === category },
      `${tOr(`category.${c.category}`, c.category)} (${fmtNum(c.services)})`)));
  const input = h('input', { id: 'q', name: 'q', type: 'search', value: q, autocomplete: 'off' });
  const form = h('form', { role: 'search', class: 'search', 'aria-label': t('catalog.search_label') },
    h('div', { class: 'field' }, h('label', { for: 'q' }, t('catalog.search')), h('p', { class: 'hint', id: 'q-hint' }, t('catalog.search_hint')), input),
    h('div', { class: 'field' }, h('label', { for: 'category' }, t('catalog.category')), select),
    h('button', { type: 'submit' }, t('catalog.search_button')));
  input.setAttribute('aria-describedby', 'q-hint');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    if (input.value.trim()) p.set('q', input.value.trim());
    if (select.value) p.set('category', select.value);
    location.hash = '#/services' + (p.toString() ? '?' + p : '');
  });
  main.append(form);
  const p = new URLSearchParams({ page_size: '50' });
  if (q) p.set('q', q);
  if (category) p.set('category', category);
  const r = await api('GET', `/v1/services?${p}`);
  if (!r.ok) return main.append(notice(problemText(r), 'error'));
  main.append(h('h2', { id: 'results' }, t('catalog.results', { n: fmtNum(r.data.total) })));
  if (!r.data.items.length) return main.append(h('p', { class: 'empty' }, t('catalog.none')));
  main.append(h('ul', { class: 'results', 'aria-labelledby': 'results' }, r.data.items.map((s) =>
    h('li', { class: 'card' },
      h('h3', {}, h('a', { href: `#/services/${encodeURIComponent(s.id)}` }, s.title)),
      h('p', {}, s.description),
      h('p', { class: 'meta' }, `${t('service.agency')}: ${s.agency.toUpperCase()} · ${t('service.fee')}: `,
        s.fee_pkr ? t('money.pkr', { amount: s.fee_pkr }) : t('service.free'))))));
}

export async function service(main, { id }) {
  const r = await api('GET', `/v1/services/${encodeURIComponent(id)}`);
  if (!r.ok) {
    heading(main, t('service.title'));
    return main.append(notice(problemText(r), 'error'));
  }
  const s = r.data;
  const lang = getLang();
  heading(main, localized(s.title, lang), h('p', { class: 'lead' }, localized(s.description, lang)));
  main.append(dl([
    [t('service.agency'), s.agency.toUpperCase()],
    [t('catalog.category'), tOr(`category.${s.category}`, s.category)],
    [t('service.fee'), s.fee ? t('money.pkr', { amount: fmtNum(s.fee.amount_pkr) }) : t('service.free')],
    [t('service.applicant'), t(s.applicant === 'organisation' ? 'service.applicant_org' : s.applicant === 'both' ? 'service.applicant_both' : 'service.applicant_person')],
    s.certificate && [t('service.certificate'), localized(s.certificate.title, lang)],
  ]));
  main.append(h('h2', {}, t('service.requirements')));
  main.append(table(t('service.requirements'), [t('service.field'), t('service.required')],
    s.form.map((f) => [localized(f.label, lang), f.required ? t('common.yes') : t('common.no')]), t('service.no_fields')));
  main.append(h('h2', {}, t('service.steps')));
  main.append(h('ol', { class: 'steps' }, s.workflow.states.filter((st) => st.outcome === 'none' || !st.outcome)
    .map((st) => h('li', {}, localized(st.label, lang), st.sla_working_days ? ` — ${t('service.sla', { n: fmtNum(st.sla_working_days) })}` : ''))));
  main.append(h('p', {}, currentUser()
    ? h('a', { class: 'button', href: `#/apply/${encodeURIComponent(s.id)}` }, t('service.apply'))
    : h('a', { class: 'button', href: `#/login?next=${encodeURIComponent('/apply/' + s.id)}` }, t('service.login_to_apply'))));
}
