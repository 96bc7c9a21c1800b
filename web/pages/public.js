// Public pages, no login: verify a certificate (the QR code's link lands here), search a
// registry's public fields, and the foreign-engagement follow-through tracker.
import { h, table, notice, dl } from '../lib/dom.js';
import { t, tOr, fmtDate, fmtNum } from '../lib/i18n.js';
import { api } from '../lib/api.js';
import { heading, problemText } from '../lib/page.js';

export async function verify(main, { id }) {
  heading(main, t('verify.title'), h('p', {}, t('verify.lead')));
  const input = h('input', { id: 'cert-id', value: id || '', dir: 'ltr', autocomplete: 'off' });
  const form = h('form', { class: 'search' },
    h('div', { class: 'field' }, h('label', { for: 'cert-id' }, t('verify.id')), input),
    h('button', { type: 'submit' }, t('verify.check')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (input.value.trim()) location.hash = `#/verify/${encodeURIComponent(input.value.trim())}`;
  });
  main.append(form);
  if (!id) return;
  const r = await api('GET', `/v1/certificates/${encodeURIComponent(id)}/verify`);
  if (!r.ok) return main.append(notice(r.status === 404 ? t('verify.not_found') : problemText(r), 'error'));
  const v = r.data;
  const c = v.certificate;
  const verdict = { valid: t('verify.valid'), revoked: t('verify.revoked'), expired: t('verify.expired'), invalid: t('verify.invalid') }[v.status] || v.status;
  main.append(h('section', { class: `verdict verdict-${v.valid ? 'valid' : 'invalid'}`, 'aria-labelledby': 'verdict-title' },
    h('h2', { id: 'verdict-title', role: 'status' }, verdict),
    dl([
      [t('verify.type'), tOr(`certificate.${c.type}`, c.type)],
      [t('certificates.number'), h('span', { dir: 'ltr' }, c.id)],
      [t('applications.tracking'), c.tracking_number],
      [t('service.agency'), (c.agency || '').toUpperCase()],
      [t('certificates.issued'), fmtDate(c.issued_at)],
      [t('certificates.valid_until'), c.valid_until ? fmtDate(c.valid_until) : t('certificates.no_expiry')],
      [t('verify.key'), h('span', { dir: 'ltr' }, v.public_key.key_id)],
    ]),
    c.data && Object.keys(c.data).length ? table(t('verify.data'), [t('service.field'), t('officer.value')],
      Object.entries(c.data).map(([k, val]) => [k, h('span', { dir: 'auto' }, Array.isArray(val) ? val.join(', ') : typeof val === 'object' ? JSON.stringify(val) : String(val))]), '') : null));
}

// Choose a registry and search words; submitting moves to `route` with both in the query.
export function registrySearchForm(items, name, q, route, label) {
  const sel = h('select', { id: 'reg' }, items.map((x) => h('option', { value: x.name, selected: x.name === name }, `${x.title} (${x.agency.toUpperCase()})`)));
  const qIn = h('input', { id: 'reg-q', type: 'search', value: q });
  const form = h('form', { class: 'search', role: 'search', 'aria-label': label },
    h('div', { class: 'field' }, h('label', { for: 'reg' }, t('registry.registry')), sel),
    h('div', { class: 'field' }, h('label', { for: 'reg-q' }, t('registry.search')), qIn),
    h('button', { type: 'submit' }, t('catalog.search_button')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = `${route}?${new URLSearchParams({ registry: sel.value, q: qIn.value.trim() })}`;
  });
  return form;
}

export async function registries(main, _p, query) {
  heading(main, t('registry.title'), h('p', {}, t('registry.lead')));
  const list = await api('GET', '/v1/registries');
  if (!list.ok) return main.append(notice(problemText(list), 'error'));
  const items = list.data.items || [];
  const name = query.get('registry') || items[0]?.name || '';
  const q = query.get('q') || '';
  main.append(registrySearchForm(items, name, q, '#/registries', t('registry.title')));
  if (!name) return;
  const schema = items.find((x) => x.name === name);
  // Pages: a listing goes on by `after` (the page before's next_after, however deep), a search
  // by number (its ranked matches end at 1,000). `size` (1-100) lets a shared link choose the page size.
  const size = String(Math.min(100, Math.max(1, Number.parseInt(query.get('size') || '50', 10) || 50)));
  const after = q ? '' : query.get('after') || '';
  const page = q ? Math.max(1, Number.parseInt(query.get('page') || '1', 10) || 1) : 1;
  const params = { q, page_size: size };
  if (after) params.after = after;
  if (page > 1) params.page = String(page);
  const r = await api('GET', `/v1/registries/${encodeURIComponent(name)}/records?${new URLSearchParams(params)}`);
  if (!r.ok) return main.append(notice(problemText(r), 'error'));
  const cols = (schema?.public_fields || schema?.fields || []).map((f) => f.name).slice(0, 5);
  const label = (n) => {
    const f = (schema?.public_fields || schema?.fields || []).find((x) => x.name === n);
    return f?.label ? (document.documentElement.lang === 'ur' ? f.label.ur : f.label.en) || n : n;
  };
  // A search matching more than the platform ranks says so (total_exact false), with the way on.
  const caption = r.data.total_exact !== false ? 'registry.results' : q ? 'registry.results_more' : 'registry.results_over';
  main.append(table(t(caption, { n: fmtNum(r.data.total) }), [t('registry.number'), t('registry.status'), ...cols.map(label)],
    r.data.items.map((rec) => [rec.number, tOr(`status.${rec.status}`, rec.status),
      ...cols.map((c) => { const v = rec.fields?.[c]; return v === undefined ? '—' : Array.isArray(v) ? v.join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v); })]),
    t('registry.none')));
  const next = { registry: name, q, size };
  if (r.data.next_after) next.after = r.data.next_after;
  else if (q && page * Number(size) < r.data.total) next.page = String(page + 1);
  else return;
  main.append(h('nav', { class: 'pager', 'aria-label': t('registry.pages') },
    h('a', { href: `#/registries?${new URLSearchParams(next)}`, rel: 'next' }, t('registry.next_page'))));
}

export async function engagements(main) {
  heading(main, t('engagements.title'), h('p', {}, t('engagements.lead')));
  const [sum, list] = await Promise.all([api('GET', '/v1/engagements/summary'), api('GET', '/v1/engagements')]);
  if (!list.ok) return main.append(notice(problemText(list), 'error'));
  if (sum.ok) {
    main.append(h('h2', {}, t('engagements.summary')), table(t('engagements.stages'),
      [t('engagements.stage'), t('engagements.reached'), t('engagements.median_days')],
      (sum.data.reached || []).map((s) => [tOr(`stage.${s.stage}`, s.stage), fmtNum(s.commitments ?? s.count ?? 0), s.median_days == null ? '—' : fmtNum(s.median_days)]),
      t('engagements.none')));
  }
  main.append(h('h2', {}, t('engagements.list')));
  main.append(table(t('engagements.list'), [t('engagements.name'), t('engagements.country'), t('engagements.date'), t('engagements.commitments'), t('engagements.latest')],
    list.data.items.map((e) => [e.title || e.name || e.id, e.country_name || e.country || '—', e.date || '—', fmtNum((e.commitments || []).length),
      (e.commitments || []).map((c) => `${c.title || c.description || ''}: ${tOr(`stage.${c.stage}`, c.stage)}`).join('; ') || '—']),
    t('engagements.none')));
}
