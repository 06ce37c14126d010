// badinput.test.mjs - malformed requests: odd URLs, invalid UTF-8, huge
// bodies, wrong content types, odd methods. Never a 5xx, never a crash, and
// the server keeps serving afterwards.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { Client, ORG, cleanup, loginClient, makeDb, startServer, textOf } from './lib.mjs';

let env;
let srv;
let admin;
let catId;

/** The server still answers the home page. */
async function stillServing(what) {
  const r = await srv.get(`/o/${ORG}/`);
  assert.equal(r.status, 200, `after ${what}, GET /o/${ORG}/ answers ${r.status}`);
  assert.match(r.text, /桐乡市教育局/);
}

function assertClientError(status, what, { allow = [] } = {}) {
  assert.ok((status >= 400 && status < 500) || allow.includes(status), `${what}: expected 4xx, got ${status}`);
}

before(async () => {
  env = makeDb({ demo: true });
  srv = await startServer(env);
  admin = await loginClient(srv, 'admin', env.adminPassword);
  const form = await admin.get(`/admin/o/${ORG}/items/new`);
  catId = Number(form.text.match(/<option value="(\d+)"/)[1]);
});

after(async () => {
  try {
    if (srv) await srv.stop();
  } finally {
    cleanup(env);
  }
});

describe('malformed URLs', () => {
  const cases = [
    ['/o/%ZZ/', [400, 404]],
    ['/o/%/', [400, 404]],
    ['/o/%FF/', [400, 404]],
    ['/o/%C0%AF/', [400, 404]],
    [`/o/${ORG}/items/abc`, [404]],
    [`/o/${ORG}/items/-1`, [404]],
    [`/o/${ORG}/items/1.5`, [404]],
    [`/o/${ORG}/items/0x10`, [404]],
    [`/o/${ORG}/items/99999999999999999999`, [404]],
    [`/o/${ORG}/items/9007199254740993`, [404]],
    // libmicrohttpd hands the path over NUL-terminated, so %00 ends it there
    [`/o/${ORG}/items/1%00`, [200, 400, 404]],
    [`/o/${ORG}/items/1%00/../../x`, [200, 400, 404]],
    [`/o/${ORG}/items/%31`, [200, 404]], // %31 is "1": either is sensible
    [`/o/${ORG}/feed/abc.atom`, [404]],
    [`/o/${ORG}/items/1/files/abc`, [404]],
    ['/api/v1/items/1e3', [404]],
  ];
  for (const [p, ok] of cases) {
    test(`GET ${p} → ${ok.join(' or ')}`, async () => {
      const r = await srv.get(p);
      assert.ok(ok.includes(r.status), `GET ${p}: ${r.status}, expected ${ok.join(' or ')}\n${textOf(r.text).slice(0, 200)}`);
    });
  }

  test('a 5000-character URL → 414 (or another 4xx); long query strings never 5xx', async () => {
    const r2 = await srv.get(`/o/${ORG}/${'b'.repeat(5000)}`);
    assertClientError(r2.status, 'long path');
    const r4 = await srv.get(`/o/${'c'.repeat(5000)}/`);
    assertClientError(r4.status, 'long org slug');
    const r = await srv.get(`/o/${ORG}/catalog?x=${'a'.repeat(5000)}`);
    assert.ok(r.status < 500, `long unknown query parameter: ${r.status}`);
    const r5 = await srv.get(`/o/${ORG}/catalog?validity=${'有'.repeat(2000)}`);
    assertClientError(r5.status, 'long validity value');
    const r3 = await srv.get(`/o/${ORG}/search?q=${encodeURIComponent('招'.repeat(2000))}`);
    assertClientError(r3.status, 'long percent-encoded query', { allow: [200] });
    await stillServing('long URLs');
  });

  test('paths with ../ never leave the static files', async () => {
    const paths = [
      '/static/../../../../etc/passwd',
      '/static/..%2f..%2f..%2f..%2fetc%2fpasswd',
      '/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/static/....//....//etc/passwd',
      `/o/${ORG}/../../etc/passwd`,
      `/o/${ORG}/items/1/files/../../../../etc/passwd`,
      '/static/../templates/home.html',
      '/static/../src/main.c',
      '/../../../../etc/passwd',
    ];
    for (const p of paths) {
      const r = await srv.raw('GET', p);
      assertClientError(r.status, `GET ${p}`);
      assert.doesNotMatch(r.text, /root:.*:0:0:/, `GET ${p} leaked /etc/passwd`);
      assert.doesNotMatch(r.text, /\{\{/, `GET ${p} leaked a template`);
    }
    await stillServing('path traversal attempts');
  });

  test('invalid UTF-8 in query strings → 4xx for strict parameters, never 5xx', async () => {
    const strict = [
      `/o/${ORG}/catalog?validity=%FF`,
      `/o/${ORG}/catalog?validity=%E6%9C`,
      `/o/${ORG}/catalog?year=%FF`,
      `/o/${ORG}/catalog?page=%FF`,
      `/api/v1/orgs/${ORG}/items?category=%FF`,
      `/search?q=ok&org=%FF`,
      `/o/${ORG}/catalog?validity=%01`,
    ];
    for (const p of strict) {
      const r = await srv.get(p);
      assertClientError(r.status, `GET ${p}`);
      assert.match(r.text, /[\u4e00-\u9fff]/, `GET ${p}: a Chinese message`);
    }
    const lenient = [`/o/${ORG}/search?q=%FF`, `/search?q=%C3%28`, `/o/${ORG}/?x=%FF`, `/o/${ORG}/catalog?unknown=%FF`];
    for (const p of lenient) {
      const r = await srv.get(p);
      assert.equal(r.status, 200, `GET ${p}`);
    }
    // a NUL ends the value (libmicrohttpd's C strings): fine either way, never 5xx
    for (const p of [`/o/${ORG}/catalog?category=1%00`, `/o/${ORG}/catalog?validity=%00`, `/o/${ORG}/catalog?validity=%E6%9C%89%E6%95%88%00x`]) {
      const r = await srv.get(p);
      assert.ok(r.status < 500, `GET ${p}: ${r.status}`);
    }
    await stillServing('invalid UTF-8 in queries');
  });

  test('duplicate and empty parameters do not break the page', async () => {
    for (const p of [`/o/${ORG}/catalog?page=1&page=2`, `/o/${ORG}/catalog?page=`, `/o/${ORG}/catalog?year=&validity=&category=`,
      `/o/${ORG}/catalog?&&&=&`, `/o/${ORG}/catalog?page`]) {
      const r = await srv.get(p);
      assert.ok(r.status < 500, `GET ${p}: ${r.status}`);
    }
  });
});

describe('form bodies', () => {
  test('invalid UTF-8 in login fields → 4xx, not a session', async () => {
    const c = new Client(srv);
    const form = await c.get('/admin/login');
    const tok = form.text.match(/name="csrf" value="([^"]+)"/)[1];
    const r = await c.request('/admin/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `username=%FF%FEadmin&password=x&csrf=${tok}`,
    });
    assertClientError(r.status, 'login with invalid UTF-8');
    assert.equal(c.jar.get('gk_session'), undefined);
    await stillServing('invalid UTF-8 login');
  });

  test('invalid UTF-8 and control characters in item fields → 400, nothing stored', async () => {
    const count = async () => Number(textOf((await admin.get(`/admin/o/${ORG}/items`)).text).match(/共\s*(\d+)\s*条/)[1]);
    const before = await count();
    const bodies = [
      `title=%FF%FE&category_id=${catId}`,
      `title=ok%C3%28&category_id=${catId}`,
      `title=%ED%A0%80&category_id=${catId}`,
      `title=a%00b&category_id=${catId}`,
      `title=line%0Abreak&category_id=${catId}`,
      `title=ok&category_id=${catId}&body_md=%FF`,
      `title=ok&category_id=${catId}&doc_no=%C0%80`,
    ];
    for (const b of bodies) {
      const r = await admin.request(`/admin/o/${ORG}/items/new`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `${b}&csrf=${admin.csrf}`,
      });
      assert.equal(r.status, 400, `POST ${b}: ${r.status} ${textOf(r.text).slice(-200)}`);
      assert.match(r.text, /[\u4e00-\u9fff]/);
    }
    assert.equal(await count(), before, 'nothing stored');
    await stillServing('invalid UTF-8 in forms');
  });

  test('a 3 MB urlencoded field → 413 or 400, and the server keeps serving', async () => {
    const big = 'title=' + 'a'.repeat(3 * 1024 * 1024) + `&category_id=${catId}&csrf=${admin.csrf}`;
    let r;
    try {
      r = await admin.request(`/admin/o/${ORG}/items/new`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: big,
      });
    } catch (e) {
      assert.fail(`the 3 MB POST failed without an HTTP answer: ${e.message}`);
    }
    assert.ok([400, 413].includes(r.status), `3 MB field: ${r.status}`);
    const anon = await srv.fetch('/admin/login', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=' + 'b'.repeat(3 * 1024 * 1024),
    });
    await anon.text();
    assert.ok(anon.status >= 400 && anon.status < 500, `anonymous 3 MB POST: ${anon.status}`);
    const many = Array.from({ length: 60000 }, (_, i) => `f${i}=${'x'.repeat(40)}`).join('&');
    const r3 = await srv.fetch('/admin/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: many });
    await r3.text();
    assert.ok(r3.status >= 400 && r3.status < 500, `2.8 MB of many small fields: ${r3.status}`);
    await stillServing('oversized bodies');
  });

  test('wrong Content-Type on POST (application/json, text/plain) → 400', async () => {
    for (const ct of ['application/json', 'text/plain', 'application/xml']) {
      const r = await admin.request(`/admin/o/${ORG}/items/new`, {
        method: 'POST', headers: { 'content-type': ct }, body: JSON.stringify({ title: 'x', csrf: admin.csrf }),
      });
      assert.equal(r.status, 400, `Content-Type ${ct}: ${r.status}`);
      const login = await srv.fetch('/admin/login', { method: 'POST', headers: { 'content-type': ct }, body: '{"username":"admin"}' });
      await login.text();
      assert.equal(login.status, 400, `login with Content-Type ${ct}: ${login.status}`);
    }
    await stillServing('wrong content types');
  });

  test('a broken multipart body → 4xx', async () => {
    const r = await admin.request(`/admin/o/${ORG}/items/new`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=XYZ' },
      body: '--XYZ\r\nContent-Disposition: form-data; name="title"\r\n\r\nunterminated',
    });
    assertClientError(r.status, 'broken multipart');
    const noBoundary = await admin.request(`/admin/o/${ORG}/items/new`, {
      method: 'POST', headers: { 'content-type': 'multipart/form-data' }, body: 'garbage',
    });
    assertClientError(noBoundary.status, 'multipart without boundary');
    await stillServing('broken multipart');
  });

  test('a file part on a form that takes no files → 400', async () => {
    const fd = new FormData();
    fd.append('title', 'x');
    fd.append('csrf', admin.csrf);
    fd.append('file', new Blob(['%PDF-1.4\n%%EOF\n']), 'a.pdf');
    const r = await admin.request(`/admin/o/${ORG}/items/new`, { method: 'POST', body: fd });
    assertClientError(r.status, 'file on items/new');
  });
});

describe('methods', () => {
  test('HEAD works and sends no body', async () => {
    for (const [p, status] of [['/', 303], [`/o/${ORG}/`, 200], [`/o/${ORG}/catalog`, 200], ['/static/style.css', 200],
      [`/o/${ORG}/feed.atom`, 200], ['/nope', 404], ['/admin/login', 200]]) {
      const r = await srv.raw('HEAD', p);
      assert.equal(r.status, status, `HEAD ${p}`);
      assert.equal(r.text, '', `HEAD ${p} has no body`);
      assert.ok(r.headers['content-type'] || status === 303, `HEAD ${p} has a Content-Type`);
    }
  });

  test('HEAD of an item does not count as a view', async () => {
    const id = (await srv.json(`/api/v1/orgs/${ORG}/items?per_page=1`)).body.items[0].id;
    const views = async () => (await srv.json(`/api/v1/items/${id}`)).body.views;
    const v0 = await views();
    await srv.raw('HEAD', `/o/${ORG}/items/${id}`);
    await srv.raw('HEAD', `/o/${ORG}/items/${id}`);
    assert.equal(await views(), v0);
  });

  for (const m of ['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'FOO']) {
    test(`${m} → 405 or 404, never 5xx`, async () => {
      for (const p of ['/', `/o/${ORG}/`, `/admin/o/${ORG}/items/new`, `/api/v1/orgs/${ORG}/items`, '/nope']) {
        const r = await srv.raw(m, p, { body: m === 'PUT' || m === 'PATCH' ? 'x=1' : undefined });
        assert.ok(r.status === 405 || r.status === 404 || (m === 'OPTIONS' && r.status < 300) || (m === 'TRACE' && r.status === 501),
          `${m} ${p}: ${r.status}`);
        assert.ok(r.status < 500 || (m === 'TRACE' && r.status === 501), `${m} ${p}: ${r.status}`);
      }
    });
  }

  test('POST to a GET-only page → 405', async () => {
    const r = await srv.fetch(`/o/${ORG}/catalog`, { method: 'POST', body: new URLSearchParams({ a: 'b' }) });
    await r.text();
    assert.equal(r.status, 405);
  });

  test('the server is still healthy after all of this', async () => {
    await stillServing('the bad input tests');
    const api = await srv.json(`/api/v1/orgs/${ORG}/items`);
    assert.equal(api.body.total, 189);
  });
});

describe('headers', () => {
  test('odd headers do not break requests', async () => {
    const cases = [
      { cookie: 'gk_session=' + 'z'.repeat(4000) },
      { cookie: '=; ;;; gk_csrf=\u00ff' },
      { host: 'evil.example' },
      { host: '' },
      { 'x-forwarded-proto': 'javascript' },
      { 'accept-language': 'x'.repeat(3000) },
    ];
    for (const h of cases) {
      let r;
      try {
        r = await srv.raw('GET', `/o/${ORG}/`, { headers: h });
      } catch (e) {
        assert.fail(`GET with headers ${JSON.stringify(h).slice(0, 80)}: ${e.message}`);
      }
      assert.ok(r.status < 500, `headers ${JSON.stringify(h).slice(0, 80)}: ${r.status}`);
    }
    const feed = await srv.raw('GET', `/o/${ORG}/feed.atom`, { headers: { host: 'evil.example"><x' } });
    assert.doesNotMatch(feed.text, /"><x/, 'the Host header is not reflected raw into the feed');
    await stillServing('odd headers');
  });
});
