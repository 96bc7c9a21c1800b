// The IT-sector dashboard: one chart per indicator series (uPlot, vendored from npm by
// scripts/build.sh) with the same figures in a table beside it, and the platform's live figures.
import { h, table, notice } from '../lib/dom.js';
import { t, fmtNum, fmtDateTime } from '../lib/i18n.js';
import { api } from '../lib/api.js';
import { heading, problemText } from '../lib/page.js';

let uplotReady = null;
function loadUPlot() {
  if (window.uPlot) return Promise.resolve(window.uPlot);
  uplotReady ??= new Promise((resolve, reject) => {
    document.head.append(h('link', { rel: 'stylesheet', href: '/assets/vendor/uPlot.min.css' }));
    document.head.append(h('script', { src: '/assets/vendor/uPlot.iife.min.js', onload: () => resolve(window.uPlot), onerror: reject }));
  });
  return uplotReady;
}

function chart(UPlot, holder, series, points) {
  const labels = points.map((p) => p.period);
  const width = Math.max(280, Math.min(holder.clientWidth || 560, 640));
  const opts = {
    width, height: 220,
    title: '',
    legend: { show: false },
    scales: { x: { time: false } },
    axes: [
      { values: (_u, splits) => splits.map((i) => labels[i] ?? ''), stroke: '#1f2933' },
      { values: (_u, splits) => splits.map((v) => fmtNum(v)), stroke: '#1f2933', size: 70 },
    ],
    series: [{}, { label: series.title, stroke: '#0b6e4f', width: 2, fill: 'rgba(11,110,79,0.12)', points: { show: true, size: 6 } }],
  };
  const plot = new UPlot(opts, [points.map((_p, i) => i), points.map((p) => p.value)], holder);
  plot.root.setAttribute('aria-hidden', 'true');  // the table beside it carries the figures
  return plot;
}

export async function dashboard(main) {
  heading(main, t('dashboard.title'), h('p', {}, t('dashboard.lead')));
  const [list, live] = await Promise.all([api('GET', '/v1/indicators'), api('GET', '/v1/indicators/live')]);
  if (!list.ok) return main.append(notice(problemText(list), 'error'));
  const UPlot = await loadUPlot();
  const charted = list.data.items.filter((s) => s.observations > 1);
  const details = await Promise.all(charted.map((s) => api('GET', `/v1/indicators/${encodeURIComponent(s.id)}`)));
  const grid = h('div', { class: 'charts' });
  main.append(grid);
  charted.forEach((s, i) => {
    const d = details[i].data;
    if (!d) return;
    const points = d.observations.filter((o) => o.period && o.kind === 'period');
    if (points.length < 2) return;
    const titleId = `chart-${i}-title`;
    const holder = h('div', { class: 'chart', role: 'img', 'aria-labelledby': titleId, 'aria-describedby': `chart-${i}-table` });
    const fig = h('section', { class: 'chart-card', 'aria-labelledby': titleId },
      h('h2', { id: titleId }, `${s.title} (${s.unit})`), holder,
      h('div', { id: `chart-${i}-table` }, table(t('dashboard.table_caption', { title: s.title }), [t('dashboard.period'), `${t('dashboard.value')} (${s.unit})`],
        points.map((p) => [p.period, fmtNum(p.value)]), '')),
      h('p', { class: 'meta' }, `${t('dashboard.source')}: ${s.source}`));
    grid.append(fig);
    chart(UPlot, holder, s, points);
  });
  if (!grid.childElementCount) grid.append(h('p', { class: 'empty' }, t('dashboard.none')));
  if (live.ok && live.data.items.length) {
    main.append(h('h2', {}, t('dashboard.live')), table(t('dashboard.live'), [t('dashboard.figure'), t('dashboard.value'), t('dashboard.computed')],
      live.data.items.map((f) => [f.title, `${fmtNum(f.value)} ${f.unit}`, fmtDateTime(f.computed_at)]), ''));
  }
}
