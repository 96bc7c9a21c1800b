// My applications: the list (drafts first to continue), and one application with its timeline,
// the actions open to me (answer a request for more information, withdraw) and its certificate.
import { h, table, notice, dl } from '../lib/dom.js';
import { t, tOr, getLang, fmtDateTime, fmtDate } from '../lib/i18n.js';
import { api } from '../lib/api.js';
import { heading, problemText, localized, pager } from '../lib/page.js';
import { buildFields, errorSummary, summarySlot } from '../lib/form.js';
import { uploadDocument } from './apply.js';

export const stateText = (a) => a.state_label || tOr(`state.${a.state}`, a.state);

export async function list(main, _p, query) {
  heading(main, t('applications.title'));
  // Newest first; pages go on by `after` (the page before's next_after), however many there are.
  const p = new URLSearchParams({ page_size: '100' });
  if (query.get('after')) p.set('after', query.get('after'));
  const r = await api('GET', `/v1/applications?${p}`);
  if (!r.ok) return main.append(notice(problemText(r), 'error'));
  const drafts = r.data.items.filter((a) => a.state === 'draft');
  const filed = r.data.items.filter((a) => a.state !== 'draft');
  main.append(h('h2', {}, t('applications.filed')));
  main.append(table(t('applications.filed'), [t('applications.tracking'), t('applications.service'), t('applications.state'), t('applications.submitted')],
    filed.map((a) => [h('a', { href: `#/applications/${encodeURIComponent(a.id)}` }, a.tracking_number || a.id), a.service_id, stateText(a), fmtDate(a.submitted_at)]),
    t('applications.none')));
  main.append(h('h2', {}, t('applications.drafts')));
  main.append(table(t('applications.drafts'), [t('applications.service'), t('applications.created'), t('applications.action')],
    drafts.map((a) => [a.service_id, fmtDate(a.created_at),
      h('a', { href: `#/apply/${encodeURIComponent(a.service_id)}/${encodeURIComponent(a.id)}` }, t('applications.continue'))]),
    t('applications.no_drafts')));
  const nav = pager(t('applications.pages'), { first: query.get('after') ? '#/applications' : null,
    next: r.data.next_after ? `#/applications?${new URLSearchParams({ after: r.data.next_after })}` : null });
  if (nav) main.append(nav);
}

export function timeline(a, def, lang) {
  const stateLabel = (id) => localized(def?.workflow.states.find((s) => s.id === id)?.label, lang) || id;
  return h('ol', { class: 'timeline' }, a.timeline.map((e) => h('li', {},
    h('p', { class: 'when' }, fmtDateTime(e.at)),
    h('p', {}, e.to ? t('timeline.moved', { to: stateLabel(e.to) }) : tOr(`event.${e.kind}`, e.kind),
      e.by_role ? ` (${tOr(`role.${e.by_role}`, e.by_role)})` : ''),
    e.comment ? h('blockquote', {}, e.comment) : null)));
}

// The application and its service definition, with the page's heading; null (and the reason
// shown) when the application cannot be read.
export async function loadApplication(main, id) {
  const r = await api('GET', `/v1/applications/${encodeURIComponent(id)}`);
  if (!r.ok) {
    heading(main, t('applications.one'));
    main.append(notice(problemText(r), 'error'));
    return null;
  }
  const def = (await api('GET', `/v1/services/${encodeURIComponent(r.data.service_id)}`)).data;
  heading(main, `${r.data.service_title} — ${r.data.tracking_number || ''}`);
  return { a: r.data, def };
}

export async function detail(main, { id }, query) {
  const lang = getLang();
  const loaded = await loadApplication(main, id);
  if (!loaded) return;
  const { a, def } = loaded;
  if (query.get('submitted')) main.append(notice(t('applications.submitted_notice', { n: a.tracking_number })));
  main.append(dl([
    [t('applications.tracking'), a.tracking_number],
    [t('applications.state'), h('strong', {}, stateText(a))],
    [t('applications.submitted'), fmtDateTime(a.submitted_at)],
    [t('applications.decided'), fmtDateTime(a.decided_at)],
    a.fee_pkr !== '0.00' && [t('service.fee'), `${t('money.pkr', { amount: a.fee_pkr })} (${t('applications.paid')}: ${a.paid_pkr})`],
  ]));
  if (a.certificate_id) {
    main.append(notice(t('applications.certificate_ready')),
      h('p', {}, h('a', { href: '#/certificates' }, t('applications.see_certificate'))));
  }
  const transitions = (def?.workflow.transitions || []).filter((tr) => a.allowed_transitions.includes(tr.id) && tr.roles.includes('applicant'));
  const answer = transitions.find((tr) => tr.applicant_edits);
  if (answer) main.append(answerForm(a, def, answer, lang));
  for (const tr of transitions.filter((x) => !x.applicant_edits)) {
    main.append(h('p', {}, h('button', { type: 'button', class: 'secondary', onclick: async (e) => {
      e.target.disabled = true;
      const res = await api('POST', `/v1/applications/${a.id}/transitions`, { transition: tr.id });
      if (!res.ok) { e.target.disabled = false; return main.append(notice(problemText(res), 'error')); }
      location.hash = `#/applications/${encodeURIComponent(a.id)}`;
    } }, localized(tr.label, lang))));
  }
  main.append(h('h2', {}, t('applications.timeline')), timeline(a, def, lang));
}

// The officer asked for more: show the request, let the applicant change the data and reply.
function answerForm(a, def, tr, lang) {
  const asked = [...a.timeline].reverse().find((e) => e.to === a.state && e.comment);
  const summary = summarySlot();
  const form = h('form', { novalidate: true, class: 'stack' });
  const section = h('section', { class: 'panel', 'aria-labelledby': 'answer-title' },
    h('h2', { id: 'answer-title' }, t('answer.title')),
    asked ? h('blockquote', {}, asked.comment) : null, summary, form);
  const fields = buildFields(form, def.form, a.data, lang, uploadDocument);
  const comment = h('textarea', { id: 'answer-comment', rows: '3' });
  form.append(h('div', { class: 'field' }, h('label', { for: 'answer-comment' }, t('answer.comment')), comment),
    h('button', { type: 'submit' }, localized(tr.label, lang)));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    fields.clearErrors();
    const body = { transition: tr.id, data: fields.read() };
    if (comment.value.trim()) body.comment = comment.value.trim();
    const r = await api('POST', `/v1/applications/${a.id}/transitions`, body);
    if (!r.ok) return errorSummary(summary, r.data?.errors ? fields.showErrors(r.data.errors, '/data') : [], problemText(r));
    location.hash = `#/applications/${encodeURIComponent(a.id)}?answered=1`;
  });
  return section;
}
