// accounts.test.mjs - staff accounts: the login lockout (by account name and
// by client address, the same answers for names that are no account) and
// the staff member's own sessions (listed, ended one by one or all others,
// CSRF, never another user's, never the tokens).
//
// Every client here connects from its own loopback address (127.0.0.N), so
// the lockout of one address never spills into another test; no test waits
// for a lockout to run out.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import { Client, ORG, assertPageBasics, cleanup, cli, makeDb, startServer, textOf } from './lib.mjs';

const WRONG = '用户名或密码不正确';
const LOCKED = '登录失败次数过多，请在 1 分钟后再试。';
const CLERK = 'clerk-accounts';
const CLERK_PW = 'Clerk-Pass-2026-xyz';

let env;
let srv;
let nextHost = 10;

/** A loopback address no other client of this file uses. */
function freshAddress() {
  assert.ok(nextHost < 255, 'out of loopback addresses');
  return `127.0.0.${nextHost++}`;
}

/** A Client whose requests come from one loopback address (node:http with localAddress). */
class AddrClient extends Client {
  constructor(server, address = freshAddress(), userAgent = `accounts-test/${address}`) {
    super(server);
    this.address = address;
    this.userAgent = userAgent;
  }

  request(p, opts = {}) {
    const headers = { 'user-agent': this.userAgent, ...(opts.headers || {}) };
    const c = this.jar.header();
    if (c) headers.cookie = c;
    let body;
    if (opts.body instanceof URLSearchParams) {
      body = opts.body.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (opts.body !== undefined) {
      throw new Error('AddrClient: urlencoded forms only');
    }
    if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);
    return new Promise((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1', port: this.srv.port, localAddress: this.address, method: opts.method || 'GET', path: p, headers,
      }, (res) => {
        const chunks = [];
        res.on('data', (d) => chunks.push(d));
        res.on('error', reject);
        res.on('end', () => {
          const h = new Headers();
          for (let i = 0; i < res.rawHeaders.length; i += 2) h.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
          this.jar.update({ headers: h });
          resolve({
            res, status: res.statusCode, text: Buffer.concat(chunks).toString('utf8'), headers: h, location: h.get('location'),
          });
        });
      });
      req.on('error', (e) => reject(new Error(`${opts.method || 'GET'} ${p} from ${this.address}: ${e.message}\n${this.srv.stderr().slice(-3000)}`)));
      req.end(body);
    });
  }
}

function errorText(html) {
  const m = html.match(/<p class="error"[^>]*>([\s\S]*?)<\/p>/);
  return m ? textOf(m[1]) : null;
}

/** The rows of /admin/sessions: { id, current, text }. */
function sessionRows(html) {
  const tbody = html.match(/<tbody>([\s\S]*?)<\/tbody>/)?.[1] ?? '';
  return [...tbody.matchAll(/<tr\b[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => {
    const id = m[1].match(/action="\/admin\/sessions\/(\d+)\/delete"/);
    assert.ok(id, `a session row without its 退出 form: ${m[1]}`);
    return { id: Number(id[1]), current: /当前会话/.test(m[1]), text: textOf(m[1]) };
  });
}

async function sessions(c) {
  const r = await c.get('/admin/sessions');
  assert.equal(r.status, 200, `GET /admin/sessions: ${r.status}`);
  return { r, rows: sessionRows(r.text) };
}

/** A staff page that needs a session: 200 while it lasts, 303 to the login form after. */
async function loggedIn(c) {
  const r = await c.get(`/admin/o/${ORG}/items`);
  if (r.status === 303) {
    assert.equal(r.location, '/admin/login');
    return false;
  }
  assert.equal(r.status, 200, `GET /admin/o/${ORG}/items: ${r.status}`);
  return true;
}

async function tryLoginFrom(address, username, password) {
  const c = new AddrClient(srv, address);
  const r = await c.tryLogin(username, password);
  return { c, r, status: r.status, error: errorText(r.text) };
}

before(async () => {
  env = makeDb({ demo: true });
  cli(env.db, ['user', 'add', CLERK, '--org', ORG, '--role', 'editor', '--password-stdin'], { input: CLERK_PW + '\n' });
  srv = await startServer(env);
});

after(async () => {
  try {
    if (srv) await srv.stop();
  } finally {
    cleanup(env);
  }
});

describe('sessions', () => {
  test('two logins: both listed with time, address and browser, the current one marked, no token shown', async () => {
    const a = new AddrClient(srv);
    const b = new AddrClient(srv);
    await a.login('tongxiang', env.orgPassword);
    await b.login('tongxiang', env.orgPassword);
    const { r, rows } = await sessions(a);
    assertPageBasics(r.text, '/admin/sessions');
    assert.equal(rows.length, 2, 'two sessions');
    assert.deepEqual(rows.map((s) => s.current).sort(), [false, true], 'exactly one is the current one');
    const mine = rows.find((s) => s.current);
    const theirs = rows.find((s) => !s.current);
    assert.match(mine.text, new RegExp(a.address.replace(/\./g, '\\.')));
    assert.match(mine.text, new RegExp(`accounts-test/${a.address}`));
    assert.match(theirs.text, new RegExp(b.address.replace(/\./g, '\\.')));
    assert.match(mine.text, /\d{4}-\d{2}-\d{2} \d{2}:\d{2}/, 'times in China time');
    for (const c of [a, b]) {
      const tok = c.jar.get('gk_session');
      assert.ok(!r.text.includes(tok), 'no session token on the page');
      assert.ok(!r.text.includes(crypto.createHash('sha256').update(tok).digest('hex')), 'no token hash on the page');
    }
  });

  test('退出 one other session: CSRF required, that client is logged out, this one goes on', async () => {
    const a = new AddrClient(srv);
    const b = new AddrClient(srv);
    await a.login('tongxiang', env.orgPassword);
    await b.login('tongxiang', env.orgPassword);
    const { rows } = await sessions(a);
    const bId = rows.find((s) => !s.current && s.text.includes(b.address)).id;
    const noCsrf = await a.post(`/admin/sessions/${bId}/delete`, { csrf: null });
    assert.equal(noCsrf.status, 403, 'without the CSRF token');
    const badCsrf = await a.post(`/admin/sessions/${bId}/delete`, { csrf: 'x'.repeat(64) });
    assert.equal(badCsrf.status, 403, 'with a wrong CSRF token');
    assert.ok(await loggedIn(b), 'b still logged in after refused requests');
    const del = await a.post(`/admin/sessions/${bId}/delete`);
    assert.equal(del.status, 303);
    assert.equal(del.location, '/admin/sessions');
    assert.equal(await loggedIn(b), false, 'b goes to the login form');
    assert.ok(await loggedIn(a), 'a goes on');
    assert.ok(!(await sessions(a)).rows.some((s) => s.id === bId), 'b no longer listed');
  });

  test("another user's session id → 404 and that session goes on", async () => {
    const a = new AddrClient(srv);
    const adm = new AddrClient(srv);
    await a.login('tongxiang', env.orgPassword);
    await adm.login('admin', env.adminPassword);
    const admId = (await sessions(adm)).rows.find((s) => s.current).id;
    const r = await a.post(`/admin/sessions/${admId}/delete`);
    assert.equal(r.status, 404);
    assert.ok(await loggedIn(adm), "admin's session goes on");
    assert.equal((await a.post('/admin/sessions/999999999/delete')).status, 404, 'an id that is no session');
  });

  test('退出其他所有会话 ends every other session of this user only; 退出 of the current one logs out', async () => {
    const a = new AddrClient(srv);
    const b = new AddrClient(srv);
    const c = new AddrClient(srv);
    const adm = new AddrClient(srv);
    for (const x of [a, b, c]) await x.login('tongxiang', env.orgPassword);
    await adm.login('admin', env.adminPassword);
    assert.ok((await sessions(a)).r.text.includes('退出其他所有会话'));
    assert.equal((await a.post('/admin/sessions/delete-others', { csrf: null })).status, 403, 'CSRF required');
    const r = await a.post('/admin/sessions/delete-others');
    assert.equal(r.status, 200);
    assert.match(textOf(r.text), /其他所有会话已退出/);
    assert.equal(sessionRows(r.text).length, 1, 'only the current session is left');
    assert.equal(await loggedIn(b), false);
    assert.equal(await loggedIn(c), false);
    assert.ok(await loggedIn(a));
    assert.ok(await loggedIn(adm), "another user's sessions stay");
    assert.ok(!(await sessions(a)).r.text.includes('退出其他所有会话'), 'no button when there are no others');
    const own = (await sessions(a)).rows[0].id;
    const out = await a.post(`/admin/sessions/${own}/delete`);
    assert.equal(out.status, 303);
    assert.equal(out.location, '/admin/login');
    assert.equal(a.jar.get('gk_session'), undefined, 'the cookie is cleared');
    assert.equal((await a.get('/admin/sessions')).status, 303, 'logged out');
  });

  test('the sessions page needs a login', async () => {
    const r = await new AddrClient(srv).get('/admin/sessions');
    assert.equal(r.status, 303);
    assert.equal(r.location, '/admin/login');
  });
});

describe('login lockout', () => {
  test('5 wrong passwords → the 6th attempt, even with the right password, gets 429 (also from another address)', async () => {
    const addr = freshAddress();
    for (let i = 1; i <= 5; i++) {
      const t = await tryLoginFrom(addr, 'tongxiang', `wrong-password-${i}`);
      assert.equal(t.status, 403, `attempt ${i}`);
      assert.match(t.error, new RegExp(WRONG));
    }
    const sixth = await tryLoginFrom(addr, 'tongxiang', env.orgPassword);
    assert.equal(sixth.status, 429, `the 6th attempt: ${sixth.status} ${sixth.error}`);
    assert.equal(sixth.error, LOCKED);
    assert.equal(sixth.c.jar.get('gk_session'), undefined, 'no session');
    assertPageBasics(sixth.r.text, 'the locked login page');
    assert.match(sixth.r.text, /value="tongxiang"/, 'the name is kept in the form');
    const elsewhere = await tryLoginFrom(freshAddress(), 'tongxiang', env.orgPassword);
    assert.equal(elsewhere.status, 429, 'the account is locked from any address');
    assert.equal(elsewhere.error, LOCKED);
    assert.match(srv.stdout() + srv.stderr(), /login locked: tongxiang/, 'the lockout is logged');
  });

  test('a name that is no account gets the same answers as a real one', async () => {
    const known = [];
    const unknown = [];
    const ka = freshAddress();
    const ua = freshAddress();
    for (let i = 1; i <= 6; i++) {
      const k = await tryLoginFrom(ka, 'admin', i < 6 ? `wrong-password-${i}` : env.adminPassword);
      known.push([k.status, k.error]);
      const u = await tryLoginFrom(ua, 'no-such-account', `wrong-password-${i}`);
      unknown.push([u.status, u.error]);
    }
    assert.deepEqual(unknown, known);
    assert.deepEqual(known.map((x) => x[0]), [403, 403, 403, 403, 403, 429]);
    assert.equal(known[5][1], LOCKED);
  });

  test('failures from one address lock that address for every name, not the names elsewhere', async () => {
    const addr = freshAddress();
    for (let i = 1; i <= 5; i++) {
      const t = await tryLoginFrom(addr, `someone-${i}`, 'wrong-password');
      assert.equal(t.status, 403, `attempt ${i}`);
    }
    const locked = await tryLoginFrom(addr, CLERK, CLERK_PW);
    assert.equal(locked.status, 429, 'another name, with its right password, from the same address');
    assert.equal(locked.error, LOCKED);
    const elsewhere = new AddrClient(srv);
    await elsewhere.login(CLERK, CLERK_PW);
  });

  test("a success forgets the name's failures, not the address's", async () => {
    const addr = freshAddress();
    for (let i = 1; i <= 4; i++) assert.equal((await tryLoginFrom(addr, CLERK, `wrong-${i}`)).status, 403);
    await new AddrClient(srv).login(CLERK, CLERK_PW);
    // the name starts afresh: four more failures elsewhere do not lock it
    const other = freshAddress();
    for (let i = 1; i <= 4; i++) assert.equal((await tryLoginFrom(other, CLERK, `wrong-${i}`)).status, 403);
    await new AddrClient(srv).login(CLERK, CLERK_PW);
    // the first address still has its four: one more failure locks it
    assert.equal((await tryLoginFrom(addr, 'another-unknown-name', 'wrong')).status, 403);
    const locked = await tryLoginFrom(addr, CLERK, CLERK_PW);
    assert.equal(locked.status, 429);
    assert.equal(locked.error, LOCKED);
  });
});
