// portal.test.mjs - the public portal with the demo agency loaded: home,
// catalog with filters and paging, item pages, 指南, feeds, sitemap, static
// files, errors, security headers and basic accessibility of every page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  ORG, ORG_NAME, assertPageBasics, cleanup, externalUrls, makeDb, metaTable, qs, startServer, textOf,
} from './lib.mjs';

const EXPECTED_COUNTS = {
  政策文件: 4,
  规划计划: 3,
  报告统计: 1,
  财政信息: 6,
  人事信息: 12,
  公告公示: 12,
  工作动态: 74,
  重点领域信息: 57,
  社会公益事业建设领域信息: 16,
  提案建议办理结果: 4,
};
const KNOWN_TITLE = '关于做好2020年桐乡市义务教育阶段民办学校招生入学工作的通知';
const KNOWN_DOC_NO = '桐教〔2020〕103号';

let env;
let srv;
let categories; // name -> { id, count }
let knownId;

/** Rows of an item list table (catalog): [{ index_no, href, title, doc_no, date, badge }]. */
function catalogRows(html) {
  const rows = [];
  const re = /<tr><td class="ix">([^<]*)<\/td><td><a href="([^"]+)">([^<]*)<\/a>(?: <span class="badge">([^<]*)<\/span>)?<\/td><td>([^<]*)<\/td><td class="date">([^<]*)<\/td><\/tr>/g;
  let m;
  while ((m = re.exec(html))) {
    rows.push({ index_no: m[1], href: m[2], title: textOf(m[3]), badge: m[4] ?? null, doc_no: textOf(m[5]), date: m[6] });
  }
  return rows;
}

/** "共 N 条" on a catalog page. */
function catalogTotal(html) {
  const m = html.match(/共\s*(\d+)\s*条/);
  return m ? Number(m[1]) : null;
}

/** A 4xx page with a Chinese message, never a 5xx. */
function assertChineseClientError(r, what) {
  assert.ok(r.status >= 400 && r.status < 500, `${what}: expected a 4xx status, got ${r.status}`);
  const ct = r.headers.get('content-type') || '';
  assert.match(ct, /^text\/html/, `${what}: the error should be an HTML page, got ${ct}`);
  const msg = r.text.match(/<p class="error"[^>]*>([\s\S]*?)<\/p>/);
  const text = msg ? textOf(msg[1]) : textOf(r.text);
  assert.match(text, /[\u4e00-\u9fff]/, `${what}: the error message should be in Chinese, got: ${text.slice(0, 200)}`);
}

/** The page without the organisation's own content (item body, 指南), which may link anywhere. */
function withoutDataContent(html) {
  return html.replace(/<div class="body">[\s\S]*?<\/div>(?=\s*<\/(article|main)>)/g, '');
}

before(async () => {
  env = makeDb({ demo: true });
  srv = await startServer(env);
  // category ids as the home page links them
  const home = await srv.get(`/o/${ORG}/`);
  categories = {};
  for (const m of home.text.matchAll(/<a href="\/o\/[^/]+\/catalog\?category=(\d+)">([^<]+)<\/a>\s*<span class="count">(\d+)<\/span>/g)) {
    categories[m[2]] = { id: Number(m[1]), count: Number(m[3]) };
  }
  // the id of the known item, from the API listing (the portal is tested on its own pages)
  for (let page = 1; page <= 2 && !knownId; page++) {
    const r = await srv.json(`/api/v1/orgs/${ORG}/items?per_page=100&page=${page}`);
    knownId = r.body.items?.find((it) => it.title === KNOWN_TITLE)?.id;
  }
});

after(async () => {
  try {
    if (srv) await srv.stop();
  } finally {
    cleanup(env);
  }
});

describe('home page', () => {
  test('GET / redirects (303) to the only agency', async () => {
    const r = await srv.get('/');
    assert.equal(r.status, 303, 'GET / with one agency should redirect');
    assert.equal(r.headers.get('location'), `/o/${ORG}/`);
  });

  test('shows the agency name, the ten categories with their counts and the total', async () => {
    const r = await srv.get(`/o/${ORG}/`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/html; charset=utf-8/i);
    const h1 = r.text.match(/<h1>([\s\S]*?)<\/h1>/);
    assert.ok(h1 && textOf(h1[1]).includes(ORG_NAME), `the heading should name ${ORG_NAME}: ${h1 && h1[1]}`);
    assert.deepEqual(Object.fromEntries(Object.entries(categories).map(([k, v]) => [k, v.count])), EXPECTED_COUNTS,
      'category links with counts on the home page');
    assert.match(textOf(r.text), /共主动公开信息\s*189\s*条/, 'the total of published items (189)');
  });

  test('lists the latest items, newest first, linking to item pages', async () => {
    const r = await srv.get(`/o/${ORG}/`);
    const latest = [...r.text.matchAll(/<li><a href="(\/o\/[^"]+\/items\/\d+)">[^<]+<\/a> <span class="date">([\d-]+)<\/span>/g)];
    assert.ok(latest.length >= 5, `expected the latest items on the home page, found ${latest.length}`);
    const dates = latest.map((m) => m[2]);
    assert.deepEqual(dates, [...dates].sort().reverse(), 'latest items newest first');
    const item = await srv.get(latest[0][1]);
    assert.equal(item.status, 200, `the first latest link ${latest[0][1]} should open`);
  });
});

describe('catalog', () => {
  test('工作动态 (74 items) pages 20 per page: 4 pages, page 5 is 404', async () => {
    const cat = categories['工作动态'];
    assert.ok(cat, 'category 工作动态 is linked on the home page');
    const seen = new Set();
    for (let page = 1; page <= 4; page++) {
      const r = await srv.get(`/o/${ORG}/catalog?category=${cat.id}&page=${page}`);
      assert.equal(r.status, 200, `page ${page}`);
      assert.equal(catalogTotal(r.text), 74, `page ${page}: "共 74 条"`);
      const rows = catalogRows(r.text);
      assert.equal(rows.length, page < 4 ? 20 : 14, `page ${page}: rows`);
      for (const row of rows) seen.add(row.href);
      assert.match(textOf(r.text), new RegExp(`第 ${page} / 4 页`), `page ${page}: pager text`);
      if (page < 4) assert.match(r.text, new RegExp(`rel="next" href="[^"]*page=${page + 1}"`), `page ${page}: a next link`);
      else assert.doesNotMatch(r.text, /rel="next"/, 'the last page has no next link');
    }
    assert.equal(seen.size, 74, 'the four pages list 74 different items');
    const r5 = await srv.get(`/o/${ORG}/catalog?category=${cat.id}&page=5`);
    assert.equal(r5.status, 404, 'page 5 of 4');
    assertChineseClientError(r5, 'page 5');
  });

  test('the whole catalog lists 189 items, newest first', async () => {
    const r = await srv.get(`/o/${ORG}/catalog`);
    assert.equal(r.status, 200);
    assert.equal(catalogTotal(r.text), 189);
    const rows = catalogRows(r.text);
    assert.equal(rows.length, 20);
    const dates = rows.map((x) => x.date);
    assert.deepEqual(dates, [...dates].sort().reverse(), 'catalog rows newest first');
    for (const row of rows) assert.match(row.index_no, /^\S{9}\/2020-\d{5}$/, `索引号 format: ${row.index_no}`);
  });

  test('year filter', async () => {
    const r = await srv.get(`/o/${ORG}/catalog?year=2020`);
    assert.equal(r.status, 200);
    assert.equal(catalogTotal(r.text), 189, 'all demo items are from 2020');
    assert.match(r.text, /<option value="2020" selected>/, 'the year is selected in the filter form');
    const r2 = await srv.get(`/o/${ORG}/catalog?year=2019`);
    assert.equal(r2.status, 200);
    assert.equal(catalogTotal(r2.text), 0);
    assert.match(textOf(r2.text), /没有符合条件的信息/);
    const cat = categories['政策文件'];
    const r3 = await srv.get(`/o/${ORG}/catalog?category=${cat.id}&year=2020`);
    assert.equal(catalogTotal(r3.text), 4, 'category and year filters combine');
  });

  test('validity filter (URL-encoded)', async () => {
    let sum = 0;
    for (const v of ['有效', '已修改', '废止', '失效']) {
      const r = await srv.get(`/o/${ORG}/catalog?${qs({ validity: v })}`);
      assert.equal(r.status, 200, `validity=${v}`);
      const total = catalogTotal(r.text);
      assert.ok(total !== null, `validity=${v}: a total`);
      sum += total;
      for (const row of catalogRows(r.text)) {
        if (v === '有效') assert.equal(row.badge, null, `validity=有效 lists ${row.title} with badge ${row.badge}`);
        else assert.equal(row.badge, v, `validity=${v} lists ${row.title} with badge ${row.badge}`);
      }
      assert.match(r.text, new RegExp(`<option selected>${v}</option>`), `validity=${v} selected in the form`);
    }
    assert.equal(sum, 189, 'the four validity values partition the 189 items');
    const valid = await srv.get(`/o/${ORG}/catalog?${qs({ validity: '有效' })}`);
    assert.ok(catalogTotal(valid.text) > 100, 'most demo items are 有效');
  });

  const bad = [
    ['year=abc', 'year'],
    ['year=1800', 'year out of range'],
    ['page=0', 'page 0'],
    ['page=-1', 'negative page'],
    ['page=abc', 'page not a number'],
    [`validity=xyz`, 'unknown validity'],
    [qs({ validity: '有效的' }), 'unknown validity (Chinese)'],
    ['category=999999', 'unknown category'],
    ['category=abc', 'category not a number'],
  ];
  for (const [query, what] of bad) {
    test(`bad parameter ${query} → 4xx with a Chinese message (${what})`, async () => {
      const r = await srv.get(`/o/${ORG}/catalog?${query}`);
      assertChineseClientError(r, `GET /o/${ORG}/catalog?${query}`);
    });
  }
});

describe('item page', () => {
  test('shows the metadata table, title, 文号 and body', async () => {
    assert.ok(knownId, `the demo has an item titled ${KNOWN_TITLE}`);
    const r = await srv.get(`/o/${ORG}/items/${knownId}`);
    assert.equal(r.status, 200);
    const meta = metaTable(r.text);
    assert.ok(meta, 'a metadata table (table.meta)');
    assert.match(meta['索引号'], /^\S{9}\/2020-\d{5}$/, `索引号: ${meta['索引号']}`);
    assert.equal(meta['文号'], KNOWN_DOC_NO);
    assert.equal(meta['发布机构'], ORG_NAME);
    assert.match(meta['成文日期'], /^2020-\d\d-\d\d$/);
    assert.match(meta['发布日期'], /^2020-\d\d-\d\d$/);
    assert.ok(meta['成文日期'] <= meta['发布日期'], '成文日期 is not after 发布日期');
    assert.match(meta['有效性'], /^(有效|已修改|废止|失效)/);
    assert.equal(meta['名称'], KNOWN_TITLE);
    assert.ok(meta['公开类别'] in EXPECTED_COUNTS, `公开类别 ${meta['公开类别']}`);
    const h1 = r.text.match(/<article class="doc">\s*<h1>([\s\S]*?)<\/h1>/);
    assert.equal(h1 && textOf(h1[1]), KNOWN_TITLE);
    const body = r.text.match(/<div class="body">([\s\S]*?)<\/div>\s*<\/article>/);
    assert.ok(body && textOf(body[1]).length > 50, 'the item body is shown');
    assert.match(body[1], /<p>/, 'the body is rendered Markdown (paragraphs)');
    assert.match(r.text, new RegExp(`<title>[^<]*${KNOWN_TITLE}`), 'the title element names the item');
  });

  test('view count increments on each visit', async () => {
    const views = async () => Number(metaTable((await srv.get(`/o/${ORG}/items/${knownId}`)).text)['浏览次数']);
    const a = await views();
    const b = await views();
    const c = await views();
    assert.ok(Number.isInteger(a) && a >= 1, `浏览次数 is a number: ${a}`);
    assert.equal(b, a + 1, 'second visit');
    assert.equal(c, a + 2, 'third visit');
  });

  test('unknown or malformed item ids are 404 in Chinese', async () => {
    for (const p of [`/o/${ORG}/items/999999`, `/o/${ORG}/items/0`, `/o/${ORG}/items/abc`]) {
      const r = await srv.get(p);
      assert.equal(r.status, 404, p);
      assertChineseClientError(r, p);
    }
  });
});

describe('other public pages', () => {
  test('/guide shows the 政府信息公开指南', async () => {
    const r = await srv.get(`/o/${ORG}/guide`);
    assert.equal(r.status, 200);
    assert.match(r.text, /<h1>政府信息公开指南<\/h1>/);
    const body = r.text.match(/<div class="body">([\s\S]*?)<\/div>\s*<\/main>/);
    assert.ok(body, 'the demo agency has a 指南 (no "尚未发布" placeholder)');
    assert.ok(textOf(body[1]).length > 30, `the 指南 has content: ${textOf(body[1]).slice(0, 100)}`);
  });

  test('feed.atom is an Atom feed of the latest items', async () => {
    const r = await srv.get(`/o/${ORG}/feed.atom`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^application\/atom\+xml/);
    assert.match(r.text, /^<\?xml version="1.0" encoding="utf-8"\?>/);
    assert.match(r.text, /<feed xmlns="http:\/\/www.w3.org\/2005\/Atom" xml:lang="zh-CN">/);
    assert.match(r.text, new RegExp(`<title>${ORG_NAME}</title>`));
    const entries = r.text.match(/<entry>[\s\S]*?<\/entry>/g) || [];
    assert.ok(entries.length >= 10 && entries.length <= 189, `entries: ${entries.length}`);
    for (const e of entries.slice(0, 5)) {
      assert.match(e, new RegExp(`<link rel="alternate" type="text/html" href="${srv.base}/o/${ORG}/items/\\d+"/>`), `entry link: ${e}`);
      assert.match(e, /<published>2020-\d\d-\d\dT00:00:00\+08:00<\/published>/, `entry published: ${e}`);
      assert.match(e, /<updated>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z<\/updated>/, `entry updated: ${e}`);
    }
    assert.equal((r.text.match(/<feed/g) || []).length, 1);
    assert.ok(r.text.trimEnd().endsWith('</feed>'), 'the feed is complete');
  });

  test('per-category feed /feed/ID.atom', async () => {
    const cat = categories['政策文件'];
    const r = await srv.get(`/o/${ORG}/feed/${cat.id}.atom`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^application\/atom\+xml/);
    const entries = r.text.match(/<entry>[\s\S]*?<\/entry>/g) || [];
    assert.equal(entries.length, 4, '政策文件 has 4 items');
    for (const e of entries) assert.match(e, /<category term="政策文件"\/>/);
    const missing = await srv.get(`/o/${ORG}/feed/999999.atom`);
    assert.equal(missing.status, 404, 'feed of an unknown category');
  });

  test('/sitemap.xml is an index of per-agency, per-year sitemaps that list every published item URL', async () => {
    const r = await srv.get('/sitemap.xml');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /xml/);
    assert.match(r.text, /<sitemapindex xmlns="http:\/\/www.sitemaps.org\/schemas\/sitemap\/0.9">/);
    assert.match(r.text, new RegExp(`<loc>${srv.base}/sitemap-pages.xml</loc>`));
    const years = [...r.text.matchAll(new RegExp(`<loc>${srv.base}(/o/${ORG}/sitemap/(\\d{4})\\.xml)</loc>`, 'g'))];
    assert.ok(years.length >= 1, 'at least one year of the agency');
    const items = [];
    for (const [, path, year] of years) {
      const y = await srv.get(path);
      assert.equal(y.status, 200, path);
      assert.match(y.text, /<urlset xmlns="http:\/\/www.sitemaps.org\/schemas\/sitemap\/0.9">/);
      for (const m of y.text.matchAll(new RegExp(`<url><loc>${srv.base}/o/${ORG}/items/(\\d+)</loc><lastmod>(\\d{4})-`, 'g'))) {
        assert.equal(m[2], year, 'an item is in the sitemap of its year of publication');
        items.push(Number(m[1]));
      }
    }
    assert.equal(items.length, 189, 'one <url> per published item');
    assert.equal(new Set(items).size, 189, 'each item once');
    assert.ok(items.includes(knownId), 'the known item is in a sitemap');
    const pages = await srv.get('/sitemap-pages.xml');
    assert.equal(pages.status, 200);
    assert.match(pages.text, new RegExp(`<loc>${srv.base}/o/${ORG}/</loc>`), 'the agency home');
    assert.match(pages.text, new RegExp(`<loc>${srv.base}/o/${ORG}/guide</loc>`), 'the 指南');
    assert.equal((await srv.get(`/o/${ORG}/sitemap/1901.xml`)).status, 404, 'a year without items');
  });

  test('/static/style.css is served', async () => {
    const r = await srv.get('/static/style.css');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/css/);
    assert.ok(r.text.length > 100, 'the stylesheet is not empty');
    const missing = await srv.get('/static/nope.css');
    assert.equal(missing.status, 404);
  });

  test('unknown paths and agencies are 404 HTML pages in Chinese', async () => {
    for (const p of ['/nope', '/o/', '/o/nope/', '/o/nope/catalog', `/o/${ORG}/nope`, '/admin/nope']) {
      const r = await srv.get(p);
      assert.equal(r.status, 404, `GET ${p}`);
      assertChineseClientError(r, `GET ${p}`);
      assertPageBasics(r.text, `GET ${p}`);
    }
  });
});

describe('every page', () => {
  const pages = () => [
    `/o/${ORG}/`,
    `/o/${ORG}/catalog`,
    `/o/${ORG}/catalog?category=${categories['工作动态'].id}&page=2`,
    `/o/${ORG}/items/${knownId}`,
    `/o/${ORG}/guide`,
    `/o/${ORG}/search?${qs({ q: '招生' })}`,
    `/search?${qs({ q: '招生' })}`,
    '/admin/login',
    '/nope',
  ];

  test('security headers: Content-Security-Policy and nosniff', async () => {
    for (const p of [...pages(), '/', '/static/style.css', `/o/${ORG}/feed.atom`, `/api/v1/orgs/${ORG}/items`]) {
      const r = await srv.get(p);
      assert.ok(r.headers.get('content-security-policy'), `${p}: Content-Security-Policy header`);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff', `${p}: X-Content-Type-Options`);
    }
    const csp = (await srv.get(`/o/${ORG}/`)).headers.get('content-security-policy');
    assert.match(csp, /default-src 'self'/, `CSP: ${csp}`);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, `CSP should not allow inline scripts: ${csp}`);
  });

  test('no external URLs (CDNs, web fonts, trackers) in the markup', async () => {
    for (const p of pages()) {
      const r = await srv.get(p);
      const ext = externalUrls(withoutDataContent(r.text), srv.base);
      assert.deepEqual(ext, [], `${p} references external URLs`);
      assert.doesNotMatch(withoutDataContent(r.text), /<script\b[^>]*\bsrc="(https?:)?\/\//i, `${p}: external script`);
    }
    const css = await srv.get('/static/style.css');
    assert.doesNotMatch(css.text, /url\(\s*['"]?(https?:)?\/\//i, 'the stylesheet loads nothing external');
    assert.doesNotMatch(css.text, /@import/i, 'the stylesheet imports nothing');
  });

  test('<html lang="zh-CN">, a <title>, and a <label for> for every form control', async () => {
    for (const p of pages()) {
      const r = await srv.get(p);
      assertPageBasics(r.text, p);
    }
  });

  test('the skip link comes first and points at <main id="main">', async () => {
    const r = await srv.get(`/o/${ORG}/`);
    const body = r.text.slice(r.text.indexOf('<body'));
    const firstLink = body.match(/<a\b[^>]*>([\s\S]*?)<\/a>/);
    assert.equal(textOf(firstLink[1]), '跳到主要内容');
    assert.match(firstLink[0], /href="#main"/);
    assert.match(r.text, /<main id="main"/);
  });
});

describe('caching', () => {
  test('public pages carry no cookie and may be cached for a minute', async () => {
    for (const p of [`/o/${ORG}/`, `/o/${ORG}/catalog`, `/o/${ORG}/items/${knownId}`, `/o/${ORG}/guide`]) {
      const r = await srv.get(p);
      assert.equal(r.status, 200, p);
      assert.equal(r.headers.get('set-cookie'), null, `${p} must not set a cookie (a shared cache would keep it)`);
      assert.equal(r.headers.get('cache-control'), 'public, max-age=60', p);
    }
  });

  test('the login page, errors and staff pages are never cached', async () => {
    const login = await srv.get('/admin/login');
    assert.equal(login.headers.get('cache-control'), 'no-store');
    assert.ok(login.headers.get('set-cookie'), 'the login form needs its CSRF cookie');
    const missing = await srv.get(`/o/${ORG}/items/99999999`);
    assert.equal(missing.headers.get('cache-control'), 'no-store');
  });

  test('page views are counted even though they are written in batches', async () => {
    const views = async () => Number(metaTable((await srv.get(`/o/${ORG}/items/${knownId}`)).text)['浏览次数']);
    const first = await views();
    const second = await views();
    assert.equal(second, first + 1);
    // after the batch is written (every second), the API shows the stored count
    await new Promise((res) => setTimeout(res, 1500));
    const api = await srv.json(`/api/v1/items/${knownId}`);
    assert.ok(api.body.views >= second, `stored views ${api.body.views} < shown ${second}`);
  });
});
