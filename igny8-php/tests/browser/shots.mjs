// Screenshots of every IGNY8 screen as they are now (no checks): for a look at the pages.
//   node shots.mjs   (env as plugin.test.mjs: IGNY8_WP_URL, IGNY8_WP_ADMIN_USER/PASSWORD, IGNY8_BROWSER_OUT)
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const url = process.env.IGNY8_WP_URL;
const out = process.env.IGNY8_BROWSER_OUT || '/tmp/igny8-browser';
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
  await page.goto(`${url}/wp-login.php`);
  await page.fill('#user_login', process.env.IGNY8_WP_ADMIN_USER);
  await page.fill('#user_pass', process.env.IGNY8_WP_ADMIN_PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('#wp-submit')]);
  for (const slug of ['igny8', 'igny8-keywords', 'igny8-clusters', 'igny8-ideas', 'igny8-tasks', 'igny8-content', 'igny8-settings']) {
    await page.goto(`${url}/wp-admin/admin.php?page=${slug}`);
    await page.screenshot({ path: join(out, `page-${slug}.png`), fullPage: true });
  }
  const preview = page.locator('.igny8-preview-link').first();
  await page.goto(`${url}/wp-admin/admin.php?page=igny8-content`);
  if (await preview.count()) {
    await Promise.all([page.waitForNavigation(), preview.click()]);
    await page.screenshot({ path: join(out, 'page-igny8-content-preview.png'), fullPage: true });
  }
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
}
