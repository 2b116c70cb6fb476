// Browser tests of the IGNY8 WordPress plugin in headless Chromium (playwright-core, Debian's
// /usr/bin/chromium). Run by igny8-php/tests/wordpress/run.sh against the site of site.sh.
//
// Env: IGNY8_WP_URL, IGNY8_WP_ADMIN_USER, IGNY8_WP_ADMIN_PASSWORD (from $IGNY8_WP_BASE/env);
//      IGNY8_BROWSER_OUT   where screenshots go (default /tmp/igny8-browser);
//      IGNY8_BROWSER_MODE  'native' (default): the whole pipeline on the extension;
//                          'remote': switch Settings to the hosted API (IGNY8_REMOTE_API_URL,
//                          IGNY8_REMOTE_API_KEY), import, cluster, ideas, an article, its
//                          images and its draft there, the draft read back over the REST API
//                          (IGNY8_WP_APP_PASSWORD) and through the IGNY8 API, then switch back.
// Exits non-zero on the first failed check, with a screenshot of the page it failed on.
import { chromium } from 'playwright-core';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';

const url = need('IGNY8_WP_URL');
const user = need('IGNY8_WP_ADMIN_USER');
const password = need('IGNY8_WP_ADMIN_PASSWORD');
const out = process.env.IGNY8_BROWSER_OUT || '/tmp/igny8-browser';
const mode = process.env.IGNY8_BROWSER_MODE || 'native';
const JOB_TIMEOUT = 45_000; // generous: with the fake each job takes a few seconds, and WP-Cron must start it promptly
mkdirSync(out, { recursive: true });

function need(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`plugin.test.mjs: ${name} is not set`);
    process.exit(2);
  }
  return value;
}

const log = (...args) => console.log(`[browser:${mode}]`, ...args);
let page;
let shot = 0;
async function screenshot(name) {
  shot += 1;
  const file = join(out, `${mode}-${String(shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  log('screenshot', file);
  return file;
}

async function admin(slug, query = '') {
  const target = `${url}/wp-admin/admin.php?page=${slug}${query}`;
  const response = await page.goto(target);
  assert.equal(response.status(), 200, `${target} answered ${response.status()}`);
  await assertNoPhpErrors();
  assert.equal(await page.locator('.igny8-wrap').count(), 1, `${slug} is rendered once`);
}

async function assertNoPhpErrors() {
  const body = await page.content();
  for (const marker of ['Fatal error', 'Parse error', 'Warning</b>:', 'Notice</b>:', 'critical error']) {
    assert.ok(!body.includes(marker), `the page shows a PHP error (${marker}): ${page.url()}`);
  }
}

/** Notices of the current screen (text). */
async function notices() {
  return page.locator('.igny8-notice').allInnerTexts();
}

async function expectNotice(pattern) {
  const texts = await notices();
  assert.ok(texts.some((t) => pattern.test(t)), `no notice matching ${pattern}; notices: ${JSON.stringify(texts)}`);
  return texts.find((t) => pattern.test(t));
}

/** Select rows of a list table (all when no filter) and apply a bulk action. */
async function bulk(action, { rows = null } = {}) {
  if (rows === null) {
    await page.locator('thead .check-column input[type=checkbox]').check();
  } else {
    for (const index of rows) await page.locator('tbody input[name="ids[]"]').nth(index).check();
  }
  await page.selectOption('#igny8-bulk', action);
  await Promise.all([page.waitForNavigation(), page.click('#doaction, input[name=apply]')]);
  await assertNoPhpErrors();
}

/**
 * Watches the job box of the current page: the progress must move through states the
 * REST route reports until the job has finished; returns what was seen.
 */
async function watchJob(label) {
  const box = page.locator('.igny8-job[data-job]');
  await box.waitFor({ timeout: 10_000 });
  const id = await box.getAttribute('data-job');
  const seen = new Set();
  const widths = new Set();
  const phases = new Set();
  const started = Date.now();
  let midShot = false;
  for (;;) {
    const status = (await box.getAttribute('data-status')) || 'queued';
    seen.add(status);
    widths.add(await box.locator('.igny8-progress-bar').evaluate((el) => el.style.width));
    phases.add(`${await box.locator('.igny8-job-status').innerText()} / ${await box.locator('.igny8-job-phase').innerText()}`);
    if (['succeeded', 'failed', 'cancelled'].includes(status)) break;
    if (status === 'running' && !midShot) {
      midShot = true;
      assert.ok(!(await box.locator('.igny8-job-reload').isVisible()), 'no "Show the results" while the job runs');
      await screenshot(`${label}-running`);
    }
    assert.ok(Date.now() - started < JOB_TIMEOUT, `job ${id} (${label}) did not finish in ${JOB_TIMEOUT / 1000}s; seen ${[...seen]}`);
    await page.waitForTimeout(250);
  }
  const status = await box.getAttribute('data-status');
  const result = await box.locator('.igny8-job-result').innerText();
  const steps = await box.locator('.igny8-job-done li').allInnerTexts();
  await page.waitForTimeout(500); // the bar's CSS transition
  log(`job ${id} (${label}): ${status} after ${((Date.now() - started) / 1000).toFixed(1)}s; states ${[...seen].join(' → ')}; bar ${[...widths].join(' ')}; ${[...steps, result].join(' | ')}`);
  await screenshot(`${label}-${status}`);
  assert.equal(status, 'succeeded', `job ${id} (${label}) ended ${status}: ${result}`);
  assert.ok(widths.has('100%'), 'the progress bar reached 100%');
  const raw = [...phases].filter((p) => /\b(queued|running|succeeded|call|prompt|parse|prepare|save)\b|_/.test(p));
  assert.deepEqual(raw, [], `status and phase read as words: ${[...phases]}`);
  assert.ok(await box.locator('.igny8-job-reload').isVisible(), 'the "Show the results" button appears');
  await Promise.all([page.waitForNavigation(), box.locator('.igny8-job-reload').click()]);
  await assertNoPhpErrors();
  return { id, seen, steps };
}

function keywordsCsv() {
  const file = join(out, `${mode}-keywords.csv`);
  const rows = [
    'Keyword,Volume,Keyword Difficulty,CPC',
    'kitchen faucet,12000,45,1.20',
    'best kitchen faucet,8100,52,1.80',
    'touchless kitchen faucet,2900,38,1.50',
    'how to fix a leaky faucet,6600,22,0.40',
    'faucet aerator cleaning,880,12,0.20',
    'pull down kitchen faucet,3600,41,1.30',
  ];
  writeFileSync(file, rows.join('\n') + '\n');
  return { file, count: rows.length - 1 };
}

// Signs in as the admin, trying the form up to three times. Once in CI (right after the
// scenario's WP-Cron run) the POST came back to wp-login.php and the run didn't say why; now
// each miss is logged with WordPress's own message, and a transient one doesn't fail the run.
async function login() {
  const said = [];
  for (let attempt = 1; attempt <= 3; attempt++) {
    await page.goto(`${url}/wp-login.php`, { waitUntil: 'load' });
    await page.fill('#user_login', user);
    await page.fill('#user_pass', password);
    await Promise.all([page.waitForNavigation({ waitUntil: 'load', timeout: 60_000 }), page.click('#wp-submit')]);
    if (page.url().includes('/wp-admin')) return;
    const error = await page.locator('#login_error').innerText().catch(() => '(no #login_error)');
    said.push(`attempt ${attempt}: ${page.url()}: ${error.trim()}`);
    log(`sign-in did not reach wp-admin (${said.at(-1)}); trying again`);
  }
  assert.fail(`login failed:\n${said.join('\n')}`);
}

async function saveConnection(fields) {
  await admin('igny8-settings');
  if (fields.backend) await page.selectOption('#igny8_backend', fields.backend);
  if (fields.api_url !== undefined) await page.fill('#igny8_api_url', fields.api_url);
  if (fields.api_key !== undefined) await page.fill('#igny8_api_key', fields.api_key);
  await Promise.all([page.waitForNavigation(), page.click('.igny8-options #submit')]);
  await assertNoPhpErrors();
}

async function badge() {
  return page.locator('.igny8-backend-badge').innerText();
}

async function importKeywords() {
  await admin('igny8-keywords');
  const csv = keywordsCsv();
  await page.setInputFiles('#igny8-csv', csv.file);
  await Promise.all([page.waitForNavigation(), page.click('.igny8-import #import')]);
  await assertNoPhpErrors();
  const notice = await expectNotice(/Imported \d+ keywords/);
  log(notice);
  const [, imported, merged] = notice.match(/Imported (\d+) keywords, merged (\d+)/).map(Number);
  assert.equal(imported + merged, csv.count, 'every row of the CSV was imported or merged');
  const cells = await page.locator('table.igny8-keywords td.column-keyword strong').allInnerTexts();
  assert.ok(cells.includes('touchless kitchen faucet'), `the imported keywords are listed: ${cells}`);
  await screenshot('keywords-imported');

  // Filters: a search narrows the table.
  await page.fill('input[name=s]', 'touchless');
  await Promise.all([page.waitForNavigation(), page.click('#search-submit')]);
  const filtered = await page.locator('table.igny8-keywords td.column-keyword strong').allInnerTexts();
  assert.deepEqual(filtered, ['touchless kitchen faucet'], 'search filters the keywords');

  // Export downloads a CSV with the keywords.
  await admin('igny8-keywords');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('.igny8-export')]);
  const path = join(out, `${mode}-export.csv`);
  await download.saveAs(path);
  const exported = readFileSync(path, 'utf8');
  assert.match(exported, /touchless kitchen faucet/, 'the export holds the keywords');
  log(`export: ${exported.split('\n').length - 1} lines`);
}

/** On an article's preview: its images, drawn by the steps that followed Generate articles. */
async function illustrated() {
  const statuses = await page.locator('.igny8-images figure .igny8-status').allInnerTexts();
  assert.ok(statuses.length >= 2 && statuses.every((s) => s === 'Generated'), `the article came with its featured and in-article images: ${statuses}`);
  assert.equal(await page.locator('.igny8-images button[value=illustrate]').count(), 0, 'nothing left to add');
  await page.locator('.igny8-images').scrollIntoViewIfNeeded();
  await screenshot('images-by-themselves');
}

/** Column cells of a list table, as text (the cell's own text, not its row actions). */
async function column(list, name) {
  return page.locator(`table.igny8-${list} tbody td.column-${name}`).evaluateAll((cells) =>
    cells.map((cell) => (cell.querySelector('strong, time, .igny8-status') || cell).textContent.trim()));
}

/**
 * The lists are WordPress list tables: words instead of values, sortable columns, Screen
 * Options (page size, columns), pages, row actions, and a confirmation before deleting.
 */
async function listTables() {
  // The CSV's six keywords (the scenario run before left others on the site).
  const ours = '&s=faucet';
  await admin('igny8-keywords', ours);
  const statuses = await column('keywords', 'status');
  assert.ok(statuses.length === 6 && statuses.every((s) => s === 'Pending'), `statuses are words: ${statuses}`);
  await admin('igny8-keywords');
  const words = [...(await column('keywords', 'status')), ...(await column('keywords', 'intent'))];
  assert.ok(words.every((s) => !s.includes('_') && s === s.charAt(0).toUpperCase() + s.slice(1)), `statuses and intents are words: ${words}`);
  await admin('igny8-keywords', ours);

  // Sorting by volume: most first, then least first.
  const numbers = async () => (await column('keywords', 'volume')).map((v) => Number(v.replace(/[^0-9]/g, '')));
  await Promise.all([page.waitForNavigation(), page.click('th.column-volume a')]);
  const down = await numbers();
  assert.deepEqual(down, [...down].sort((a, b) => b - a), `sorted by volume, most first: ${down}`);
  await Promise.all([page.waitForNavigation(), page.click('th.column-volume a')]);
  const up = await numbers();
  assert.deepEqual(up, [...up].sort((a, b) => a - b), `then least first: ${up}`);

  // Screen Options: two per page, and the "Added" column shown.
  await admin('igny8-keywords', ours);
  assert.equal(await page.locator('thead th.column-created_at.hidden').count(), 1, '"Added" is hidden until asked for');
  await page.click('#show-settings-link');
  // A column is shown at once and remembered by WordPress (admin-ajax), before the page size is applied.
  await Promise.all([page.waitForResponse((r) => r.url().includes('admin-ajax.php')), page.check('#created_at-hide')]);
  await page.fill('#igny8_keywords_per_page', '2');
  await Promise.all([page.waitForNavigation(), page.click('#screen-options-apply')]);
  await assertNoPhpErrors();
  assert.equal(await page.locator('table.igny8-keywords tbody tr[data-id]').count(), 2, 'two keywords per page');
  assert.match(await page.locator('.tablenav.top .displaying-num').innerText(), /^6 items$/);
  assert.equal(await page.locator('.tablenav.top .total-pages').innerText(), '3');
  const dates = await page.locator('table.igny8-keywords td.column-created_at time').evaluateAll((t) => t.map((e) => [e.textContent, e.title]));
  assert.ok(dates.length === 2 && dates.every(([shown, full]) => /ago$/.test(shown) && full.length > 8), `dates in the site's words: ${JSON.stringify(dates)}`);
  const first = await column('keywords', 'keyword');
  await Promise.all([page.waitForNavigation(), page.click('.tablenav.top .next-page')]);
  const second = await column('keywords', 'keyword');
  assert.ok(second.length === 2 && !second.some((k) => first.includes(k)), `page 2 shows the next keywords: ${first} / ${second}`);
  await bothWidths('keywords-list-table');

  // Deleting asks first: cancelled, nothing goes; confirmed, the row goes.
  const row = page.locator('table.igny8-keywords tbody tr', { hasText: second[0] });
  await row.hover();
  let asked = '';
  page.once('dialog', (dialog) => { asked = dialog.message(); dialog.dismiss(); });
  await row.locator('.igny8-row-delete').click();
  await page.waitForTimeout(300);
  assert.match(asked, new RegExp(`Delete “${second[0]}” permanently\\? This cannot be undone\\.`), `the row action asks first: ${asked}`);
  assert.ok((await column('keywords', 'keyword')).includes(second[0]), 'cancelled: the keyword stays');
  await row.locator('input[name="ids[]"]').check();
  await page.selectOption('#igny8-bulk', 'delete');
  page.once('dialog', (dialog) => { asked = dialog.message(); dialog.dismiss(); });
  await page.click('#doaction, input[name=apply]');
  await page.waitForTimeout(300);
  assert.match(asked, /Delete 1 selected item permanently\?/, `the bulk action asks first: ${asked}`);
  await row.hover();
  page.once('dialog', (dialog) => dialog.accept());
  await Promise.all([page.waitForNavigation(), row.locator('.igny8-row-delete').click()]);
  await expectNotice(/1 row changed/);
  assert.match(page.url(), /paged=2/, 'back on the same page of the list');

  // Back to the default page size, "Added" hidden again.
  await page.click('#show-settings-link');
  await Promise.all([page.waitForResponse((r) => r.url().includes('admin-ajax.php')), page.uncheck('#created_at-hide')]);
  await page.fill('#igny8_keywords_per_page', '50');
  await Promise.all([page.waitForNavigation(), page.click('#screen-options-apply')]);
  await admin('igny8-keywords', ours);
  const left = await column('keywords', 'keyword');
  assert.ok(left.length === 5 && !left.includes(second[0]), `confirmed: the keyword is gone (${left})`);
  await admin('igny8-keywords', '&s=no-such-keyword');
  assert.match(await page.locator('table.igny8-keywords .no-items').innerText(), /Nothing matches this search/);
  log(`list tables: sorted ${down} / ${up}; pages of 2; deleted "${second[0]}" after confirming`);
}

/** Forms and the REST route refuse requests without their nonce, even from a logged-in admin. */
async function nonces() {
  const form = await page.request.post(`${url}/wp-admin/admin-post.php`, {
    form: { action: 'igny8_keywords', bulk: 'delete', 'ids[]': '1' },
    maxRedirects: 0,
  });
  assert.equal(form.status(), 403, 'a bulk action without its nonce is refused');
  const rest = await page.request.get(`${url}/?rest_route=/igny8/v1/jobs/1`);
  assert.ok([401, 403].includes(rest.status()), `the job route without the wp_rest nonce is refused (got ${rest.status()})`);
  log('nonces: form 403, REST', rest.status());
}

/**
 * Keywords → clusters → ideas → writer queue → an article, each job started from its screen
 * and watched to the end; leaves the browser on the new article's preview. Returns its title.
 */
async function pipeline() {
  await admin('igny8-keywords');
  await bulk('auto_cluster');
  await watchJob('cluster');
  const statuses = await page.locator('table.igny8-keywords td.column-status').allInnerTexts();
  assert.ok(statuses.every((s) => s === 'Clustered'), `every keyword is clustered: ${statuses}`);

  await admin('igny8-clusters');
  const clusters = await page.locator('table.igny8-clusters tbody tr[data-id]').count();
  assert.ok(clusters > 0, 'clusters are listed');
  await screenshot('clusters');
  await page.fill('input[name=ideas_per_cluster]', '2');
  await bulk('generate_ideas', { rows: [0] });
  await watchJob('ideas');

  await admin('igny8-ideas');
  const ideas = await page.locator('table.igny8-ideas tbody tr[data-id]').count();
  assert.ok(ideas >= 1, 'ideas are listed');
  await screenshot('ideas');
  assert.ok((await page.locator('table.igny8-ideas .igny8-outline summary').count()) >= 1, "the ideas' outlines are shown");
  await page.locator('table.igny8-ideas .igny8-outline summary').first().click();
  assert.ok((await page.locator('table.igny8-ideas .igny8-outline[open] li').count()) >= 2, 'an outline unfolds into its sections');
  await screenshot('ideas-outline');
  await bulk('queue', { rows: [0] });
  await expectNotice(/1 task added to the writer queue/);

  await admin('igny8-tasks');
  await page.fill('input[name=word_count]', '500');
  await bulk('generate_content', { rows: [0] });
  const article = await watchJob('article');
  assert.ok(article.seen.has('running'), `the article's progress was shown while it ran (seen ${[...article.seen]})`);
  // "Illustrate articles" is on: the image prompts and the images followed by themselves, in
  // the same box, each step saying what it did.
  assert.equal(article.steps.length, 2, `three steps in one box: ${article.steps}`);
  assert.match(article.steps[0], /^Writing articles: /);
  assert.match(article.steps[1], /^Writing image prompts: /);
  await screenshot('tasks');
  // A written task leads to its article.
  assert.equal((await column('tasks', 'status'))[0], 'Written', 'the task says it is written');
  await Promise.all([page.waitForNavigation(), page.locator('table.igny8-tasks a.igny8-article-link').first().click()]);
  assert.ok((await page.locator('.igny8-preview-title').innerText()).length > 0, "the task's title opens its article");

  await admin('igny8-content');
  await screenshot('content');
  // The article just written is the one not sent to WordPress yet.
  const fresh = page.locator('table.igny8-content tbody tr', { has: page.locator('td.column-wp_post_id .igny8-none') });
  assert.ok((await fresh.count()) >= 1, 'the new article is listed without a post');
  await Promise.all([page.waitForNavigation(), fresh.first().locator('.igny8-preview-link').click()]);
  await assertNoPhpErrors();
  const title = await page.locator('.igny8-preview-title').innerText();
  assert.ok(title.length > 0, 'the preview shows the title');
  assert.ok((await page.locator('.igny8-article h2').count()) > 0, 'the preview shows the article');
  return title;
}

/**
 * On a content's preview: send it as a draft, then again (same post). Returns the post id and
 * what afterFirst(postId), if given, returned after the first send.
 */
async function sendDraft(afterFirst = null) {
  assert.match(await page.locator('.igny8-linked').innerText(), /Creates a new WordPress post/, 'the preview says a new post will be made');
  await page.selectOption('#igny8-send-status', 'draft');
  await Promise.all([page.waitForNavigation(), page.click('.igny8-send #send')]);
  await assertNoPhpErrors();
  const created = await expectNotice(/Created “.+” \(post #\d+, a draft\)/);
  const postId = Number(created.match(/#(\d+)/)[1]);
  assert.match(await page.locator('.igny8-linked').innerText(), new RegExp(`Updates “.+” #${postId} \\(a draft, view\\)`), 'the preview says which post sending updates');
  await screenshot('content-sent');
  const first = afterFirst ? await afterFirst(postId) : null;

  // Sending again updates the same post.
  await Promise.all([page.waitForNavigation(), page.click('.igny8-send #send')]);
  await expectNotice(new RegExp(`Updated “.+” \\(post #${postId}, a draft\\)`));
  return afterFirst ? { postId, first } : postId;
}

/** GET of WordPress's REST API as admin with the application password (no cookies). */
async function wpRest(route) {
  const auth = Buffer.from(`${user}:${need('IGNY8_WP_APP_PASSWORD')}`).toString('base64');
  const response = await fetch(`${url}/?rest_route=${route}`, { headers: { Authorization: `Basic ${auth}` } });
  const body = await response.json();
  assert.equal(response.status, 200, `GET ${route}: ${response.status} ${JSON.stringify(body)}`);
  return { body, total: Number(response.headers.get('x-wp-total')) };
}

/** A call of the hosted IGNY8 API with the API key (GET unless a body is given): the envelope's data. */
async function igny8Api(path, body = undefined) {
  const response = await fetch(`${need('IGNY8_REMOTE_API_URL')}/api/v1/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { Authorization: `Api-Key ${need('IGNY8_REMOTE_API_KEY')}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json();
  assert.ok(response.ok && answer.success, `${path}: ${response.status} ${JSON.stringify(answer)}`);
  return answer.data;
}

/**
 * A remote draft read back: the post over WordPress's REST API (featured image with the
 * image's alt text, in-article images in the body), and its content through the IGNY8 API
 * (linked to the post). Returns what identifies the post's media.
 */
async function remoteDraft(postId) {
  const { body: post } = await wpRest(`/wp/v2/posts/${postId}&context=edit`);
  const contents = (await igny8Api('writer/content/?page_size=100')).results;
  const content = contents.find((c) => c.wp_post_id === postId);
  assert.ok(content, `the IGNY8 API names post #${postId} as a content's wp_post_id: ${JSON.stringify(contents.map((c) => [c.id, c.wp_post_id]))}`);
  assert.equal(content.wp_url, post.link, "the content's wp_url is the post's link");
  assert.equal(post.title.raw, content.title, 'the post has the content title');

  const images = (await igny8Api(`writer/images/?content_id=${content.id}&page_size=100`)).results;
  const featured = images.find((i) => i.kind === 'featured' && i.status === 'generated');
  assert.ok(featured, `the content has a generated featured image: ${JSON.stringify(images)}`);
  assert.ok(featured.has_file && !featured.url, `the service stored the featured image as a file (has_file, no url): ${JSON.stringify(featured)}`);
  assert.ok(post.featured_media > 0, `the draft has a featured image (featured_media ${post.featured_media})`);
  const { body: media } = await wpRest(`/wp/v2/media/${post.featured_media}&context=edit`);
  assert.ok(featured.alt_text, 'the featured image has alt text');
  assert.equal(media.alt_text, featured.alt_text, "the featured image's attachment has the image's alt text");
  assert.equal(media.post, postId, 'the featured image is attached to the draft');
  assert.match(media.mime_type, /^image\/(png|jpeg|webp)$/, 'the featured image is an image');

  const inArticle = images.filter((i) => i.kind !== 'featured' && i.status === 'generated');
  assert.ok(inArticle.length > 0, 'the content has generated in-article images');
  const figures = [...post.content.raw.matchAll(/<figure class="wp-block-image[^"]*"><img src="[^"]+" alt="([^"]*)" class="wp-image-(\d+)"/g)];
  assert.equal(figures.length, inArticle.length, `the body has each in-article image: ${figures.length} of ${inArticle.length}`);
  const { total } = await wpRest('/wp/v2/media&per_page=1');
  log(`remote draft #${postId}: content ${content.id}, featured media ${post.featured_media} (alt "${media.alt_text}"), in-article ${figures.map((f) => f[2])}, ${total} attachments`);
  return { featured: post.featured_media, inline: figures.map((f) => Number(f[2])), total };
}

/** The draft as WordPress shows it (preview) and in the editor. */
async function openDraft(postId, title, { images }) {
  await page.goto(`${url}/?p=${postId}&preview=true`);
  await assertNoPhpErrors();
  assert.equal((await page.locator('h1').first().innerText()).trim(), title.trim(), 'the draft has the title');
  if (images) {
    assert.ok((await page.locator('img.wp-post-image').count()) === 1, 'the draft has its featured image');
    assert.ok((await page.locator('figure.wp-block-image img').count()) > 0, 'the draft has in-article images');
    // Content images load lazily: fetch each one rather than wait for it to scroll into view.
    const sources = await page.locator('figure.wp-block-image img, img.wp-post-image').evaluateAll((imgs) => imgs.map((i) => i.src));
    for (const src of sources) {
      assert.ok(src.startsWith(`${url}/wp-content/uploads/`), `the draft's image is in the media library: ${src}`);
      const image = await page.request.get(src);
      assert.equal(image.status(), 200, `${src} loads`);
      assert.match(image.headers()['content-type'] || '', /^image\//, `${src} is an image`);
    }
  }
  await screenshot('draft-preview');
  await page.goto(`${url}/wp-admin/post.php?post=${postId}&action=edit`);
  await page.waitForTimeout(3000);
  await page.keyboard.press('Escape'); // the block editor's welcome guide
  await page.waitForTimeout(500);
  const editorTitle = await page.locator('.editor-post-title, h1.wp-block-post-title').first().innerText();
  assert.ok(editorTitle.includes(title.trim().slice(0, 20)), `the editor opens the draft (${editorTitle})`);
  await assertValidBlocks(postId);
  await screenshot('draft-editor');
}

/**
 * The post open in the block editor (the current page) has blocks only of the editor's own
 * kinds, every one valid: no "This block contains unexpected or invalid content" warning, no
 * Classic block, no missing block type. Returns the block names, nested ones included.
 */
async function assertValidBlocks(postId) {
  await page.waitForFunction(() => window.wp?.data?.select('core/block-editor')?.getBlocks()?.length > 0, null, { timeout: 30000 });
  const blocks = await page.evaluate(() => {
    const walk = (list) => list.flatMap((b) => [{ name: b.name, valid: b.isValid }, ...walk(b.innerBlocks)]);
    return walk(window.wp.data.select('core/block-editor').getBlocks());
  });
  const invalid = blocks.filter((b) => !b.valid).map((b) => b.name);
  assert.deepEqual(invalid, [], `post #${postId}: invalid blocks in the editor: ${invalid}`);
  const fallback = blocks.filter((b) => ['core/freeform', 'core/missing'].includes(b.name)).map((b) => b.name);
  assert.deepEqual(fallback, [], `post #${postId}: Classic or missing blocks: ${fallback}`);
  assert.equal(await page.locator('.block-editor-warning').count(), 0, `post #${postId}: the editor shows no block warning`);
  log(`post #${postId} in the block editor: ${blocks.length} blocks, all valid (${[...new Set(blocks.map((b) => b.name))].join(', ')})`);
  return blocks.map((b) => b.name);
}

/** The content preview shows IGNY8's fourteen SEO checks with the score, each in words. */
async function assertSeoChecks() {
  const checks = page.locator('.igny8-seo li');
  assert.equal(await checks.count(), 14, 'the preview lists the fourteen SEO checks');
  assert.match(await page.locator('.igny8-seo h2 .igny8-score').innerText(), /^\d{1,3}\/100$/, 'the preview shows the score');
  assert.match(await checks.first().innerText(), /^(PASSED|TO FIX) Keyword in the title: /i, 'each check is named and measured');
}

/** The post with every kind of block the scenario published: valid in the block editor. */
async function everyBlock() {
  const postId = Number(readFileSync(`${need('IGNY8_WP_BASE')}/every-block-post`, 'utf8'));
  assert.ok(postId > 0, 'the scenario left the id of its post with every kind of block');
  await page.goto(`${url}/wp-admin/post.php?post=${postId}&action=edit`);
  await page.waitForTimeout(2000);
  await page.keyboard.press('Escape');
  const names = await assertValidBlocks(postId);
  for (const kind of ['core/table', 'core/quote', 'core/code', 'core/list-item', 'core/separator', 'core/image', 'core/html']) {
    assert.ok(names.includes(kind), `post #${postId} has a ${kind} block in the editor`);
  }
  await screenshot('every-block-editor');
  await page.locator('.wp-block-quote').first().scrollIntoViewIfNeeded();
  await screenshot('every-block-editor-quote-code');
}

/** POST to WordPress's REST API as admin with the application password: an edit made in WordPress. */
async function wpRestPost(route, data) {
  const auth = Buffer.from(`${user}:${need('IGNY8_WP_APP_PASSWORD')}`).toString('base64');
  const response = await fetch(`${url}/?rest_route=${route}`, {
    method: 'POST',
    headers: { Authorization: `Basic ${auth}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(data),
  });
  const body = await response.json();
  assert.ok([200, 201].includes(response.status), `POST ${route}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/**
 * The block editor's IGNY8 sidebar on a post made from IGNY8 content: the SEO score and the
 * fourteen checks of the post as it stands in the editor (a title without the keyword fails
 * "Keyword in the title" a moment after typing, before any save), and internal links: a page
 * of the site whose title the article uses is suggested, *Insert link* links those words in
 * the paragraph, and after *Update* the post in WordPress has the link.
 */
async function editorSidebar(postId) {
  // A page of the site titled with words of the article (a word of its title and the next).
  await page.goto(`${url}/wp-admin/post.php?post=${postId}&action=edit`);
  await page.waitForFunction(() => window.wp?.data?.select('core/block-editor')?.getBlocks()?.length > 0, null, { timeout: 30000 });
  await page.keyboard.press('Escape'); // the welcome guide
  const phrase = await page.evaluate(() => {
    const title = window.wp.data.select('core/editor').getEditedPostAttribute('title');
    const words = new Set(title.toLowerCase().match(/\p{L}{5,}/gu) || []);
    for (const block of window.wp.data.select('core/block-editor').getBlocks()) {
      if (block.name !== 'core/paragraph') continue;
      const text = block.attributes.content.replace(/<a\b[\s\S]*?<\/a>/g, ' ').replace(/<[^>]+>/g, '');
      for (const pair of text.matchAll(/(\p{L}{5,})\s+(\p{L}{4,})/gu)) {
        if (words.has(pair[1].toLowerCase())) return `${pair[1]} ${pair[2]}`;
      }
    }
    return null;
  });
  assert.ok(phrase, "the article's paragraphs use a word of its title");
  const target = await wpRestPost('/wp/v2/pages', { title: phrase.replace(/^./, (c) => c.toUpperCase()), status: 'publish', content: '<p>A page to link to.</p>' });
  log(`editor: a page "${phrase}" (#${target.id}) to link to`);

  await page.reload();
  await page.waitForFunction(() => window.wp?.data?.select('core/block-editor')?.getBlocks()?.length > 0, null, { timeout: 30000 });
  await page.keyboard.press('Escape');
  const pinned = page.locator('.interface-pinned-items button[aria-label="IGNY8"]');
  if (await pinned.count()) {
    await pinned.click();
  } else {
    await page.click('.edit-post-more-menu button, button[aria-label="Options"]');
    await page.getByRole('menuitemcheckbox', { name: 'IGNY8' }).click();
  }
  const sidebar = page.locator('.igny8-editor-sidebar');
  await sidebar.locator('.igny8-editor-score').waitFor({ timeout: 20_000 });
  assert.equal(await sidebar.locator('.igny8-editor-checks li').count(), 14, 'the fourteen checks');
  const first = await sidebar.locator('.igny8-editor-score').innerText();
  assert.match(first, /^\d{1,3}\/100$/, `the score: ${first}`);
  const keywordInTitle = () => sidebar.locator('.igny8-editor-checks li', { hasText: 'Keyword in the title' }).getAttribute('class');
  assert.equal(await keywordInTitle(), 'igny8-pass', 'the generated title has the keyword');
  await bothWidths('editor-sidebar');

  // A title without the keyword: the check fails by itself, nothing saved.
  const title = page.locator('.editor-post-title__input').first();
  const before = await title.innerText();
  await title.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('A headline about something else');
  await page.waitForFunction(() => document.querySelector('.igny8-editor-checks li.igny8-fail strong')?.closest('ul')
    && [...document.querySelectorAll('.igny8-editor-checks li.igny8-fail strong')].some((s) => s.textContent === 'Keyword in the title'), null, { timeout: 15_000 });
  assert.ok(Number((await sidebar.locator('.igny8-editor-score').innerText()).split('/')[0]) < Number(first.split('/')[0]), 'the score drops');
  await screenshot('editor-sidebar-title-changed');
  await title.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.type(before);
  await page.waitForFunction(() => [...document.querySelectorAll('.igny8-editor-checks li.igny8-pass strong')].some((s) => s.textContent === 'Keyword in the title'), null, { timeout: 15_000 });

  // Internal links: the page is suggested with the article's words, and inserted.
  await sidebar.locator('.igny8-find-links').click();
  const suggestion = sidebar.locator('.igny8-editor-links li', { hasText: target.title.rendered });
  await suggestion.waitFor({ timeout: 15_000 });
  assert.match(await suggestion.innerText(), new RegExp(`Words: “${phrase}”`, 'i'), 'the words that carry the link');
  await sidebar.locator('.igny8-editor-links-panel').scrollIntoViewIfNeeded();
  await screenshot('editor-sidebar-links');
  await suggestion.locator('.igny8-insert-link').click();
  await sidebar.locator('.igny8-editor-said', { hasText: 'Linked' }).waitFor();
  const html = await page.evaluate(() => window.wp.data.select('core/editor').getEditedPostContent());
  assert.ok(html.includes(`href="${target.link}"`), 'the paragraph links the page');
  await page.click('.editor-post-publish-button, .editor-post-save-draft');
  await page.locator('.components-snackbar').first().waitFor({ timeout: 20_000 });
  const { body: saved } = await wpRest(`/wp/v2/posts/${postId}&context=edit`);
  assert.ok(saved.content.raw.includes(`href="${target.link}"`), 'the saved post has the link');
  await screenshot('editor-sidebar-linked');
  log(`editor sidebar: score ${first}, the title check follows typing, "${phrase}" linked to page #${target.id}`);
}

/**
 * Keywords, tasks and sectors added and edited by hand: *Add new* and a row's *Edit* open a
 * form; a value IGNY8 refuses brings the form back with what was typed and IGNY8's words next
 * to the field; saved, the list shows it.
 */
async function recordForms() {
  await admin('igny8-keywords');
  await Promise.all([page.waitForNavigation(), page.click('.igny8-add-new')]);
  await page.fill('#igny8-field-keyword', 'rain barrel diverter');
  await page.fill('#igny8-field-volume', '1300');
  await page.fill('#igny8-field-difficulty', '150');
  await page.selectOption('#igny8-field-intent', 'commercial');
  await Promise.all([page.waitForNavigation(), page.click('.igny8-record-form #submit')]);
  await assertNoPhpErrors();
  await expectNotice(/Nothing was saved: correct the fields marked below/);
  assert.match(await page.locator('.igny8-field-difficulty .igny8-field-error').innerText(), /0.100|100/, 'the refusal is next to the field');
  assert.equal(await page.locator('#igny8-field-keyword').inputValue(), 'rain barrel diverter', 'what was typed is kept');
  assert.equal(await page.locator('#igny8-field-intent').inputValue(), 'commercial', 'the choice is kept');
  await bothWidths('keyword-form-refused');
  await page.fill('#igny8-field-difficulty', '35');
  await Promise.all([page.waitForNavigation(), page.click('.igny8-record-form #submit')]);
  await expectNotice(/Added “rain barrel diverter”/);
  await admin('igny8-keywords', '&s=rain+barrel+diverter');
  assert.deepEqual(await column('keywords', 'volume'), ['1,300']);

  const row = page.locator('table.igny8-keywords tbody tr').first();
  await row.hover();
  await Promise.all([page.waitForNavigation(), row.locator('.igny8-row-edit').click()]);
  assert.equal(await page.locator('#igny8-field-volume').inputValue(), '1300', 'the form shows the keyword');
  await page.fill('#igny8-field-volume', '880');
  await Promise.all([page.waitForNavigation(), page.click('.igny8-record-form #submit')]);
  await expectNotice(/Saved “rain barrel diverter”/);
  await admin('igny8-keywords', '&s=rain+barrel+diverter');
  assert.deepEqual(await column('keywords', 'volume'), ['880']);

  await admin('igny8-tasks');
  await Promise.all([page.waitForNavigation(), page.click('.igny8-add-new')]);
  await page.fill('#igny8-field-title', 'Choosing a rain barrel diverter');
  await page.fill('#igny8-field-keywords', 'rain barrel diverter, downspout diverter');
  await page.fill('#igny8-field-target_word_count', '900');
  await screenshot('task-form');
  await Promise.all([page.waitForNavigation(), page.click('.igny8-record-form #submit')]);
  await expectNotice(/Added “Choosing a rain barrel diverter”/);
  await admin('igny8-tasks', '&s=rain+barrel');
  assert.deepEqual(await column('tasks', 'status'), ['Ready to write'], 'the task waits in the writer queue');

  await admin('igny8-sectors');
  await Promise.all([page.waitForNavigation(), page.click('.igny8-add-new')]);
  await page.fill('#igny8-field-name', 'Garden tools');
  await Promise.all([page.waitForNavigation(), page.click('.igny8-record-form #submit')]);
  await expectNotice(/Added “Garden tools”/);
  const sector = page.locator('table.igny8-sectors tbody tr', { hasText: 'Garden tools' });
  await sector.hover();
  await Promise.all([page.waitForNavigation(), sector.locator('.igny8-row-edit').click()]);
  await page.uncheck('#igny8-field-is_active');
  await Promise.all([page.waitForNavigation(), page.click('.igny8-record-form #submit')]);
  await expectNotice(/Saved “Garden tools”/);
  assert.match(await page.locator('table.igny8-sectors tbody tr', { hasText: 'Garden tools' }).locator('.igny8-status').innerText(), /Inactive/);
  await bothWidths('sectors');
  page.once('dialog', (dialog) => dialog.accept());
  const made = page.locator('table.igny8-sectors tbody tr', { hasText: 'Garden tools' });
  await made.hover();
  await Promise.all([page.waitForNavigation(), made.locator('.igny8-row-delete').click()]);
  await expectNotice(/1 row changed/);
  assert.equal(await page.locator('table.igny8-sectors tbody tr', { hasText: 'Garden tools' }).count(), 0, 'the sector is gone');
  log('forms: a keyword refused then added and edited, a task added, a sector added, made inactive and deleted');
}

/**
 * Strategies: one added with its sections (one per line), listed with them in order, then
 * chosen for a task of the writer queue.
 */
async function strategies() {
  await admin('igny8-strategies');
  await Promise.all([page.waitForNavigation(), page.click('.igny8-add-new')]);
  await page.fill('#igny8-field-name', 'Buyer’s guide');
  await page.fill('#igny8-field-guidance', 'Compare the options honestly; end with a checklist.');
  await page.fill('#igny8-field-section_structure', 'Introduction\nWhat to look for\n\nBuying checklist\n');
  await Promise.all([page.waitForNavigation(), page.click('.igny8-record-form #submit')]);
  await expectNotice(/Added “Buyer’s guide”/);
  const row = page.locator('table.igny8-strategies tbody tr', { hasText: 'Buyer’s guide' });
  assert.match(await row.locator('td.column-section_structure').innerText(), /Introduction → What to look for → Buying checklist/, 'the sections in order, blank lines dropped');
  await bothWidths('strategies');

  await admin('igny8-tasks', '&s=rain+barrel');
  const task = page.locator('table.igny8-tasks tbody tr').first();
  const taskId = await task.getAttribute('data-id');
  await task.hover();
  await Promise.all([page.waitForNavigation(), task.locator('.igny8-row-edit').click()]);
  await page.selectOption('#igny8-field-strategy_id', { label: 'Buyer’s guide' });
  await Promise.all([page.waitForNavigation(), page.click('.igny8-record-form #submit')]);
  await expectNotice(/Saved “Choosing a rain barrel diverter”/);
  await admin('igny8-tasks', `&edit=${taskId}`);
  const chosen = await page.locator('#igny8-field-strategy_id option:checked').innerText();
  assert.equal(chosen, 'Buyer’s guide', 'the task keeps its strategy');
  log('strategies: one added with its sections and chosen for a task');
}

/**
 * Image testing: a prompt drawn with the account's image model; the picture shows with who
 * drew it and what it cost, and the prompt stays in the form for the next try.
 */
async function imageTesting() {
  await admin('igny8-settings', '&tab=images');
  await page.fill('#igny8-image-prompt', 'A rain barrel under a copper downspout, morning light');
  await page.selectOption('#igny8-image-size', '1536x1024');
  await Promise.all([page.waitForNavigation({ timeout: 60_000 }), page.click('#draw')]);
  await assertNoPhpErrors();
  await expectNotice(/Drawn\. It cost \d+ credits?\./);
  const image = page.locator('img.igny8-image-test-result');
  await image.waitFor();
  assert.ok(await image.evaluate((img) => img.complete && img.naturalWidth > 0), 'the drawing loads');
  assert.match(await page.locator('.igny8-image-test table').innerText(), /Drawn by\s+\S+/, 'who drew it');
  assert.equal(await page.locator('#igny8-image-prompt').inputValue(), 'A rain barrel under a copper downspout, morning light', 'the prompt stays for the next try');
  await bothWidths('image-testing');
  log('image testing: drawn and shown');
}

/**
 * Credits: the balance and the ledger of what the pipeline did (holds when a step starts,
 * what it was charged, releases), in words, filtered by kind of entry.
 */
async function creditsLedger() {
  await admin('igny8-credits');
  assert.match(await page.locator('.igny8-card-balance .igny8-card-number').innerText(), /^[\d,.\s]+$/, 'the balance');
  assert.ok(await page.locator('table.igny8-credits thead th.column-created_at').isVisible(), 'each entry says when (the primary column is never hidden)');
  assert.equal(await page.locator('table.igny8-credits tbody tr').first().locator('button.toggle-row').count(), 1, 'on a phone the other columns fold under a toggle');
  const kinds = await column('credits', 'kind');
  assert.ok(kinds.length > 0, 'the pipeline moved credits');
  assert.ok(kinds.includes('Hold'), `a step held credits when it started: ${kinds}`);
  const steps = await column('credits', 'operation');
  assert.ok(steps.some((s) => s === 'Write articles' || /article/i.test(s)), `the steps are named in words: ${steps}`);
  await bothWidths('credits');
  await page.selectOption('#igny8-filter-kind', 'hold');
  await Promise.all([page.waitForNavigation(), page.click('#igny8-filter-submit, .igny8-filter-button, input[name=filter_action]')]);
  const held = await column('credits', 'kind');
  assert.ok(held.length > 0 && held.every((k) => k === 'Hold'), `only holds: ${held}`);
  log(`credits: ${kinds.length} entries on the first page, ${held.length} holds`);
}

/** Screenshots of the current page at desktop width and at 375 px. */
async function bothWidths(name) {
  await screenshot(name);
  const size = page.viewportSize();
  await page.setViewportSize({ width: 375, height: 800 });
  await screenshot(`${name}-375`);
  await page.setViewportSize(size);
}

/**
 * Sending never destroys work: the preview (at `preview`) publishes the post; the bulk send
 * keeps it published; an edit made in WordPress is shown, refused without consent (one send,
 * one bulk send), and replaced only with the box ticked; the content's status follows.
 */
async function safeSending(preview, postId) {
  await page.goto(preview);
  await page.selectOption('#igny8-send-status', 'publish');
  await Promise.all([page.waitForNavigation(), page.click('.igny8-send #send')]);
  await expectNotice(new RegExp(`Updated “.+” \\(post #${postId}, published\\)`));
  const options = await page.locator('#igny8-send-status option').allInnerTexts();
  assert.deepEqual(options, ['Keep it published', 'Schedule it (offline until then)', 'Back to draft (takes it offline)'], 'a live post offers to stay live, and names unpublishing');
  assert.equal(await page.locator('.igny8-send #send').inputValue(), 'Update the live post');
  assert.match(await page.locator('.igny8-meta').innerText(), /Status\s+Published/, 'the content is published with its post');

  // The bulk send: the post stays published.
  await admin('igny8-content');
  const row = page.locator('table.igny8-content tbody tr', { has: page.locator(`td.column-wp_post_id a:text("#${postId}")`) });
  await row.locator('input[name="ids[]"]').check();
  await page.selectOption('#igny8-bulk', 'send_draft');
  await Promise.all([page.waitForNavigation(), page.click('#doaction, input[name=apply]')]);
  await expectNotice(new RegExp(`Updated “.+” \\(post #${postId}, published\\)`));
  assert.equal((await wpRest(`/wp/v2/posts/${postId}&context=edit`)).body.status, 'publish', 'bulk sending kept the post published');

  // A title edited in WordPress: shown before sending, and not overwritten without consent.
  await wpRestPost(`/wp/v2/posts/${postId}`, { title: 'Retitled by the editor' });
  await page.goto(preview);
  const warning = await page.locator('.igny8-edited').innerText();
  assert.match(warning, /Edited in WordPress since IGNY8 last sent it: the title\./, `the preview names the edit: ${warning}`);
  await page.locator('.igny8-send').scrollIntoViewIfNeeded();
  await bothWidths('send-box-edited');
  // Past the browser's own check (the box is required), the plugin refuses too.
  await page.evaluate(() => document.querySelector('.igny8-edited input[name=replace_edits]').removeAttribute('required'));
  await Promise.all([page.waitForNavigation(), page.click('.igny8-send #send')]);
  await expectNotice(/“Retitled by the editor” was edited in WordPress since IGNY8 last sent it \(the title changed\)/);
  await admin('igny8-content');
  await row.locator('input[name="ids[]"]').check();
  await page.selectOption('#igny8-bulk', 'send_draft');
  await Promise.all([page.waitForNavigation(), page.click('#doaction, input[name=apply]')]);
  await expectNotice(/Not sent: “Retitled by the editor” was edited in WordPress/);
  await screenshot('bulk-send-skipped');
  assert.equal((await wpRest(`/wp/v2/posts/${postId}&context=edit`)).body.title.raw, 'Retitled by the editor', 'the edit made in WordPress is kept');

  // Ticked: replaced, and in step again.
  await page.goto(preview);
  const title = await page.locator('.igny8-preview-title').innerText();
  await page.check('.igny8-edited input[name=replace_edits]');
  await Promise.all([page.waitForNavigation(), page.click('.igny8-send #send')]);
  await expectNotice(new RegExp(`Updated “.+” \\(post #${postId}, published\\)`));
  assert.equal(await page.locator('.igny8-edited').count(), 0, 'no edit left to warn about');
  assert.equal((await wpRest(`/wp/v2/posts/${postId}&context=edit`)).body.title.raw, title, 'replaced when asked');

  // Back to draft in WordPress: the content follows.
  await wpRestPost(`/wp/v2/posts/${postId}`, { status: 'draft' });
  await page.goto(preview);
  assert.match(await page.locator('.igny8-meta').innerText(), /Status\s+Draft/, 'unpublished in WordPress, the content is a draft again');
  await wpRestPost(`/wp/v2/posts/${postId}`, { status: 'publish' });
  await page.goto(preview);
  assert.match(await page.locator('.igny8-meta').innerText(), /Status\s+Published/, 'published in WordPress, the content is published');
  await page.locator('.igny8-send').scrollIntoViewIfNeeded();
  await bothWidths('send-box-live');
  log(`safe sending: post #${postId} stayed live, the WordPress edit was kept until replaced, statuses followed`);
}

/** "Save and test": a working key is confirmed, a wrong one refused in words with the fix. */
async function testKey() {
  await admin('igny8-settings', '&tab=ai');
  await Promise.all([page.waitForNavigation(), page.click('button.igny8-test-key[value=openai]')]);
  await expectNotice(/The key works: OpenAI answered\./);
  await page.fill('#igny8-key-openai', 'sk-invalid-for-the-test');
  await Promise.all([page.waitForNavigation(), page.click('button.igny8-test-key[value=openai]')]);
  const refused = await expectNotice(/OpenAI refused the key/);
  assert.match(refused, /save it again/, 'the verdict says what to do');
  await bothWidths('settings-test-key-refused');
  await page.fill('#igny8-key-openai', 'sk-test-fake');
  await Promise.all([page.waitForNavigation(), page.click('button.igny8-test-key[value=openai]')]);
  await expectNotice(/The key works/);
}

async function native() {
  await nonces();
  await admin('igny8');
  assert.match(await badge(), /native/, 'the dashboard says the extension is active');
  await screenshot('dashboard-empty');

  await importKeywords();
  await listTables();
  const title = await pipeline();

  await illustrated();
  // One image drawn again, the others kept.
  const before = await page.locator('.igny8-images img').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('src')));
  await Promise.all([page.waitForNavigation(), page.locator('.igny8-redraw button').first().click()]);
  await watchJob('redraw');
  const after = await page.locator('.igny8-images img').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('src')));
  assert.equal(after.length, before.length, 'as many images as before');
  assert.ok((await page.locator('.igny8-images figure .igny8-status').allInnerTexts()).every((s) => s === 'Generated'), 'every image is drawn');
  assert.ok((await page.locator('.igny8-images img').count()) > 0, 'the generated images are shown');
  await assertSeoChecks();
  await screenshot('content-preview');

  const preview = page.url();
  const postId = await sendDraft();
  await openDraft(postId, title, { images: true });
  await safeSending(preview, postId);
  await everyBlock();
  await editorSidebar(postId);

  await admin('igny8');
  const funnel = await page.locator('.igny8-card-content .igny8-card-number').innerText();
  assert.ok(Number(funnel) >= 1, 'the dashboard counts the content');
  const published = await page.locator('.igny8-card-published .igny8-card-number').innerText();
  assert.ok(Number(published) >= 1, `the dashboard counts the live post as published (${published})`);
  await screenshot('dashboard');
  await testKey();
  await settingsTabs();
  await recordForms();
  await strategies();
  await imageTesting();
  await creditsLedger();
}

/**
 * Settings: a tab per concept, each saved with one button and a "Settings saved" notice; image
 * sizes are choices, the featured image landscape unless changed; prompts named in words.
 */
async function settingsTabs() {
  await admin('igny8-settings');
  const tabs = await page.locator('.igny8-tabs .nav-tab').allInnerTexts();
  assert.deepEqual(tabs, ['Connection', 'AI providers', 'Content', 'Author profiles', 'Prompts', 'Image testing', 'Advanced']);
  await Promise.all([page.waitForNavigation(), page.click('.igny8-options #submit')]);
  assert.match(await page.locator('#setting-error-settings_updated').innerText(), /Settings saved/, 'saving the connection says so');
  await bothWidths('settings-connection');

  await admin('igny8-settings', '&tab=content');
  assert.equal(await page.locator('#igny8-setting-images-featured_size').inputValue(), '1536x1024', 'featured images are landscape by default');
  const sizes = await page.locator('#igny8-setting-images-size option').allInnerTexts();
  assert.ok(sizes.some((s) => /Square, 1024 × 1024/.test(s)), `sizes are choices in words: ${sizes}`);
  await page.selectOption('#igny8-setting-images-featured_size', '1024x1536');
  await Promise.all([page.waitForNavigation(), page.click('.igny8-tab-content #submit')]);
  await expectNotice(/Settings saved/);
  assert.match(page.url(), /tab=content/, 'back on the same tab');
  assert.equal(await page.locator('#igny8-setting-images-featured_size').inputValue(), '1024x1536', 'the choice is kept');
  await page.selectOption('#igny8-setting-images-featured_size', '1536x1024');
  await Promise.all([page.waitForNavigation(), page.click('.igny8-tab-content #submit')]);
  await bothWidths('settings-content');

  await admin('igny8-settings', '&tab=ai');
  assert.equal(await page.locator('form:has(#igny8-key-openai) label[for=igny8-base-openai]').count(), 1, 'the address is its own labelled field');
  await bothWidths('settings-ai');
  await admin('igny8-settings', '&tab=prompts');
  const prompts = await page.locator('.igny8-tab-prompts h2 label').allInnerTexts();
  assert.ok(prompts.includes('Writing an article') && prompts.every((p) => !p.includes('_')), `prompts are named in words: ${prompts}`);
  await screenshot('settings-prompts');
  for (const tab of ['authors', 'advanced']) {
    await admin('igny8-settings', `&tab=${tab}`);
    await screenshot(`settings-${tab}`);
  }
}


/**
 * Settings → Connection says what the connection is, in one message: the account, the site and
 * the key's role; a viewer's key makes the screens read-only; a wrong key is one clear error;
 * an address pasted with /api/v1/ is saved without it.
 */
async function connectionVerdicts(apiUrl, apiKey) {
  await saveConnection({ api_url: `${apiUrl}/api/v1/`, api_key: apiKey });
  assert.equal(await page.locator('#igny8_api_url').inputValue(), apiUrl, 'the API path is taken off the address');
  const verdict = await page.locator('.igny8-connection-verdict').innerText();
  assert.match(verdict, /Connected\. IGNY8 at 127\.0\.0\.1 \(version [^)]+\) accepted the key: account #\d+, site “.+” \(.+\); the key’s role: admin/, verdict);
  await bothWidths('connection-verdict');

  await saveConnection({ api_key: need('IGNY8_REMOTE_VIEWER_KEY') });
  assert.match(await page.locator('.igny8-connection-verdict').innerText(), /role: viewer \(may only read\)[\s\S]*This key can only read/);
  await admin('igny8-keywords');
  assert.match((await notices()).join(' '), /can only read \(viewer role\)/, 'the screens say why there is nothing to do');
  assert.equal(await page.locator('#igny8-bulk').count(), 0, 'no bulk action for a viewer');
  assert.equal(await page.locator('table.igny8-keywords input[type=checkbox]').count(), 0, 'nothing to select either');
  assert.equal(await page.locator('[class^=igny8-row-]').count(), 0, 'no row action that would only fail');
  assert.equal(await page.locator('.igny8-import').count(), 0, 'no import form');
  await screenshot('keywords-read-only');
  await admin('igny8-content');
  await Promise.all([page.waitForNavigation(), page.locator('a.igny8-preview-link').first().click()]);
  assert.equal(await page.locator('.igny8-send form').count(), 0, 'nothing to send with a viewer key');
  assert.equal(await page.locator('.igny8-images form').count(), 0, 'no image action with a viewer key');

  await saveConnection({ api_key: 'igny8_wrong_key_for_the_test' });
  const wrong = await page.locator('.igny8-connection-verdict').innerText();
  assert.match(wrong, /Not connected\. The IGNY8 service did not accept the API key/, wrong);
  assert.equal(await page.locator('.notice-error').count(), 1, `one message, not one per call: ${await page.locator('.notice-error').allInnerTexts()}`);
  await screenshot('connection-wrong-key');
  await saveConnection({ api_key: apiKey });
  assert.match(await page.locator('.igny8-connection-verdict').innerText(), /role: admin/);
  log('connection verdicts: admin, viewer (read-only screens), a wrong key');
}

/**
 * The service crashes (SIGKILL) while a job runs and comes back after a while: the job box says
 * the service can't be reached and keeps trying, then follows the job (taken up again when its
 * lease ends) to its end — without a reload.
 */
async function outage() {
  const ctl = need('IGNY8_REMOTE_CTL');
  await admin('igny8-clusters');
  await page.fill('input[name=ideas_per_cluster]', '1');
  await bulk('generate_ideas', { rows: [0] });
  const box = page.locator('.igny8-job[data-job]');
  await box.waitFor({ timeout: 10_000 });
  const before = await box.getAttribute('data-status');
  execFileSync(ctl, ['down']);
  log(`service killed with the job ${before || 'queued'}`);
  await page.locator('.igny8-job.igny8-job-unreachable').waitFor({ timeout: 20_000 });
  const said = await box.locator('.igny8-job-message').innerText();
  assert.match(said, /can’t be reached right now[\s\S]*Trying again by itself/, `the box says the service is unreachable: ${said}`);
  assert.ok(!['succeeded', 'failed', 'cancelled'].includes(await box.getAttribute('data-status')), 'the job had not finished when the service went down');
  await screenshot('outage-unreachable');
  await page.waitForTimeout(4_000); // down for a while: several polls fail
  execFileSync(ctl, ['up']);
  log('service started again');
  const { steps } = await watchJob('outage-recovered');
  assert.equal(steps.length, 0, 'one job, no follow-up');
  const after = (await notices()).join(' ');
  assert.doesNotMatch(after, /can’t be reached/, `the screen works again: ${after}`);
}

/**
 * Settings → Connection lists the account's sites and sectors: another site (and one of its
 * sectors) can be chosen instead of the one found by this WordPress's address — its data then
 * shows, and nothing is made — and the address-found site comes back when chosen again. With
 * the hosted service there is no AI providers tab and no extension endpoint.
 */
async function sitePicker() {
  const tabs = await page.locator('.igny8-tabs .nav-tab').allInnerTexts();
  assert.deepEqual(tabs, ['Connection', 'Content', 'Author profiles', 'Prompts', 'Image testing', 'Advanced'], 'no AI providers tab with the hosted service');
  const intro = await page.locator('.igny8-tab-connection form').innerText();
  assert.doesNotMatch(intro, /phpenmod|libigny8_php/, 'no extension instructions');
  await admin('igny8-settings', '&tab=advanced');
  assert.equal(await page.locator('#igny8_ai_base_url').count(), 0, "no field for the extension's AI endpoint");
  await admin('igny8-settings', '&tab=ai');
  assert.equal(await page.locator('#igny8-key-openai').count(), 0, 'no provider keys: the service holds them');
  const shop = await igny8Api('auth/sites/', { name: 'Garden shop', url: 'https://shop.example.test' });
  const sector = await igny8Api('auth/sectors/', { site_id: shop.id, name: 'Hand tools' });
  await igny8Api('planner/keywords/', { sector_id: sector.id, keyword: 'pruning saw for the shop' });
  const sitesBefore = (await igny8Api('auth/sites/?page_size=100')).results.length;

  await admin('igny8-settings');
  const sites = await page.locator('#igny8_remote_site option').allInnerTexts();
  assert.ok(sites[0].startsWith('The site with this WordPress’s address') && sites.some((s) => s.startsWith('Garden shop — https://shop.example.test')), `the account's sites are offered: ${sites}`);
  assert.ok(await page.locator('#igny8_remote_sector').isDisabled(), 'a sector is chosen within a chosen site');
  await page.selectOption('#igny8_remote_site', String(shop.id));
  const offered = await page.locator('#igny8_remote_sector option:not([hidden])').allInnerTexts();
  assert.deepEqual(offered, ['The site’s first sector', 'Hand tools'], `only the chosen site's sectors: ${offered}`);
  await page.selectOption('#igny8_remote_sector', String(sector.id));
  await bothWidths('settings-site-picker');
  await Promise.all([page.waitForNavigation(), page.click('.igny8-options #submit')]);
  await assertNoPhpErrors();
  const verdict = await page.locator('.igny8-connection-verdict').innerText();
  assert.match(verdict, /site “Garden shop” \(https:\/\/shop\.example\.test\)/, verdict);
  assert.match(verdict, /The chosen site’s address \(https:\/\/shop\.example\.test\) is not this WordPress’s/, verdict);
  assert.equal(await page.locator('#igny8_remote_sector').inputValue(), String(sector.id), 'the sector is kept');
  await screenshot('connection-site-chosen');
  await admin('igny8-keywords');
  assert.deepEqual(await column('keywords', 'keyword'), ['pruning saw for the shop'], "the chosen site's keywords");

  await admin('igny8-settings');
  await page.selectOption('#igny8_remote_site', '0');
  await Promise.all([page.waitForNavigation(), page.click('.igny8-options #submit')]);
  assert.doesNotMatch(await page.locator('.igny8-connection-verdict').innerText(), /Garden shop/);
  await admin('igny8-keywords', '&s=faucet');
  assert.ok((await column('keywords', 'keyword')).length > 0, 'the address-found site again');
  assert.equal((await igny8Api('auth/sites/?page_size=100')).results.length, sitesBefore, 'choosing made no site');
  log('site picker: another site and its sector chosen, then the address-found site again');
}

async function remote() {
  const apiUrl = need('IGNY8_REMOTE_API_URL');
  const apiKey = need('IGNY8_REMOTE_API_KEY');
  await saveConnection({ backend: 'remote', api_url: apiUrl, api_key: apiKey });
  assert.match(await badge(), /remote/, 'Settings says the hosted API is active');
  await screenshot('settings');
  try {
    await admin('igny8');
    await screenshot('dashboard-empty');
    await importKeywords();
    // The hosted service runs the jobs, and stores the images as files (the fake provider
    // answers with bytes): the plugin downloads them with the API key.
    const title = await pipeline();
    await illustrated();
    const statuses = await page.locator('.igny8-images figure .igny8-status').allInnerTexts();
    assert.ok(statuses.length >= 2 && statuses.every((s) => s === 'Generated'), `a featured and an in-article image are generated: ${statuses}`);
    // The preview shows them through the plugin (the service's file URL needs the API key).
    const previews = await page.locator('.igny8-images img').evaluateAll((imgs) => imgs.map((i) => i.src));
    assert.equal(previews.length, statuses.length, `the preview shows every generated image: ${previews}`);
    for (const src of previews) {
      assert.ok(src.startsWith(`${url}/wp-admin/admin-post.php?action=igny8_image&`), `the preview loads the image through the plugin: ${src}`);
      const image = await page.request.get(src);
      assert.equal(image.status(), 200, `${src} loads`);
      assert.match(image.headers()['content-type'] || '', /^image\/(png|jpeg|webp)$/, `${src} is an image`);
      assert.ok((await image.body()).length > 100, `${src} has the image's bytes`);
    }
    const stranger = await page.request.get(previews[0].replace(/_wpnonce=[^&]+/, '_wpnonce=0'));
    assert.equal(stranger.status(), 403, 'the image route refuses a request without its nonce');
    const missing = await page.request.get(previews[0].replace(/([?&]id=)\d+/, '$1999999'));
    assert.equal(missing.status(), 404, "the image route answers 404 for an image the service doesn't have");
    await assertSeoChecks();
  await screenshot('content-preview');
    const { postId, first } = await sendDraft(remoteDraft);
    const again = await remoteDraft(postId);
    assert.deepEqual(again, first, 'sending again reuses the same post and media (no new attachment)');
    await openDraft(postId, title, { images: true });
    await admin('igny8');
    await screenshot('dashboard');
    await outage();
    await admin('igny8-settings');
    await sitePicker();
    // Adding and editing by hand, strategies and image testing through the hosted API.
    await recordForms();
    await strategies();
    await imageTesting();
    await creditsLedger();
    await connectionVerdicts(apiUrl, apiKey);
  } catch (error) {
    await screenshot('FAILED');
    throw error;
  } finally {
    await saveConnection({ backend: 'auto' });
  }
}

const browser = await chromium.launch({ executablePath: process.env.IGNY8_CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
  page.on('pageerror', (error) => {
    console.error(`[browser:${mode}] JavaScript error on ${page.url()}: ${error.message}`);
    process.exitCode = 1;
  });
  await login();
  await (mode === 'remote' ? remote() : native());
  log('all checks passed');
} catch (error) {
  if (page && mode !== 'remote') await screenshot('FAILED').catch(() => {});
  console.error(`[browser:${mode}] FAILED: ${error.stack || error}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
