// platform.test.mjs (browser) - a visitor of the platform in Debian's
// chromium (playwright-core), on the demo with `gongkai demo-tree`: the home
// page lists the agencies by tree; the platform catalog is filtered to
// 桐乡市人民政府 with its children from the form (select and checkbox), the
// results name their agencies; no horizontal scrolling on a phone. Leaves
// screenshots in build/screenshots/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { chromium } from 'playwright-core';

import { ROOT, cleanup, cli, makeDb, startServer, tmpDir } from '../http/lib.mjs';

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
  cli(env.db, ['demo-tree']);
  srv = await startServer(env);
  profile = tmpDir('gongkai-chromium-');
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    timeout: 20_000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context.setDefaultTimeout(15_000);
  page = context.pages()[0] || await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
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

test('home by tree → platform catalog filtered to the city and its children', { timeout: 45_000 }, async () => {
  const resp = await page.goto(srv.base + '/');
  assert.equal(resp.status(), 200);
  const tree = await page.$$eval('ul.org-tree li', (lis) => lis.map((li) => [li.className, li.querySelector('a').textContent]));
  assert.deepEqual(tree[0], ['depth-0', '桐乡市人民政府']);
  assert.ok(tree.some(([c, n]) => c === 'depth-1' && n === '乌镇镇人民政府'));
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'platform-home.png') });

  await page.click('a[href="/catalog"]');
  await page.selectOption('#c-org', 'tx-gov');
  await page.check('#c-sub');
  await page.fill('#q', '2021');
  await Promise.all([page.waitForNavigation(), page.press('#q', 'Enter')]);
  assert.match(page.url(), /org=tx-gov/);
  assert.match(page.url(), /sub=1/);
  const agencies = await page.$$eval('ol.results a.agency', (as) => as.map((a) => a.textContent));
  assert.ok(agencies.length >= 2, `results: ${agencies.join(',')}`);
  const names = new Set(agencies);
  assert.ok([...names].every((n) => ['桐乡市人民政府', '桐乡市卫生健康局', '乌镇镇人民政府', '桐乡市教育局'].includes(n)));
  assert.ok(names.size >= 2, 'results from more than one agency of the tree');
  await page.screenshot({ path: path.join(SHOTS, 'platform-catalog.png') });
  assert.deepEqual(pageErrors, []);
});

test('the platform catalog is readable on a phone-sized screen', { timeout: 30_000 }, async () => {
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto(`${srv.base}/catalog`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `no horizontal scrolling on a 375 px screen (overflow ${overflow} px)`);
  await page.setViewportSize({ width: 1280, height: 800 });
});
