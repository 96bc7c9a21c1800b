// Every message key exists in both catalogues, and every key the pages use exists in them.
// A key "used" is a t('a.b') call or any string literal whose first segment is a catalogue
// namespace (keys chosen in lists, such as ['#/services', 'nav.services']), and each
// data-i18n attribute in the HTML. Run alone (`node tests/browser/i18n_check.mjs`) or by run.mjs.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export function checkCatalogues(webDir) {
  const en = JSON.parse(readFileSync(join(webDir, 'i18n', 'en.json'), 'utf8'));
  const ur = JSON.parse(readFileSync(join(webDir, 'i18n', 'ur.json'), 'utf8'));
  const problems = [];
  for (const k of Object.keys(en)) if (!(k in ur)) problems.push(`ur.json lacks "${k}"`);
  for (const k of Object.keys(ur)) if (!(k in en)) problems.push(`en.json lacks "${k}"`);
  for (const [k, v] of Object.entries(ur)) if (typeof v !== 'string' || !v.trim()) problems.push(`ur.json: "${k}" is empty`);
  for (const [k, v] of Object.entries(en)) {
    const vars = (s) => [...String(s).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
    if (k in ur && vars(v) !== vars(ur[k])) problems.push(`"${k}": placeholders differ between en and ur`);
  }
  const namespaces = new Set(Object.keys(en).map((k) => k.split('.')[0]));
  const files = [];
  const walk = (d) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (n === 'vendor' || n === 'i18n') continue;
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(js|html)$/.test(n)) files.push(p);
    }
  };
  walk(webDir);
  let used = 0;
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const keys = new Set();
    for (const m of text.matchAll(/['"`]([a-z_]+(?:\.[a-z0-9_-]+)+)['"`]/g)) if (namespaces.has(m[1].split('.')[0])) keys.add(m[1]);
    for (const m of text.matchAll(/\bt\(\s*'([^']+)'/g)) keys.add(m[1]);
    for (const m of text.matchAll(/data-i18n(?:-aria-label)?="([^"]+)"/g)) keys.add(m[1]);
    for (const k of keys) {
      used++;
      if (!(k in en)) problems.push(`${relative(webDir, f)} uses "${k}", missing from en.json`);
      if (!(k in ur)) problems.push(`${relative(webDir, f)} uses "${k}", missing from ur.json`);
    }
  }
  return { problems, keys: Object.keys(en).length, used };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const web = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web');
  const { problems, keys, used } = checkCatalogues(web);
  for (const p of problems) console.error(p);
  console.log(`i18n: ${keys} keys in each catalogue, ${used} uses checked: ${problems.length ? 'FAILED' : 'ok'}`);
  process.exit(problems.length ? 1 : 0);
}
