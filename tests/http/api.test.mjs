// api.test.mjs - the JSON API over the demo agency: listing, filters,
// paging, search, item details, and JSON errors.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { ORG, ORG_NAME, cleanup, makeDb, qs, startServer } from './lib.mjs';

const KNOWN_DOC_NO = '桐教〔2020〕103号';
const LIST = `/api/v1/orgs/${ORG}/items`;

let env;
let srv;
let all; // every item, per_page=100 pages concatenated

/** A JSON error response {error:{status,message}} with the given status. */
async function assertJsonError(p, status) {
  const r = await srv.get(p);
  assert.equal(r.status, status, `GET ${p}: expected ${status}, got ${r.status}: ${r.text.slice(0, 200)}`);
  assert.match(r.headers.get('content-type') || '', /^application\/json/, `GET ${p}: errors are JSON`);
  let body;
  try {
    body = JSON.parse(r.text);
  } catch (e) {
    assert.fail(`GET ${p}: invalid JSON error body: ${r.text.slice(0, 200)}`);
  }
  assert.equal(typeof body.error, 'object', `GET ${p}: an "error" object: ${r.text}`);
  assert.equal(body.error.status, status, `GET ${p}: error.status`);
  assert.equal(typeof body.error.message, 'string');
  assert.match(body.error.message, /[\u4e00-\u9fff]/, `GET ${p}: a Chinese message: ${body.error.message}`);
  return body;
}

before(async () => {
  env = makeDb({ demo: true });
  srv = await startServer(env);
  all = [];
  for (let page = 1; page <= 2; page++) {
    const r = await srv.json(`${LIST}?per_page=100&page=${page}`);
    all.push(...(r.body.items || []));
  }
});

after(async () => {
  try {
    if (srv) await srv.stop();
  } finally {
    cleanup(env);
  }
});

describe('GET /api/v1/orgs/{org}/items', () => {
  test('lists all 189 items with their fields', async () => {
    const r = await srv.json(LIST);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^application\/json; charset=utf-8/i);
    assert.equal(r.body.total, 189);
    assert.ok(Array.isArray(r.body.items));
    assert.equal(r.body.items.length, 20, 'default page size 20');
    for (const it of r.body.items) {
      assert.equal(typeof it.id, 'number');
      assert.match(it.index_no, /^\S{9}\/2020-\d{5}$/, `index_no ${it.index_no}`);
      assert.equal(typeof it.title, 'string');
      assert.ok(it.title.length > 0);
      assert.equal(typeof it.doc_no, 'string');
      assert.equal(typeof it.category, 'string');
      assert.match(it.published_on, /^2020-\d\d-\d\d$/);
      assert.equal(it.url, `/o/${ORG}/items/${it.id}`);
    }
  });

  test('newest first (published_on descending) across all pages', async () => {
    assert.equal(all.length, 189, 'two pages of 100 give all 189 items');
    assert.equal(new Set(all.map((it) => it.id)).size, 189, 'no item twice');
    for (let i = 1; i < all.length; i++) {
      assert.ok(all[i - 1].published_on >= all[i].published_on,
        `item ${i - 1} (${all[i - 1].published_on}) before item ${i} (${all[i].published_on})`);
    }
    assert.equal(new Set(all.map((it) => it.index_no)).size, 189, 'distinct 索引号');
  });

  test('?category=政策文件 → 4 items, all in that category', async () => {
    const r = await srv.json(`${LIST}?${qs({ category: '政策文件' })}`);
    assert.equal(r.status, 200);
    assert.equal(r.body.total, 4);
    assert.equal(r.body.items.length, 4);
    for (const it of r.body.items) assert.equal(it.category, '政策文件');
    const big = await srv.json(`${LIST}?${qs({ category: '工作动态', per_page: 100 })}`);
    assert.equal(big.body.total, 74);
    assert.equal(big.body.items.length, 74);
  });

  test('?category=不存在 → 400 JSON error', async () => {
    await assertJsonError(`${LIST}?${qs({ category: '不存在' })}`, 400);
  });

  test('?q=桐教〔2020〕103号 → the first item has that 文号', async () => {
    const r = await srv.json(`${LIST}?${qs({ q: KNOWN_DOC_NO })}`);
    assert.equal(r.status, 200);
    assert.ok(r.body.total >= 1);
    assert.equal(r.body.items[0].doc_no, KNOWN_DOC_NO);
  });

  test('?per_page=5&page=2 → items 6–10 of the full list', async () => {
    const r = await srv.json(`${LIST}?per_page=5&page=2`);
    assert.equal(r.status, 200);
    assert.equal(r.body.total, 189);
    assert.equal(r.body.items.length, 5);
    assert.deepEqual(r.body.items.map((it) => it.id), all.slice(5, 10).map((it) => it.id));
    const last = await srv.json(`${LIST}?per_page=100&page=2`);
    assert.equal(last.body.items.length, 89);
    const beyond = await srv.json(`${LIST}?per_page=100&page=3`);
    assert.equal(beyond.status, 200, 'a page past the end is an empty list');
    assert.deepEqual(beyond.body.items, []);
  });

  for (const bad of ['per_page=1000', 'per_page=0', 'per_page=abc', 'page=0', 'page=abc', 'year=abc', 'year=20200']) {
    test(`?${bad} → 400 JSON error`, async () => {
      await assertJsonError(`${LIST}?${bad}`, 400);
    });
  }

  test('?year=2020 and ?year=2019', async () => {
    const r = await srv.json(`${LIST}?year=2020`);
    assert.equal(r.body.total, 189);
    for (const it of r.body.items) assert.ok(it.published_on.startsWith('2020-'));
    const r2 = await srv.json(`${LIST}?year=2019`);
    assert.equal(r2.status, 200);
    assert.equal(r2.body.total, 0);
    assert.deepEqual(r2.body.items, []);
  });

  test('HEAD answers like GET without a body', async () => {
    const r = await srv.fetch(LIST, { method: 'HEAD' });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    assert.equal((await r.text()).length, 0);
  });
});

describe('GET /api/v1/items/{id}', () => {
  test('returns all metadata of an item', async () => {
    const known = all.find((it) => it.doc_no === KNOWN_DOC_NO);
    assert.ok(known, `an item with 文号 ${KNOWN_DOC_NO}`);
    const r = await srv.json(`/api/v1/items/${known.id}`);
    assert.equal(r.status, 200);
    const it = r.body;
    assert.equal(it.id, known.id);
    assert.equal(it.index_no, known.index_no);
    assert.equal(it.title, known.title);
    assert.equal(it.doc_no, KNOWN_DOC_NO);
    assert.equal(it.publisher, ORG_NAME);
    assert.match(it.written_on, /^2020-\d\d-\d\d$/);
    assert.equal(it.published_on, known.published_on);
    assert.ok(it.written_on <= it.published_on);
    assert.equal(it.category, known.category);
    assert.equal(typeof it.topic, 'string');
    assert.ok(['规章', '行政规范性文件', '其他'].includes(it.genre), `genre ${it.genre}`);
    assert.ok(['有效', '已修改', '废止', '失效'].includes(it.validity), `validity ${it.validity}`);
    assert.equal(typeof it.body_md, 'string');
    assert.ok(it.body_md.length > 50, 'the Markdown body');
    assert.ok(Array.isArray(it.attachments), 'attachments[]');
    assert.equal(it.url, `/o/${ORG}/items/${known.id}`);
  });

  test('every listed item has details that agree with the list', async () => {
    for (const li of all.filter((_, i) => i % 19 === 0)) {
      const r = await srv.json(`/api/v1/items/${li.id}`);
      assert.equal(r.status, 200, `item ${li.id}`);
      for (const k of ['index_no', 'title', 'doc_no', 'category', 'published_on']) {
        assert.equal(r.body[k], li[k], `item ${li.id}: ${k}`);
      }
    }
  });

  test('/api/v1/items/999999 → 404 JSON', async () => {
    await assertJsonError('/api/v1/items/999999', 404);
  });

  test('/api/v1/orgs/nope/items → 404 JSON', async () => {
    await assertJsonError('/api/v1/orgs/nope/items', 404);
  });

  test('/api/v1/unknown and malformed ids → 404 JSON', async () => {
    await assertJsonError('/api/v1/unknown', 404);
    await assertJsonError('/api/v1/items/abc', 404);
    await assertJsonError('/api/v1/items/99999999999999999999', 404);
    await assertJsonError('/api/v2/orgs/tongxiang-edu/items', 404);
  });

  test('POST to the API → 405 JSON', async () => {
    const r = await srv.fetch(LIST, { method: 'POST', body: new URLSearchParams({ a: '1' }) });
    const text = await r.text();
    assert.equal(r.status, 405, text);
    assert.match(r.headers.get('content-type') || '', /^application\/json/);
    assert.equal(JSON.parse(text).error.status, 405);
  });
});
