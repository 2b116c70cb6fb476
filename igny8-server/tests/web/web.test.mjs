// The web app in headless Chromium (playwright-core with Debian's /usr/bin/chromium): what a
// person does, page by page, with the page's own Content-Security-Policy on. Every page is
// checked with axe-core (WCAG 2.1 A/AA and best practices: no serious or critical violation)
// and photographed at desktop (1366×900) and phone (375×812) width.
//
// Run by run.sh, which starts the server: IGNY8_WEB_URL (the server), IGNY8_WEB_SHOTS (where
// screenshots go, default /tmp/igny8-web), IGNY8_CHROMIUM (default /usr/bin/chromium).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const base = process.env.IGNY8_WEB_URL;
if (!base) throw new Error('IGNY8_WEB_URL is not set (run.sh sets it)');
const out = process.env.IGNY8_WEB_SHOTS || '/tmp/igny8-web';
mkdirSync(join(out, 'desktop'), { recursive: true });
mkdirSync(join(out, 'mobile'), { recursive: true });
const require = createRequire(import.meta.url);
const axeSource = readFileSync(join(dirname(require.resolve('axe-core')), 'axe.min.js'), 'utf8');

let browser;
let context;
let page;
/** Console errors and CSP refusals: any is a failure. */
const problems = [];
let shots = 0;
const email = `ada-${Date.now()}@example.com`;

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.IGNY8_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  page = await context.newPage();
  watch(page);
});

after(async () => {
  // No model call may be left waiting on the stand-in: the server's worker would wait on it.
  await fakeAi('POST', '/control/release').catch(() => {});
  await browser?.close();
  console.log(`screenshots: ${out}`);
});

function watch(p) {
  p.on('console', (m) => {
    // A refused form or a 4xx the test provoked is logged by Chromium as a failed resource;
    // script errors and CSP refusals are what count.
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(`${p.url()}: ${m.text()}`);
  });
  p.on('pageerror', (e) => problems.push(`${p.url()}: ${e.message}`));
}

/** Checks the page as it is now: no console problems, axe-clean, photographed at two widths. */
async function look(name) {
  assert.deepEqual(problems, [], 'no script errors or CSP refusals');
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }),
  );
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
    [],
    `axe on ${name}`,
  );
  shots += 1;
  const file = `${String(shots).padStart(2, '0')}-${name}.png`;
  await page.screenshot({ path: join(out, 'desktop', file), fullPage: true });
  await page.setViewportSize({ width: 375, height: 812 });
  // Nothing wider than a phone: wide tables scroll inside their frame, the page doesn't.
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `${name} is ${width}px wide on a 375px screen`);
  await page.screenshot({ path: join(out, 'mobile', file), fullPage: true });
  await page.setViewportSize({ width: 1366, height: 900 });
}

/** The account's pages: in the menu under the signed-in person's name. */
const ACCOUNT_PAGES = ['Account', 'Team', 'Billing', 'Settings'];

/** A link of the main menu, or of the account's menu (opened first to be clicked). */
function menu(name) {
  if (!ACCOUNT_PAGES.includes(name)) {
    return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
  }
  const link = page.getByRole('navigation', { name: 'Your account' }).getByRole('link', { name, exact: true });
  return {
    click: async () => {
      await accountMenu();
      await link.click();
    },
    // Read while the menu is closed too (a hidden link has no role to find it by).
    getAttribute: (a) => page.locator('nav[aria-label="Your account"] a').filter({ hasText: new RegExp(`^${name}$`) }).getAttribute(a),
  };
}

/** Opens the menu under the signed-in person's name. */
async function accountMenu() {
  const menu = page.locator('details.account-menu');
  if (!(await menu.evaluate((d) => d.open))) await menu.locator('summary').click();
}

async function fill(fields) {
  for (const [label, value] of Object.entries(fields)) {
    await page.getByLabel(label, { exact: true }).fill(value);
  }
}

test('a visitor is sent to sign in, and can sign up', async () => {
  const response = await page.goto(`${base}/dashboard`);
  assert.equal(response.status(), 200);
  assert.match(page.url(), /\/sign-in\?next=%2Fdashboard$/);
  await look('sign-in');
  await page.getByRole('link', { name: 'Create an account' }).click();
  await look('sign-up');

  // Sent empty: every problem beside its field, nothing made.
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForLoadState();
  assert.ok(await page.getByRole('alert').isVisible());
  assert.equal(await page.locator('[aria-invalid="true"]').count() >= 2, true);
  await look('sign-up-errors');

  await fill({ 'Account name': 'Ada’s kitchen blog', 'Your name': 'Ada Lovelace', Email: email, Password: 'correct horse battery' });
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(/\/dashboard/);
  assert.ok(await page.getByText('Welcome! Your account is ready.').isVisible());
  assert.ok(await page.getByText('Ada Lovelace').isVisible(), 'the header names who is signed in');
  assert.ok(await page.getByRole('heading', { name: 'Pipeline' }).isVisible());
  await look('dashboard');
});

test('the account page changes the password, refusing mistakes in words', async () => {
  await menu('Account').click();
  assert.equal(await menu('Account').getAttribute('aria-current'), 'page');
  await look('account');
  await fill({ 'Current password': 'correct horse battery', 'New password': 'a new passphrase', 'New password again': 'something else' });
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.waitForLoadState();
  assert.ok(await page.getByText('New password again doesn’t match', { exact: false }).or(page.getByText("New password again doesn't match", { exact: false })).isVisible());
  await look('account-password-mismatch');
  await fill({ 'Current password': 'correct horse battery', 'New password': 'a new passphrase', 'New password again': 'a new passphrase' });
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.waitForURL(/done=password/);
  assert.ok(await page.getByText('Your password was changed.', { exact: false }).isVisible());
});

test('a forged request from the page without the form token changes nothing', async () => {
  const status = await page.evaluate(async () => {
    const r = await fetch('/account/password', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'current_password=a+new+passphrase&new_password=hijacked1&confirm_password=hijacked1',
    });
    return r.status;
  });
  assert.equal(status, 403);
});

test('signing out, a wrong password, and signing in again', async () => {
  await accountMenu();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/sign-in\?done=signed-out/);
  assert.ok(await page.getByText('You have signed out.').isVisible());
  await fill({ Email: email, Password: 'correct horse battery' });
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForLoadState();
  assert.ok(await page.getByRole('alert').getByText('Wrong email or password.').isVisible());
  assert.equal(await page.getByLabel('Email').inputValue(), email, 'the email is kept');
  await look('sign-in-wrong-password');
  await fill({ Password: 'a new passphrase' });
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/dashboard$/);
});

test('an unknown address is a page that leads back', async () => {
  const response = await page.goto(`${base}/no/such/page`);
  assert.equal(response.status(), 404);
  assert.ok(await page.getByRole('heading', { name: 'Page not found' }).isVisible());
  await look('not-found');
});

test('signing in works without JavaScript', async () => {
  const plain = await browser.newContext({ javaScriptEnabled: false });
  const p = await plain.newPage();
  await p.goto(`${base}/sign-in`);
  await p.getByLabel('Email').fill(email);
  await p.getByLabel('Password').fill('a new passphrase');
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.waitForURL(/\/dashboard$/);
  assert.ok(await p.getByRole('heading', { name: 'Dashboard' }).isVisible());
  await plain.close();
});

/** Calls the API as the signed-up user (what the pages don't offer yet: sites and sectors). */
async function api(method, path, body, contentType = 'application/json') {
  if (!api.token) {
    const r = await fetch(`${base}/api/v1/auth/login/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'a new passphrase' }),
    });
    api.token = (await r.json()).data.access;
  }
  const r = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${api.token}`, 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const json = await r.json();
  assert.ok(r.ok, `${method} ${path}: ${JSON.stringify(json)}`);
  return json.data;
}

test('a site with a sector, and its WordPress connection tested', async () => {
  await page.goto(`${base}/dashboard`);
  await menu('Sites').click();
  await page.waitForURL(/\/sites$/);
  assert.ok(await page.getByText('No sites yet.', { exact: false }).isVisible());
  await look('sites-empty');
  // A mistake is named beside its field.
  await page.getByLabel('Address (https://…)').fill('kitchen blog');
  await page.getByRole('button', { name: 'Add site' }).click();
  await page.waitForLoadState();
  assert.equal(await page.locator('[aria-invalid="true"]').count(), 2, 'name and address');
  await fill({ Name: 'Kitchen blog', 'Address (https://…)': 'https://kitchen.example', Industry: 'Food' });
  await page.getByRole('button', { name: 'Add site' }).click();
  await page.waitForURL(/\/sites\/\d+\?done=site-added$/);
  assert.ok(await page.getByText('Site added.', { exact: false }).isVisible());

  await page.locator('#sector-name').fill('Coffee');
  await page.locator('#sector-description').fill('Grinders, kettles and machines');
  await page.getByRole('button', { name: 'Add sector' }).click();
  await page.waitForURL(/done=sector-added/);
  assert.ok(await page.getByRole('cell', { name: 'Coffee', exact: true }).isVisible());

  // WordPress: connect (the password is never shown again), then test: this address doesn't
  // exist, and the page says so in words.
  await page.locator('#wp-url').fill('https://wordpress.invalid');
  await page.locator('#wp-username').fill('editor');
  await page.locator('#wp-application_password').fill('abcd efgh ijkl mnop qrst uvwx');
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.waitForURL(/done=wordpress-connected/);
  assert.equal(await page.getByText('abcd efgh', { exact: false }).count(), 0);
  await page.getByRole('button', { name: 'Test connection' }).click();
  await page.getByText("The connection didn't work.").waitFor();
  await look('site');
});

test('a keyword export is imported, with a report of every line left out', async () => {
  await page.goto(`${base}/dashboard`);
  await menu('Keywords').click();
  await page.waitForURL(/\/planner\/keywords$/);
  assert.ok(await page.getByText('No keywords yet.', { exact: false }).isVisible());
  await look('keywords-empty');
  await page.getByRole('link', { name: 'Import a keyword export' }).click();
  await page.waitForURL(/\/planner\/keywords\/import$/);
  await look('import');
  const rows = ['keyword,volume,difficulty,intent'];
  for (let k = 1; k <= 30; k += 1) rows.push(`coffee grinder ${k},${k * 100},${k},commercial`);
  rows.push('pour over kettle,900,20,informational', 'espresso machine,5400,61,transactional', 'bad volume,-40,5,commercial');
  const file = join(out, 'keywords.csv');
  writeFileSync(file, rows.join('\n') + '\n');
  await page.getByLabel('Sector').selectOption({ label: 'Coffee' });
  await page.getByLabel('File (.csv or .txt)').setInputFiles(file);
  await page.getByRole('button', { name: 'Import' }).click();
  await page.getByRole('heading', { name: 'Imported from a table with a keyword column' }).waitFor();
  assert.equal(await page.locator('.tally .count').first().innerText(), '32');
  assert.equal(await page.locator('.report tbody tr').count(), 1, 'the bad line is listed');
  assert.equal(await page.locator('.report tbody td').first().innerText(), '34');
  await look('import-report');
  await page.getByRole('link', { name: "See the sector's keywords" }).click();
  await page.waitForURL(/sector_id=/);
});

test('the keyword list: filter, sort, select and archive, edit in place, add, download', async () => {
  await page.goto(`${base}/dashboard`);
  await menu('Keywords').click();
  await page.waitForURL(/\/planner\/keywords$/);
  assert.ok(await page.getByText('32 keywords').isVisible());
  await look('keywords');

  // Sorting swaps the list in place and keeps it in the address.
  await page.getByRole('link', { name: 'Volume' }).click();
  await page.waitForURL(/order=-volume/);
  assert.equal(await page.locator('tbody tr').first().locator('td').nth(1).innerText(), 'espresso machine');
  assert.equal(await page.locator('th[aria-sort="descending"]').innerText(), 'Volume ▼');

  // Filtering, with the filter form.
  await page.getByLabel('Search').fill('grinder');
  await page.getByLabel('Volume from', { exact: true }).fill('2500');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.waitForURL(/search=grinder/);
  await page.getByText('6 keywords').waitFor();
  await look('keywords-filtered');

  // Select two and archive them: the list comes back, filtered as it was, saying what changed.
  await page.getByRole('checkbox', { name: 'Select coffee grinder 30' }).check();
  await page.getByRole('checkbox', { name: 'Select coffee grinder 29' }).check();
  await page.getByRole('button', { name: 'Archive' }).click();
  await page.waitForURL(/done=keywords-changed/);
  assert.ok(await page.getByText('2 keywords changed.').isVisible());
  assert.match(page.url(), /search=grinder/);
  assert.equal(await page.locator('#keyword-' + (await idOf('coffee grinder 30')) + ' td.badge').innerText(), 'Archived');

  // Edit in place: a word where a number goes is refused beside the field; then saved.
  const id = await idOf('coffee grinder 28');
  await page.locator(`#keyword-${id}`).getByRole('link', { name: /^Edit/ }).click();
  const row = page.locator(`#keyword-${id}`);
  await row.getByLabel('Monthly volume').waitFor();
  await row.getByLabel('Monthly volume').fill('lots');
  await row.getByRole('button', { name: 'Save' }).click();
  await row.getByText('Monthly volume must be a whole number, like 1200.').waitFor();
  await look('keyword-edit-error');
  await row.getByLabel('Monthly volume').fill('3,100');
  await row.getByLabel('Keyword').fill('Burr coffee grinder');
  await row.getByRole('button', { name: 'Save' }).click();
  await row.getByRole('link', { name: /^Edit/ }).waitFor();
  assert.equal(await row.locator('td').nth(1).innerText(), 'Burr coffee grinder');
  assert.equal(await row.locator('td').nth(2).innerText(), '3,100');

  // Every row on the page at once.
  await page.getByRole('checkbox', { name: 'Select every row on this page' }).check();
  assert.equal(await page.locator('tbody input[name=ids]:checked').count(), 6);

  // The download is the filtered list.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download CSV' }).click(),
  ]);
  const csv = readFileSync(await download.path(), 'utf8').trim().split('\n');
  assert.equal(csv.length, 7, csv.join('\n'));

  // Adding one.
  await page.getByRole('link', { name: 'Clear filters' }).click();
  await page.waitForURL(/\/planner\/keywords\?order=-volume$/);
  await page.getByText('Add a keyword').click();
  await page.locator('#add-sector_id').selectOption({ label: 'Coffee' });
  await page.locator('#add-keyword').fill('milk frother');
  await page.locator('#add-volume').fill('720');
  await page.getByRole('button', { name: 'Add keyword' }).click();
  await page.waitForURL(/\/planner\/keywords\?done=keyword-added$/);
  assert.ok(await page.getByText('Keyword added.').isVisible());
  assert.equal(await page.locator('.toolbar .count').innerText(), '33 keywords');
  assert.equal(await page.locator('tbody tr').first().locator('td').nth(1).innerText(), 'milk frother', 'newest first');
  await look('keywords-added');

  // All matching, on every page: deleting them asks with the number first; archived, then
  // brought back, in one go each.
  await page.goto(`${base}/planner/keywords?status=pending&page_size=25`);
  const bulk = page.locator('#keywords-bulk');
  await bulk.getByLabel('Not only the ticked rows: all 31 keywords matching the filters').check();
  await look('keywords-all-matching');
  let asked = '';
  page.once('dialog', (d) => { asked = d.message(); d.dismiss(); });
  await bulk.getByRole('button', { name: 'Delete', exact: true }).click();
  assert.equal(asked, "Delete all 31 keywords matching the filters? This can't be undone.");
  assert.equal((await api('GET', '/planner/keywords/?status=pending&page_size=1')).count, 31, 'dismissed: nothing deleted');
  await bulk.getByRole('button', { name: 'Archive', exact: true }).click();
  await page.waitForURL(/done=keywords-changed/);
  assert.ok(await page.getByText('31 keywords changed.').isVisible());
  await page.goto(`${base}/planner/keywords?status=archived&page_size=25`);
  await bulk.getByLabel('Not only the ticked rows: all 33 keywords matching the filters').check();
  await bulk.getByRole('button', { name: 'Bring back', exact: true }).click();
  await page.waitForURL(/done=keywords-changed/);
  assert.ok(await page.getByText('33 keywords changed.').isVisible());
  assert.equal((await api('GET', '/planner/keywords/?status=archived&page_size=1')).count, 0);
});

/** The id of the keyword `text`, from the API. */
async function idOf(text) {
  const data = await api('GET', `/planner/keywords/?search=${encodeURIComponent(text)}`);
  return data.results.find((k) => k.keyword === text).id;
}

test('keywords grouped into clusters without AI, and a cluster leads to its keywords', async () => {
  await page.goto(`${base}/dashboard`);
  await menu('Clusters').click();
  await page.waitForURL(/\/planner\/clusters$/);
  assert.ok(await page.getByText('No clusters yet.', { exact: false }).isVisible());
  await page.locator('#group-sector_id').selectOption({ label: 'Coffee' });
  await page.getByRole('button', { name: 'Group keywords' }).click();
  await page.getByRole('heading', { name: 'Grouped without AI' }).waitFor();
  assert.ok((await page.locator('tbody tr').count()) >= 1);
  await look('clusters-grouped');
  const first = page.locator('tbody tr').first().locator('td').nth(1).getByRole('link');
  const name = await first.innerText();
  await first.click();
  await page.waitForURL(/\/planner\/clusters\/\d+$/);
  assert.ok(await page.getByRole('heading', { name, exact: true }).isVisible());
  await look('cluster');
  await page.getByRole('link', { name: 'All its keywords' }).click();
  await page.waitForURL(/cluster_id=/);
  assert.ok(await page.getByText(`Keywords of the cluster “${name}”.`).isVisible());
  await look('cluster-keywords');
});

test('the dashboard draws the pipeline and the keywords as charts', async () => {
  await page.goto(`${base}/dashboard`);
  assert.ok(await page.getByRole('img', { name: /From keywords to published articles/ }).isVisible());
  assert.ok(await page.getByRole('img', { name: /Keywords by status/ }).isVisible());
  await page.getByText('Keywords by status as a table').click();
  assert.ok(await page.getByRole('cell', { name: 'Clustered' }).isVisible());
  await look('dashboard-charts');
});

/** Drives the stand-in AI provider (fake-openai.mjs). */
async function fakeAi(method, path, body) {
  const r = await fetch(`${process.env.IGNY8_FAKE_AI}${path}`, { method, body });
  return r.text();
}

/** Waits until `n` model calls wait for an answer. */
async function modelCalled(n = 1) {
  for (let i = 0; i < 200; i += 1) {
    if (Number(await fakeAi('GET', '/control/waiting')) >= n) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the model was never called');
}

/** Adds keywords to the Coffee sector through the API; returns its id. */
async function coffeeKeywords(lines) {
  const sectors = await api('GET', '/auth/sectors/');
  const coffee = sectors.results.find((s) => s.name === 'Coffee').id;
  await api('POST', `/planner/keywords/import/?sector_id=${coffee}`, `keyword\n${lines.join('\n')}\n`, 'text/csv');
  return coffee;
}

test('Auto Cluster shows its cost first, then its job follows it live to the end', async () => {
  await coffeeKeywords(['tea kettle', 'electric tea kettle', 'gooseneck kettle']);
  await fakeAi('POST', '/control/reply', JSON.stringify({ clusters: [
    { name: 'Tea kettles', description: 'Kettles for tea.', existing_cluster_id: null, keywords: [1, 2, 3] },
  ] }));
  await page.goto(`${base}/dashboard`);
  await menu('Clusters').click();
  await page.waitForURL(/\/planner\/clusters$/);
  await page.locator('#auto-sector_id').selectOption({ label: 'Coffee' });
  await page.getByRole('button', { name: 'See the cost' }).click();
  await page.getByText('1 model call, up to', { exact: false }).waitFor();
  await look('auto-cluster-cost');
  await page.getByRole('button', { name: 'Start Auto Cluster' }).click();
  await page.waitForURL(/\/jobs\/\d+\?done=job-started$/);
  // The worker takes it and asks the model, which waits: the page shows it running…
  await modelCalled();
  const state = page.locator('#job-status .job-state');
  await state.filter({ hasText: 'Running' }).waitFor();
  assert.ok(await page.locator('#job-status progress').isVisible());
  await look('job-running');
  // …and, without a reload, how it ended.
  await fakeAi('POST', '/control/release');
  await state.filter({ hasText: 'Succeeded' }).waitFor();
  assert.ok(await page.getByRole('heading', { name: 'What it did' }).isVisible());
  assert.match(await page.locator('#job-status .outcome').innerText(), /^Grouped \d+ keywords? into \d+ clusters? \(\d+ new\)\./, 'the job says what it did in a sentence');
  assert.ok(await page.getByRole('link', { name: 'Next: Generate ideas' }).isVisible(), 'and offers the next step');
  assert.equal(await page.getByRole('button', { name: 'Cancel job' }).count(), 0);
  await look('job-succeeded');
  await page.goto(`${base}/planner/clusters`);
  await page.getByRole('link', { name: 'Tea kettles', exact: true }).click();
  await page.waitForURL(/\/planner\/clusters\/\d+$/);
  const kettles = page.url();

  // Ideas for the new cluster: the cost first, with how many to make, then the job.
  await page.getByRole('button', { name: 'Generate ideas with AI' }).click();
  await page.getByText('3 ideas for the cluster', { exact: false }).waitFor();
  await page.getByLabel('Ideas per cluster').selectOption('2');
  await page.getByRole('button', { name: 'See the cost again' }).click();
  await page.getByText('2 ideas for the cluster', { exact: false }).waitFor();
  await look('ideas-cost');
  await fakeAi('POST', '/control/reply', JSON.stringify({ ideas: [
    { title: 'Gooseneck or electric: choosing a tea kettle', description: 'A buying guide.', content_type: 'post',
      content_structure: 'guide', target_keywords: ['tea kettle'], estimated_word_count: 1500,
      outline: [{ heading: 'Pouring control', notes: '', subsections: ['Gooseneck spouts'] }, { heading: 'Heating speed', notes: '', subsections: [] }] },
    { title: 'Caring for a kettle', description: 'Descaling.', content_type: 'post',
      content_structure: 'how_to', target_keywords: ['tea kettle'], estimated_word_count: 800, outline: [] },
  ] }));
  await page.getByRole('button', { name: 'Generate the ideas' }).click();
  await page.waitForURL(/\/jobs\/\d+\?done=job-started$/);
  await modelCalled();
  await fakeAi('POST', '/control/release');
  await page.locator('#job-status .job-state').filter({ hasText: 'Succeeded' }).waitFor();
  await page.goto(kettles);
  await page.locator('summary strong', { hasText: 'Gooseneck or electric: choosing a tea kettle' }).click();
  assert.ok(await page.getByText('Gooseneck spouts').isVisible());
  await look('cluster-ideas');
});

test('an idea: its outline edited as text, then queued to the writer', async () => {
  await page.goto(`${base}/dashboard`);
  await menu('Ideas').click();
  await page.waitForURL(/\/planner\/ideas$/);
  await look('ideas');
  await page.getByRole('link', { name: 'Gooseneck or electric: choosing a tea kettle', exact: true }).click();
  await page.waitForURL(/\/planner\/ideas\/\d+$/);
  const outline = page.getByRole('textbox', { name: 'Outline' });
  assert.match(await outline.inputValue(), /^Pouring control\n- Gooseneck spouts\nHeating speed\n$/);
  // A mistake is named beside the field, and what was typed stays.
  await outline.fill('- a point without a heading\nPouring control');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Outline line 1 is a sub-point or note before any heading', { exact: false }).waitFor();
  assert.equal(await page.getByRole('textbox', { name: 'Outline' }).inputValue(), '- a point without a heading\nPouring control');
  await look('idea-error');
  await page.getByRole('textbox', { name: 'Outline' }).fill('Pouring control\n> Start with why the spout matters.\n- Gooseneck spouts\n- Flow rate\nHeating speed\nCleaning\n');
  // Short enough to be written in one model call (longer articles are written in parts).
  await page.getByLabel('Words', { exact: true }).fill('900');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(/done=idea-saved/);
  assert.ok(await page.getByText('Idea saved.').isVisible());
  assert.ok(await page.getByRole('listitem').filter({ hasText: 'Flow rate' }).first().isVisible());
  await look('idea');
  await page.getByRole('button', { name: 'Queue to writer' }).click();
  await page.waitForURL(/done=ideas-queued/);
  assert.ok(await page.getByText('1 idea queued to the writer.', { exact: false }).isVisible());
  assert.equal(await page.getByRole('button', { name: 'Queue to writer' }).count(), 0, 'a queued idea is not queued again');
});

test("the writer's queue: a task written with AI, cost first, then live", async () => {
  await page.goto(`${base}/dashboard`);
  await menu('Writer').click();
  await page.waitForURL(/\/writer\/tasks$/);
  await look('tasks');
  await page.getByRole('checkbox', { name: 'Select Gooseneck or electric: choosing a tea kettle' }).check();
  await page.getByRole('button', { name: 'Write with AI' }).click();
  await page.getByText('The article of the task', { exact: false }).waitFor();
  await look('write-cost');
  const words = Array.from({ length: 880 }, (_, i) => `word${i}`).join(' ');
  await fakeAi('POST', '/control/reply', JSON.stringify({
    title: 'Gooseneck or electric: choosing a tea kettle', meta_title: 'Choosing a tea kettle',
    meta_description: 'Gooseneck or electric? What pouring control and heating speed mean for your tea.',
    tags: ['kettles'], categories: ['Guides'],
    // The task's keyword in the first 100 words, else Generate Content asks again for it.
    html: `<p>Which tea kettle?</p><h2>Pouring control</h2><p>${words}</p><h2>Heating speed</h2><p>Fast.</p>`,
  }));
  await page.getByRole('button', { name: 'Write the articles' }).click();
  await page.waitForURL(/\/jobs\/\d+\?done=job-started$/);
  await modelCalled();
  await page.locator('#job-status .job-state').filter({ hasText: 'Running' }).waitFor();
  await fakeAi('POST', '/control/release');
  await page.locator('#job-status .job-state').filter({ hasText: 'Succeeded' }).waitFor();
  await look('write-done');
  await page.goto(`${base}/writer/tasks`);
  assert.equal(await page.locator('tbody tr').first().locator('td.badge').innerText(), 'Done');
});

test('the article reads as published, shows its search result, and is edited', async () => {
  await page.goto(`${base}/dashboard`);
  await menu('Articles').click();
  await page.waitForURL(/\/writer\/content$/);
  await look('articles');
  await page.getByRole('link', { name: 'Gooseneck or electric: choosing a tea kettle', exact: true }).click();
  await page.waitForURL(/\/writer\/content\/\d+$/);
  assert.ok(await page.locator('article.preview h2', { hasText: 'Pouring control' }).isVisible());
  assert.equal(await page.locator('.serp-title').innerText(), 'Choosing a tea kettle');
  await look('article');
  await page.getByLabel('Meta title').fill('Gooseneck or electric kettle? How to choose');
  // Questions and answers after the article, typed as text.
  await page.getByRole('textbox', { name: 'Questions', exact: true }).fill('Is a gooseneck worth it?\nFor pour-over, yes.');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(/done=content-saved/);
  assert.equal(await page.locator('.serp-title').innerText(), 'Gooseneck or electric kettle? How to choose');
  const faq = page.locator('article.preview .faq');
  assert.equal(await faq.locator('h2').innerText(), 'Frequently asked questions');
  assert.equal(await faq.locator('h3').innerText(), 'Is a gooseneck worth it?');
  await faq.scrollIntoViewIfNeeded();
  await look('article-faq');
});

test('competing pages: the ideas list links the report, which reads in words', async () => {
  // The site's WordPress already has a post on tea kettles (as its link inventory says), the
  // keyword the article was written for.
  const sites = await api('GET', '/auth/sites/');
  const kitchen = sites.results.find((x) => x.name === 'Kitchen blog').id;
  await api('PUT', `/auth/sites/${kitchen}/links/`, { pages: [
    { kind: 'post', wp_id: 901, url: 'https://kitchen.example/tea-kettles/', title: 'Tea kettles', keywords: ['Guides'] },
  ] });
  await page.goto(`${base}/planner/ideas`);
  await page.getByRole('link', { name: 'Ideas and articles that compete' }).click();
  await page.waitForURL(/\/planner\/overlaps$/);
  assert.equal(await page.locator('h1').innerText(), 'Competing pages');
  assert.ok(await page.getByLabel('Site').isVisible(), 'a site can be chosen');
  const pair = page.locator('.overlaps li').filter({ hasText: 'Tea kettles' });
  await pair.waitFor();
  assert.ok(await pair.getByText('Same main keyword', { exact: true }).isVisible());
  assert.ok(await pair.getByRole('link', { name: 'Gooseneck or electric: choosing a tea kettle' }).isVisible());
  assert.equal(await pair.getByRole('link', { name: 'Tea kettles' }).getAttribute('href'), 'https://kitchen.example/tea-kettles/');
  assert.ok(await pair.getByText('give one of them another keyword', { exact: false }).isVisible());
  await look('competing-pages');
  // The article's page says the same.
  await pair.getByRole('link', { name: 'Gooseneck or electric: choosing a tea kettle' }).click();
  await page.waitForURL(/\/writer\/content\/\d+$/);
  const card = page.locator('section', { has: page.getByRole('heading', { name: 'Competing pages' }) });
  assert.ok(await card.getByRole('link', { name: 'Tea kettles' }).isVisible());
  await card.scrollIntoViewIfNeeded();
  await look('article-competing');
});

test("an article's images: prompts written by AI, drawn, and shown", async () => {
  await page.goto(`${base}/writer/content`);
  await page.getByRole('link', { name: 'Gooseneck or electric: choosing a tea kettle', exact: true }).click();
  await page.waitForURL(/\/writer\/content\/\d+$/);
  const article = page.url();
  assert.ok(await page.getByText('No images yet.', { exact: false }).isVisible());
  await page.getByRole('button', { name: 'Write image prompts' }).click();
  await page.getByText('The image prompts of the article', { exact: false }).waitFor();
  await fakeAi('POST', '/control/reply', JSON.stringify({
    featured: { prompt: 'A gooseneck kettle pouring into a cup', alt_text: 'A gooseneck kettle pouring water into a cup' },
    in_article: [{ prompt: 'An electric and a stovetop kettle side by side', alt_text: 'Two kettles side by side' }],
  }));
  await page.getByRole('button', { name: 'Write the prompts' }).click();
  await page.waitForURL(/\/jobs\/\d+\?done=job-started$/);
  await modelCalled();
  await fakeAi('POST', '/control/release');
  await page.locator('#job-status .job-state').filter({ hasText: 'Succeeded' }).waitFor();

  await page.goto(article);
  await page.getByRole('button', { name: 'Draw 2 with AI' }).click();
  await page.getByText('2 images', { exact: false }).first().waitFor();
  await look('draw-cost');
  await page.getByRole('button', { name: 'Draw the images' }).click();
  await page.waitForURL(/\/jobs\/\d+\?done=job-started$/);
  await page.locator('#job-status .job-state').filter({ hasText: 'Succeeded' }).waitFor();
  await page.goto(article);
  const pictures = page.locator('ul.thumbs img');
  assert.equal(await pictures.count(), 2);
  await pictures.first().evaluate((img) => img.decode());
  assert.ok(await pictures.first().evaluate((img) => img.naturalWidth > 0), 'the picture loads');
  await look('article-images');
  await menu('Images').click();
  await page.waitForURL(/\/writer\/images$/);
  await look('images');
  await page.getByRole('link', { name: 'A gooseneck kettle pouring into a cup' }).click();
  await page.waitForURL(/\/writer\/images\/\d+$/);
  await page.getByLabel('Alt text').fill('A steel gooseneck kettle pouring hot water');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(/done=image-saved/);
  assert.ok(await page.getByText('Alt text: A steel gooseneck kettle pouring hot water').isVisible());
  await look('image');
});

const wordpress = process.env.IGNY8_TEST_WORDPRESS_URL;
test('the article is published to a real WordPress, and its page links the post', { skip: !wordpress && 'no test WordPress (IGNY8_TEST_WORDPRESS_URL unset)' }, async () => {
  // Connect the site to the test WordPress (an application password, never shown again).
  await page.goto(`${base}/sites`);
  await page.getByRole('link', { name: 'Kitchen blog', exact: true }).click();
  await page.waitForURL(/\/sites\/\d+$/);
  await page.getByText('Change the connection').click();
  await page.locator('#wp-url').fill(wordpress);
  await page.locator('#wp-username').fill(process.env.IGNY8_TEST_WORDPRESS_USER);
  await page.locator('#wp-application_password').fill(process.env.IGNY8_TEST_WORDPRESS_PASSWORD);
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await page.waitForURL(/done=wordpress-connected/);
  await page.getByRole('button', { name: 'Test connection' }).click();
  await page.getByText('Connected.', { exact: false }).waitFor();
  await look('site-connected');

  // Publish the article now: a job, then the post's link on the article's page.
  await page.goto(`${base}/writer/content`);
  await page.getByRole('link', { name: 'Gooseneck or electric: choosing a tea kettle', exact: true }).click();
  await page.waitForURL(/\/writer\/content\/\d+$/);
  const article = page.url();
  await page.locator('#publish-status').selectOption('publish');
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await page.waitForURL(/\/jobs\/\d+/);
  await page.locator('#job-status .job-state').filter({ hasText: 'Succeeded' }).waitFor({ timeout: 60_000 });
  await page.goto(article);
  const link = page.getByRole('link', { name: 'View the post on the site' });
  await link.waitFor();
  const href = await link.getAttribute('href');
  assert.ok(href.startsWith(wordpress), `the post is on the test WordPress: ${href}`);
  assert.ok(await page.getByRole('heading', { name: 'Update the post on WordPress' }).isVisible());
  assert.equal(await page.locator('#publish-status').inputValue(), 'publish', 'an update keeps a live post live by default');
  await look('article-published');
  // The post as WordPress serves it: the title the article was given, live.
  const post = await fetch(href);
  assert.equal(post.status, 200, `GET ${href}`);
  const html = await post.text();
  assert.ok(html.includes('Gooseneck or electric: choosing a tea kettle'), 'the post shows the article');
  // A published article lists the pages that could link to it (or says there are none).
  const linksBack = page.getByRole('heading', { name: 'Links to this article' });
  assert.ok(await linksBack.isVisible());

  // The site's link inventory: synced from WordPress on request, the post among its pages.
  await page.goto(`${base}/sites`);
  await page.getByRole('link', { name: 'Kitchen blog', exact: true }).click();
  await page.waitForURL(/\/sites\/\d+$/);
  await page.locator('#link-inventory').getByRole('link', { name: 'See them' }).click();
  await page.waitForURL(/\/sites\/\d+\/links$/);
  const inventory = page.url();
  await page.getByRole('button', { name: 'Sync now' }).click();
  await page.waitForURL(/\/jobs\/\d+\?done=job-started$/);
  await page.locator('#job-status .job-state').filter({ hasText: 'Succeeded' }).waitFor({ timeout: 60_000 });
  await look('link-sync-done');
  await page.goto(inventory);
  // The test WordPress is shared by the runs on each backend, so an earlier run's post of the
  // same title may be listed too: the one this run published is the one at its address.
  const listed = page.getByRole('link', { name: 'Gooseneck or electric: choosing a tea kettle', exact: true })
    .and(page.locator(`[href="${href}"]`));
  await listed.waitFor();
  assert.equal(await listed.count(), 1, 'the inventory links the post itself, once');
  assert.ok(await page.getByText('Last read from WordPress', { exact: false }).isVisible());
  await look('link-inventory');
});

test('the job list follows its running jobs live, and filters them', async () => {
  await coffeeKeywords(['moka pot', 'stovetop moka pot']);
  await fakeAi('POST', '/control/reply', JSON.stringify({ clusters: [
    { name: 'Moka pots', description: 'Stovetop espresso.', existing_cluster_id: null, keywords: [1, 2] },
  ] }));
  const sectors = await api('GET', '/auth/sectors/');
  const coffee = sectors.results.find((s) => s.name === 'Coffee').id;
  const started = await api('POST', '/planner/keywords/auto_cluster/', { sector_id: coffee });
  await page.goto(`${base}/dashboard`);
  await menu('Jobs').click();
  await page.waitForURL(/\/jobs$/);
  const row = page.locator(`#job-${started.job.id}`);
  await modelCalled();
  await row.locator('.job-state').filter({ hasText: 'Running' }).waitFor();
  await look('jobs-running');
  await fakeAi('POST', '/control/release');
  await row.locator('.job-state').filter({ hasText: 'Succeeded' }).waitFor();
  assert.equal(await row.locator('progress').count(), 0, 'no bar once it is done');
  await look('jobs');
  await page.getByLabel('Status').selectOption({ label: 'Failed' });
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.waitForURL(/status=failed/);
  await page.getByText('No job matches these filters.').waitFor();
});

test('settings: whether AI can run, a provider key kept secret, the defaults saved all or nothing', async () => {
  await page.goto(`${base}/dashboard`);
  await menu('Settings').click();
  await page.waitForURL(/\/settings$/);
  assert.ok(await page.getByText('✓ Ready: clustering, ideas and articles can run.').isVisible());
  await look('settings');

  // Test key: one call that costs nothing, the verdict on the provider's card.
  await page.locator('#provider-openai').getByRole('button', { name: 'Test key' }).click();
  await page.waitForLoadState();
  const verdict = page.locator('#provider-openai-verdict');
  assert.match(await verdict.innerText(), /✓ The key works: OpenAI answered\./);
  await verdict.scrollIntoViewIfNeeded();
  await look('settings-test-key');

  // A key is kept and never shown again, only its last characters.
  const runware = page.locator('#provider-runware');
  await runware.getByText('Connect', { exact: true }).click();
  await runware.getByLabel('API key').fill('rw-secret-key-abcdef9876');
  await runware.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(/done=provider-saved/);
  assert.ok(await page.getByText('Provider saved.', { exact: false }).isVisible());
  assert.equal(await page.getByText('rw-secret-key', { exact: false }).count(), 0);
  assert.ok(await page.locator('#provider-runware').getByText('••••9876', { exact: false }).isVisible());
  // Disconnected again (a confirmation first), so images keep going to the stand-in provider.
  page.once('dialog', (d) => d.accept());
  await page.locator('#provider-runware').getByText('Change', { exact: true }).click();
  await page.locator('#provider-runware').getByRole('button', { name: 'Disconnect' }).click();
  await page.waitForURL(/done=provider-removed/);

  // One bad value: nothing saved, the problem beside its field, what was typed kept.
  await page.getByLabel('Tone', { exact: true }).fill('warm and practical');
  await page.getByLabel('Ideas per cluster', { exact: true }).fill('500');
  await page.getByRole('button', { name: 'Save defaults' }).click();
  await page.waitForLoadState();
  assert.ok(await page.getByText('Nothing was saved.', { exact: false }).isVisible());
  assert.equal(await page.getByLabel('Ideas per cluster', { exact: true }).getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByLabel('Tone', { exact: true }).inputValue(), 'warm and practical');
  await look('settings-errors');
  const before = await api('GET', '/system/settings/');
  assert.equal(before.find((s) => s.key === 'content.tone').is_set, false);
  await page.getByLabel('Ideas per cluster', { exact: true }).fill('2');
  await page.getByRole('button', { name: 'Save defaults' }).click();
  await page.waitForURL(/done=defaults-saved/);
  const after = await api('GET', '/system/settings/');
  assert.equal(after.find((s) => s.key === 'content.tone').value, 'warm and practical');
  assert.equal(after.find((s) => s.key === 'ideas.per_cluster').value, 2);
});

test('billing: the balance, what the AI work used, and the ledger', async () => {
  await page.goto(`${base}/dashboard`);
  await menu('Billing').click();
  await page.waitForURL(/\/billing$/);
  assert.ok(await page.getByRole('heading', { name: 'Plan limits' }).isVisible());
  // The earlier tests ran Auto Cluster and wrote an article: both are in the usage.
  assert.ok(await page.getByRole('link', { name: 'Generate content', exact: true }).isVisible());
  assert.ok(await page.getByRole('cell', { name: 'Grant', exact: true }).first().isVisible());
  await look('billing');
  await page.getByRole('link', { name: 'Every model call' }).click();
  await page.waitForURL(/\/billing\/usage$/);
  assert.ok(await page.locator('tbody tr').count() >= 2);
  await look('billing-usage');
});

test('the team: a person added with a role, and an API key shown once', async () => {
  await page.goto(`${base}/dashboard`);
  await menu('Team').click();
  await page.waitForURL(/\/team$/);
  await page.getByText('Add a person').click();
  await page.locator('#person-email').fill(`bo-${Date.now()}@example.com`);
  await page.locator('#person-name').fill('Bo');
  await page.locator('#person-role').selectOption('viewer');
  await page.locator('#person-password').fill('short');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.waitForLoadState();
  assert.equal(await page.locator('#person-password').getAttribute('aria-invalid'), 'true');
  await page.locator('#person-password').fill('a long first password');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.waitForURL(/done=person-added/);
  assert.ok(await page.getByRole('cell', { name: 'Bo', exact: true }).isVisible());
  await look('team');

  await page.getByRole('link', { name: 'API keys' }).click();
  await page.waitForURL(/\/team\/keys$/);
  await page.locator('#key-name').fill('Deploy script');
  await page.getByRole('button', { name: 'Make the key' }).click();
  await page.getByText('Copy it now: it is shown this once.').waitFor();
  const secret = (await page.locator('#secret').innerText()).trim();
  const works = await fetch(`${base}/api/v1/auth/sites/`, { headers: { authorization: `Api-Key ${secret}` } });
  assert.equal(works.status, 200, 'the key works');
  await look('api-key-made');
  await page.goto(`${base}/team/keys`);
  assert.equal(await page.getByText(secret).count(), 0, 'shown once');
  await look('api-keys');
});

test('the thinker: a prompt of the account beside the shipped one, an author profile', async () => {
  await page.goto(`${base}/dashboard`);
  await menu('Thinker').click();
  await page.waitForURL(/\/thinker\/prompts$/);
  await look('prompts');
  await page.getByRole('link', { name: 'Generate Content', exact: true }).click();
  await page.waitForURL(/\/thinker\/prompts\/content$/);
  const prompt = page.getByRole('textbox', { name: 'Prompt' });
  await prompt.fill('Write “{{title}}” for {{reader}}.');
  await page.getByRole('button', { name: "Save the account's prompt" }).click();
  await page.waitForLoadState();
  assert.equal(await prompt.getAttribute('aria-invalid'), 'true');
  assert.ok(await page.getByText('unknown variable', { exact: false }).isVisible());
  await look('prompt-error');
  await prompt.fill('Write “{{title}}” in {{language}}, about {{primary_keyword}}.');
  await page.getByRole('button', { name: "Save the account's prompt" }).click();
  await page.waitForURL(/done=prompt-saved/);
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Use the shipped prompt again' }).click();
  await page.waitForURL(/done=prompt-reset/);

  await page.locator('.crumbs').getByRole('link', { name: 'Prompts' }).click();
  await page.getByRole('link', { name: 'Author profiles' }).click();
  await page.waitForURL(/\/thinker\/authors$/);
  await page.locator('#author-name').fill('Barista Bea');
  await page.locator('#author-tone').fill('warm and practical');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.waitForURL(/\/thinker\/authors\/\d+\?done=author-added$/);
  await look('author');
  await page.locator('.crumbs').getByRole('link', { name: 'Author profiles' }).click();
  await page.waitForURL(/\/thinker\/authors$/);
  await look('authors');
  await page.getByRole('link', { name: 'Strategies' }).click();
  await page.waitForURL(/\/thinker\/strategies$/);
  await look('strategies');
  await page.getByRole('link', { name: 'Image testing' }).click();
  await page.waitForURL(/\/thinker\/image-testing$/);
  await page.getByLabel('What to draw').fill('A copper gooseneck kettle on a wooden table');
  await page.getByRole('button', { name: /^Draw it/ }).click();
  await page.waitForLoadState();
  const drawn = page.locator('figure.picture-large img');
  await drawn.evaluate((img) => img.decode());
  assert.ok(await drawn.evaluate((img) => img.naturalWidth > 0), 'the test picture shows');
  await look('image-testing');
});

test('automation: a rule with its next runs in its time zone, run by hand', async () => {
  await page.goto(`${base}/dashboard`);
  await menu('Automation').click();
  await page.waitForURL(/\/automation$/);
  await look('automation-empty');
  await page.getByRole('link', { name: 'New rule' }).click();
  await page.waitForURL(/\/automation\/rules\/new$/);
  await page.locator('#rule-name').fill('Weekday mornings');
  await page.locator('#rule-site_id').selectOption({ label: 'Kitchen blog' });
  // Only the free local clustering: the run asks no model, so it ends on its own.
  for (const stage of ['ideas', 'queue', 'content', 'image_prompts', 'images', 'publish']) {
    await page.locator(`#rule-stage-${stage}`).uncheck();
  }
  await page.locator('#rule-cron').fill('0 9 * * mon-fri');
  await page.locator('#rule-timezone').fill('Europe/Paris');
  await page.locator('#rule-cron').fill('0 9 * *');
  await page.getByRole('button', { name: 'Make the rule' }).click();
  await page.waitForLoadState();
  assert.equal(await page.locator('#rule-cron').getAttribute('aria-invalid'), 'true');
  await look('rule-errors');
  await page.locator('#rule-cron').fill('0 9 * * mon-fri');
  await page.getByRole('button', { name: 'Make the rule' }).click();
  await page.waitForURL(/\/automation\/rules\/\d+\?done=rule-added$/);
  assert.equal(await page.locator('ol.times').first().locator('li').count(), 5);
  await look('rule');
  await page.getByRole('button', { name: 'Run now' }).click();
  await page.waitForURL(/\/automation\/runs\/\d+\?done=run-started$/);
  await look('run');
});

test('the operator console: accounts found, credits posted, plans', async () => {
  const ops = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const mine = page;
  page = await ops.newPage();
  watch(page);
  try {
    await page.goto(`${base}/sign-in`);
    await fill({ Email: 'ops@example.com', Password: 'operator passphrase' });
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/operator$/);
    await look('operator-accounts');
    await page.getByLabel('Name', { exact: true }).fill('kitchen');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/search=kitchen/);
    await page.getByRole('link', { name: 'Ada’s kitchen blog', exact: true }).click();
    await page.waitForURL(/\/operator\/accounts\/\d+$/);
    await page.locator('#credits-amount').fill('250');
    await page.locator('#credits-reason').fill('Thanks for the bug report');
    await page.getByRole('button', { name: 'Post', exact: true }).click();
    await page.waitForURL(/done=credits-posted/);
    assert.ok(await page.getByRole('cell', { name: 'Thanks for the bug report' }).isVisible());
    await look('operator-account');
    await page.getByRole('link', { name: 'Its jobs' }).click();
    await page.waitForURL(/\/operator\/jobs\?account_id=\d+$/);
    assert.ok(await page.getByText('Jobs of the account “Ada’s kitchen blog”.').isVisible());
    await look('operator-jobs');
    await page.getByRole('link', { name: 'Plans', exact: true }).click();
    await page.waitForURL(/\/operator\/plans$/);
    await look('operator-plans');
    await page.getByRole('link', { name: 'Health', exact: true }).click();
    await page.waitForURL(/\/operator\/health$/);
    assert.ok(await page.getByText('answers (', { exact: false }).isVisible());
    await look('operator-health');
  } finally {
    await ops.close();
    page = mine;
  }
});
