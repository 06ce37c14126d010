// search.test.mjs - full-text search of the demo agency: 文号 in every
// bracket form, title substrings however a segmenter would cut them,
// highlighting, filters, and hostile input that must never break the page.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';

import { ORG, assertPageBasics, cleanup, cli, makeDb, qs, startServer, textOf } from './lib.mjs';

const KNOWN_TITLE = '关于做好2020年桐乡市义务教育阶段民办学校招生入学工作的通知';

let env;
let srv;
let all; // every published item from the API, newest first
let knownId;
let catIds; // name -> id

/** Search results of an HTML search page: [{ id, href, titleHtml, title, meta }]. */
function results(html) {
  const ol = html.match(/<ol class="results">([\s\S]*?)<\/ol>/);
  if (!ol) return [];
  return [...ol[1].matchAll(/<li>\s*<h2><a href="([^"]+)">([\s\S]*?)<\/a><\/h2>\s*<p class="meta">([\s\S]*?)<\/p>/g)].map((m) => ({
    href: m[1],
    id: Number(m[1].match(/\/items\/(\d+)$/)?.[1]),
    titleHtml: m[2],
    title: textOf(m[2]),
    meta: textOf(m[3]),
  }));
}

function found(html) {
  const m = textOf(html).match(/找到\s*(\d+)\s*条结果/);
  return m ? Number(m[1]) : null;
}

/** All ids the API search returns for q (every page, 100 per page). */
async function apiSearchIds(q, extra = {}) {
  const ids = [];
  let total = Infinity;
  for (let page = 1; (page - 1) * 100 < total && page <= 10; page++) {
    const r = await srv.json(`/api/v1/orgs/${ORG}/items?${qs({ q, per_page: 100, page, ...extra })}`);
    assert.equal(r.status, 200, `API search ${q}: ${r.text.slice(0, 200)}`);
    total = r.body.total;
    ids.push(...r.body.items.map((it) => it.id));
  }
  return { ids, total };
}

function searchUrl(q, extra = {}) {
  return `/o/${ORG}/search?${qs({ q, ...extra })}`;
}

before(async () => {
  env = makeDb({ demo: true });
  srv = await startServer(env, { args: ['--search-limit', '0'] }); // hundreds of searches a minute
  all = [];
  for (let page = 1; page <= 2; page++) {
    const r = await srv.json(`/api/v1/orgs/${ORG}/items?per_page=100&page=${page}`);
    all.push(...r.body.items);
  }
  knownId = all.find((it) => it.title === KNOWN_TITLE)?.id;
  const home = await srv.get(`/o/${ORG}/`);
  catIds = Object.fromEntries([...home.text.matchAll(/catalog\?category=(\d+)">([^<]+)<\/a>/g)].map((m) => [m[2], Number(m[1])]));
});

after(async () => {
  try {
    if (srv) await srv.stop();
  } finally {
    cleanup(env);
  }
});

describe('文号 search', () => {
  const forms = ['桐教〔2020〕103号', '桐教[2020]103号', '桐教（2020）103号', '桐教(2020)103号', '桐教【2020】103号', ' 桐教〔2020〕103号 '];
  for (const q of forms) {
    test(`"${q}" finds its item first`, async () => {
      assert.ok(knownId, `the demo has an item titled ${KNOWN_TITLE}`);
      const r = await srv.get(searchUrl(q));
      assert.equal(r.status, 200);
      const res = results(r.text);
      assert.ok(res.length > 0, `no results for ${q}: ${textOf(r.text).slice(-300)}`);
      assert.equal(res[0].id, knownId, `first result for ${q} is "${res[0].title}" (${res[0].meta}), expected ${KNOWN_TITLE}`);
      assert.match(res[0].meta, /桐教〔2020〕103号/, 'the result shows the 文号 in its normal form');
      const api = await srv.json(`/api/v1/orgs/${ORG}/items?${qs({ q })}`);
      assert.equal(api.body.items[0]?.doc_no, '桐教〔2020〕103号', `API first item for ${q}`);
    });
  }

  test('a different serial does not rank the known item first', async () => {
    const r = await srv.get(searchUrl('桐教〔2020〕104号'));
    assert.equal(r.status, 200);
    const res = results(r.text);
    if (res.length) assert.notEqual(res[0].id, knownId, '104号 should not find 103号 first');
  });
});

describe('title substrings', () => {
  // Substrings of 2–4 Han characters at offsets a word segmenter would cut
  // differently (across word boundaries, inside words).
  function substrings(title) {
    const runs = title.match(/[\u4e00-\u9fff]+/g) || [];
    const out = new Set();
    for (const run of runs) {
      for (const len of [2, 3, 4]) {
        if (run.length < len) continue;
        for (const off of [0, 1, Math.floor((run.length - len) / 2), run.length - len]) {
          if (off >= 0 && off + len <= run.length) out.add(run.slice(off, off + len));
        }
      }
    }
    return [...out];
  }

  test('every sampled substring of three titles finds its item (API, all pages)', async () => {
    const picks = [all[3], all[Math.floor(all.length / 2)], all[all.length - 5]];
    const misses = [];
    let tried = 0;
    for (const it of picks) {
      const subs = substrings(it.title);
      assert.ok(subs.length >= 3, `title with few Han characters: ${it.title}`);
      for (const s of subs.slice(0, 12)) {
        tried++;
        const { ids, total } = await apiSearchIds(s);
        if (!ids.includes(it.id)) misses.push(`"${s}" (from "${it.title}", ${total} results)`);
      }
    }
    assert.deepEqual(misses, [], `${misses.length} of ${tried} substrings did not find their item`);
  });

  test('the known title\'s substrings find it on the HTML search page', async () => {
    for (const s of ['民办学校', '办学', '校招', '入学工作', '义务', '务教']) {
      let page = 1;
      let hit = false;
      let total;
      for (; page <= 10 && !hit; page++) {
        const r = await srv.get(searchUrl(s, { page }));
        assert.equal(r.status, 200, `search ${s} page ${page}`);
        total = found(r.text);
        hit = results(r.text).some((x) => x.id === knownId);
        if ((page * 20) >= total) break;
      }
      assert.ok(hit, `"${s}" did not find "${KNOWN_TITLE}" (${total} results)`);
    }
  });

  test('a query that matches nothing says so', async () => {
    const r = await srv.get(searchUrl('量子引力弦论'));
    assert.equal(r.status, 200);
    assert.equal(found(r.text), 0);
    assert.match(textOf(r.text), /没有找到相关信息/);
  });
});

describe('result page', () => {
  test('results highlight the query with <mark>', async () => {
    const r = await srv.get(searchUrl('招生'));
    assert.equal(r.status, 200);
    assert.ok(found(r.text) > 0, 'found some results for 招生');
    assert.match(r.text, /<mark>招生<\/mark>/, 'the matched word is marked');
    const res = results(r.text);
    assert.ok(res.length > 0 && res.length <= 20, `results on page 1: ${res.length}`);
    assert.ok(res.some((x) => /<mark>/.test(x.titleHtml)), 'some title is highlighted');
    for (const x of res) assert.match(x.href, new RegExp(`^/o/${ORG}/items/\\d+$`));
    assertPageBasics(r.text, 'search page');
    assert.match(r.text, /<input id="q" name="q"[^>]*value="招生"/, 'the query stays in the search box');
  });

  test('the total matches the API and paging covers it', async () => {
    const r = await srv.get(searchUrl('教育'));
    const total = found(r.text);
    const api = await srv.json(`/api/v1/orgs/${ORG}/items?${qs({ q: '教育' })}`);
    assert.equal(total, api.body.total, 'HTML and API agree on the number of results');
    if (total > 20) {
      assert.match(r.text, /rel="next"/, 'a next page link');
      const p2 = await srv.get(searchUrl('教育', { page: 2 }));
      assert.equal(p2.status, 200);
      const ids1 = new Set(results(r.text).map((x) => x.id));
      assert.ok(results(p2.text).every((x) => !ids1.has(x.id)), 'page 2 does not repeat page 1');
    }
  });

  test('platform-wide /search?q=招生', async () => {
    const r = await srv.get(`/search?${qs({ q: '招生' })}`);
    assert.equal(r.status, 200);
    assert.ok(found(r.text) > 0, 'found results across the platform');
    const res = results(r.text);
    assert.ok(res.length > 0);
    for (const x of res) assert.match(x.href, new RegExp(`^/o/${ORG}/items/\\d+$`));
    assert.match(r.text, /<mark>/);
    const scoped = await srv.get(`/search?${qs({ q: '招生', org: ORG })}`);
    assert.equal(found(scoped.text), found(r.text), 'org=SLUG scopes to the one agency (the only one here)');
  });

  test('category filter', async () => {
    const cat = '重点领域信息';
    const unfiltered = found((await srv.get(searchUrl('招生'))).text);
    const r = await srv.get(searchUrl('招生', { category: catIds[cat] }));
    assert.equal(r.status, 200);
    const n = found(r.text);
    assert.ok(n > 0 && n <= unfiltered, `filtered ${n} of ${unfiltered}`);
    for (const x of results(r.text)) assert.ok(x.meta.startsWith(cat), `result in another category: ${x.meta}`);
    assert.match(r.text, new RegExp(`<option value="${catIds[cat]}" selected>${cat}</option>`), 'the category stays selected');
    const other = await srv.get(searchUrl('招生', { category: catIds['财政信息'] }));
    for (const x of results(other.text)) assert.ok(x.meta.startsWith('财政信息'), x.meta);
  });

  test('year filter', async () => {
    const all2020 = found((await srv.get(searchUrl('招生'))).text);
    const r = await srv.get(searchUrl('招生', { year: 2020 }));
    assert.equal(r.status, 200);
    assert.equal(found(r.text), all2020, 'all demo items are from 2020');
    const r2 = await srv.get(searchUrl('招生', { year: 2019 }));
    assert.equal(r2.status, 200);
    assert.equal(found(r2.text), 0, 'nothing from 2019');
    const bad = await srv.get(searchUrl('招生', { year: 'abc' }));
    assert.ok(bad.status >= 400 && bad.status < 500, `year=abc: ${bad.status}`);
  });
});

describe('hostile input', () => {
  const inputs = [
    '"', '""', '*', '(', ')', 'NEAR(', 'NEAR(招生 教育, 2)', 'AND', 'OR', 'NOT', '招生 AND', 'OR 招生', '-', '-招生', '^', '^招生',
    '招生*', 'title:招生', '{招生}', "'; DROP TABLE items;--", '\\', '%', '_', '"招生', '招生"', ':', '+', '~',
    '<script>alert(1)</script>', 'a'.repeat(300), '招'.repeat(300), '', '   ', '\u3000\u3000', '\u200b', '😀😀', '桐教〔', '〕103号',
  ];
  for (const q of inputs) {
    const label = q.length > 30 ? `${q.slice(0, 10)}… (${q.length} chars)` : JSON.stringify(q);
    test(`q=${label} → 200`, async () => {
      const r = await srv.get(searchUrl(q));
      assert.equal(r.status, 200, `search ${label}: ${r.status}\n${textOf(r.text).slice(0, 300)}`);
      assert.match(r.text, /<\/html>\s*$/, 'a complete page');
      const api = await srv.get(`/api/v1/orgs/${ORG}/items?${qs({ q })}`);
      assert.equal(api.status, 200, `API search ${label}: ${api.status} ${api.text.slice(0, 200)}`);
      JSON.parse(api.text);
    });
  }

  test('<script> in the query comes back escaped, never raw', async () => {
    const q = '<script>alert(1)</script>';
    for (const url of [searchUrl(q), `/search?${qs({ q })}`]) {
      const r = await srv.get(url);
      assert.equal(r.status, 200);
      assert.ok(!r.text.includes('<script>alert(1)</script>'), `raw <script> reflected by ${url}`);
      assert.ok(!/<script/i.test(r.text), `a <script tag in ${url}`);
      assert.match(r.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/, 'the query is shown escaped');
    }
    const attr = await srv.get(searchUrl('"><img src=x onerror=alert(1)>'));
    assert.ok(!attr.text.includes('<img src=x'), 'attribute breakout reflected raw');
  });

  test('invalid UTF-8 bytes (%FF) and control characters → 200', async () => {
    for (const raw of ['%FF', '%FF%FE', '%C3%28', '%E6%8B', '%ED%A0%80', '%00', '%E6%8B%9B%FF%E7%94%9F', '%0D%0A', '%1B']) {
      const r = await srv.get(`/o/${ORG}/search?q=${raw}`);
      assert.equal(r.status, 200, `q=${raw}: ${r.status} ${textOf(r.text).slice(0, 200)}`);
      const api = await srv.get(`/api/v1/orgs/${ORG}/items?q=${raw}`);
      assert.equal(api.status, 200, `API q=${raw}: ${api.status} ${api.text.slice(0, 200)}`);
      const plat = await srv.get(`/search?q=${raw}`);
      assert.equal(plat.status, 200, `/search q=${raw}: ${plat.status}`);
    }
  });

  test('empty query shows the form without results', async () => {
    const r = await srv.get(`/o/${ORG}/search`);
    assert.equal(r.status, 200);
    assert.equal(results(r.text).length, 0);
    assert.match(r.text, /<input id="q" name="q"/);
    const e = await srv.get(`/o/${ORG}/search?q=`);
    assert.equal(e.status, 200);
  });

  test('a 300-character query is cut, not refused, and the server keeps working', async () => {
    const r = await srv.get(searchUrl('招生'.repeat(150)));
    assert.equal(r.status, 200);
    const ok = await srv.get(searchUrl('招生'));
    assert.ok(found(ok.text) > 0, 'search still works afterwards');
  });
});

describe('gongkai search rebuild', () => {
  test('indexes every published item again while the server runs; on PostgreSQL after the index was emptied', async () => {
    const qs1 = ['招生', '义务教育', '课后服务'];
    const before = {};
    for (const q of qs1) before[q] = (await apiSearchIds(q)).ids.slice().sort();
    for (const q of qs1) assert.ok(before[q].length > 0, q);
    if (env.pg) {
      // the index emptied behind the product's back: nothing is found
      const r = spawnSync('psql', [env.db, '-qAtc', 'DELETE FROM item_search'], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal((await apiSearchIds('招生')).total, 0);
    }
    const r = cli(env.db, ['search', 'rebuild']);
    assert.match(r.stdout, /检索索引已重建/);
    for (const q of qs1) assert.deepEqual((await apiSearchIds(q)).ids.slice().sort(), before[q], `${q} after the rebuild`);
    const bad = cli(env.db, ['search', 'rebuld'], { allowFail: true });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /未知子命令/);
    const extra = cli(env.db, ['search', 'rebuild', 'x'], { allowFail: true });
    assert.equal(extra.status, 2);
  });
});
