// The citizen's own things: certificates, organisations, who looked at my data, consents, inbox.
import { h, table, notice } from '../lib/dom.js';
import { t, tOr, fmtDate, fmtDateTime } from '../lib/i18n.js';
import { api } from '../lib/api.js';
import { heading, problemText } from '../lib/page.js';

export async function certificates(main) {
  heading(main, t('certificates.title'));
  const r = await api('GET', '/v1/me/certificates');
  if (!r.ok) return main.append(notice(problemText(r), 'error'));
  if (!r.data.items.length) return main.append(h('p', { class: 'empty' }, t('certificates.none')));
  main.append(h('ul', { class: 'cards' }, r.data.items.map((c) => {
    const id = encodeURIComponent(c.id);
    return h('li', { class: 'card certificate' },
      h('h2', {}, tOr(`certificate.${c.type}`, c.type)),
      h('p', {}, `${t('certificates.number')}: `, h('span', { dir: 'ltr' }, c.id)),
      h('p', {}, `${t('certificates.issued')}: ${fmtDate(c.issued_at)} · ${t('certificates.valid_until')}: ${c.valid_until ? fmtDate(c.valid_until) : t('certificates.no_expiry')}`),
      h('p', {}, `${t('certificates.status')}: ${tOr(`status.${c.status}`, c.status)}`),
      h('img', { src: `/v1/certificates/${id}/qr.svg`, alt: t('certificates.qr_alt'), width: '160', height: '160', class: 'qr' }),
      h('ul', { class: 'inline' },
        h('li', {}, h('a', { href: `/v1/certificates/${id}`, download: `${c.id}.json` }, t('certificates.download'))),
        h('li', {}, h('a', { href: `/v1/certificates/${id}/verify`, class: 'verify-link' }, t('certificates.verify')))));
  })));
}

export async function organisations(main) {
  heading(main, t('organisations.title'));
  const r = await api('GET', '/v1/organisations');
  if (!r.ok) return main.append(notice(problemText(r), 'error'));
  main.append(table(t('organisations.title'), [t('organisations.name'), t('organisations.ntn'), t('organisations.secp'), t('organisations.role')],
    (r.data.items || []).map((o) => [o.name, o.ntn || '—', o.secp_number || '—', o.role ? tOr(`role.${o.role}`, o.role) : '—']), t('organisations.none')));
}

export async function dataAccess(main) {
  heading(main, t('data_access.title'), h('p', {}, t('data_access.lead')));
  const r = await api('GET', '/v1/me/data-access?limit=100');
  if (!r.ok) return main.append(notice(problemText(r), 'error'));
  main.append(table(t('data_access.title'), [t('data_access.when'), t('data_access.who'), t('data_access.what'), t('data_access.why')],
    (r.data.items || []).map((e) => [fmtDateTime(e.at), [e.agency ? e.agency.toUpperCase() : '—', e.role ? ` (${tOr(`role.${e.role}`, e.role)})` : ''].join(''),
      `${e.action}${e.object_type ? ' · ' + e.object_type : ''}`, e.purpose || '—']), t('data_access.none')));
}

export async function consents(main) {
  heading(main, t('consents.title'), h('p', {}, t('consents.lead')));
  const status = h('div', { 'aria-live': 'polite' });
  main.append(status);
  const r = await api('GET', '/v1/me/consents');
  if (!r.ok) return main.append(notice(problemText(r), 'error'));
  main.append(table(t('consents.title'), [t('consents.agency'), t('consents.registry'), t('consents.fields'), t('consents.purpose'), t('consents.until'), t('consents.status'), t('applications.action')],
    r.data.items.map((c) => [c.agency.toUpperCase(), c.registry, c.fields.join(', '), c.purpose, fmtDate(c.valid_until), tOr(`status.${c.status}`, c.status),
      c.status === 'active' ? h('button', { type: 'button', class: 'secondary', 'aria-label': t('consents.revoke_named', { agency: c.agency.toUpperCase(), registry: c.registry }), onclick: async () => {
        const d = await api('DELETE', `/v1/me/consents/${encodeURIComponent(c.id)}`);
        if (!d.ok) return status.replaceChildren(notice(problemText(d), 'error'));
        await consents(main.replaceChildren() || main);
        main.prepend(notice(t('consents.revoked')));
      } }, t('consents.revoke')) : '—']), t('consents.none')));
}

export async function inbox(main) {
  heading(main, t('inbox.title'));
  const r = await api('GET', '/v1/me/notifications?limit=50&offset=0');
  if (!r.ok) return main.append(notice(problemText(r), 'error'));
  main.append(h('p', {}, t('inbox.unread', { n: r.data.unread ?? 0 })));
  if (!r.data.items.length) return main.append(h('p', { class: 'empty' }, t('inbox.none')));
  main.append(h('ul', { class: 'inbox' }, r.data.items.map((n) => h('li', { class: n.read_at ? 'card' : 'card unread' },
    h('h2', {}, n.title), h('p', {}, n.body),
    h('p', { class: 'meta' }, fmtDateTime(n.created_at), n.application_id ? [' · ', h('a', { href: `#/applications/${encodeURIComponent(n.application_id)}` }, n.tracking_number || n.application_id)] : ''),
    n.read_at ? null : h('button', { type: 'button', class: 'secondary', onclick: async (e) => {
      const m = await api('POST', `/v1/me/notifications/${encodeURIComponent(n.id)}/read`);
      if (!m.ok) return e.target.after(notice(problemText(m), 'error'));
      e.target.closest('li').classList.remove('unread');
      e.target.remove();
    } }, t('inbox.mark_read'))))));
}
