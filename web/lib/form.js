// The application form, generated from a service definition's `form` (docs/service-definition.md).
// Each field has a label, an optional hint, and a place for the server's error beside it; the
// error summary at the top links to each field. Nothing typed is lost when the server refuses.
import { h, append, clear } from './dom.js';
import { t } from './i18n.js';
import { localized } from './page.js';

const kLineListTypes = new Set(['ip_list', 'list']);
const kInputTypes = { email: 'email', phone: 'tel', date: 'date', integer: 'text', decimal: 'text', money: 'text' };
const kInputModes = { integer: 'numeric', decimal: 'decimal', money: 'decimal', cnic: 'numeric', ntn: 'numeric', phone: 'tel' };
const kAutocomplete = { email: 'email', phone: 'tel', country: 'country' };
const kFormatHints = {
  cnic: 'form.hint.cnic', ntn: 'form.hint.ntn', phone: 'form.hint.phone', email: 'form.hint.email',
  ip_list: 'form.hint.ip_list', list: 'form.hint.list', country: 'form.hint.country', date: 'form.hint.date',
  money: 'form.hint.money', document: 'form.hint.document',
};

function control(field, id, describedBy, lang) {
  const common = { id, name: field.name, 'aria-describedby': describedBy || null, required: field.required || null };
  switch (field.type) {
    case 'long_text':
      return h('textarea', { ...common, rows: '4', maxlength: field.max ? String(field.max) : null });
    case 'ip_list':
    case 'list':
      return h('textarea', { ...common, rows: '4', spellcheck: 'false', dir: field.type === 'ip_list' ? 'ltr' : null });
    case 'enum':
      return h('select', common, h('option', { value: '' }, t('form.choose')),
        (field.options || []).map((o) => h('option', { value: o.value }, localized(o.label, lang))));
    case 'boolean':
      return h('input', { ...common, type: 'checkbox', required: null });
    case 'document':
      return h('input', { ...common, type: 'file', accept: 'application/pdf,image/png,image/jpeg' });
    default:
      return h('input', {
        ...common,
        type: kInputTypes[field.type] || 'text',
        inputmode: kInputModes[field.type] || null,
        autocomplete: kAutocomplete[field.type] || 'off',
        maxlength: field.type === 'text' && field.max ? String(field.max) : null,
        dir: ['cnic', 'ntn', 'phone', 'email', 'country'].includes(field.type) ? 'ltr' : null,
      });
  }
}

function setValue(el, field, v) {
  if (v === undefined || v === null) return;
  if (field.type === 'boolean') el.checked = !!v;
  else if (kLineListTypes.has(field.type) || (field.type === 'document' && Array.isArray(v))) el.value = [].concat(v).join('\n');
  else if (field.type === 'money') el.value = v.amount ?? '';
  else if (field.type !== 'document') el.value = v;
}

function readValue(el, field) {
  if (field.type === 'boolean') return el.checked;
  if (field.type === 'document') return el.dataset.documentId || undefined;
  const raw = el.value.trim();
  if (kLineListTypes.has(field.type)) {
    const items = raw.split(/[\n,]+/).map((s) => s.trim()).filter(Boolean);
    return items.length ? items : undefined;
  }
  if (raw === '') return undefined;
  // Numbers go as numbers when they parse; otherwise as typed, for the server to explain.
  if (field.type === 'integer' || field.type === 'decimal') return Number.isFinite(Number(raw)) ? Number(raw) : raw;
  if (field.type === 'money') return { amount: Number.isFinite(Number(raw)) ? Number(raw) : raw, currency: field.currency };
  if (field.type === 'country') return raw.toUpperCase();
  return raw;
}

// Builds the form's fields inside `container`. Returns {read, showErrors, clearErrors}.
export function buildFields(container, fields, data, lang, uploadDocument) {
  const parts = new Map();
  for (const f of fields) {
    const id = `f-${f.name}`;
    const hintId = `${id}-hint`;
    const errId = `${id}-error`;
    const hints = [localized(f.help, lang), kFormatHints[f.type] ? t(kFormatHints[f.type]) : ''].filter(Boolean);
    const el = control(f, id, `${hints.length ? hintId : ''} ${errId}`.trim(), lang);
    setValue(el, f, data?.[f.name]);
    if (f.type === 'document' && uploadDocument) {
      if (typeof data?.[f.name] === 'string') el.dataset.documentId = data[f.name];
      el.addEventListener('change', async () => {
        delete el.dataset.documentId;
        if (el.files[0]) {
          const id2 = await uploadDocument(el.files[0]);
          if (id2) el.dataset.documentId = id2;
        }
      });
    }
    const label = h('label', { for: id }, localized(f.label, lang), f.required ? '' : h('span', { class: 'optional' }, ` (${t('form.optional')})`));
    const error = h('p', { id: errId, class: 'field-error', hidden: true });
    const wrap = h('div', { class: `field field-${f.type}` }, label,
      hints.length ? h('p', { id: hintId, class: 'hint' }, hints.join(' ')) : null, error, el);
    if (f.type === 'boolean') wrap.classList.add('field-inline');
    container.append(wrap);
    parts.set(f.name, { f, el, error, wrap });
  }
  return {
    read() {
      const out = {};
      for (const [name, { f, el }] of parts) {
        const v = readValue(el, f);
        if (v !== undefined) out[name] = v;
      }
      return out;
    },
    clearErrors() {
      for (const { el, error, wrap } of parts.values()) {
        error.hidden = true;
        clear(error);
        el.removeAttribute('aria-invalid');
        wrap.classList.remove('has-error');
      }
    },
    // errors: the problem body's [{path, message}], paths relative to data. Returns the
    // summary entries [{href, text}] in form order.
    showErrors(errors, prefix = '') {
      const entries = [];
      for (const e of errors) {
        const path = e.path.startsWith(prefix) ? e.path.slice(prefix.length) : e.path;
        const [name, item] = path.split('/').filter(Boolean);
        const part = parts.get(name);
        const msg = item !== undefined && /^\d+$/.test(item) ? `${t('form.item', { n: Number(item) + 1 })}: ${e.message}` : e.message;
        if (!part) { entries.push({ href: null, text: msg, order: -1 }); continue; }
        part.error.hidden = false;
        append(part.error, [h('span', { class: 'visually-hidden' }, `${t('form.error')}: `), msg, ' ']);
        part.el.setAttribute('aria-invalid', 'true');
        part.wrap.classList.add('has-error');
        entries.push({ href: `#${part.el.id}`, text: `${localized(part.f.label, document.documentElement.lang)}: ${msg}`, order: [...parts.keys()].indexOf(name) });
      }
      return entries.sort((a, b) => a.order - b.order);
    },
  };
}

// The summary of a refused form: a titled alert with a link to each field; receives focus.
export function errorSummary(slot, entries, fallbackText) {
  clear(slot);
  if (!entries.length && !fallbackText) { slot.hidden = true; return; }
  slot.hidden = false;
  append(slot, [
    h('h2', { id: 'error-summary-title' }, t('form.problem')),
    h('ul', {}, entries.length
      ? entries.map((e) => h('li', {}, e.href ? h('a', { href: e.href }, e.text) : e.text))
      : h('li', {}, fallbackText)),
  ]);
  slot.focus();
}

export function summarySlot() {
  return h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', 'aria-labelledby': 'error-summary-title', hidden: true });
}
