// portal.test.mjs (browser) - a visitor in Debian's chromium, driven by
// playwright-core: the demo home, searching with the keyboard, opening a
// result, and the skip link. Leaves a screenshot in build/screenshots/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { chromium } from 'playwright-core';

import { ORG, ORG_NAME, ROOT, cleanup, makeDb, startServer, tmpDir } from '../http/lib.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = path.join(ROOT, 'build', 'screenshots');

let env;
let srv;
let context;
let page;
let profile;
const pageErrors = [];

before(async () => {
  env = makeDb({ demo: true });
  srv = await startServer(env);
  profile = tmpDir('gongkai-chromium-');
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    timeout: 20_000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context.setDefaultTimeout(15_000); // the server under test is the ASan build, on a busy machine
  page = context.pages()[0] || await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
  // the pages must not fetch anything from other hosts
  await context.route((url) => !url.href.startsWith(srv.base), (route) => {
    pageErrors.push(`external request: ${route.request().url()}`);
    return route.abort();
  });
});

after(async () => {
  try {
    if (context) await context.close();
    if (srv) await srv.stop();
  } finally {
    cleanup(env);
    if (profile) fs.rmSync(profile, { recursive: true, force: true });
  }
});

test('home → search with Enter → first result → item page', { timeout: 45_000 }, async () => {
  const resp = await page.goto(srv.base + '/');
  assert.equal(resp.status(), 200);
  assert.equal(new URL(page.url()).pathname, `/o/${ORG}/`, 'GET / lands on the only agency');

  const h1 = page.getByRole('heading', { level: 1 });
  assert.match(await h1.innerText(), new RegExp(ORG_NAME), 'the visible heading names the agency');
  assert.ok(await h1.isVisible());
  const cat = page.getByRole('link', { name: '政策文件', exact: true });
  assert.ok(await cat.isVisible(), 'a category link is visible');
  assert.match(await cat.getAttribute('href'), new RegExp(`^/o/${ORG}/catalog\\?category=\\d+$`));

  const box = page.getByLabel('搜索本机构公开信息');
  assert.ok(await box.isVisible(), 'the search box is labelled 搜索本机构公开信息');
  await box.fill('招生');
  await Promise.all([page.waitForURL(/\/search\?/), box.press('Enter')]);
  assert.match(page.url(), new RegExp(`/o/${ORG}/search\\?q=${encodeURIComponent('招生')}`));

  const status = page.locator('p.found');
  assert.match(await status.innerText(), /找到\s*\d+\s*条结果/);
  const n = Number((await status.innerText()).match(/(\d+)/)[1]);
  assert.ok(n > 0, 'some results for 招生');
  assert.ok(await page.locator('mark').count() >= 1, 'at least one <mark>');
  assert.ok(await page.locator('mark').first().isVisible(), 'the highlight is visible');

  const first = page.locator('ol.results > li h2 a').first();
  const title = (await first.innerText()).trim();
  await Promise.all([page.waitForURL(/\/items\/\d+$/), first.click()]);

  const meta = page.locator('table.meta');
  assert.ok(await meta.isVisible(), 'the metadata table is visible');
  assert.match(await meta.innerText(), /索引号/);
  assert.match(await meta.locator('th:has-text("索引号") + td').innerText(), /^\S{9}\/\d{4}-\d{5}$/);
  const itemH1 = (await page.getByRole('heading', { level: 1 }).innerText()).trim();
  assert.equal(itemH1, title, 'the item page heading equals the result title');

  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'item.png'), fullPage: true });
  assert.deepEqual(pageErrors, [], 'no script errors or external requests');
});

test('keyboard: the first Tab focuses the skip link 跳到主要内容', { timeout: 30_000 }, async () => {
  await page.goto(`${srv.base}/o/${ORG}/`);
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => ({
    text: document.activeElement?.textContent?.trim(),
    href: document.activeElement?.getAttribute('href'),
    tag: document.activeElement?.tagName,
  }));
  assert.equal(focused.tag, 'A');
  assert.equal(focused.text, '跳到主要内容');
  assert.equal(focused.href, '#main');
  assert.ok(await page.locator('a.skip').isVisible(), 'the focused skip link is visible');
  await page.keyboard.press('Enter');
  assert.match(page.url(), /#main$/);
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'home-skip-link.png') });
});

test('the page is styled and readable on a phone-sized screen', { timeout: 30_000 }, async () => {
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto(`${srv.base}/o/${ORG}/catalog`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `no horizontal scrolling on a 375 px screen (overflow ${overflow} px)`);
  const font = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  assert.ok(font >= 14, `body text at least 14 px, got ${font}`);
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'catalog-phone.png'), fullPage: false });
  await page.setViewportSize({ width: 1280, height: 800 });
});
