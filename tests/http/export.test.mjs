// export.test.mjs - the signed export feed the government platform pulls:
// /api/v1/orgs/{org}/export?since=CURSOR and /api/v1/export?since=CURSOR.
// Every response is signed (Ed25519 over the exact body) and verifies with
// node's crypto against the key /api/v1/export/public-key publishes; the
// cursor pages through every publication event once, in order; a
// publication, a correction and a withdrawal each add one event at the end
// (cursors handed out before stay valid); a withdrawn item is shown as
// gone; attachments come with URL, size and SHA-256, inline on request.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ORG, cleanup, cli, isPg, loginClient, makeDb, startServer, textOf } from './lib.mjs';

const ITEMS = `/admin/o/${ORG}/items`;
const EXPORT = `/api/v1/orgs/${ORG}/export`;
let env;
let srv;
let admin;
let publicKey;
let keyId;
let keyFile; // beside the database file; on PostgreSQL a file named with --key / --feed-key
let keyArgs; // [] on SQLite (the default path), ['--key', keyFile] on PostgreSQL
const cats = {};

/** GET p: { status, headers, raw (Buffer), json }. */
async function get(p) {
  const res = await srv.fetch(p);
  const raw = Buffer.from(await res.arrayBuffer());
  let json = null;
  try { json = JSON.parse(raw.toString('utf8')); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, raw, json };
}

/** GET an export page and check its signature; returns the parsed body. */
async function pull(p) {
  const r = await get(p);
  assert.equal(r.status, 200, `${p}: ${r.status} ${r.raw.toString('utf8').slice(0, 300)}`);
  const sig = r.headers.get('x-gongkai-signature');
  assert.ok(sig, `${p}: signed`);
  assert.equal(r.headers.get('x-gongkai-key-id'), keyId, `${p}: the published key's id`);
  assert.ok(crypto.verify(null, r.raw, publicKey, Buffer.from(sig, 'base64')), `${p}: the signature verifies`);
  return r.json;
}

/** Every event after since, page by page (limit each); the pages' cursors. */
async function pullAll(base, since, limit) {
  const events = [];
  const cursors = [];
  let next = `${base}?since=${since}&limit=${limit}`;
  for (let i = 0; i < 1000; i++) {
    const page = await pull(next);
    assert.ok(page.events.length <= limit);
    events.push(...page.events);
    cursors.push(page.cursor);
    if (!page.more) return { events, cursors, cursor: page.cursor };
    assert.equal(page.next, `${base}?since=${page.cursor}&limit=${limit}`);
    next = page.next;
  }
  assert.fail('too many pages');
}

async function act(id, action, extra = {}) {
  const r = await admin.post(`${ITEMS}/${id}/action`, { action, ...extra });
  assert.ok(r.status === 200 || r.status === 303, `${action} ${id}: ${r.status} ${textOf(r.text).slice(0, 300)}`);
  return r;
}

async function create(title, body = `${title}的正文。`) {
  const r = await admin.post(`${ITEMS}/new`, { category_id: cats['政策文件'], title, body_md: body, publisher: '桐乡市教育局' });
  assert.equal(r.status, 303, `create: ${textOf(r.text).slice(0, 300)}`);
  return Number(r.location.match(/items\/(\d+)/)[1]);
}

async function approve(id) {
  await act(id, 'submit');
  for (const m of (await admin.get(`${ITEMS}/${id}`)).text.matchAll(/name="finding" value="(\d+)"/g)) {
    await act(id, 'clear', { finding: m[1], comment: '测试附件，已人工核对' });
  }
  await act(id, 'approve', { comment: '同意' });
}

before(async () => {
  env = makeDb();
  if (isPg(env.db)) {
    // no file beside a PostgreSQL database: init made no key, keygen names one
    keyFile = path.join(env.dir, 'feed.key');
    keyArgs = ['--key', keyFile];
    cli(env.db, ['feed', 'keygen', ...keyArgs]);
    srv = await startServer(env, { args: ['--feed-key', keyFile] });
  } else {
    keyFile = `${env.db}.feed-key`;
    keyArgs = [];
    srv = await startServer(env);
  }
  admin = await loginClient(srv, 'tongxiang', env.orgPassword);
  const form = await admin.get(`${ITEMS}/new`);
  for (const m of form.text.matchAll(/<option value="(\d+)"[^>]*>([^<]+)<\/option>/g)) cats[m[2]] = m[1];
  const k = await get('/api/v1/export/public-key');
  assert.equal(k.status, 200);
  assert.equal(k.json.algorithm, 'Ed25519');
  keyId = k.json.key_id;
  const raw = Buffer.from(k.json.public_key, 'base64');
  assert.equal(raw.length, 32);
  publicKey = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
});

after(async () => {
  await srv?.stop();
  cleanup(env);
});

describe('the signed export feed', () => {
  let start; // the cursor after the demo's 189 publications

  test('the key: made once by init beside the database, mode 0600; keygen does not replace it', () => {
    const file = keyFile;
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    if (isPg(env.db)) {
      const none = cli(env.db, ['feed', 'keygen'], { allowFail: true });
      assert.notEqual(none.status, 0);
      assert.match(none.stderr, /PostgreSQL.*--key/, 'a PostgreSQL database needs --key');
    }
    const again = cli(env.db, ['feed', 'keygen', ...keyArgs], { allowFail: true });
    assert.equal(again.status, 1);
    assert.match(again.stderr, /已存在/);
    const pk = cli(env.db, ['feed', 'public-key', ...keyArgs]);
    assert.match(pk.stdout, new RegExp(`密钥编号：${keyId}`));
    // a key others can read is refused
    const loose = path.join(env.dir, 'loose.key');
    fs.copyFileSync(file, loose);
    fs.chmodSync(loose, 0o644);
    const r = cli(env.db, ['feed', 'public-key', '--key', loose], { allowFail: true });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /0600/);
  });

  test('signed: the signature is over the exact bytes (a changed byte fails)', async () => {
    const r = await get(`${EXPORT}?limit=3`);
    const sig = Buffer.from(r.headers.get('x-gongkai-signature'), 'base64');
    assert.ok(crypto.verify(null, r.raw, publicKey, sig));
    const forged = Buffer.from(r.raw);
    forged[forged.indexOf('"title":"') + 9] ^= 1;
    assert.ok(!crypto.verify(null, forged, publicKey, sig), 'a changed body does not verify');
  });

  test('paging: every publication once, in order, whatever the page size', async () => {
    const big = await pullAll(EXPORT, 0, 500);
    assert.equal(big.events.length, 189, 'the demo\'s 189 publications');
    assert.deepEqual(new Set(big.events.map((e) => e.item_id)).size, 189);
    const small = await pullAll(EXPORT, 0, 40);
    assert.equal(small.cursors.length, 5);
    assert.deepEqual(small.events.map((e) => e.seq), big.events.map((e) => e.seq), 'the same events');
    for (let i = 1; i < big.events.length; i++) assert.ok(big.events[i].seq > big.events[i - 1].seq, 'strictly increasing');
    const e = big.events[0];
    assert.equal(e.kind, 'publish');
    assert.equal(e.org, ORG);
    assert.match(e.item.url, new RegExp(`^${srv.base}/o/${ORG}/items/${e.item_id}$`));
    assert.match(e.item.index_no, /\d{4}-\d{5}$/);
    assert.ok(e.item.title && e.item.body_html.startsWith('<'));
    start = big.cursor;
    assert.equal((await pull(`${EXPORT}?since=${start}`)).events.length, 0, 'nothing after the last cursor');
    // the platform-wide feed holds the same events (one agency here)
    assert.deepEqual((await pullAll('/api/v1/export', 0, 500)).events.map((x) => x.seq), big.events.map((x) => x.seq));
  });

  test('a publication, a correction and a withdrawal: one event each at the end; earlier cursors stay valid', async () => {
    const body = '详见[公开指南](/o/tongxiang-edu/guide)。';
    const id = await create('导出测试：关于做好秋季学期开学工作的通知', body);
    const fd = new FormData();
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n', 'latin1');
    fd.append('file', new Blob([pdf], { type: 'application/pdf' }), '开学工作安排.pdf');
    fd.append('csrf', admin.csrf);
    assert.equal((await admin.request(`${ITEMS}/${id}/files`, { method: 'POST', body: fd })).status, 200);
    await approve(id);

    const p1 = await pull(`${EXPORT}?since=${start}`);
    assert.equal(p1.events.length, 1);
    const pub = p1.events[0];
    assert.equal(pub.kind, 'publish');
    assert.equal(pub.item_id, id);
    assert.match(pub.item.body_html, new RegExp(`href="${srv.base}/o/${ORG}/guide"`), 'links made absolute');
    const att = pub.item.attachments[0];
    assert.equal(att.name, '开学工作安排.pdf');
    assert.equal(att.size, pdf.length);
    assert.equal(att.sha256, crypto.createHash('sha256').update(pdf).digest('hex'));
    assert.ok(att.url.startsWith(`${srv.base}/o/${ORG}/items/${id}/files/`));
    const dl = await get(att.url.slice(srv.base.length));
    assert.ok(dl.raw.equals(pdf), 'the URL serves the bytes the digest names');
    assert.equal(att.content_base64, undefined, 'not inline unless asked');
    const inl = await pull(`${EXPORT}?since=${start}&inline=1`);
    assert.ok(Buffer.from(inl.events[0].item.attachments[0].content_base64, 'base64').equals(pdf), 'inline on request');
    const c1 = p1.cursor;

    // a correction: a new event after c1; the pages from start and from c1 are as before plus it
    const c = await admin.post(`${ITEMS}/${id}/action`, { action: 'correct' });
    assert.equal(c.status, 303);
    const draft = Number(c.location.match(/items\/(\d+)/)[1]);
    const version = (await admin.get(`${ITEMS}/${draft}`)).text.match(/name="version" value="(\d+)"/)?.[1];
    const saved = await admin.post(`${ITEMS}/${draft}`, { title: '导出测试：关于做好秋季学期开学工作的通知（更正）', category_id: cats['政策文件'],
      body_md: '更正后的正文。', publisher: '桐乡市教育局', version });
    assert.ok(saved.status === 200 || saved.status === 303);
    await approve(draft);
    const p2 = await pull(`${EXPORT}?since=${c1}`);
    assert.deepEqual(p2.events.map((e) => [e.kind, e.item_id]), [['correct', id]]);
    assert.ok(p2.events[0].version > pub.version, 'a later version');
    assert.match(p2.events[0].item.title, /（更正）$/);
    assert.match(p2.events[0].item.body_html, /更正后的正文/);
    const again = await pull(`${EXPORT}?since=${start}`);
    assert.deepEqual(again.events.map((e) => e.seq), [pub.seq, p2.events[0].seq], 'the cursor from before the correction still works');
    assert.equal(again.events[0].item.version, again.events[1].item.version, 'each event shows the item as it is now');
    assert.match(again.events[0].item.title, /（更正）$/);

    // a withdrawal: the platform is told to remove it
    await act(id, 'withdraw', { comment: '导出测试撤回' });
    const p3 = await pull(`${EXPORT}?since=${p2.cursor}`);
    assert.equal(p3.events.length, 1);
    assert.equal(p3.events[0].kind, 'withdraw');
    assert.equal(p3.events[0].item_id, id);
    assert.equal(p3.events[0].item, null, 'no content for a withdrawn item');
    const all = await pull(`${EXPORT}?since=${start}`);
    assert.deepEqual(all.events.map((e) => e.kind), ['publish', 'correct', 'withdraw']);
    assert.ok(all.events.every((e) => e.item === null), 'the earlier events no longer carry its content');
    assert.ok(!JSON.stringify(all).includes('更正后的正文'));
  });

  test('bad input: a JSON error; no key configured: 503', async () => {
    const bad = await get(`${EXPORT}?since=abc`);
    assert.equal(bad.status, 400);
    assert.match(bad.json.error.message, /since/);
    assert.equal((await get(`${EXPORT}?limit=100000`)).status, 400);
    assert.equal((await get('/api/v1/orgs/no-such-org/export')).status, 404);
    const other = await startServer(env, { args: ['--feed-key', path.join(env.dir, 'missing.key')] });
    try {
      const r = await other.fetch(EXPORT);
      assert.equal(r.status, 503);
      assert.match((await r.json()).error.message, /feed keygen/);
    } finally {
      await other.stop();
    }
  });
});
