// The officer console: my agency's queue (filters, SLA colouring), an application's detail with
// the data the exchange pulled, the actions the workflow allows me, and registry record status.
import { h, table, notice, dl, clear } from '../lib/dom.js';
import { t, tOr, getLang, fmtDate, fmtDateTime, fmtNum } from '../lib/i18n.js';
import { api, staffAgencies } from '../lib/api.js';
import { heading, problemText, localized, pager } from '../lib/page.js';
import { timeline, stateText, loadApplication } from './applications.js';
import { registrySearchForm } from './public.js';

const kSoonMs = 2 * 24 * 3600 * 1000;  // "due soon": within two days

// Colour never carries the meaning alone: each badge also says it in words.
function slaBadge(a) {
  if (!a.open || !a.sla_due_at) return h('span', { class: 'sla sla-none' }, t('sla.none'));
  if (a.overdue) return h('span', { class: 'sla sla-overdue' }, t('sla.overdue', { date: fmtDate(a.sla_due_at) }));
  const soon = new Date(a.sla_due_at).getTime() - Date.now() < kSoonMs;
  return h('span', { class: `sla ${soon ? 'sla-soon' : 'sla-ok'}` }, t(soon ? 'sla.soon' : 'sla.ok', { date: fmtDate(a.sla_due_at) }));
}

function agencyPicker(agency, onChange) {
  const agencies = staffAgencies();
  if (agencies.length < 2) return null;
  const s = h('select', { id: 'agency' }, agencies.map((a) => h('option', { value: a, selected: a === agency }, a.toUpperCase())));
  s.addEventListener('change', () => onChange(s.value));
  return h('div', { class: 'field' }, h('label', { for: 'agency' }, t('officer.agency')), s);
}

export async function queue(main, _p, query) {
  const agency = query.get('agency') || staffAgencies()[0];
  heading(main, t('officer.queue_title', { agency: agency.toUpperCase() }));
  // Another agency or other filters list their queue from its first page (no `after`).
  const hrefFor = (over) => {
    const p = new URLSearchParams({ agency, ...Object.fromEntries(query), after: '', ...over });
    for (const [k, v] of [...p]) if (!v) p.delete(k);
    return '#/officer?' + p;
  };
  const go = (over) => { location.hash = hrefFor(over); };
  const stateIn = h('input', { id: 'filter-state', value: query.get('state') || '', dir: 'ltr' });
  const serviceIn = h('input', { id: 'filter-service', value: query.get('service') || '', dir: 'ltr' });
  const overdueIn = h('input', { id: 'filter-overdue', type: 'checkbox', checked: query.get('overdue') === 'true' });
  const form = h('form', { class: 'filters', 'aria-label': t('officer.filters') },
    agencyPicker(agency, (a) => go({ agency: a })),
    h('div', { class: 'field' }, h('label', { for: 'filter-state' }, t('officer.filter_state')), stateIn),
    h('div', { class: 'field' }, h('label', { for: 'filter-service' }, t('officer.filter_service')), serviceIn),
    h('div', { class: 'field field-inline' }, overdueIn, h('label', { for: 'filter-overdue' }, t('officer.filter_overdue'))),
    h('button', { type: 'submit' }, t('officer.apply_filters')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    go({ state: stateIn.value.trim(), service: serviceIn.value.trim(), overdue: overdueIn.checked ? 'true' : '' });
  });
  main.append(form, h('p', {}, h('a', { href: '#/officer/registries' }, t('officer.registries_link'))));
  // Pages go on by `after` (the page before's next_after), however deep the queue.
  const p = new URLSearchParams({ page_size: '100' });
  for (const k of ['state', 'service', 'overdue', 'after']) if (query.get(k)) p.set(k, query.get(k));
  const r = await api('GET', `/v1/agencies/${encodeURIComponent(agency)}/queue?${p}`);
  if (!r.ok) return main.append(notice(problemText(r), 'error'));
  // A queue of more than the platform counts says so (total_exact false).
  main.append(table(t(r.data.total_exact === false ? 'officer.queue_caption_more' : 'officer.queue_caption', { n: fmtNum(r.data.total) }),
    [t('applications.tracking'), t('applications.service'), t('applications.state'), t('applications.submitted'), t('officer.sla'), t('officer.assigned')],
    r.data.items.map((a) => [h('a', { href: `#/officer/applications/${encodeURIComponent(a.id)}` }, a.tracking_number), a.service_id,
      tOr(`state.${a.state}`, a.state), fmtDate(a.submitted_at), slaBadge(a), a.assigned ? t('common.yes') : t('common.no')]),
    t('officer.queue_empty')));
  const nav = pager(t('officer.pages'), { first: query.get('after') ? hrefFor({}) : null,
    next: r.data.next_after ? hrefFor({ after: r.data.next_after }) : null });
  if (nav) main.append(nav);
}

function exchangeSection(checks) {
  if (!checks?.length) return null;
  return h('section', { class: 'panel', 'aria-labelledby': 'exchange-title' },
    h('h2', { id: 'exchange-title' }, t('officer.exchange')),
    checks.map((c) => h('div', {},
      h('h3', {}, `${c.title} (${c.registry})`),
      h('p', {}, c.registered ? t('officer.registered') : t('officer.not_registered')),
      c.records.map((rec) => dl([[t('registry.number'), rec.number], [t('registry.status'), tOr(`status.${rec.status}`, rec.status)],
        ...Object.entries(rec.fields || {}).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)])])))));
}

export async function detail(main, { id }) {
  const lang = getLang();
  const loaded = await loadApplication(main, id);
  if (!loaded) return;
  const { a, def } = loaded;
  const status = h('div', { 'aria-live': 'polite' });
  const reload = () => detail(clear(main), { id });
  main.append(status, dl([
    [t('applications.state'), h('strong', {}, stateText(a))],
    [t('officer.sla'), slaBadge(a)],
    [t('applications.submitted'), fmtDateTime(a.submitted_at)],
    [t('officer.assigned'), a.assigned ? t('common.yes') : t('common.no')],
    a.fee_pkr !== '0.00' && [t('service.fee'), `${t('money.pkr', { amount: a.fee_pkr })} (${t('applications.paid')}: ${a.paid_pkr})`],
  ]));
  // Actions first: what the officer came to do.
  const actions = h('section', { class: 'panel', 'aria-labelledby': 'actions-title' }, h('h2', { id: 'actions-title' }, t('officer.actions')));
  const fail = (res) => status.replaceChildren(notice(problemText(res), 'error'));
  if (a.open && !a.assigned) {
    actions.append(h('button', { type: 'button', onclick: async () => {
      const res = await api('POST', `/v1/applications/${a.id}/claim`, {});
      if (!res.ok) return fail(res);
      await reload();
    } }, t('officer.claim')));
  }
  const transitions = (def?.workflow.transitions || []).filter((tr) => a.allowed_transitions.includes(tr.id) && !tr.roles.every((x) => x === 'applicant'));
  if (transitions.length) {
    const comment = h('textarea', { id: 'action-comment', rows: '3', 'aria-describedby': 'action-comment-hint' });
    actions.append(h('div', { class: 'field' }, h('label', { for: 'action-comment' }, t('officer.comment')),
      h('p', { class: 'hint', id: 'action-comment-hint' }, t('officer.comment_hint')), comment));
    actions.append(h('div', { class: 'actions' }, transitions.map((tr) => h('button', {
      type: 'button', class: tr.to === 'rejected' ? 'danger' : null, 'data-transition': tr.id,
      onclick: async () => {
        const body = { transition: tr.id };
        if (comment.value.trim()) body.comment = comment.value.trim();
        const res = await api('POST', `/v1/applications/${a.id}/transitions`, body);
        if (!res.ok) return fail(res);
        await reload();
        main.prepend(notice(t('officer.done', { action: localized(tr.label, lang) })));
      },
    }, localized(tr.label, lang)))));
  }
  if (a.open && a.fee_pkr !== '0.00' && a.paid_pkr !== a.fee_pkr) actions.append(paymentForm(a, fail, reload));
  if (actions.childElementCount === 1) actions.append(h('p', { class: 'empty' }, t('officer.no_actions')));
  main.append(actions);
  main.append(exchangeSection(a.exchange) || '');
  main.append(h('h2', {}, t('officer.data')), table(t('officer.data'), [t('service.field'), t('officer.value')],
    (def?.form || []).filter((f) => a.data[f.name] !== undefined).map((f) => [localized(f.label, lang),
      h('span', { dir: 'auto' }, Array.isArray(a.data[f.name]) ? a.data[f.name].join(', ') : typeof a.data[f.name] === 'object' ? JSON.stringify(a.data[f.name]) : String(a.data[f.name]))]),
    t('officer.no_data')));
  main.append(h('h2', {}, t('officer.history')), timeline(a, def, lang));
}

function paymentForm(a, fail, reload) {
  const amount = h('input', { id: 'pay-amount', inputmode: 'decimal', value: a.fee_pkr, dir: 'ltr' });
  const ref = h('input', { id: 'pay-ref', dir: 'ltr' });
  const form = h('form', { class: 'stack', 'aria-label': t('officer.payment') },
    h('h3', {}, t('officer.payment')),
    h('div', { class: 'field' }, h('label', { for: 'pay-amount' }, t('officer.amount')), amount),
    h('div', { class: 'field' }, h('label', { for: 'pay-ref' }, t('officer.reference')), ref),
    h('button', { type: 'submit' }, t('officer.record_payment')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const res = await api('POST', `/v1/applications/${a.id}/payments`, { amount_pkr: amount.value.trim(), reference: ref.value.trim() });
    if (!res.ok) return fail(res);
    await reload();
  });
  return form;
}

export async function registries(main, _p, query) {
  heading(main, t('officer.registries_title'));
  const mine = staffAgencies();
  const list = await api('GET', '/v1/registries');
  const own = (list.data?.items || []).filter((x) => mine.includes(x.agency));
  if (!own.length) return main.append(h('p', { class: 'empty' }, t('officer.no_registries')));
  const name = query.get('registry') || own[0].name;
  const q = query.get('q') || '';
  const form = registrySearchForm(own, name, q, '#/officer/registries', t('officer.registries_title'));
  const status = h('div', { 'aria-live': 'polite' });
  main.append(form, status);
  const r = await api('GET', `/v1/registries/${encodeURIComponent(name)}/records?${new URLSearchParams({ q, page_size: '50' })}`);
  if (!r.ok) return main.append(notice(problemText(r), 'error'));
  const act = (rec, action) => async () => {
    const reason = main.querySelector(`#reason-${CSS.escape(rec.id)}`).value.trim();
    const res = await api('POST', `/v1/registries/${encodeURIComponent(name)}/records/${encodeURIComponent(rec.id)}/status`, { action, reason });
    status.replaceChildren(notice(res.ok ? t('registry.changed', { number: rec.number }) : problemText(res), res.ok ? 'info' : 'error'));
    if (res.ok) main.querySelector(`#st-${CSS.escape(rec.id)}`).textContent = tOr(`status.${res.data.status}`, res.data.status);
  };
  main.append(table(t('registry.records'), [t('registry.number'), t('registry.status'), t('registry.valid_until'), t('registry.reason'), t('applications.action')],
    r.data.items.map((rec) => [rec.number, h('span', { id: `st-${rec.id}` }, tOr(`status.${rec.status}`, rec.status)), fmtDate(rec.valid_until),
      h('input', { id: `reason-${rec.id}`, 'aria-label': t('registry.reason_for', { number: rec.number }) }),
      h('div', { class: 'actions' }, [['suspend', t('registry.suspend')], ['reinstate', t('registry.reinstate')], ['revoke', t('registry.revoke')]]
        .map(([x, label]) => h('button', { type: 'button', class: 'secondary small', 'aria-label': `${label} ${rec.number}`, onclick: act(rec, x) }, label)))]),
    t('registry.none')));
}
