// Copies the npm packages the pages use into web/vendor/ and writes FILE.gz beside each text
// asset (served when the browser accepts gzip). Run by scripts/build.sh after `npm ci`.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const web = join(dirname(fileURLToPath(import.meta.url)), '..', 'web');
const modules = join(web, '..', 'node_modules');
const vendor = join(web, 'vendor');
mkdirSync(vendor, { recursive: true });

const kVendored = [
  ['uplot/dist/uPlot.iife.min.js', 'uPlot.iife.min.js'],
  ['uplot/dist/uPlot.min.css', 'uPlot.min.css'],
  ['@fontsource/noto-naskh-arabic/files/noto-naskh-arabic-arabic-400-normal.woff2', 'noto-naskh-arabic-arabic-400-normal.woff2'],
];
for (const [from, to] of kVendored) copyFileSync(join(modules, from), join(vendor, to));

const kCompress = /\.(js|css|json|html|svg)$/;
let files = 0;
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (kCompress.test(name)) {
      writeFileSync(`${p}.gz`, gzipSync(readFileSync(p), { level: 9 }));
      files++;
    }
  }
}
walk(web);
console.log(`web: vendored ${kVendored.length} files, compressed ${files}`);
