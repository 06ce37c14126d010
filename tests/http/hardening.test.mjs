// hardening.test.mjs - the web hardening of the server: security headers on
// every kind of response, body size limits (413), per-address rate limits
// (429 with Retry-After) on search, tracking and the application form,
// slow clients, path traversal on every file route, stored files served so
// a browser never runs them, CSRF on every POST route of the route table,
// XSS payloads in the text fields of every form, and SQL metacharacters
// stored verbatim.
//
// The rate limits are per client address: each limit is tested from its own
// loopback address (127.0.0.N, srv.from), apart from the rest of the file.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  Client, ORG, ROOT, assertPageBasics, cleanup, csrfFrom, decodeEntities, loginClient, makeDb, qs, sql as dbSql, startServer,
  textOf,
} from './lib.mjs';

const PAYLOAD = `<script>alert(1)</script>"'><img src=x onerror=alert(1)>`;
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';
const ADMIN = `/admin/o/${ORG}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let env;
let srv;
let staff; // the demo agency's administrator

before(async () => {
  env = makeDb({ demo: true });
  srv = await startServer(env);
  staff = await loginClient(srv, 'tongxiang', env.orgPassword);
});

after(async () => {
  try {
    if (srv) await srv.stop();
  } finally {
    cleanup(env);
  }
});

/** Raw markup must never carry the payload as markup. */
function assertNoRawPayload(html, where) {
  assert.ok(!/<script>alert/i.test(html), `${where}: a raw <script>alert`);
  assert.ok(!/<img src=x/i.test(html), `${where}: a raw <img src=x`);
  assert.ok(!/"'><img/.test(html), `${where}: an attribute broken out of`);
}

/**
 * assertPageBasics on a page that may show the payload in its <title>: the
 * payload's length alone would trip the validator's title-length rule, so
 * the title is checked for escaping here and shortened for the rest.
 */
function pageBasics(html, where) {
  const title = html.match(/<title>([\s\S]*?)<\/title>/)?.[1] ?? '';
  assertNoRawPayload(title, `${where} <title>`);
  assertPageBasics(html.replace(/<title>[\s\S]*?<\/title>/, title.length > 60 ? '<title>(长标题)</title>' : '$&'), where);
}

/** The security headers every response carries (headers: a Headers or a plain object). */
function assertSecurityHeaders(h, where) {
  const get = (k) => (typeof h.get === 'function' ? h.get(k) : h[k.toLowerCase()]);
  const csp = get('content-security-policy') || '';
  assert.match(csp, /script-src 'self'/, `${where}: CSP script-src`);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, `${where}: CSP allows inline script`);
  assert.match(csp, /frame-ancestors 'none'/, `${where}: CSP frame-ancestors`);
  assert.match(csp, /object-src 'none'/, `${where}: CSP object-src`);
  assert.equal(get('x-content-type-options'), 'nosniff', `${where}: nosniff`);
  assert.equal(get('x-frame-options'), 'DENY', `${where}: X-Frame-Options`);
  assert.equal(get('referrer-policy'), 'same-origin', `${where}: Referrer-Policy`);
  assert.equal(get('cross-origin-opener-policy'), 'same-origin', `${where}: COOP`);
  assert.match(get('permissions-policy') || '', /camera=\(\)/, `${where}: Permissions-Policy`);
}

/** A valid 18-digit 居民身份证号码 from its first 17 digits. */
function idNumber(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

/** SQL through the database's own shell (sqlite3 or psql): its output, columns tab-separated. */
function sqlite(q) {
  return dbSql(env.db, q).stdout;
}

/** The application tables' contents, to show that refused posts changed nothing. */
function dataDigest() {
  const tables = sqlite(env.pg
    ? "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
    : "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .trim().split('\n')
    .filter((t) => t && !/session|login|audit|fts|search|view|_data|_idx|_content|_docsize|_config/i.test(t));
  const h = crypto.createHash('sha256');
  for (const t of tables) h.update(t + '\n' + sqlite(`SELECT * FROM "${t}" ORDER BY 1`));
  return h.digest('hex');
}

/** A raw request over a socket: the first `wait` ms of what comes back. */
function rawSocket(text, { wait = 2000, localAddress } = {}) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port: srv.port, localAddress });
    let out = '';
    const t0 = Date.now();
    s.on('data', (d) => { out += d.toString('utf8'); });
    s.on('error', () => {});
    s.on('close', () => resolve({ text: out, ms: Date.now() - t0, closed: true }));
    s.write(text);
    setTimeout(() => { s.destroy(); resolve({ text: out, ms: Date.now() - t0, closed: false }); }, wait);
  });
}

// ------------------------------------------------------------------ headers

describe('security headers', () => {
  test('on pages, errors, JSON, static files, feeds, redirects, downloads and HEAD', async () => {
    const pub = [
      ['/', 303], [`/o/${ORG}/`, 200], [`/o/${ORG}/guide`, 200], [`/o/${ORG}/apply`, 200], [`/o/${ORG}/catalog`, 200], ['/no/such/page', 404], [`/o/${ORG}/items/999999999`, 404],
      [`/api/v1/orgs/${ORG}/items`, 200], ['/api/v1/items/999999999', 404], ['/static/style.css', 200],
      ['/static/favicon.svg', 200], [`/o/${ORG}/feed.atom`, 200], ['/sitemap.xml', 200], ['/admin/', 303],
      ['/admin/login', 200],
    ];
    for (const [p, status] of pub) {
      const r = await srv.get(p);
      assert.equal(r.status, status, `GET ${p}`);
      assertSecurityHeaders(r.headers, `GET ${p}`);
      assert.equal(r.headers.get('strict-transport-security'), null, `${p}: no HSTS without --https`);
    }
    const head = await srv.fetch(`/o/${ORG}/`, { method: 'HEAD' });
    assertSecurityHeaders(head.headers, 'HEAD');
    const m405 = await srv.raw('DELETE', `/o/${ORG}/`);
    assert.equal(m405.status, 405);
    assertSecurityHeaders(m405.headers, '405');
    for (const p of [`${ADMIN}/items`, `${ADMIN}/applications`, `${ADMIN}/interactions/export.csv`, `${ADMIN}/reviews/export`]) {
      const r = await staff.get(p);
      assert.equal(r.status, 200, `staff GET ${p}`);
      assertSecurityHeaders(r.headers, `staff ${p}`);
      assert.match(r.headers.get('cache-control'), /no-store/, `staff ${p}: Cache-Control`);
    }
  });

  test('--https adds Strict-Transport-Security', async () => {
    const s2 = await startServer(env, { args: ['--https'] });
    try {
      const r = await s2.get('/');
      assert.match(r.headers.get('strict-transport-security') || '', /^max-age=\d{7,}/);
      assertSecurityHeaders(r.headers, '--https /');
    } finally {
      await s2.stop();
    }
  });
});

// ------------------------------------------------------------------ sizes

describe('request size', () => {
  test('a body announced too large is refused at once with 413, unread', async () => {
    const r = await rawSocket(`POST /o/${ORG}/track HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
      'Content-Length: 10000000000\r\n\r\ncode=1', { wait: 3000 });
    assert.match(r.text, /^HTTP\/1\.1 413 /, r.text.slice(0, 200));
    assert.match(r.text, /提交的内容过大/);
    assert.match(r.text, /X-Content-Type-Options: nosniff/i);
    assert.ok(r.ms < 2500, `answered in ${r.ms} ms`);
  });

  test('a form body over the limit gets 413 with a Chinese page; JSON too', async () => {
    const parse = (text) => {
      const at = text.indexOf('\r\n\r\n');
      const head = text.slice(0, at);
      const headers = Object.fromEntries(head.split('\r\n').slice(1)
        .map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      let body = text.slice(at + 4);
      if (/chunked/i.test(headers['transfer-encoding'] || '')) body = body.replace(/(^|\r\n)[0-9a-f]+\r\n/gi, '');
      return { head, headers, body };
    };
    // a chunked body (no length to refuse it by): read to the end, then 413
    const chunk = 'x'.repeat(64 * 1024);
    let req = 'POST /admin/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n' +
      'Transfer-Encoding: chunked\r\n\r\n' + `14\r\nusername=a&password=\r\n`;
    for (let i = 0; i < 48; i++) req += `${chunk.length.toString(16)}\r\n${chunk}\r\n`;
    req += '0\r\n\r\n';
    const r = await rawSocket(req, { wait: 5000, localAddress: '127.0.0.31' });
    assert.match(r.text, /^HTTP\/1\.1 413 /, r.text.slice(0, 200));
    const page = parse(r.text);
    assert.match(textOf(page.body), /提交的内容过大（不超过 \d+ MB）/);
    assertPageBasics(page.body, '413 page');
    assertSecurityHeaders(page.headers, '413');
    // the API, with a length announced far over the limit: refused before the body
    const j = await rawSocket(`POST /api/v1/orgs/${ORG}/applications HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${50 * 1024 * 1024}\r\n\r\n`, { wait: 3000, localAddress: '127.0.0.31' });
    assert.match(j.text, /^HTTP\/1\.1 413 /, j.text.slice(0, 200));
    assert.equal(JSON.parse(parse(j.text).body).error.status, 413);
  });

  test('headers beyond the connection memory limit are refused', async () => {
    const r = await rawSocket(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(100 * 1024)}\r\n\r\n`, { wait: 3000 });
    assert.match(r.text, /^HTTP\/1\.1 4(31|13|00) /, r.text.slice(0, 100));
  });
});

// ------------------------------------------------------------------ rate limits

/** A form's csrf token and cookie, fetched from addr. */
async function anonForm(addr, p) {
  const r = await srv.from(addr, 'GET', p);
  assert.equal(r.status, 200, `GET ${p}`);
  const cookie = (r.headers['set-cookie'] || []).map((c) => c.split(';')[0]).join('; ');
  return { csrf: csrfFrom(r.text), cookie };
}

describe('rate limits', () => {
  test('search: 60 a minute per address, then 429 with Retry-After (page and API)', async () => {
    const addr = '127.0.0.11';
    for (let i = 0; i < 60; i++) {
      const p = i % 3 === 0 ? `/search?${qs({ q: '招生' })}` : i % 3 === 1 ? `/o/${ORG}/search?${qs({ q: `教育${i}` })}`
        : `/api/v1/orgs/${ORG}/items?${qs({ q: '学校' })}`;
      const r = await srv.from(addr, 'GET', p);
      assert.equal(r.status, 200, `search ${i + 1}: ${r.status}`);
    }
    const r = await srv.from(addr, 'GET', `/o/${ORG}/search?${qs({ q: '招生' })}`);
    assert.equal(r.status, 429);
    assert.match(r.headers['retry-after'], /^\d+$/);
    assert.ok(Number(r.headers['retry-after']) >= 1 && Number(r.headers['retry-after']) <= 60);
    assert.match(textOf(r.text), /检索过于频繁/);
    assertPageBasics(r.text, '429 page');
    assertSecurityHeaders(r.headers, '429');
    const api = await srv.from(addr, 'GET', `/api/v1/orgs/${ORG}/items?${qs({ q: '招生' })}`);
    assert.equal(api.status, 429);
    assert.ok(api.headers['retry-after']);
    assert.equal(JSON.parse(api.text).error.status, 429);
    // the search form itself (no query) and other addresses are not affected
    assert.equal((await srv.from(addr, 'GET', `/o/${ORG}/search`)).status, 200);
    assert.equal((await srv.from('127.0.0.14', 'GET', `/o/${ORG}/search?${qs({ q: '招生' })}`)).status, 200);
  });

  test('tracking: 10 wrong codes in 10 minutes, then 429 (form and API)', async () => {
    const addr = '127.0.0.12';
    const f = await anonForm(addr, `/o/${ORG}/track`);
    const post = (code) => srv.from(addr, 'POST', `/o/${ORG}/track`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: f.cookie },
      body: new URLSearchParams({ csrf: f.csrf, code, check: '1234' }).toString(),
    });
    for (let i = 0; i < 10; i++) {
      const r = await post(`ABCDEFGHJK${String(i).padStart(2, '0')}`);
      assert.equal(r.status, 404, `wrong code ${i + 1}: ${r.status}`);
    }
    const r = await post('ABCDEFGHJKMN');
    assert.equal(r.status, 429);
    assert.match(r.headers['retry-after'], /^\d+$/);
    assert.match(textOf(r.text), /查询失败次数过多/);
    assertPageBasics(r.text, 'track 429');
    const api = await srv.from(addr, 'GET', `/api/v1/applications/track?${qs({ code: 'ABCDEFGHJKMN', check: '1234' })}`);
    assert.equal(api.status, 429);
    assert.ok(api.headers['retry-after']);
    const other = await srv.from('127.0.0.15', 'GET', `/api/v1/applications/track?${qs({ code: 'ABCDEFGHJKMN', check: '1234' })}`);
    assert.equal(other.status, 404, 'another address still gets the plain answer');
  });

  test('the application form: 30 posts in 10 minutes, then 429', async () => {
    const addr = '127.0.0.13';
    const f = await anonForm(addr, `/o/${ORG}/apply`);
    const post = () => srv.from(addr, 'POST', `/o/${ORG}/apply`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: f.cookie },
      body: new URLSearchParams({ csrf: f.csrf, name: '' }).toString(),
    });
    for (let i = 0; i < 30; i++) {
      const r = await post();
      assert.equal(r.status, 400, `post ${i + 1}: an incomplete form, ${r.status}`);
    }
    const r = await post();
    assert.equal(r.status, 429);
    assert.match(r.headers['retry-after'], /^\d+$/);
    assert.match(textOf(r.text), /提交过于频繁/);
    assertPageBasics(r.text, 'apply 429');
  });
});

// ------------------------------------------------------------------ slow clients

describe('slow clients', () => {
  test('one address cannot hold the connections; silent ones are cut after --timeout', async () => {
    const s2 = await startServer(env, { args: ['--timeout', '2', '--per-ip-connections', '20'] });
    const socks = [];
    try {
      const open = () => new Promise((resolve) => {
        const s = net.connect({ host: '127.0.0.1', port: s2.port, localAddress: '127.0.0.21' });
        const st = { s, closedAt: null, data: '' };
        s.on('data', (d) => { st.data += d; });
        s.on('error', () => {});
        s.on('close', () => { st.closedAt = Date.now(); });
        s.on('connect', () => { s.write('GET / HTTP/1.1\r\nHost: x\r\n'); resolve(st); });
      });
      for (let i = 0; i < 50; i++) socks.push(await open());
      // a header byte a second from every one of them (slowloris)
      const drip = setInterval(() => { for (const st of socks) if (!st.closedAt) st.s.write('X'); }, 1000);
      await sleep(2500);
      const refused = socks.filter((st) => st.closedAt).length;
      assert.ok(refused >= 30, `the server closed ${refused} of 50 connections from one address (limit 20)`);
      // a normal request from elsewhere is served promptly
      const t0 = Date.now();
      const r = await s2.from('127.0.0.22', 'GET', `/o/${ORG}/`);
      assert.equal(r.status, 200);
      assert.ok(Date.now() - t0 < 1500, `normal request took ${Date.now() - t0} ms`);
      // they stop sending: cut off after the 2 s timeout
      clearInterval(drip);
      const stopped = Date.now();
      await sleep(5000);
      const open2 = socks.filter((st) => !st.closedAt).length;
      assert.equal(open2, 0, `${open2} silent connections still open 5 s after they stopped sending`);
      const last = Math.max(...socks.map((st) => st.closedAt));
      assert.ok(last - stopped < 4500, `the last one closed ${last - stopped} ms after the silence began`);
      assert.ok(socks.every((st) => !/^HTTP\/1\.1 200/.test(st.data)), 'no slow request was answered as complete');
    } finally {
      for (const st of socks) st.s.destroy();
      await s2.stop();
    }
  });
});

// ------------------------------------------------------------------ files

/** POST a file to an item as staff. */
function upload(id, filename, bytes, type = 'application/octet-stream') {
  const fd = new FormData();
  fd.append('file', new Blob([bytes], { type }), filename);
  return staff.postMultipart(`${ADMIN}/items/${id}/files`, fd);
}

async function newItem(fields) {
  await staff.refreshCsrf(`${ADMIN}/items/new`);
  const form = (await staff.get(`${ADMIN}/items/new`)).text;
  const cat = form.match(/<select[^>]*name="category_id"[\s\S]*?<option value="(\d+)"/)?.[1];
  assert.ok(cat, 'a category to choose');
  const r = await staff.post(`${ADMIN}/items/new`, { category_id: cat, body_md: '正文。', ...fields });
  assert.equal(r.status, 303, `create item: ${r.status} ${textOf(r.text).slice(0, 300)}`);
  const id = Number(r.location.match(/\/items\/(\d+)/)[1]);
  return id;
}

async function publish(id) {
  const page = await staff.get(`${ADMIN}/items/${id}`);
  if (!/状态：<strong>待审核/.test(page.text)) await staff.post(`${ADMIN}/items/${id}/action`, { action: 'submit' });
  let r = await staff.post(`${ADMIN}/items/${id}/action`, { action: 'publish' });
  if (r.status === 409) {
    // the pre-publication check lists what it cannot read (images, these
    // test files): an administrator clears each with a reason
    for (const m of [...r.text.matchAll(/name="finding" value="(\d+)"/g)]) {
      const c = await staff.post(`${ADMIN}/items/${id}/action`, { action: 'clear', finding: m[1], comment: '测试文件，已人工核实' });
      assert.equal(c.status, 200, `clear finding ${m[1]}: ${textOf(c.text).slice(0, 300)}`);
    }
    r = await staff.post(`${ADMIN}/items/${id}/action`, { action: 'publish' });
  }
  assert.equal(r.status, 200, `publish ${id}: ${textOf(r.text).slice(0, 300)}`);
  assert.match(r.text, /状态：<strong>已发布/, `item ${id} published`);
}

describe('stored files', () => {
  let itemId;
  const attachments = {};

  before(async () => {
    itemId = await newItem({ title: '附件安全测试：上传类型' });
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.from('<html><script>alert(1)</script>')]);
    const doc = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.from('<html><body onload=alert(1)>')]);
    for (const [name, bytes] of [['看似图片.png', png], ['旧格式.doc', doc]]) {
      const r = await upload(itemId, name, bytes);
      assert.equal(r.status, 200, `upload ${name}: ${textOf(r.text).slice(0, 200)}`);
    }
    const page = await staff.get(`${ADMIN}/items/${itemId}`);
    for (const m of page.text.matchAll(/<a href="([^"]*\/files\/\d+\/[^"/]+)">([^<]*)<\/a>/g)) attachments[decodeEntities(m[2])] = m[1];
    await publish(itemId);
  });

  test('HTML, SVG and XML uploads are refused, whatever they are named', async () => {
    const cases = [
      ['page.html', '<!doctype html><script>alert(1)</script>'],
      ['image.svg', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'],
      ['data.xml', '<?xml version="1.0"?><a/>'],
      ['disguised.pdf', '<html><script>alert(1)</script></html>'],
      ['disguised.png', '<svg onload=alert(1)>'],
    ];
    const draft = await newItem({ title: '附件安全测试：拒收的类型' });
    for (const [name, body] of cases) {
      const r = await upload(draft, name, body, 'text/html');
      assert.equal(r.status, 400, `${name}: ${r.status}`);
      assert.match(textOf(r.text), /不支持的附件类型|扩展名与其实际内容不符/, name);
      assertNoRawPayload(r.text, `upload ${name}`);
    }
  });

  test('a public attachment: images inline with their real type, others as downloads, never HTML', async () => {
    const pngUrl = attachments['看似图片.png'];
    const docUrl = attachments['旧格式.doc'];
    assert.ok(pngUrl && docUrl, `attachment links: ${JSON.stringify(attachments)}`);
    const anon = new Client(srv);
    const img = await anon.get(pngUrl);
    assert.equal(img.status, 200);
    assert.equal(img.headers.get('content-type'), 'image/png');
    assert.match(img.headers.get('content-disposition'), /^inline; filename\*=UTF-8''/);
    assertSecurityHeaders(img.headers, 'attachment png');
    const doc = await anon.get(docUrl);
    assert.equal(doc.status, 200);
    assert.equal(doc.headers.get('content-type'), 'application/msword');
    assert.match(doc.headers.get('content-disposition'), /^attachment; filename\*=UTF-8''%E6%97%A7/);
    assertSecurityHeaders(doc.headers, 'attachment doc');
  });

  test('no path traversal in any file route: ../, %2e%2e, encoded slashes, NUL', async () => {
    const att = attachments['看似图片.png'].match(/\/files\/(\d+)\/[^/]+$/)[1];
    const evil = ['..%2f..%2f..%2f..%2fetc%2fpasswd', '%2e%2e/%2e%2e/%2e%2e/etc/passwd', '../../../../etc/passwd',
      '..%5c..%5cetc%5cpasswd', `${att}%00.html`, '%2e%2e%2f%2e%2e%2ft.db', `${att}/..`, `..;/${att}`, '%00'];
    const routes = [
      (e) => `/static/${e}`, (e) => `/static/style.css/${e}`, (e) => `/static/${e.replace(/^\d+/, 'style.css')}`,
      (e) => `/o/${ORG}/items/${itemId}/files/${e}`, (e) => `/o/${ORG}/items/${e}/files/${att}`,
      (e) => `/o/${ORG}/items/${itemId}/files/${att}/${e}`,
      (e) => `${ADMIN}/applications/1/files/${e}`, (e) => `${ADMIN}/letters/${e}/pdf`,
      (e) => `${ADMIN}/reports/${e}/report.pdf`, (e) => `/o/${ORG}/feed/${e}.atom`,
    ];
    const cookie = staff.jar.header();
    for (const route of routes) {
      for (const e of evil) {
        const p = route(e);
        const r = await srv.raw('GET', p, { headers: { cookie } });
        assert.ok([400, 404].includes(r.status), `GET ${p}: ${r.status}`);
        assert.doesNotMatch(r.text, /root:x:0:0|SQLite format|\{\{|CREATE TABLE/, `GET ${p} leaked a file`);
        assert.notEqual(r.headers['content-type'], 'image/png', `GET ${p} served the attachment`);
      }
    }
    // the real ones still work
    assert.equal((await srv.get(`/o/${ORG}/items/${itemId}/files/${att}`)).status, 200);
    assert.equal((await srv.get('/static/style.css')).status, 200);
  });
});

// ------------------------------------------------------------------ CSRF

/** Every POST route of the route table (routes.c and routes_*.inc), with its flags. */
function postRoutes() {
  const dir = path.join(ROOT, 'src', 'http');
  const text = ['routes.c', ...fs.readdirSync(dir).filter((f) => /^routes_.*\.inc$/.test(f))]
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n').replace(/\\\n/g, ' ');
  const macros = Object.fromEntries([...text.matchAll(/#define\s+(R[A-Z]_R[OW])\s+\(([^)]*)\)/g)].map((m) => [m[1], m[2]]));
  const out = [];
  for (const m of text.matchAll(/\{\s*M_POST\s*,\s*"([^"]+)"\s*,\s*(\w+)\s*,\s*([^,]+?)\s*,/g)) {
    const flags = m[3].replace(/\b(R[A-Z]_R[OW])\b/g, (k) => macros[k] || k);
    out.push({ pattern: m[1], handler: m[2], flags });
  }
  return out;
}

describe('CSRF', () => {
  test('every POST route refuses a missing or wrong token and a foreign Origin, changing nothing', async () => {
    const routes = postRoutes();
    assert.ok(routes.length >= 60, `found ${routes.length} POST routes`);
    const staffRoutes = routes.filter((r) => /R_STAFF/.test(r.flags));
    assert.ok(staffRoutes.every((r) => /R_CSRF/.test(r.flags)), 'every staff POST route requires the token: ' +
      staffRoutes.filter((r) => !/R_CSRF/.test(r.flags)).map((r) => r.pattern).join(', '));
    await staff.refreshCsrf(`${ADMIN}/items`);
    const before = dataDigest();
    for (const r of routes.filter((x) => /R_CSRF/.test(x.flags))) {
      const p = r.pattern.replace('{org}', ORG).replace('{id}', '1').replace('{id2}', '1');
      const body = { title: 'CSRF', name: 'CSRF', action: 'publish', subject: 'x', content: 'x' };
      const none = await staff.post(p, { ...body, csrf: null });
      assert.equal(none.status, 403, `POST ${p} without a token: ${none.status}`);
      const wrong = await staff.post(p, { ...body, csrf: 'f'.repeat(64) });
      assert.equal(wrong.status, 403, `POST ${p} with a wrong token: ${wrong.status}`);
      const cross = await staff.post(p, body, { headers: { origin: 'https://evil.example', cookie: staff.jar.header() } });
      assert.equal(cross.status, 403, `POST ${p} from another origin: ${cross.status}`);
      assert.match(textOf(none.text), /表单已过期或来源无效/, `POST ${p}: the message`);
    }
    assert.equal(dataDigest(), before, 'refused posts changed stored data');
    // still logged in: the logout route refused too
    assert.equal((await staff.get(`${ADMIN}/items`)).status, 200);
  });
});

// ------------------------------------------------------------------ XSS

/** The fields of the <form method="post" action="action"> in html: [{ tag, name, type, value, options }]. */
function formFields(html, action) {
  const forms = [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)]
    .filter((m) => /method="post"/i.test(m[1]) && m[1].includes(`action="${action}"`));
  assert.ok(forms.length, `no POST form to ${action}`);
  const body = forms[0][2];
  const fields = [];
  for (const m of body.matchAll(/<(input|textarea)\b([^>]*)>|<(select)\b([^>]*)>([\s\S]*?)<\/select>/g)) {
    if (m[3]) [m[1], m[2], m[3]] = [m[3], m[4], m[5]];
    else m[3] = '';
    const attr = (k) => m[2].match(new RegExp(`\\b${k}="([^"]*)"`))?.[1];
    const name = attr('name');
    if (!name) continue;
    const options = m[1] === 'select' ? [...m[3].matchAll(/<option\b[^>]*value="([^"]*)"/g)].map((o) => o[1]) : [];
    fields.push({ tag: m[1], name, type: (attr('type') || (m[1] === 'input' ? 'text' : m[1])).toLowerCase(), value: decodeEntities(attr('value') || ''), min: attr('min'), options, checked: /\bchecked\b/.test(m[2]) });
  }
  return fields;
}

const FORMAT = {
  phone: '13800138000', mobile: '13800138000', email: 'xss@example.cn', id_number: idNumber('33048319800312001'),
  postcode: '314500', year: '2024', answer: '', code: '', amount: '100', units: '1', days: '15', number: '9',
};
// shorter payloads for fields with a small length cap (learned from the form's own error message)
const PAYLOADS = [PAYLOAD, '<script>alert(1)</script>', '"><img src=x>'];
const NOT_TEXT = /amount|money|price|count|units|days|year|serial|number|phone|mobile|email|postcode|id_|code|check|token/;

/** Values for a form: a payload in the fields where(f) picks, sensible values elsewhere. */
function fill(fields, where, caps) {
  const v = {};
  for (const f of fields) {
    if (f.type === 'hidden') v[f.name] = f.value;
    else if (f.type === 'submit' || f.type === 'button' || f.type === 'file') continue;
    else if (f.type === 'checkbox' || f.type === 'radio') { if (!(f.name in v)) v[f.name] = f.value || '1'; }
    else if (f.tag === 'select') v[f.name] = f.options.find((o) => o !== '') ?? '';
    else if (f.type === 'date') v[f.name] = '2024-03-01';
    else if (f.type === 'number') v[f.name] = FORMAT[f.name] ?? (f.min && Number(f.min) > 1 ? f.min : '1');
    else if (f.type === 'email') v[f.name] = FORMAT.email;
    else if (f.type === 'tel') v[f.name] = FORMAT.phone;
    else if (where(f)) v[f.name] = PAYLOADS.find((x) => x.length <= (caps[f.name] ?? Infinity)) ?? PAYLOADS[2];
    else v[f.name] = FORMAT[f.name] ?? (/date|_on$/.test(f.name) ? '2024-03-01' : /phone|tel/.test(f.name) ? FORMAT.phone : /serial/.test(f.name) ? '' : f.value || '测试');
  }
  return v;
}

const STAGES = [
  () => true,
  (f) => !NOT_TEXT.test(f.name),
  (f) => f.tag === 'textarea' || /title|subject|summary|content|body|name|desc|reason|note|remark|publisher|party|topic|article|matter|project/.test(f.name),
  (f) => f.tag === 'textarea',
];

const isPayload = (x) => PAYLOADS.includes(x);
const shownEscaped = (html) => html.includes('&lt;script&gt;alert(1)') || html.includes('&lt;img src=x');

/**
 * Post the form at formPath to action with a payload in as many text
 * fields as the form accepts; every page along the way must show it
 * escaped. Returns the accepted response.
 */
async function xssForm(c, formPath, action, { extra = {}, before: prep } = {}) {
  const refused = [];
  const caps = {};
  for (const stage of STAGES) {
    for (let attempt = 0; attempt < 4; attempt++) {
      const page = await c.get(formPath);
      assert.equal(page.status, 200, `GET ${formPath}`);
      c.csrf = csrfFrom(page.text) || c.csrf;
      const fields = formFields(page.text, action);
      const values = { ...fill(fields, stage, caps), ...extra };
      if (!Object.values(values).some(isPayload)) break;
      if (prep) await prep(values, page.text);
      const r = await c.post(action, values);
      assertNoRawPayload(r.text, `POST ${action}`);
      if (r.status === 303 || r.status === 200) return { r, values };
      assert.ok([400, 409, 422].includes(r.status), `POST ${action}: ${r.status} ${textOf(r.text).slice(0, 300)}`);
      const msg = textOf(r.text.match(/<p class="error"[^>]*>([\s\S]*?)<\/p>/)?.[1] ?? r.text.slice(0, 400));
      refused.push(msg);
      const cap = msg.match(/“(\w+)”过长（不超过 (\d+) 字）/);
      const anyCap = msg.match(/不超过 (\d+) 个?字/);
      if (cap) caps[cap[1]] = Number(cap[2]);
      else if (anyCap && attempt === 0) for (const f of fields) caps[f.name] = Math.min(caps[f.name] ?? Infinity, Number(anyCap[1]));
      else break;
    }
  }
  assert.fail(`${action}: no combination of fields took the payload: ${refused.join(' | ')}`);
}

/** The option value of select name whose label contains label. */
function optionValue(html, name, label) {
  const sel = html.match(new RegExp(`<select[^>]*name="${name}"[^>]*>([\\s\\S]*?)</select>`))?.[1] ?? '';
  return [...sel.matchAll(/<option value="([^"]*)"[^>]*>([^<]*)</g)].find((m) => m[2].includes(label))?.[1];
}

async function assertShownEscaped(c, pages, where) {
  let shown = 0;
  for (const p of pages) {
    const r = await c.get(p);
    assert.equal(r.status, 200, `GET ${p} (${where})`);
    assertNoRawPayload(r.text, p);
    if (!/\.csv|export/.test(p)) pageBasics(r.text, p);
    if (shownEscaped(r.text)) shown++;
  }
  assert.ok(shown > 0, `${where}: the payload is shown (escaped) on none of ${pages.join(', ')}`);
}

describe('XSS in every text field', () => {
  const forms = [
    ['items', `${ADMIN}/items/new`, `${ADMIN}/items/new`, `${ADMIN}/items`],
    ['categories', `${ADMIN}/categories`, `${ADMIN}/categories`, `${ADMIN}/categories`],
    ['guide', `${ADMIN}/guide`, `${ADMIN}/guide`, `/o/${ORG}/guide`],
    ['applications', `${ADMIN}/applications/new`, `${ADMIN}/applications/new`, `${ADMIN}/applications`],
    ['interactions', `${ADMIN}/interactions/new`, `${ADMIN}/interactions/new`, `${ADMIN}/interactions`],
    ['channels', `${ADMIN}/interactions/channels`, `${ADMIN}/interactions/channels`, `${ADMIN}/interactions/channels`],
    ['proposals', `${ADMIN}/proposals/new`, `${ADMIN}/proposals/new`, `${ADMIN}/proposals`],
    ['reviews', `${ADMIN}/reviews/new`, `${ADMIN}/reviews/new`, `${ADMIN}/reviews`],
    ['decisions', `${ADMIN}/decisions/new`, `${ADMIN}/decisions/new`, `${ADMIN}/decisions`],
    ['fees', `${ADMIN}/fees/new`, `${ADMIN}/fees/new`, `${ADMIN}/fees`],
    ['procurements', `${ADMIN}/procurements/new`, `${ADMIN}/procurements/new`, `${ADMIN}/procurements`],
    ['channel stats', `${ADMIN}/channel-stats`, `${ADMIN}/channel-stats`, `${ADMIN}/channel-stats`],
  ];
  const hints = {
    // a 人大 建议: the source and the kind must agree
    proposals: async (values, html) => {
      values.source = optionValue(html, 'source', '人大') ?? values.source;
      values.kind = optionValue(html, 'kind', '建议') ?? values.kind;
    },
  };
  for (const [label, formPath, action, list] of forms) {
    test(`staff form: ${label}`, async () => {
      const { r } = await xssForm(staff, formPath, action, { before: hints[label] });
      const pages = [list];
      if (r.status === 303 && r.location) pages.push(r.location);
      if (r.status === 200 && shownEscaped(r.text)) {
        for (const p of pages) assertNoRawPayload((await staff.get(p)).text, p);
      } else {
        await assertShownEscaped(staff, pages, label);
      }
    });
  }

  test('a published item: the public pages show its fields escaped', async () => {
    const id = await newItem({ title: `公开页测试${PAYLOAD}`, doc_no: PAYLOAD, publisher: PAYLOAD, summary: PAYLOAD, body_md: `${PAYLOAD}\n\n[x](javascript:alert(1))` });
    await publish(id);
    for (const p of [`/o/${ORG}/items/${id}`, `/o/${ORG}/`, `/o/${ORG}/catalog`, `/o/${ORG}/search?${qs({ q: '公开页测试' })}`]) {
      const r = await srv.get(p);
      assert.equal(r.status, 200, p);
      assertNoRawPayload(r.text, p);
      assert.doesNotMatch(r.text, /href="javascript:/i, `${p}: javascript: link`);
      pageBasics(r.text, p);
    }
    const page = await srv.get(`/o/${ORG}/items/${id}`);
    assert.ok(page.text.includes(ESCAPED), 'the item page shows the payload as text');
    const feed = await srv.get(`/o/${ORG}/feed.atom`);
    assert.ok(!feed.text.includes('<script>alert'), 'the feed escapes it');
    const api = await srv.json(`/api/v1/items/${id}`);
    assert.equal(api.body.publisher, PAYLOAD, 'the API returns the text as stored');
  });

  test('public forms: the application form and the mailbox, then the staff pages that show them', async () => {
    const pub = new Client(srv);
    const { r } = await xssForm(pub, `/o/${ORG}/apply`, `/o/${ORG}/apply`, {
      extra: { applicant_type: 'natural', id_kind: '居民身份证', id_number: FORMAT.id_number, phone: FORMAT.phone, email: FORMAT.email, postcode: FORMAT.postcode },
    });
    assert.equal(r.status, 200, 'the application was received');
    const list = await staff.get(`${ADMIN}/applications`);
    assertNoRawPayload(list.text, 'applications list');
    const id = [...list.text.matchAll(/applications\/(\d+)"/g)].map((m) => Number(m[1])).sort((a, b) => b - a)[0];
    await assertShownEscaped(staff, [`${ADMIN}/applications/${id}`], 'the application case page');

    const mb = new Client(srv);
    const { r: m } = await xssForm(mb, `/o/${ORG}/mailbox`, `/o/${ORG}/mailbox`, {
      before: async (values, html) => {
        const q = html.match(/(\d+) 加 (\d+) 等于几？/);
        values.answer = String(Number(q[1]) + Number(q[2]));
        values.phone = FORMAT.phone;
        values.email = FORMAT.email;
        await sleep(3100);
      },
    });
    assert.equal(m.status, 200, 'the letter was received');
    const ia = await staff.get(`${ADMIN}/interactions`);
    assertNoRawPayload(ia.text, 'interactions list');
    const iaId = [...ia.text.matchAll(/interactions\/(\d+)"/g)].map((x) => Number(x[1])).sort((a, b) => b - a)[0];
    await assertShownEscaped(staff, [`${ADMIN}/interactions/${iaId}`], 'the letter case page');
  });
});

// ------------------------------------------------------------------ SQL metacharacters

describe('SQL metacharacters', () => {
  test('stored verbatim, read back verbatim, and harmless as search terms', async () => {
    const title = "元字符测试'; DROP TABLE items; --";
    const summary = '" OR 1=1 --';
    const publisher = '%_\\';
    const id = await newItem({ title, summary, publisher, topic: "' OR ''='" });
    const edit = await staff.get(`${ADMIN}/items/${id}`);
    const val = (n) => decodeEntities(edit.text.match(new RegExp(`name="${n}"[^>]*value="([^"]*)"`))?.[1] ?? '');
    assert.equal(val('title'), title);
    assert.equal(val('publisher'), publisher);
    const row = sqlite(`SELECT title, summary, publisher FROM items WHERE id = ${id}`).replace(/\n$/, '');
    assert.equal(row, `${title}\t${summary}\t${publisher}`);
    assert.ok(Number(sqlite('SELECT count(*) FROM items').trim()) > 10, 'the items table is still there');
    await publish(id);
    const api = await srv.json(`/api/v1/items/${id}`);
    assert.equal(api.body.title, title);
    assert.equal(api.body.publisher, publisher);
    const total = (await srv.json(`/api/v1/orgs/${ORG}/items?per_page=1`)).body.total;
    for (const q of [title, summary, publisher, "'; DROP TABLE items; --", '%', '_', '\\', "' OR 1=1 --"]) {
      const r = await srv.get(`/o/${ORG}/search?${qs({ q })}`);
      assert.equal(r.status, 200, `search ${q}`);
      const a = await srv.json(`/api/v1/orgs/${ORG}/items?${qs({ q })}`);
      assert.equal(a.status, 200, `API search ${q}`);
      if (/^[%_\\]$/.test(q) || q.includes('OR 1=1')) assert.ok(a.body.total < total, `"${q}" does not match everything (${a.body.total} of ${total})`);
    }
    assert.ok((await srv.json(`/api/v1/orgs/${ORG}/items?${qs({ q: '元字符测试' })}`)).body.items.some((it) => it.id === id));
  });
});
