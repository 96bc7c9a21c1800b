// Browser tests (ctest: web_browser): starts `darwaza serve` on an ephemeral loopback port with
// a temporary data folder and the web pages, drives Debian's chromium with playwright-core:
//  1. the scenario: a citizen signs up, finds the VPN registration service in Urdu, applies with
//     one invalid CIDR, corrects it and submits; a PTA officer approves; the citizen sees the
//     certificate; a third party opens its QR link and sees it verified; the dashboard charts;
//  2. axe-core on every page in English and Urdu: no serious or critical violation (axe is
//     injected once per document and run with the WCAG 2.x A/AA tags; @axe-core/playwright's
//     AxeBuilder checks the scenario's refused form, and is ~5x slower per page, so not used
//     for all 44 runs);
//  3. first-load transferred bytes of the main pages (< 150 KB each), written to
//     docs/web-first-load.md, and screenshots of the main pages in both languages
//     (docs/screenshots/).
// Usage: node tests/browser/run.mjs [--binary build/darwaza] [--no-screenshots]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { checkCatalogues } from './i18n_check.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const opt = (name, def) => (args.includes(name) ? args[args.indexOf(name) + 1] : def);
const binary = resolve(opt('--binary', join(root, 'build', 'darwaza')));
const screenshots = !args.includes('--no-screenshots');
const kBudgetBytes = 150 * 1024;
const kAxeTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const axeSource = readFileSync(join(root, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const kTimeoutMs = 20000;

let passed = 0;
const failures = [];
async function check(name, fn) {
  const started = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    failures.push(name);
    console.log(`FAIL ${name}: ${e.stack || e}`);
  }
}
function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

// --- the server --------------------------------------------------------------------------
const dataDir = mkdtempSync(join(tmpdir(), 'darwaza-browser-'));
const portFile = join(dataDir, 'port');
assert(existsSync(binary), `no darwaza binary at ${binary}`);
assert(existsSync(join(root, 'web', 'vendor', 'uPlot.iife.min.js')), 'web/vendor is empty: run scripts/build.sh (npm ci + scripts/web_assets.mjs)');
const server = spawn(binary, ['serve', '--data', dataDir, '--listen', '127.0.0.1:0', '--port-file', portFile,
  '--web-dir', join(root, 'web'), '--registry-dir', join(root, 'data', 'registries'), '--catalog-dir', join(root, 'data', 'services'),
  '--seed-dir', join(root, 'data'), '--access-log', 'off', '--argon2-ops', '1', '--argon2-mem-kib', '8192', '--rate-limit-per-minute', '0'],
{ stdio: ['ignore', 'ignore', 'pipe'] });
let serverLog = '';
process.on('exit', () => { if (server.exitCode === null) server.kill('SIGKILL'); });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(1));  // ctest's timeout: stop the server too
server.stderr.on('data', (d) => { serverLog += d; });

async function waitReady() {
  const deadline = Date.now() + kTimeoutMs;
  while (Date.now() < deadline) {
    if (existsSync(portFile)) {
      const port = Number(readFileSync(portFile, 'utf8'));
      const r = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
      if (r?.ok) return port;
    }
    if (server.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server did not become ready:\n${serverLog}`);
}

function cliUser(role, agency, n) {
  const person = { cnic: `61101-99${String(n).padStart(5, '0')}-${n % 10}`, email: `${role}${n}@browser.test`, password: 'Officer-Pass-2026!' };
  const r = spawnSync(binary, ['user', 'create', '--data', dataDir, '--cnic', person.cnic, '--name', `Test ${role}`, '--email', person.email,
    '--mobile', `+9230000${String(n).padStart(5, '0')}`, '--role', role, '--agency', agency, '--password-stdin'], { input: `${person.password}\n` });
  assert(r.status === 0, `user create failed: ${r.stdout}${r.stderr}`);
  return person;
}

// --- the browser -------------------------------------------------------------------------
let browser;
async function launch() {
  // chromium.launch gives the browser a fresh temporary user-data-dir of its own each run.
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

const port = await waitReady();
const base = `http://127.0.0.1:${port}`;
await launch();
const newContext = () => browser.newContext({ viewport: { width: 1100, height: 900 }, baseURL: base, locale: 'en-GB' });

// Opens a page and waits until the app has rendered it (html[data-ready] names the route).
async function open(page, hash, lang) {
  const target = `/?lang=${lang}${hash}`;
  const current = page.url();
  if (current.startsWith('http')) await page.evaluate(() => delete document.documentElement.dataset.ready);
  // Only the fragment differs: the browser stays on the same document, whose language may have
  // been switched with the button since ?lang was read; load it afresh in that case.
  const sameDocument = current.split('#')[0] === new URL(target, base).href.split('#')[0];
  const stale = sameDocument && (await page.evaluate((l) => document.documentElement.lang !== l, lang));
  await page.goto(target);
  if (stale) await page.reload();
  const path = hash.slice(1).split('?')[0] || '/';
  await page.waitForFunction((p) => document.documentElement.dataset.ready === p, path, { timeout: kTimeoutMs });
}

async function loginVia(page, who) {
  await open(page, '#/login', 'en');
  await page.fill('#f-login', who.email);
  await page.fill('#f-password', who.password);
  await page.click('main button[type=submit]');
  await page.waitForFunction(() => !location.hash.startsWith('#/login'), null, { timeout: kTimeoutMs });
}

const shots = [];
async function shot(page, name, lang) {
  if (!screenshots) return;
  const dir = join(root, 'docs', 'screenshots');
  mkdirSync(dir, { recursive: true });
  const file = `${name}-${lang}.jpg`;
  await page.screenshot({ path: join(dir, file), type: 'jpeg', quality: 70 });
  shots.push(file);
}

// --- 1. the scenario ---------------------------------------------------------------------
const citizen = { email: `citizen${process.pid}@browser.test`, password: 'Citizen-Pass-2026!' };
const officer = cliUser('officer', 'pta', process.pid % 100000);
const state = {};
const citizenCtx = await newContext();
const officerCtx = await newContext();
const cpage = await citizenCtx.newPage();
const opage = await officerCtx.newPage();

await check('i18n catalogues have the same keys and every key used', async () => {
  const { problems } = checkCatalogues(join(root, 'web'));
  assert(!problems.length, problems.join('\n'));
});

await check('citizen signs up', async () => {
  await open(cpage, '#/signup', 'en');
  const n = process.pid % 100000;
  await cpage.fill('#f-name', 'Zainab Browser');
  await cpage.fill('#f-cnic', `35202-${String(n).padStart(7, '0')}-3`);
  await cpage.fill('#f-email', citizen.email);
  await cpage.fill('#f-mobile', `+92301${String(n).padStart(7, '0')}`);
  await cpage.fill('#f-password', citizen.password);
  await cpage.click('main button[type=submit]');
  await cpage.waitForFunction(() => location.hash.startsWith('#/applications'), null, { timeout: kTimeoutMs });
  await cpage.waitForSelector('main h1');
});

await check('citizen finds the VPN registration service in Urdu', async () => {
  await open(cpage, '#/services', 'en');
  await cpage.click('#lang-switch');
  await cpage.waitForFunction(() => document.documentElement.lang === 'ur' && document.documentElement.dir === 'rtl' &&
    document.documentElement.dataset.ready === '/services', null, { timeout: kTimeoutMs });
  await cpage.fill('#q', 'وی پی این');
  await cpage.click('form[role=search] button[type=submit]');
  await cpage.waitForFunction(() => location.hash.includes('q='));
  const link = cpage.locator('main .results a[href="#/services/pta-vpn-registration"]');
  await link.waitFor({ timeout: kTimeoutMs });
  assert((await link.textContent()).includes('وی پی این رجسٹریشن'), 'the result is not titled in Urdu');
  await link.click();
  await cpage.waitForSelector('main a.button[href="#/apply/pta-vpn-registration"]');
  const font = await cpage.evaluate(() => getComputedStyle(document.body).fontFamily);
  assert(font.includes('Noto Naskh Arabic'), `Urdu font stack not in use: ${font}`);
  await shot(cpage, 'service', 'ur');
});

await check('citizen applies with one invalid CIDR, sees the error beside the field, corrects it and submits', async () => {
  await cpage.click('main a.button[href="#/apply/pta-vpn-registration"]');
  await cpage.waitForSelector('#f-endpoints');
  const purpose = 'Connecting to a client office network in Dubai for software work.';
  await cpage.fill('#f-registrant_name', 'Zainab Browser');
  await cpage.fill('#f-cnic', '35202-1234567-3');
  await cpage.fill('#f-email', citizen.email);
  await cpage.fill('#f-mobile', '+923011234567');
  await cpage.selectOption('#f-vpn_type', 'wireguard');
  await cpage.fill('#f-purpose', purpose);
  await cpage.fill('#f-endpoints', '39.32.10.5\n39.40.0.0/33');
  await cpage.fill('#f-isp', 'PTCL');
  await cpage.click('main form button[type=submit]');
  await cpage.waitForSelector('.error-summary:not([hidden])', { timeout: kTimeoutMs });
  const fieldError = cpage.locator('#f-endpoints-error');
  assert(await fieldError.isVisible(), 'no error beside the endpoints field');
  assert((await cpage.getAttribute('#f-endpoints', 'aria-invalid')) === 'true', 'field not marked aria-invalid');
  assert((await cpage.locator('.error-summary a[href="#f-endpoints"]').count()) === 1, 'the summary does not link to the field');
  assert((await cpage.evaluate(() => document.activeElement?.classList.contains('error-summary'))), 'focus is not on the error summary');
  assert((await cpage.inputValue('#f-purpose')) === purpose, 'the form lost what was typed');
  assert((await cpage.locator('.has-error').count()) === 1, 'more than the one bad field was flagged');
  await shot(cpage, 'apply-errors', 'ur');
  const axe = await new AxeBuilder({ page: cpage }).withTags(kAxeTags).analyze();
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert(!serious.length, `axe on the refused form: ${serious.map((v) => v.id).join(', ')}`);
  await cpage.fill('#f-endpoints', '39.32.10.5\n39.40.0.0/16');
  await cpage.click('main form button[type=submit]');
  await cpage.waitForFunction(() => location.hash.includes('submitted=1'), null, { timeout: kTimeoutMs });
  state.applicationId = decodeURIComponent(cpage.url().split('#/applications/')[1].split('?')[0]);
  await cpage.waitForSelector('main .timeline li');
});

await check('a draft keeps what was typed and can be continued', async () => {
  await open(cpage, '#/apply/pta-vpn-registration', 'en');
  await cpage.fill('#f-registrant_name', 'Draft Holder');
  await cpage.fill('#f-endpoints', '39.32.10.9');
  await cpage.locator('main button', { hasText: 'Save as draft' }).click();
  await cpage.locator('main [role=status]', { hasText: 'Draft saved' }).waitFor({ timeout: kTimeoutMs });
  await open(cpage, '#/applications', 'en');
  const cont = cpage.locator('main a', { hasText: 'Continue' }).first();
  await cont.click();
  await cpage.waitForSelector('#f-registrant_name');
  await cpage.waitForFunction(() => document.querySelector('#f-registrant_name').value === 'Draft Holder');
  assert((await cpage.inputValue('#f-endpoints')) === '39.32.10.9', 'the draft lost its endpoints');
  // A page by cursor (`after`: here a place later than any application) lists the applications
  // before that place, newest first, and links back to the first page; no page follows.
  await open(cpage, '#/applications?after=9999999999999.zzz', 'en');
  await cpage.locator(`main a[href="#/applications/${encodeURIComponent(state.applicationId)}"]`).waitFor({ timeout: kTimeoutMs });
  const first = cpage.locator('main nav.pager a', { hasText: 'First page' });
  await first.waitFor({ timeout: kTimeoutMs });
  assert((await first.getAttribute('href')) === '#/applications', `first page link: ${await first.getAttribute('href')}`);
  assert((await cpage.locator('main nav.pager a[rel=next]').count()) === 0, 'a next page link on the last page');
});

await check('officer approves through the console', async () => {
  await loginVia(opage, officer);
  await open(opage, '#/officer', 'en');
  const link = opage.locator(`main a[href="#/officer/applications/${state.applicationId}"]`);
  await link.waitFor({ timeout: kTimeoutMs });
  await shot(opage, 'officer-queue', 'en');
  // A page by cursor (`after`) lists what follows that place in the queue, and links back to the
  // queue's first page.
  await open(opage, '#/officer?agency=pta&after=1.app_0', 'en');
  await link.waitFor({ timeout: kTimeoutMs });
  const first = opage.locator('main nav.pager a', { hasText: 'First page' });
  await first.waitFor({ timeout: kTimeoutMs });
  if ((await first.getAttribute('href')) !== '#/officer?agency=pta') throw new Error(`first page link: ${await first.getAttribute('href')}`);
  await link.click();
  await opage.locator('main button', { hasText: 'Take up this application' }).click();
  for (const step of ['start_review', 'approve']) {
    const b = opage.locator(`main button[data-transition="${step}"]`);
    await b.waitFor({ timeout: kTimeoutMs });
    await b.click();
    await opage.waitForSelector(`main button[data-transition="${step}"]`, { state: 'detached', timeout: kTimeoutMs });
  }
  await opage.waitForSelector('main h1');
  // The page is drawn afresh after each action: it must now show the application approved.
  await opage.locator('main dl.facts dd strong').getByText('Approved', { exact: true }).waitFor({ timeout: kTimeoutMs });
  await shot(opage, 'officer-application', 'en');
});

await check('officer suspends and reinstates a registry record', async () => {
  await open(opage, '#/officer/registries', 'en');
  const row = opage.locator('main tbody tr', { hasText: 'Active' }).first();
  await row.waitFor({ timeout: kTimeoutMs });
  const statusId = await row.locator('span[id^="st-"]').getAttribute('id');
  const recordId = statusId.slice(3);
  const reason = opage.locator(`[id="reason-${recordId}"]`);
  const status = opage.locator(`[id="${statusId}"]`);
  await reason.fill('Browser test: endpoint under investigation');
  await row.locator('button', { hasText: 'Suspend' }).click();
  await status.filter({ hasText: 'Suspended' }).waitFor({ timeout: kTimeoutMs });
  await reason.fill('Browser test: cleared');
  await opage.locator('main tbody tr', { has: status }).locator('button', { hasText: 'Reinstate' }).click();
  await status.filter({ hasText: 'Active' }).waitFor({ timeout: kTimeoutMs });
});

await check('a registry listing goes on page after page by its next-page link, to its last record', async () => {
  // 40+ e-Rozgaar centres, 15 a page: the link takes the next 15 (by cursor) until none is left.
  await open(cpage, '#/registries?registry=erozgaar-centres&size=15', 'en');
  const seen = new Set();
  for (let pages = 1; ; pages++) {
    const numbers = await cpage.locator('main tbody tr td:first-child').allTextContents();
    if (numbers.length === 0 || numbers.length > 15) throw new Error(`page ${pages} holds ${numbers.length} rows`);
    for (const n of numbers) {
      if (seen.has(n)) throw new Error(`record ${n} listed twice (page ${pages})`);
      seen.add(n);
    }
    const next = cpage.locator('main nav.pager a[rel=next]');
    if ((await next.count()) === 0) break;
    if (pages > 10) throw new Error('more than 10 pages of 15');
    const href = await next.getAttribute('href');
    if (!href.includes('after=')) throw new Error(`the next-page link is not by cursor: ${href}`);
    await open(cpage, href, 'en');
  }
  const total = (await (await fetch(new URL('/v1/registries/erozgaar-centres/records?page_size=1', base))).json()).total;
  if (seen.size !== total) throw new Error(`listed ${seen.size} of ${total} records`);
});

await check('citizen sees the certificate; a third party verifies it through the QR link', async () => {
  await open(cpage, `#/applications/${encodeURIComponent(state.applicationId)}`, 'ur');
  await cpage.locator('main dl.facts dd strong').getByText('منظور شدہ', { exact: true }).waitFor({ timeout: kTimeoutMs });
  await open(cpage, '#/certificates', 'ur');
  const card = cpage.locator('main .certificate').first();
  await card.waitFor({ timeout: kTimeoutMs });
  const qr = card.locator('img.qr');
  await cpage.waitForFunction(() => { const i = document.querySelector('img.qr'); return i && i.complete && i.naturalWidth > 0; });
  assert((await qr.getAttribute('alt')).length > 0, 'QR image has no text alternative');
  const qrSrc = await qr.getAttribute('src');
  const svg = await (await fetch(base + qrSrc)).text();
  assert(svg.includes('<svg'), 'QR is not an SVG');
  const verifyHref = await card.locator('a.verify-link').getAttribute('href');
  await shot(cpage, 'certificates', 'ur');
  const stranger = await newContext();
  const spage = await stranger.newPage();
  await spage.goto(verifyHref);  // the QR code's link: /v1/certificates/ID/verify
  await spage.waitForSelector('.verdict-valid', { timeout: kTimeoutMs });
  assert(spage.url().includes('#/verify/'), `not on the verify page: ${spage.url()}`);
  await shot(spage, 'verify', 'en');
  await open(spage, new URL(spage.url()).hash, 'ur');
  await spage.waitForSelector('.verdict-valid');
  await shot(spage, 'verify', 'ur');
  await stranger.close();
});

await check('the dashboard shows its charts with a table beside each', async () => {
  const page = await (await newContext()).newPage();
  await open(page, '#/dashboard', 'en');
  await page.waitForSelector('.chart-card .uplot canvas', { timeout: kTimeoutMs });
  const charts = await page.locator('.chart-card').count();
  const withTables = await page.locator('.chart-card table').count();
  assert(charts >= 1 && withTables === charts, `charts ${charts}, tables ${withTables}`);
  await shot(page, 'dashboard', 'en');
  await open(page, '#/dashboard', 'ur');
  await page.waitForSelector('.chart-card .uplot canvas');
  await shot(page, 'dashboard', 'ur');
  await page.context().close();
});

// --- 2. axe-core on every page, both languages --------------------------------------------
async function axeViolations(page) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(axeSource);
  return page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
    .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }))), kAxeTags);
}

const anonymous = await newContext();
const apage = await anonymous.newPage();
const pages = [
  [apage, '#/', 'home'], [apage, '#/services', 'services'], [apage, '#/services/pta-vpn-registration', 'service'],
  [apage, '#/login', 'login'], [apage, '#/signup', 'signup'], [apage, '#/verify', 'verify-form'],
  [apage, '#/registries', 'registries'], [apage, '#/dashboard', 'dashboard'], [apage, '#/engagements', 'engagements'],
  [apage, '#/nowhere', 'not-found'],
  [cpage, '#/profile', 'profile'], [cpage, '#/apply/pta-vpn-registration', 'apply'], [cpage, '#/applications', 'applications'],
  [cpage, `#/applications/${state.applicationId}`, 'application'], [cpage, '#/certificates', 'certificates'],
  [cpage, '#/organisations', 'organisations'], [cpage, '#/data-access', 'data-access'], [cpage, '#/consents', 'consents'],
  [cpage, '#/inbox', 'inbox'],
  [opage, '#/officer', 'officer-queue'], [opage, `#/officer/applications/${state.applicationId}`, 'officer-application'],
  [opage, '#/officer/registries', 'officer-registries'],
];
const kShotPages = new Set(['home', 'services', 'apply', 'applications', 'application', 'certificates', 'officer-queue', 'registries', 'engagements', 'inbox']);
for (const lang of ['en', 'ur']) {
  await check(`axe: no serious or critical violation on ${pages.length} pages (${lang})`, async () => {
    const bad = [];
    for (const [page, hash, name] of pages) {
      await open(page, hash, lang);
      if (name === 'dashboard') await page.waitForSelector('.chart-card .uplot canvas');
      assert(await page.evaluate((l) => document.documentElement.lang === l && document.documentElement.dir === (l === 'ur' ? 'rtl' : 'ltr'), lang),
        `${name}: lang/dir not set for ${lang}`);
      for (const v of (await axeViolations(page)).filter((x) => x.impact === 'serious' || x.impact === 'critical'))
        bad.push(`${name} (${lang}): ${v.id} [${v.impact}] ${v.help}: ${v.targets.slice(0, 3).join(' | ')}`);
      if (kShotPages.has(name)) await shot(page, name, lang);
    }
    assert(!bad.length, bad.join('\n'));
  });
}

await check('keyboard only: the skip link and the error summary move focus', async () => {
  await open(apage, '#/services', 'en');
  await apage.keyboard.press('Tab');
  assert(await apage.evaluate(() => document.activeElement.classList.contains('skip-link')), 'first Tab does not reach the skip link');
  await apage.keyboard.press('Enter');
  assert(await apage.evaluate(() => document.activeElement.id === 'main'), 'the skip link does not move focus to main');
  await open(cpage, '#/apply/pta-vpn-registration', 'en');
  await cpage.focus('#f-registrant_name');
  await cpage.keyboard.press('Enter');  // submits the empty form
  await cpage.waitForSelector('.error-summary:not([hidden]) a');
  await cpage.keyboard.press('Tab');
  await cpage.keyboard.press('Enter');
  assert(await cpage.evaluate(() => document.activeElement.id.startsWith('f-')), 'the summary link does not focus its field');
});

// --- 3. first-load bytes -----------------------------------------------------------------
const measured = [];
await check(`first load of each main page transfers under ${kBudgetBytes / 1024} KB`, async () => {
  const cookies = await citizenCtx.cookies();
  const targets = [['#/', 'home', false], ['#/services', 'services', false], ['#/dashboard', 'dashboard', false],
    ['#/verify', 'verify', false], ['#/apply/pta-vpn-registration', 'apply (signed in)', true]];
  const over = [];
  for (const [hash, name, signedIn] of targets) {
    for (const lang of ['en', 'ur']) {
      const ctx = await newContext();  // empty cache
      if (signedIn) await ctx.addCookies(cookies);
      const page = await ctx.newPage();
      const cdp = await ctx.newCDPSession(page);
      await cdp.send('Network.enable');
      let bytes = 0, requests = 0;
      cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; requests++; });
      await open(page, hash, lang);
      await page.waitForLoadState('networkidle');
      measured.push({ name, lang, bytes, requests });
      if (bytes >= kBudgetBytes) over.push(`${name} (${lang}): ${bytes} bytes`);
      await ctx.close();
    }
  }
  assert(!over.length, over.join('\n'));
});

await check('the session cookie goes only to the API, and logging out clears it', async () => {
  const session = (await citizenCtx.cookies()).find((c) => c.name === 'darwaza_session');
  assert(session?.path === '/v1', `session cookie path: ${session?.path}`);
  const sent = { assets: 0, assetsWithCookie: 0, apiWithCookie: 0 };
  const pending = [];
  const onRequest = (req) => pending.push(count(req));
  const count = async (req) => {
    const cookie = (await req.allHeaders()).cookie ?? '';
    const path = new URL(req.url()).pathname;
    if (path === '/' || path.startsWith('/assets/')) {
      sent.assets++;
      if (cookie.includes('darwaza_session=')) sent.assetsWithCookie++;
    } else if (path.startsWith('/v1/') && cookie.includes('darwaza_session=')) sent.apiWithCookie++;
  };
  cpage.on('request', onRequest);
  await open(cpage, '#/profile', 'en');
  await cpage.reload();
  await cpage.waitForFunction(() => document.documentElement.dataset.ready === '/profile', null, { timeout: kTimeoutMs });
  cpage.off('request', onRequest);
  await Promise.all(pending);
  assert(sent.assets > 0 && sent.apiWithCookie > 0, `requests seen: ${JSON.stringify(sent)}`);
  assert(sent.assetsWithCookie === 0, `asset requests carried the session cookie: ${JSON.stringify(sent)}`);
  await cpage.locator('main button', { hasText: 'Log out' }).click();
  await cpage.waitForFunction(() => location.hash === '#/' || location.hash === '', null, { timeout: kTimeoutMs });
  const left = (await citizenCtx.cookies()).filter((c) => c.name === 'darwaza_session');
  assert(!left.length, `the session cookie is still there after logging out: ${JSON.stringify(left)}`);
});

// --- the record and the end ---------------------------------------------------------------
if (measured.length) {
  const rows = measured.map((m) => `| ${m.name} | ${m.lang} | ${(m.bytes / 1024).toFixed(1)} KB | ${m.requests} |`);
  writeFileSync(join(root, 'docs', 'web-first-load.md'),
    `# First-load transfer of the main pages\n\nWritten by \`tests/browser/run.mjs\` (empty cache, gzip accepted, bytes on the wire including headers,\n` +
    `measured with the DevTools protocol). Budget: ${kBudgetBytes / 1024} KB per page.\n\n| page | language | transferred | requests |\n| --- | --- | --- | --- |\n${rows.join('\n')}\n`);
}
if (shots.length) console.log(`screenshots: ${shots.length} in docs/screenshots/`);
await browser.close();
server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
rmSync(dataDir, { recursive: true, force: true });
console.log(`browser: ${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
