// multiserver.test.mjs - several `gongkai serve` processes on one database
// (PostgreSQL when GONGKAI_TEST_PG is set, else one SQLite file) and one
// shared --files directory behave as one server: a login made through one
// is valid on the other and a logout through either ends it; failed logins
// through both add up to one lockout; CSRF tokens
// and the mailbox form's signed challenge made by one are accepted by the
// other; an attachment uploaded through one is downloaded through the
// other; concurrent publications and applications through both get
// distinct, gap-free 索引号 and serials and distinct 查询码.
//
// PostgreSQL only: two `gongkai init` at once on an empty database (one
// migrates, the other waits and succeeds); the database server stopped
// under a running server (a clear 503, no crash, nothing half-written, and
// the next request after the restart works); and, on both engines, a wrong
// connection string (a non-zero exit and a Chinese message).
//
// Not shared between processes, by design: the per-address rate limits
// (struct app's limits, http/ratelimit.h), which each process counts apart,
// so N processes allow N times the configured rate.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  BIN, CHILD_ENV, Client, ORG, PG, ROOT, cleanup, cli, csrfFrom, freePort, loginClient, makeDb, parsePassword,
  pgCreateDb, pgDropDb, pgUrl, psql, startServer, textOf, tmpDir,
} from './lib.mjs';

const ITEMS = `/admin/o/${ORG}/items`;
const API_APPLY = `/api/v1/orgs/${ORG}/applications`;
const MAILBOX = `/o/${ORG}/mailbox`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let env;
let A;
let B;
let cats;

function errorText(html) {
  const m = html.match(/<p class="error"[^>]*>([\s\S]*?)<\/p>/);
  return m ? textOf(m[1]) : textOf(html).slice(0, 300);
}

function idNumber(base17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...base17].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return base17 + '10X98765432'[sum % 11];
}

function pdfBytes(text) {
  return Buffer.from(`%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% ${text}\ntrailer<</Root 1 0 R>>\n%%EOF\n`, 'latin1');
}

/** A second client with the same cookies and token, talking to another server. */
function sameSession(c, srv) {
  const o = new Client(srv);
  for (const [k, v] of c.jar.map) o.jar.map.set(k, v);
  o.csrf = c.csrf;
  return o;
}

async function createDraft(c, title) {
  const r = await c.post(`${ITEMS}/new`, { title, category_id: cats['政策文件'], body_md: '多进程测试正文。' });
  assert.equal(r.status, 303, `create ${title}: ${r.status} ${errorText(r.text)}`);
  return Number(r.location.match(/items\/(\d+)/)[1]);
}

const act = (c, id, action) => c.post(`${ITEMS}/${id}/action`, { action });

/** The 索引号 and status on an item's staff page. */
async function itemState(c, id) {
  const r = await c.get(`${ITEMS}/${id}`);
  assert.equal(r.status, 200, `GET ${ITEMS}/${id}: ${r.status}`);
  return {
    html: r.text,
    status: r.text.match(/状态：<strong>([^<]*)<\/strong>/)?.[1] ?? null,
    indexNo: r.text.match(/索引号：<strong class="ix">([^<]*)<\/strong>/)?.[1] ?? null,
  };
}

/** Numbers that follow each other without a gap once sorted. */
function assertGapFree(nums, what) {
  const s = [...nums].sort((x, y) => x - y);
  for (let i = 1; i < s.length; i++) assert.equal(s[i], s[i - 1] + 1, `${what} without gaps: ${s.join(', ')}`);
}

before(async () => {
  env = makeDb({ demo: true });
  // two processes, one database, one attachment directory
  A = await startServer(env);
  B = await startServer(env);
  const c = await loginClient(A, 'tongxiang', env.orgPassword);
  const form = await c.get(`${ITEMS}/new`);
  cats = Object.fromEntries([...form.text.matchAll(/<option value="(\d+)"[^>]*>([^<]+)<\/option>/g)].map((m) => [m[2], m[1]]));
  assert.ok(cats['政策文件'], 'the demo has the category 政策文件');
});

after(async () => {
  await A?.stop();
  await B?.stop();
  cleanup(env);
});

describe(`two servers on one ${PG ? 'PostgreSQL' : 'SQLite'} database`, () => {
  test('a login form from A is accepted by B; the session is valid on both; logout on B ends it on A', async () => {
    const c = new Client(A);
    const form = await c.get('/admin/login');
    const tok = csrfFrom(form.text);
    assert.ok(tok && c.jar.get('gk_csrf'), 'the login form of A has its token and cookie');
    c.srv = B;
    const r = await c.post('/admin/login', { username: 'tongxiang', password: env.orgPassword, csrf: tok });
    assert.equal(r.status, 303, `login on B with A's form: ${r.status} ${errorText(r.text)}`);
    assert.ok(c.jar.get('gk_session'), 'a session cookie from B');
    c.srv = A;
    const onA = await c.get(ITEMS);
    assert.equal(onA.status, 200, 'the session made by B is valid on A');
    c.csrf = csrfFrom(onA.text);
    assert.ok(c.csrf, 'a form token from A');
    // the session's CSRF token from A, posted to B
    c.srv = B;
    const id = await createDraft(c, '多进程：A 的令牌在 B 提交');
    c.srv = A;
    assert.equal((await itemState(c, id)).status, '草稿', 'the draft made through B is on A');
    const wrong = await sameSession(c, B).post(`${ITEMS}/new`, { title: '错误令牌', category_id: cats['政策文件'], csrf: 'x'.repeat(43) });
    assert.equal(wrong.status, 403, 'a wrong token is still refused on B');
    // logout through B ends the session on A too
    const cookie = c.jar.header();
    c.srv = B;
    const out = await c.post('/admin/logout', {});
    assert.equal(out.status, 303);
    const again = await A.get(ITEMS, { headers: { cookie } });
    assert.equal(again.status, 303, 'the session ended on B is no longer valid on A');
    assert.equal(again.headers.get('location'), '/admin/login');
  });

  test('failed logins through A and B add up to one lockout', async () => {
    // from an address of its own, so the lockout by address stays here
    const addr = '127.0.0.77';
    const tryLogin = async (srv, password) => {
      const f = await srv.from(addr, 'GET', '/admin/login');
      const cookie = [f.headers['set-cookie']].flat().map((c) => c.split(';')[0]).find((c) => c.startsWith('gk_csrf='));
      assert.ok(cookie, 'the login form sets gk_csrf');
      return srv.from(addr, 'POST', '/admin/login', {
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: new URLSearchParams({ username: 'ms-locked', password, csrf: csrfFrom(f.text) }).toString(),
      });
    };
    cli(env.db, ['user', 'add', 'ms-locked', '--org', ORG, '--role', 'viewer', '--password-stdin'], { input: 'Multi-Server-Pass-2026\n' });
    for (let i = 0; i < 5; i++) {
      const r = await tryLogin(i % 2 ? B : A, `wrong-password-${i}`);
      assert.equal(r.status, 403, `wrong password ${i + 1}: refused (${r.status})`);
      assert.match(textOf(r.text), /用户名或密码不正确/);
    }
    for (const srv of [A, B]) {
      const r = await tryLogin(srv, 'Multi-Server-Pass-2026');
      assert.equal(r.status, 429, `the right password after 5 failures spread over both servers: ${r.status}`);
      assert.match(textOf(r.text), /登录失败次数过多/);
    }
  });

  test('an attachment uploaded through A is downloaded through B', async () => {
    const a = await loginClient(A, 'tongxiang', env.orgPassword);
    const b = await loginClient(B, 'tongxiang', env.orgPassword);
    const id = await createDraft(a, '多进程：附件');
    const pdf = pdfBytes(`shared files ${Date.now()}`);
    const fd = new FormData();
    fd.append('file', new Blob([pdf], { type: 'application/pdf' }), '共享附件.pdf');
    const up = await a.postMultipart(`${ITEMS}/${id}/files`, fd);
    assert.equal(up.status, 200, `upload through A: ${errorText(up.text)}`);
    // published through B (the safety check's findings cleared there)
    assert.equal((await act(b, id, 'submit')).status, 200);
    const page = await b.get(`${ITEMS}/${id}`);
    for (const m of page.text.matchAll(/name="finding" value="(\d+)"/g)) {
      const done = await b.post(`${ITEMS}/${id}/action`, { action: 'clear', finding: m[1], comment: '测试附件，已人工核对，无个人信息' });
      assert.equal(done.status, 200, `clear finding ${m[1]}: ${errorText(done.text)}`);
    }
    const pub = await act(b, id, 'publish');
    assert.equal(pub.status, 200, `publish through B: ${errorText(pub.text)}`);
    const url = pub.text.match(new RegExp(`href="(/o/${ORG}/items/${id}/files/\\d+/[^"/]+)"`))?.[1];
    assert.ok(url, 'the attachment is listed on B');
    for (const srv of [B, A]) {
      const res = await srv.fetch(url);
      assert.equal(res.status, 200, `download through ${srv === A ? 'A' : 'B'}`);
      assert.ok(Buffer.from(await res.arrayBuffer()).equals(pdf), 'the same bytes');
    }
  });

  test('a mailbox form made by A is accepted by B (the challenge key is shared)', async () => {
    const c = new Client(A);
    const f = await c.get(MAILBOX);
    assert.equal(f.status, 200);
    const challenge = f.text.match(/name="challenge" value="([^"]+)"/)?.[1];
    const q = f.text.match(/(\d+) 加 (\d+) 等于几？/);
    const channel = f.text.match(/<option value="(\d+)"[^>]*>领导信箱<\/option>/)?.[1];
    assert.ok(challenge && q && channel, 'the form of A has a challenge and the channel 领导信箱');
    await sleep(3100); // a person takes longer than the minimum fill time
    c.srv = B;
    const r = await c.post(MAILBOX, {
      csrf: csrfFrom(f.text), challenge, answer: String(Number(q[1]) + Number(q[2])), channel, kind: 'consult',
      subject: '多进程信箱测试', content: '在一个服务进程打开的表单，由另一个进程接收。', name: '钱多多', phone: '138-0000-1234',
      email: 'qdd@example.com', consent: '1',
    });
    assert.equal(r.status, 200, `the form of A posted to B: ${r.status} ${errorText(r.text)}`);
    assert.match(r.text, /<code class="trackcode">[0-9A-Z]{12}<\/code>/, 'a receipt with a 查询码');
  });

  test('40 concurrent publications through both get distinct, gap-free 索引号', async () => {
    const a = await loginClient(A, 'tongxiang', env.orgPassword);
    const b = await loginClient(B, 'tongxiang', env.orgPassword);
    const ids = [];
    for (let i = 0; i < 40; i++) ids.push(await createDraft(i % 2 ? b : a, `多进程并发发布 ${i}`));
    const sub = await Promise.all(ids.map((id, i) => act(i % 2 ? a : b, id, 'submit')));
    assert.deepEqual(sub.map((r) => r.status).filter((s) => s !== 200), [], 'every submit succeeds');
    const pubs = await Promise.all(ids.map((id, i) => act(i % 2 ? b : a, id, 'publish')));
    const failed = pubs.map((r, i) => [ids[i], r.status, r.status === 200 ? '' : errorText(r.text)]).filter(([, s]) => s !== 200);
    assert.deepEqual(failed, [], 'every concurrent publication succeeds');
    const nos = [];
    for (const id of ids) {
      const s = await itemState(id % 2 ? a : b, id);
      assert.equal(s.status, '已发布', `item ${id}`);
      assert.ok(s.indexNo, `item ${id} has a 索引号`);
      nos.push(s.indexNo);
    }
    assert.equal(new Set(nos).size, 40, `distinct 索引号: ${nos.join(', ')}`);
    assert.equal(new Set(nos.map((n) => n.replace(/\d+$/, ''))).size, 1, 'one prefix');
    assertGapFree(nos.map((n) => Number(n.match(/(\d+)$/)[1])), '索引号 serials');
  });

  test('30 concurrent applications through both get distinct 查询码 and gap-free serials', async () => {
    const body = (i) => JSON.stringify({
      applicant_type: 'natural', name: `多进程申请人${i}`, id_kind: '居民身份证', id_number: idNumber('11010519491231002'),
      phone: '138-0013-4521', email: 'multi@example.cn', address: '浙江省桐乡市梧桐街道测试路88号', postcode: '314500',
      info_title: `多进程并发申请 ${i}`, info_doc_no: '', info_desc: '两个服务进程同时受理', medium: '电子', delivery: '电子邮件',
    });
    const res = await Promise.all(Array.from({ length: 30 }, async (_, i) => {
      const r = await (i % 2 ? B : A).fetch(API_APPLY, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(i) });
      const text = await r.text();
      assert.equal(r.status, 201, `application ${i}: ${r.status} ${text.slice(0, 300)}`);
      return JSON.parse(text);
    }));
    const codes = res.map((j) => j.tracking_code);
    assert.equal(new Set(codes).size, 30, `distinct 查询码: ${codes.join(' ')}`);
    const serials = res.map((j) => j.serial);
    assert.equal(new Set(serials).size, 30, `distinct serials: ${serials.join(' ')}`);
    assert.equal(new Set(serials.map((s) => s.slice(0, 5))).size, 1, 'one year');
    assertGapFree(serials.map((s) => Number(s.slice(5))), 'application serials');
    // each is found through the other server
    for (const [i, j] of res.entries()) {
      const r = await (i % 2 ? A : B).get(`/api/v1/applications/track?code=${j.tracking_code}&check=4521`);
      assert.equal(r.status, 200, `track ${j.tracking_code} on the other server`);
    }
  });
});

describe('PostgreSQL: migrations, outages, connection strings', { skip: PG ? false : 'PostgreSQL only (the http-pg pass of make check)' }, () => {
  test('two `gongkai init` at once on an empty database: one migrates, the other waits, both succeed', async () => {
    const db = pgCreateDb(PG);
    try {
      const run = () => new Promise((resolve) => {
        const p = spawn(BIN, ['--db', db, 'init'], { cwd: ROOT, env: CHILD_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        p.stdout.on('data', (d) => { out += d; });
        p.stderr.on('data', (d) => { err += d; });
        p.on('exit', (code) => resolve({ code, out, err }));
      });
      const [r1, r2] = await Promise.all([run(), run()]);
      assert.equal(r1.code, 0, `first init: ${r1.err}`);
      assert.equal(r2.code, 0, `second init: ${r2.err}`);
      const migrated = [r1, r2].filter((r) => /已应用 \d+ 项数据库迁移/.test(r.out));
      assert.equal(migrated.length, 1, `exactly one applied the migrations:\n${r1.out}\n---\n${r2.out}`);
      assert.equal([r1, r2].filter((r) => /初始管理员：admin/.test(r.out)).length, 1, 'exactly one made the administrator');
      const latest = Math.max(...fs.readdirSync(path.join(ROOT, 'src/store/migrations')).map((f) => Number(f.slice(0, 4))));
      assert.equal(Number(migrated[0].out.match(/已应用 (\d+) 项/)[1]), latest, 'every migration applied once');
      assert.equal(psql(db, 'SELECT MAX(version), COUNT(*) FROM schema_migrations').stdout.trim(), `${latest}\t${latest}`);
      assert.equal(psql(db, "SELECT COUNT(*) FROM orgs WHERE kind = 'platform'").stdout.trim(), '1');
      assert.equal(psql(db, 'SELECT COUNT(*) FROM users').stdout.trim(), '1');
    } finally {
      pgDropDb(db);
    }
  });

  test('the database server stopped under a running server: 503, no crash, nothing half-written; back after the restart', async () => {
    // a private cluster: stopping the shared one would break the other tests
    const dir = tmpDir('gk-pg-outage-');
    const started = spawnSync(path.join(ROOT, 'tools/pg.sh'), ['start', dir], { encoding: 'utf8' });
    assert.equal(started.status, 0, `tools/pg.sh start: ${started.stderr}`);
    const maint = started.stdout.trim();
    let srv;
    try {
      psql(maint, 'CREATE DATABASE outage');
      const db = pgUrl(maint, 'outage');
      cli(db, ['init']);
      const orgPassword = parsePassword(cli(db, ['demo']).stdout, 'tongxiang password');
      const own = { dir, db, files: path.join(dir, 'files') };
      srv = await startServer(own, { threads: 4 });
      const pages = [`/o/${ORG}/`, `/o/${ORG}/catalog`, `/o/${ORG}/guide`, `/api/v1/orgs/${ORG}/items`];
      for (const p of pages) assert.equal((await srv.get(p)).status, 200, `${p} before the outage`);
      const staff = await loginClient(srv, 'tongxiang', orgPassword);
      const count = () => psql(db, 'SELECT COUNT(*) FROM applications').stdout.trim();
      const before = count();
      const app = JSON.stringify({
        applicant_type: 'natural', name: '停机测试', id_kind: '居民身份证', id_number: idNumber('11010519491231002'),
        phone: '138-0013-4521', email: 'down@example.cn', address: '浙江省桐乡市梧桐街道测试路88号', postcode: '314500',
        info_title: '数据库停机时的申请', info_doc_no: '', info_desc: '不应留下半条记录', medium: '电子', delivery: '电子邮件',
      });

      const down = spawnSync(path.join(ROOT, 'tools/pg.sh'), ['down', dir], { encoding: 'utf8' });
      assert.equal(down.status, 0, `tools/pg.sh down: ${down.stderr}`);
      for (let round = 0; round < 2; round++) {
        for (const p of pages) {
          const r = await srv.get(p);
          assert.equal(r.status, 503, `${p} while the database is down (round ${round + 1})`);
          if (p.startsWith('/api/')) assert.match(r.text, /"status":503/);
          else assert.match(textOf(r.text), /数据库暂时不可用，请稍后再试。/);
        }
        const sp = await staff.get(ITEMS);
        assert.equal(sp.status, 503, `a staff page while the database is down (round ${round + 1})`);
        assert.match(textOf(sp.text), /数据库暂时不可用，请稍后再试。/);
        const post = await srv.fetch(API_APPLY, { method: 'POST', headers: { 'content-type': 'application/json' }, body: app });
        assert.equal(post.status, 503, `an application while the database is down: ${await post.text()}`);
      }
      assert.equal(srv.exitInfo(), null, 'the server is still running');

      const up = spawnSync(path.join(ROOT, 'tools/pg.sh'), ['up', dir], { encoding: 'utf8' });
      assert.equal(up.status, 0, `tools/pg.sh up: ${up.stderr}`);
      assert.equal(count(), before, 'nothing half-written');
      // every pooled connection notices the restart on its own first use
      for (let i = 0; i < 3; i++) {
        for (const p of pages) assert.equal((await srv.get(p)).status, 200, `${p} after the restart`);
      }
      assert.equal((await staff.get(ITEMS)).status, 200, 'the staff session outlived the outage');
      const ok = await srv.fetch(API_APPLY, { method: 'POST', headers: { 'content-type': 'application/json' }, body: app });
      assert.equal(ok.status, 201, `an application after the restart: ${await ok.text()}`);
      assert.equal(Number(count()), Number(before) + 1);
    } finally {
      if (srv) await srv.stop();
      spawnSync(path.join(ROOT, 'tools/pg.sh'), ['stop', dir]);
    }
  });
});

describe('a wrong connection string', () => {
  test('init, serve and user list exit non-zero with a Chinese message, never showing the password', async () => {
    const port = await freePort(); // nothing listens there
    const targets = [
      [`postgresql://gongkai:s3cret-pw@127.0.0.1:${port}/gongkai`, 'no server'],
      ['postgresql://gongkai:s3cret-pw@127.0.0.1:99999/gongkai', 'bad port'],
      [`host=127.0.0.1 port=${port} dbname=gongkai password=s3cret-pw`, 'key=value form'],
    ];
    if (PG) targets.push([pgUrl(PG, 'no_such_database_here'), 'no such database']);
    for (const [db, what] of targets) {
      for (const args of [['init'], ['user', 'list'], ['serve', '--listen', `127.0.0.1:${port}`, '--files', tmpDir()]]) {
        const r = cli(db, args, { allowFail: true });
        assert.equal(r.status, 1, `${what}: gongkai ${args[0]} exits 1 (got ${r.status ?? r.signal})\n${r.stderr}`);
        assert.match(r.stderr, /^gongkai: 无法连接 PostgreSQL 数据库 .*：请检查 --db 连接串/m, `${what}: ${args[0]}: ${r.stderr}`);
        assert.doesNotMatch(r.stderr + r.stdout, /s3cret-pw/, `${what}: the password is not shown`);
      }
    }
    // serve on PostgreSQL names its shared attachment directory
    const r = cli(`postgresql://gongkai@127.0.0.1:${port}/gongkai`, ['serve', '--listen', `127.0.0.1:${port}`], { allowFail: true });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /须用 --files 指定附件目录/);
  });
});
