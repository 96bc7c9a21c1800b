// Applying: the form generated from the service definition, saved as a draft or submitted.
// A refusal shows the server's errors beside each field and in a summary; what was typed stays.
import { h, notice } from '../lib/dom.js';
import { t, getLang } from '../lib/i18n.js';
import { api, csrfToken } from '../lib/api.js';
import { heading, problemText, localized } from '../lib/page.js';
import { buildFields, errorSummary, summarySlot } from '../lib/form.js';

export async function uploadDocument(file) {
  const r = await fetch(`/v1/documents?filename=${encodeURIComponent(file.name)}`, {
    method: 'POST', body: file, credentials: 'same-origin',
    headers: { 'Content-Type': file.type || 'application/octet-stream', 'X-CSRF-Token': csrfToken() },
  });
  return r.ok ? (await r.json()).id : null;
}

export async function apply(main, { service, draft }) {
  const lang = getLang();
  const [def, existing] = await Promise.all([
    api('GET', `/v1/services/${encodeURIComponent(service)}`),
    draft ? api('GET', `/v1/applications/${encodeURIComponent(draft)}`) : Promise.resolve(null),
  ]);
  if (!def.ok) {
    heading(main, t('apply.title'));
    return main.append(notice(problemText(def), 'error'));
  }
  let draftId = existing?.ok && existing.data.state === 'draft' ? existing.data.id : null;
  heading(main, t('apply.title_for', { service: localized(def.data.title, lang) }), h('p', {}, t('apply.lead')));
  const summary = summarySlot();
  const status = h('div', { 'aria-live': 'polite' });
  const form = h('form', { novalidate: true, class: 'stack', 'aria-describedby': 'apply-required' });
  form.append(h('p', { id: 'apply-required', class: 'hint' }, t('apply.required_note')));
  const fields = buildFields(form, def.data.form, existing?.ok ? existing.data.data : {}, lang, uploadDocument);
  const saveButton = h('button', { type: 'button', class: 'secondary' }, t('apply.save_draft'));
  form.append(h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('apply.submit')), saveButton));

  const refused = (r) => errorSummary(summary, r.data?.errors ? fields.showErrors(r.data.errors, '/data') : [], problemText(r));

  saveButton.addEventListener('click', async () => {
    fields.clearErrors();
    const data = fields.read();
    const r = draftId
      ? await api('PATCH', `/v1/applications/${draftId}`, { data })
      : await api('POST', '/v1/applications', { service_id: service, data, draft: true });
    if (!r.ok) return refused(r);
    summary.hidden = true;
    draftId = r.data.id;
    status.replaceChildren(notice(t('apply.draft_saved')));
  });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    fields.clearErrors();
    const data = fields.read();
    let r;
    if (draftId) {
      r = await api('PATCH', `/v1/applications/${draftId}`, { data });
      if (r.ok) r = await api('POST', `/v1/applications/${draftId}/submit`);
    } else {
      r = await api('POST', '/v1/applications', { service_id: service, data });
    }
    if (!r.ok) return refused(r);
    location.hash = `#/applications/${encodeURIComponent(r.data.id)}?submitted=1`;
  });
  main.append(summary, form, status);
}
