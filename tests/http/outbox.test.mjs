// outbox.test.mjs - the delivery outbox against a local receiver standing in
// for the government platform's push endpoint and the WeChat public
// platform API: publishing queues a delivery per configured channel in the
// publishing transaction and the worker delivers it (signed JSON push;
// WeChat token, cover upload, draft, publish); a receiver that answers 500,
// garbage, too slowly or not at all is retried with growing delays and
// shown to staff; a 4xx is a permanent failure highlighted at the top with
// a retry button that works; an expired WeChat token is refreshed once; a
// kill -9 mid-delivery and a restart deliver every delivery with its
// idempotency key; publishing with a hung receiver is as fast as without;
// a withdrawal deletes the WeChat article; delivered publications are
// counted into the channel figures and the annual report's sentence.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFile, spawnSync } from 'node:child_process';
import http from 'node:http';
import zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';

import { BIN, ORG, ROOT, assertPageBasics, cleanup, cli, loginClient, makeDb, sql as dbSql, startServer, textOf } from './lib.mjs';

const ITEMS = `/admin/o/${ORG}/items`;
const SECRET = 'push-secret-0123456789abcdef';
const APP_SECRET = 'wx-app-secret-ABCDEF987654';
const BACKOFF = 400;
const SERVE_ARGS = ['--delivery-backoff-ms', String(BACKOFF), '--delivery-timeout-ms', '1500',
  '--delivery-max-attempts', '6', '--delivery-lease-ms', '4000', '--public-url', 'https://gk.example.gov.cn'];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- the receiver

/** The stand-in platform + WeChat API; `mode` per endpoint decides how it answers. */
class Receiver {
  constructor() {
    this.mode = { push: 'ok', wechat: 'ok' };
    this.pushes = [];        // every push received: { key, event, body, sigOk, at }
    this.accepted = new Map(); // key -> body of the accepted (2xx) push
    this.wx = { tokens: 0, uploads: [], drafts: [], submits: [], gets: [], deletes: [], expireOnce: false };
    this.hung = [];
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  async start() {
    await new Promise((r) => this.server.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${this.server.address().port}`;
  }

  stop() {
    for (const r of this.hung) r.destroy();
    this.server.closeAllConnections?.();
    return new Promise((r) => this.server.close(r));
  }

  handle(req, res) {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url, 'http://x');
      if (url.pathname === '/push') return this.push(req, res, body);
      return this.wechat(req, res, url, body);
    });
  }

  answer(res, mode, ok) {
    switch (mode) {
      case '500': res.writeHead(500, { 'content-type': 'text/plain' }); return res.end('internal error');
      case '400': res.writeHead(400, { 'content-type': 'application/json' }); return res.end('{"error":"字段缺失"}');
      case 'garbage': res.writeHead(200, { 'content-type': 'text/html' }); return res.end('<html>proxy error page');
      case 'timeout': case 'hang': this.hung.push(res.socket); return undefined; // never answer
      case 'slow': {
        // headers at once, then a byte every 400 ms: the whole answer takes far longer than the timeout
        res.writeHead(200, { 'content-type': 'application/json' });
        let n = 0;
        const t = setInterval(() => { if (n++ > 20 || res.destroyed) { clearInterval(t); res.end('}'); } else res.write(' '); }, 400);
        res.on('close', () => clearInterval(t));
        return undefined;
      }
      default: res.writeHead(200, { 'content-type': 'application/json' }); return res.end(JSON.stringify(ok));
    }
  }

  push(req, res, body) {
    const key = req.headers['x-gongkai-delivery'];
    const expect = 'sha256=' + crypto.createHmac('sha256', SECRET).update(body).digest('hex');
    const rec = { key, event: req.headers['x-gongkai-event'], sigOk: req.headers['x-gongkai-signature'] === expect,
      json: JSON.parse(body.toString('utf8') || 'null'), at: Date.now(), mode: this.mode.push };
    this.pushes.push(rec);
    if (this.mode.push !== 'ok') return this.answer(res, this.mode.push);
    if (!rec.sigOk) { res.writeHead(401); return res.end('bad signature'); }
    this.accepted.set(key, (this.accepted.get(key) ?? 0) + 1);
    return this.answer(res, 'ok', { id: `P-${key}` });
  }

  wechat(req, res, url, body) {
    const wx = this.wx;
    const p = url.pathname;
    if (p === '/cgi-bin/token') {
      wx.tokens++;
      assert.equal(url.searchParams.get('appid'), 'wxTEST123');
      assert.equal(url.searchParams.get('secret'), APP_SECRET);
      return this.answer(res, 'ok', { access_token: `TOKEN${wx.tokens}`, expires_in: 7200 });
    }
    const token = url.searchParams.get('access_token');
    if (token !== `TOKEN${wx.tokens}`) return this.answer(res, 'ok', { errcode: 40001, errmsg: 'invalid credential' });
    if (p === '/cgi-bin/material/add_material') {
      wx.uploads.push({ type: url.searchParams.get('type'), ct: req.headers['content-type'], size: body.length,
        png: body.includes(Buffer.from('\x89PNG', 'latin1')) });
      return this.answer(res, this.mode.wechat, { media_id: `THUMB${wx.uploads.length}`, url: 'http://mmbiz/x.png' });
    }
    if (p === '/cgi-bin/draft/add') {
      if (wx.expireOnce) {
        wx.expireOnce = false;
        return this.answer(res, 'ok', { errcode: 42001, errmsg: 'access_token expired' });
      }
      wx.drafts.push(JSON.parse(body.toString('utf8')));
      return this.answer(res, this.mode.wechat, { media_id: `DRAFT${wx.drafts.length}` });
    }
    if (p === '/cgi-bin/freepublish/submit') {
      wx.submits.push(JSON.parse(body.toString('utf8')));
      return this.answer(res, this.mode.wechat, { errcode: 0, errmsg: 'ok', publish_id: `PUB${wx.submits.length}` });
    }
    if (p === '/cgi-bin/freepublish/get') {
      const q = JSON.parse(body.toString('utf8'));
      wx.gets.push(q);
      return this.answer(res, 'ok', { publish_id: q.publish_id, publish_status: 0, article_id: `ART-${q.publish_id}` });
    }
    if (p === '/cgi-bin/freepublish/delete') {
      wx.deletes.push(JSON.parse(body.toString('utf8')));
      return this.answer(res, 'ok', { errcode: 0, errmsg: 'ok' });
    }
    res.writeHead(404);
    return res.end();
  }
}

// ---------------------------------------------------------------- helpers

let env;
let srv;
let admin;
let rcv;
let cats = {};
let pushChannel;
let wxChannel;
let statChannel;

async function create(fields) {
  const r = await admin.post(`${ITEMS}/new`, { category_id: cats['政策文件'], body_md: '正文见[附件](/o/x/files/1)。', ...fields });
  assert.equal(r.status, 303, `create: ${r.status} ${textOf(r.text).slice(0, 300)}`);
  return Number(r.location.match(/items\/(\d+)/)[1]);
}

/** A small valid PNG (w x h, one colour). */
function png(w = 4, h = 3) {
  const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
  const crc = (b) => { let c = 0xffffffff; for (const x of b) c = crcTable[(c ^ x) & 255] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, data) => {
    const t = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(t));
    return Buffer.concat([len, t, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  const raw = Buffer.alloc(h * (1 + 3 * w), 0x55);
  for (let y = 0; y < h; y++) raw[y * (1 + 3 * w)] = 0;
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Submit and approve item id (clearing the scanner's findings, e.g. an image it cannot read); { id, ms }. */
async function approve(id) {
  let r = await admin.post(`${ITEMS}/${id}/action`, { action: 'submit' });
  assert.equal(r.status, 200, textOf(r.text).slice(0, 300));
  for (const m of r.text.matchAll(/name="finding" value="(\d+)"/g)) {
    const c = await admin.post(`${ITEMS}/${id}/action`, { action: 'clear', finding: m[1], comment: '已人工核对' });
    assert.equal(c.status, 200, textOf(c.text).slice(0, 300));
  }
  const t0 = Date.now();
  r = await admin.post(`${ITEMS}/${id}/action`, { action: 'approve' });
  const ms = Date.now() - t0;
  assert.equal(r.status, 200, textOf(r.text).slice(0, 300));
  assert.match(textOf(r.text), /已发布/);
  return { id, ms };
}

/** Create, submit and publish an item as the org admin; returns { id, ms } (ms: the publishing request). */
async function publish(title, fields = {}) {
  return approve(await create({ title, ...fields }));
}

/** The deliveries page rows: [{ id, item, event, channel, state, attempts, error }]. */
async function deliveries(q = '') {
  const r = await admin.get(`/admin/o/${ORG}/deliveries${q}`);
  assert.equal(r.status, 200, r.text.slice(0, 300));
  const rows = [...r.text.matchAll(/<tr class="dlv-(\w+)( failed)?">([\s\S]*?)<\/tr>/g)].map((m) => {
    const cells = [...m[3].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]);
    return { state: m[1], highlighted: !!m[2], id: Number(textOf(cells[0])), item: textOf(cells[1]), event: textOf(cells[2]),
      channel: textOf(cells[3]), label: textOf(cells[4]), attempts: Number(textOf(cells[5])), error: textOf(cells[6]) };
  });
  return { rows, html: r.text };
}

/** Run a command without blocking this process's event loop: { status, stdout, stderr }. */
function run(bin, args) {
  return new Promise((resolve) => {
    execFile(bin, args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ status: err ? (err.code ?? 1) : 0, stdout, stderr }));
  });
}

async function waitFor(what, fn, ms = 20_000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last) return last;
    await sleep(100);
  }
  assert.fail(`timed out waiting for ${what}\n--- server stderr ---\n${srv?.stderr().slice(-3000)}`);
}

async function rowsOf(itemId) {
  return (await deliveries(`?item=${itemId}`)).rows;
}

/** q on the test database (sqlite3 or psql): its output, trimmed. */
function sql(q) {
  return dbSql(env.db, q).stdout.trim();
}

async function addChannel(fields) {
  const r = await admin.post(`/admin/o/${ORG}/channels`, { enabled: '1', all_categories: '1', ...fields });
  assert.equal(r.status, 303, `add channel: ${r.status} ${textOf(r.text).slice(0, 400)}`);
  const list = await admin.get(`/admin/o/${ORG}/channels`);
  const m = [...list.text.matchAll(/href="\/admin\/o\/[^/]+\/channels\/(\d+)">修改<\/a>/g)].map((x) => Number(x[1]));
  return Math.max(...m);
}

// ---------------------------------------------------------------- the tests

before(async () => {
  rcv = new Receiver();
  await rcv.start();
  env = makeDb();
  srv = await startServer(env, { args: SERVE_ARGS });
  admin = await loginClient(srv, 'tongxiang', env.orgPassword);
  const form = await admin.get(`${ITEMS}/new`);
  for (const m of form.text.matchAll(/<option value="(\d+)"[^>]*>([^<]+)<\/option>/g)) cats[m[2]] = m[1];
  assert.ok(cats['政策文件']);
});

after(async () => {
  await srv?.stop();
  await rcv?.stop();
  cleanup(env);
});

describe('delivery channels', () => {
  test('the demo: publishing queues a delivery to each configured channel, recorded and shown as retrying', async () => {
    const list = await admin.get(`/admin/o/${ORG}/channels`);
    const demo = [...list.text.matchAll(/<td>([^<]*演示地址[^<]*)<\/td>[\s\S]*?href="\/admin\/o\/[^/]+\/channels\/(\d+)">修改/g)]
      .map((m) => ({ name: m[1], id: m[2] }));
    assert.equal(demo.length, 2, 'the demo has a platform push and a WeChat channel');
    const { id } = await publish('演示推送测试');
    const rows = await waitFor('two attempts recorded', async () => {
      const r = await rowsOf(id);
      return r.length === 2 && r.every((x) => x.attempts >= 1 && x.state === 'pending') ? r : null;
    });
    for (const r of rows) {
      assert.equal(r.state, 'pending');
      assert.match(r.label, /等待重试/);
      assert.match(r.error, /无法连接/);
    }
    // disable them for the rest of this file: a disabled channel queues nothing
    for (const d of demo) {
      const page = await admin.get(`/admin/o/${ORG}/channels/${d.id}`);
      const val = (n) => page.text.match(new RegExp(`name="${n}"[^>]*value="([^"]*)"`))?.[1] ?? '';
      const kind = page.text.match(/<option value="(\w+)" selected>/)[1];
      const r = await admin.post(`/admin/o/${ORG}/channels/${d.id}`, { kind, name: d.name, endpoint: val('endpoint'), app_id: val('app_id'),
        all_categories: '1' });
      assert.equal(r.status, 303, textOf(r.text).slice(0, 300));
    }
    const after = await publish('停用渠道后发布');
    await sleep(300);
    assert.equal((await rowsOf(after.id)).length, 0, 'disabled channels queue nothing');
  });

  test('configuring channels: bad input refused in Chinese, secrets never shown back, fingerprints in the audit log', async () => {
    let r = await admin.post(`/admin/o/${ORG}/channels`, { kind: 'platform_push', name: '公开平台', endpoint: 'ftp://x', secret: SECRET, all_categories: '1' });
    assert.equal(r.status, 400);
    assert.match(textOf(r.text), /http:\/\/ 或 https:\/\//);
    r = await admin.post(`/admin/o/${ORG}/channels`, { kind: 'platform_push', name: '公开平台', endpoint: `${rcv.base}/push`, secret: 'short', all_categories: '1' });
    assert.equal(r.status, 400);
    assert.match(textOf(r.text), /至少 16 个字符/);
    r = await admin.post(`/admin/o/${ORG}/channels`, { kind: 'nope', name: 'x', all_categories: '1' });
    assert.equal(r.status, 400);
    r = await admin.post(`/admin/o/${ORG}/channels`, { kind: 'wechat', name: '公众号', all_categories: '1', app_id: 'wx1' });
    assert.equal(r.status, 400);
    assert.match(textOf(r.text), /AppSecret/);

    // the WeChat channel counts into a 政务新媒体 channel of the figures
    r = await admin.post(`/admin/o/${ORG}/channel-stats`, { name: '桐乡教育微信', type: 'new_media', platform: '微信公众号' });
    assert.equal(r.status, 303, textOf(r.text).slice(0, 300));
    const statId = r.location.match(/channel-stats\/(\d+)/)[1];
    statChannel = statId;

    pushChannel = await addChannel({ kind: 'platform_push', name: '浙江省政务公开平台', endpoint: `${rcv.base}/push`, secret: SECRET });
    wxChannel = await addChannel({ kind: 'wechat', name: '桐乡教育公众号', endpoint: rcv.base, app_id: 'wxTEST123', secret: APP_SECRET,
      author: '桐乡市教育局办公室', stat_channel: statId });
    const list = await admin.get(`/admin/o/${ORG}/channels`);
    assert.ok(!list.text.includes(SECRET) && !list.text.includes(APP_SECRET), 'a secret is shown on the channels page');
    const fp = 'sha256:' + crypto.createHash('sha256').update(SECRET).digest('hex').slice(0, 12);
    assert.ok(list.text.includes(fp), 'the fingerprint of the push secret is shown');
    const edit = await admin.get(`/admin/o/${ORG}/channels/${wxChannel}`);
    assert.ok(!edit.text.includes(APP_SECRET));
    assert.match(edit.text, /留空则不修改/);
    const audit = sql("SELECT group_concat(COALESCE(before, '') || after, ' ') FROM audit_log WHERE tbl LIKE 'deliver%'");
    assert.ok(audit.includes(fp), 'the audit log records the fingerprint');
    assert.ok(!audit.includes(SECRET) && !audit.includes(APP_SECRET), 'the audit log never holds a secret');
  });
});

describe('delivering', () => {
  test('publishing queues one delivery per channel and both are delivered (signed push; WeChat article)', async () => {
    const { id } = await publish('关于做好2026年秋季学期开学工作的通知', { summary: '开学工作的安排。', doc_no: '桐教〔2026〕12号' });
    const rows = await waitFor('both delivered', async () => {
      const r = await rowsOf(id);
      return r.length === 2 && r.every((x) => x.state === 'done') ? r : null;
    });
    assert.deepEqual(rows.map((x) => x.event), ['发布', '发布']);
    const push = rcv.pushes.find((p) => p.json?.id === id);
    assert.ok(push, 'the platform received the push');
    assert.ok(push.sigOk, 'X-Gongkai-Signature is the HMAC-SHA256 of the body under the channel secret');
    assert.equal(push.event, 'publish');
    assert.match(push.key, new RegExp(`^gongkai-${ORG}-d\\d+$`));
    assert.equal(push.json.title, '关于做好2026年秋季学期开学工作的通知');
    assert.equal(push.json.doc_no, '桐教〔2026〕12号');
    assert.match(push.json.index_no, /\S/);
    assert.equal(push.json.category, '政策文件');
    assert.equal(push.json.url, `https://gk.example.gov.cn/o/${ORG}/items/${id}`);
    assert.ok(push.json.body_html.includes('href="https://gk.example.gov.cn/o/x/files/1"'), push.json.body_html);
    // WeChat: token, default cover (PNG), draft, publish
    assert.equal(rcv.wx.tokens, 1);
    assert.equal(rcv.wx.uploads.length, 1);
    assert.equal(rcv.wx.uploads[0].type, 'image');
    assert.ok(rcv.wx.uploads[0].png, 'the default cover is a PNG');
    const art = rcv.wx.drafts.at(-1).articles[0];
    assert.equal(art.title, '关于做好2026年秋季学期开学工作的通知');
    assert.equal(art.author, '桐乡市教育局办公室');
    assert.equal(art.digest, '开学工作的安排。');
    assert.equal(art.thumb_media_id, 'THUMB1');
    assert.equal(art.content_source_url, `https://gk.example.gov.cn/o/${ORG}/items/${id}`);
    assert.equal(art.need_open_comment, 0);
    assert.ok(art.content.includes('https://gk.example.gov.cn/o/x/files/1'));
    assert.deepEqual(rcv.wx.submits.at(-1), { media_id: 'DRAFT1' });
    // the staff pages: the deliveries list and the item page
    const d = await admin.get(`/admin/o/${ORG}/deliveries/${rows[0].id}`);
    assert.match(textOf(d.text), /已送达/);
    const item = await admin.get(`${ITEMS}/${id}`);
    assert.match(textOf(item.text), /发布到“浙江省政务公开平台”\s*：\s*已送达/);
    assert.match(textOf(item.text), /发布到“桐乡教育公众号”\s*：\s*已送达/);
  });

  test('a receiver answering 500 is retried with growing delays, then delivered once it recovers', async () => {
    rcv.mode.push = '500';
    const { id } = await publish('重试测试：服务器错误');
    const seen = await waitFor('four failed attempts', async () => {
      const p = rcv.pushes.filter((x) => x.json?.id === id);
      return p.length >= 4 ? p : null;
    }, 30_000);
    const gaps = [seen[1].at - seen[0].at, seen[2].at - seen[1].at, seen[3].at - seen[2].at];
    // each retry waits at least its doubled delay (lower bounds hold however loaded the machine is)
    gaps.forEach((g, i) => assert.ok(g >= BACKOFF * 2 ** i * 0.95, `retry ${i + 1} came after ${g} ms (delays ${gaps})`));
    assert.ok(gaps[2] > gaps[0] * 2, `the delays grow: ${gaps}`);
    // the fourth answer has been received; its attempt is recorded a moment later
    const row = await waitFor('the fourth attempt recorded', async () => {
      const r = (await rowsOf(id)).find((x) => x.channel.includes('政务公开平台'));
      return r && r.attempts >= 4 && r.state !== 'sending' ? r : null;
    });
    assert.equal(row.state, 'pending');
    assert.match(row.label, /等待重试/);
    assert.match(row.error, /HTTP 500/);
    const page = await admin.get(`/admin/o/${ORG}/deliveries/${row.id}`);
    assert.match(textOf(page.text), /失败，将重试/);
    assert.match(textOf(page.text), /internal error/);
    rcv.mode.push = 'ok';
    await waitFor('delivered after recovery', async () => (await rowsOf(id)).every((x) => x.state === 'done'), 30_000);
    assert.equal(rcv.accepted.get(seen[0].key), 1, 'accepted once');
  });

  test('a timeout, garbage and a body slower than the timeout are each reported and retried', async () => {
    for (const [mode, re] of [['timeout', /超时/], ['garbage', /无法识别/], ['slow', /超时/]]) {
      rcv.mode.push = mode;
      const { id } = await publish(`重试测试：${mode}`);
      const row = await waitFor(`a recorded ${mode} attempt`, async () => {
        const r = (await rowsOf(id)).find((x) => x.channel.includes('政务公开平台'));
        return r && r.attempts >= 1 && r.state === 'pending' && r.error ? r : null;
      }, 30_000);
      assert.match(row.error, re, `${mode}: ${row.error}`);
      rcv.mode.push = 'ok';
      await waitFor(`${mode}: delivered after recovery`, async () => (await rowsOf(id)).every((x) => x.state === 'done'), 30_000);
    }
  });

  test('a 4xx is a permanent failure: highlighted at the top, retried by the button', async () => {
    rcv.mode.push = '400';
    const { id } = await publish('永久失败测试');
    const row = await waitFor('failed', async () => (await rowsOf(id)).find((x) => x.state === 'failed'));
    assert.equal(row.attempts, 1, 'a 4xx is not retried automatically');
    assert.match(row.error, /平台拒绝接收/);
    const list = await deliveries();
    assert.equal(list.rows[0].state, 'failed', 'failures are listed first');
    assert.ok(list.rows[0].highlighted);
    assert.match(textOf(list.html), /有 \d+ 条推送失败，需要人工处理/);
    const noCsrf = await admin.post(`/admin/o/${ORG}/deliveries/${row.id}/retry`, { csrf: null });
    assert.equal(noCsrf.status, 403, 'the retry button needs the CSRF token');
    rcv.mode.push = 'ok';
    const r = await admin.post(`/admin/o/${ORG}/deliveries/${row.id}/retry`, {});
    assert.equal(r.status, 303);
    await waitFor('delivered after the retry button', async () => (await rowsOf(id)).every((x) => x.state === 'done'));
    const again = await admin.post(`/admin/o/${ORG}/deliveries/${row.id}/retry`, {});
    assert.equal(again.status, 409, 'a delivered one is not retried');
    // 全部重试
    rcv.mode.push = '400';
    const two = await publish('永久失败测试二');
    await waitFor('failed', async () => (await rowsOf(two.id)).find((x) => x.state === 'failed'));
    rcv.mode.push = 'ok';
    assert.equal((await admin.post(`/admin/o/${ORG}/deliveries/retry-failed`, {})).status, 303);
    await waitFor('delivered after 全部重试', async () => (await rowsOf(two.id)).every((x) => x.state === 'done'));
  });

  test('an expired WeChat token is refreshed once and the article still goes out in the same attempt', async () => {
    const before = rcv.wx.tokens;
    rcv.wx.expireOnce = true;
    const { id } = await publish('令牌过期测试');
    const row = await waitFor('delivered', async () => (await rowsOf(id)).find((x) => x.channel.includes('公众号') && x.state === 'done'));
    assert.equal(row.attempts, 1);
    assert.equal(rcv.wx.tokens, before + 1, 'one new token');
  });

  test('a reviewer sees the deliveries and may retry; an editor may not', async () => {
    const PW = 'Outbox-Pass-2026-xyz';
    cli(env.db, ['user', 'add', 'ob-reviewer', '--org', ORG, '--role', 'reviewer', '--password-stdin'], { input: PW + '\n' });
    cli(env.db, ['user', 'add', 'ob-editor', '--org', ORG, '--role', 'editor', '--password-stdin'], { input: PW + '\n' });
    const rv = await loginClient(srv, 'ob-reviewer', PW);
    const ed = await loginClient(srv, 'ob-editor', PW);
    assert.equal((await rv.get(`/admin/o/${ORG}/deliveries`)).status, 200);
    assert.equal((await ed.get(`/admin/o/${ORG}/deliveries`)).status, 403);
    assert.equal((await rv.post(`/admin/o/${ORG}/channels`, { kind: 'platform_push', name: 'x', endpoint: 'http://a/', secret: SECRET })).status, 403,
      'a reviewer does not configure channels');
  });

  test('an image attachment: listed in the push with its SHA-256 and size, and uploaded as the WeChat cover', async () => {
    const img = png(6, 5);
    const id = await create({ title: '带图片附件的信息' });
    const fd = new FormData();
    fd.append('file', new Blob([img], { type: 'image/png' }), '封面.png');
    const up = await admin.postMultipart(`${ITEMS}/${id}/files`, fd);
    assert.ok(up.status === 200 || up.status === 303, `upload: ${up.status} ${textOf(up.text).slice(0, 300)}`);
    const uploads = rcv.wx.uploads.length;
    await approve(id);
    await waitFor('delivered', async () => (await rowsOf(id)).every((x) => x.state === 'done'));
    const push = rcv.pushes.find((p) => p.json?.id === id && p.mode === 'ok');
    assert.equal(push.json.attachments.length, 1);
    const att = push.json.attachments[0];
    assert.equal(att.filename, '封面.png');
    assert.equal(att.size, img.length);
    assert.equal(att.sha256, crypto.createHash('sha256').update(img).digest('hex'));
    assert.match(att.url, new RegExp(`^https://gk\\.example\\.gov\\.cn/o/${ORG}/items/${id}/files/\\d+$`));
    assert.equal(rcv.wx.uploads.length, uploads + 1);
    const cover = rcv.wx.uploads.at(-1);
    assert.ok(cover.png && cover.size > img.length && cover.size < img.length + 1000, `the attachment is the cover (${cover.size} bytes sent)`);
  });

  test('a correction published queues a correct delivery of the same item', async () => {
    const { id } = await publish('更正测试');
    await waitFor('delivered', async () => (await rowsOf(id)).every((x) => x.state === 'done'));
    const c = await admin.post(`${ITEMS}/${id}/action`, { action: 'correct' });
    assert.equal(c.status, 303, textOf(c.text).slice(0, 300));
    const draft = Number(c.location.match(/items\/(\d+)/)[1]);
    const page = await admin.get(`${ITEMS}/${draft}`);
    const version = page.text.match(/name="version" value="(\d+)"/)[1];
    const s2 = await admin.post(`${ITEMS}/${draft}`, { title: '更正测试（已更正）', category_id: cats['政策文件'], body_md: '更正后的正文。', version });
    assert.ok(s2.status === 200 || s2.status === 303, textOf(s2.text).slice(0, 300));
    await approve(draft);
    const rows = await waitFor('the correction delivered', async () => {
      const r = (await rowsOf(id)).filter((x) => x.event === '更正');
      return r.length === 2 && r.every((x) => x.state === 'done') ? r : null;
    });
    assert.equal(rows.length, 2);
    const push = rcv.pushes.filter((p) => p.json?.id === id && p.event === 'correct').at(-1);
    assert.equal(push.json.title, '更正测试（已更正）');
    assert.match(push.json.body_html, /更正后的正文/);
    assert.notEqual(push.key, rcv.pushes.find((p) => p.json?.id === id && p.event === 'publish').key, 'a new delivery, a new key');
  });

  test('the staff pages are valid, labelled HTML', async () => {
    const list = await deliveries();
    assertPageBasics(list.html, 'deliveries');
    assertPageBasics((await admin.get(`/admin/o/${ORG}/deliveries/${list.rows[0].id}`)).text, 'a delivery');
    assertPageBasics((await admin.get(`/admin/o/${ORG}/channels`)).text, 'channels');
    assertPageBasics((await admin.get(`/admin/o/${ORG}/channels/${wxChannel}`)).text, 'a channel');
    assert.equal((await admin.get(`/admin/o/${ORG}/deliveries?state=bogus`)).status, 400);
    assert.equal((await admin.get(`/admin/o/${ORG}/deliveries/999999`)).status, 404);
    assert.equal((await admin.get(`/admin/o/${ORG}/channels/999999`)).status, 404);
  });

  test('publishing with a hung receiver is as fast as publishing without channels', async () => {
    // without channels: disable both for a baseline
    const edit = async (ch, on, extra) => {
      const r = await admin.post(`/admin/o/${ORG}/channels/${ch}`, { ...extra, ...(on ? { enabled: '1' } : {}), all_categories: '1' });
      assert.equal(r.status, 303, textOf(r.text).slice(0, 300));
    };
    const pushCfg = { kind: 'platform_push', name: '浙江省政务公开平台', endpoint: `${rcv.base}/push` };
    const wxCfg = { kind: 'wechat', name: '桐乡教育公众号', endpoint: rcv.base, app_id: 'wxTEST123', author: '桐乡市教育局办公室',
      stat_channel: statChannel };
    await edit(pushChannel, false, pushCfg);
    await edit(wxChannel, false, wxCfg);
    const base = [];
    for (let i = 0; i < 3; i++) base.push((await publish(`无渠道发布${i}`)).ms);
    await edit(pushChannel, true, pushCfg);
    await edit(wxChannel, true, wxCfg);
    rcv.mode.push = 'hang';
    const hung = [];
    const ids = [];
    for (let i = 0; i < 3; i++) {
      const p = await publish(`挂起接收方发布${i}`);
      hung.push(p.ms);
      ids.push(p.id);
    }
    const med = (a) => [...a].sort((x, y) => x - y)[1];
    console.log(`# publish request: ${med(base)} ms without channels, ${med(hung)} ms with a hung receiver (median of 3)`);
    assert.ok(med(hung) < med(base) + 300, `publishing waited for a channel: ${hung} vs ${base}`);
    rcv.mode.push = 'ok';
    for (const id of ids) await waitFor('delivered', async () => (await rowsOf(id)).every((x) => x.state === 'done'), 40_000);
  });

  test('a withdrawal deletes the WeChat article through its publish id', async () => {
    const { id } = await publish('撤回测试');
    await waitFor('delivered', async () => (await rowsOf(id)).every((x) => x.state === 'done'));
    const r = await admin.post(`${ITEMS}/${id}/action`, { action: 'withdraw', comment: '内容有误' });
    assert.equal(r.status, 200, textOf(r.text).slice(0, 300));
    const rows = await waitFor('withdrawal delivered', async () => {
      const w = (await rowsOf(id)).filter((x) => x.event === '撤回');
      return w.length === 2 && w.every((x) => x.state === 'done') ? w : null;
    });
    assert.ok(rows.length === 2);
    const pid = rcv.wx.gets.at(-1).publish_id;
    assert.deepEqual(rcv.wx.deletes.at(-1), { article_id: `ART-${pid}`, index: 0 });
    assert.ok(rcv.pushes.some((p) => p.json?.id === id && p.event === 'withdraw'));
  });
});

describe('restarts and figures', () => {
  test('SIGTERM mid-send: the attempt is given back and the server exits cleanly', async () => {
    // a long request timeout: only an aborted transfer lets the server stop quickly
    await srv.stop();
    srv = await startServer(env, { args: [...SERVE_ARGS, '--delivery-timeout-ms', '30000'] });
    admin = await loginClient(srv, 'tongxiang', env.orgPassword);
    rcv.mode.push = 'hang';
    const { id } = await publish('停止服务测试');
    await waitFor('the push in flight', async () => rcv.pushes.some((p) => p.json?.id === id && p.mode === 'hang'));
    const t0 = Date.now();
    await srv.stop(); // asserts exit status 0 and no sanitizer report
    assert.ok(Date.now() - t0 < 10_000, `shutdown waited ${Date.now() - t0} ms for the hung receiver`);
    const row = sql(`SELECT d.state || '|' || l.message FROM deliveries d JOIN delivery_log l ON l.delivery_id = d.id
                     WHERE d.item_id = ${id} AND d.channel_id = ${pushChannel} ORDER BY l.id DESC LIMIT 1`);
    assert.equal(row, 'pending|服务停止，发送中断，稍后重发');
    rcv.mode.push = 'ok';
    srv = await startServer(env, { args: SERVE_ARGS });
    admin = await loginClient(srv, 'tongxiang', env.orgPassword);
    await waitFor('delivered after the restart', async () => (await rowsOf(id)).every((x) => x.state === 'done'));
  });

  test('kill -9 mid-delivery, restart: every delivery is done, each key accepted once', async () => {
    rcv.mode.push = 'hang';
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await publish(`重启测试${i}`)).id);
    await waitFor('the receiver holds a push in flight', async () => rcv.pushes.some((p) => p.mode === 'hang' && ids.includes(p.json?.id)));
    srv.proc.kill('SIGKILL');
    await srv.exited;
    rcv.mode.push = 'ok';
    srv = await startServer(env, { args: SERVE_ARGS });
    admin = await loginClient(srv, 'tongxiang', env.orgPassword);
    await waitFor('all delivered after the restart', async () => {
      for (const id of ids) if (!(await rowsOf(id)).every((x) => x.state === 'done')) return false;
      return true;
    }, 40_000);
    for (const id of ids) {
      const keys = new Set(rcv.pushes.filter((p) => p.json?.id === id).map((p) => p.key));
      assert.equal(keys.size, 1, `one idempotency key per delivery (item ${id})`);
      assert.equal(rcv.accepted.get([...keys][0]), 1, `accepted exactly once (item ${id})`);
    }
    // nothing is left behind
    assert.equal(sql(`SELECT COUNT(*) FROM deliveries WHERE state <> 'done' AND channel_id IN (${pushChannel}, ${wxChannel})`), '0');
  });

  test('delivered WeChat publications are counted into the channel figures and the report sentence', async () => {
    const done = Number(sql(`SELECT COUNT(*) FROM deliveries WHERE channel_id = ${wxChannel} AND state = 'done' AND event IN ('publish','correct')`));
    assert.ok(done >= 10, `delivered ${done}`);
    const year = new Date(Date.now() + 8 * 3600e3).getUTCFullYear();
    const figure = Number(sql(`SELECT SUM(value) FROM channel_figures WHERE metric = '推送次数' AND year = ${year}`));
    assert.equal(figure, done, 'the figure is the count of delivered publications');
    const rep = cli(env.db, ['report', '--org', ORG, '--year', String(year), '--format', 'md']);
    assert.match(rep.stdout, new RegExp(`“桐乡教育微信”微信公众号推送信息${done}次`));
  });

  test('gongkai deliver --once sends what is due and exits', async () => {
    await srv.stop();
    srv = null;
    rcv.mode.push = 'ok';
    // queue a delivery with the server stopped: a test send through the store
    sql(`INSERT INTO deliveries (org_id, channel_id, item_id, item_version, event, state, attempts, next_attempt_at, created_at, updated_at)
         SELECT org_id, id, (SELECT MAX(id) FROM items WHERE status = 'published'), 1, 'publish', 'pending', 0, '2000-01-01T00:00:00.000Z', '2000-01-01T00:00:00.000Z', '2000-01-01T00:00:00.000Z'
         FROM delivery_channels WHERE id = ${pushChannel}`);
    const n = rcv.pushes.length;
    // asynchronously: the receiver runs in this process
    const r = await run(BIN, ['--db', env.db, 'deliver', '--once', '--files', env.files, '--timeout-ms', '5000']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /已处理 1 条/);
    assert.equal(rcv.pushes.length, n + 1);
    assert.equal(sql(`SELECT COUNT(*) FROM deliveries WHERE state <> 'done' AND channel_id IN (${pushChannel}, ${wxChannel})`), '0');
    const bad = spawnSync(BIN, ['--db', env.db, 'deliver', '--org', 'no-such-org', '--once'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /没有标识为 no-such-org 的机构/);
  });
});
