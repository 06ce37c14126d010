// deploy.test.mjs - the reference deployment (docs/deploy.md): nginx with
// deploy/nginx-gongkai.conf, rendered for this test's ports, in front of
// TWO `gongkai serve` processes on one database (a SQLite file, or
// PostgreSQL when GONGKAI_TEST_PG names a server) and one --files
// directory, started as deploy/systemd/gongkai@.service starts them
// (--trusted-proxy, --per-ip-connections 0, --instance). Requests reach
// both servers; a staff login made through nginx holds on both; a file
// uploaded through one is downloaded through either; the visitor's address
// (X-Forwarded-For from the trusted proxy only) is what gongkai records;
// and with one server stopped the site still answers (proxy_next_upstream).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { Client, ORG, ROOT, cleanup, cli, csrfFrom, freePort, makeDb, parsePassword, spawnNginx, startServer, textOf, tmpDir } from './lib.mjs';

const PG = process.env.GONGKAI_TEST_PG || '';
const haveNginx = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' }).status === 0;
const ADMIN_ITEMS = `/admin/o/${ORG}/items`;
let env;
let pgdb;
const srvs = {};     // instance name -> server
let ngxPort;
let ngxProc;
let ngxTmp;
let site;            // a Client-compatible "server" that is nginx

function psql(sql) {
  const r = spawnSync('psql', [PG, '-qAtc', sql], { encoding: 'utf8' });
  assert.equal(r.status, 0, `psql ${sql}: ${r.stderr}`);
}

/** The demo database: a SQLite file (makeDb), or a fresh PostgreSQL database. */
function makeEnv() {
  if (!PG) return makeDb();
  const dir = tmpDir();
  pgdb = `gk_deploy_${process.pid}`;
  psql(`DROP DATABASE IF EXISTS ${pgdb}`);
  psql(`CREATE DATABASE ${pgdb}`);
  const db = PG.replace(/\/[^/]*$/, `/${pgdb}`);
  const e = { dir, db, files: path.join(dir, 'files') };
  e.adminPassword = parsePassword(cli(db, ['init']).stdout, 'admin password');
  e.orgPassword = parsePassword(cli(db, ['demo']).stdout, 'tongxiang password');
  return e;
}

/** GET through nginx from a given local address: { status, headers, body (Buffer), text }. */
function viaNginx(p, { localAddress = '127.0.0.1', headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: ngxPort, path: p, localAddress, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode, headers: res.headers, body, text: body.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitFor(fn, what) {
  const deadline = Date.now() + 15_000;
  let last;
  while (Date.now() < deadline) {
    try {
      if (await fn()) return;
    } catch (e) { last = e; }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? ': ' + last.message : ''}`);
}

/** deploy/nginx-gongkai.conf with this test's ports and directories (its ADJUST lines). */
function render(ports, staticDir) {
  let conf = fs.readFileSync(path.join(ROOT, 'deploy/nginx-gongkai.conf'), 'utf8');
  const servers = conf.match(/^\s*server 127\.0\.0\.1:\d+ .*# ADJUST.*$/gm);
  assert.equal(servers?.length, 2, 'the upstream of deploy/nginx-gongkai.conf names two servers');
  conf = conf.replace(servers[0], servers[0].replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${ports[0]}`))
    .replace(servers[1], servers[1].replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${ports[1]}`))
    .replace(/^\s*listen 80;.*$/m, `\tlisten 127.0.0.1:${ngxPort};`)
    .replace(/^\s*root \/var\/lib\/gongkai\/static;.*$/m, `\troot ${staticDir};`);
  assert.ok(conf.includes(`127.0.0.1:${ports[1]}`) && conf.includes(`root ${staticDir};`), 'the ADJUST lines were found');
  return conf;
}

async function startNginx(ports) {
  ngxTmp = path.join(env.dir, 'nginx');
  fs.mkdirSync(path.join(ngxTmp, 'static'), { recursive: true });
  const ngx = spawnNginx(ngxTmp, render(ports, path.join(ngxTmp, 'static')));
  ngxProc = ngx.proc;
  await waitFor(async () => (await viaNginx(`/o/${ORG}/`)).status === 200, `nginx to start: ${ngx.output()}`);
}

/** Which instances answered n GETs of p through nginx (X-Gongkai-Instance). */
async function instances(p, n, opts) {
  const seen = {};
  for (let i = 0; i < n; i++) {
    const r = await viaNginx(p, opts);
    assert.equal(r.status, 200, `${p} via nginx: ${r.status}`);
    const who = r.headers['x-gongkai-instance'];
    seen[who] = (seen[who] || 0) + 1;
  }
  return seen;
}

before(async () => {
  if (!haveNginx) return;
  env = makeEnv();
  ngxPort = await freePort();
  // as deploy/systemd/gongkai@.service starts each instance
  const common = ['--trusted-proxy', '127.0.0.1', '--per-ip-connections', '0', '--threads', '4'];
  srvs.a = await startServer(env, { args: [...common, '--instance', 'gk-a'] });
  srvs.b = await startServer(env, { args: [...common, '--instance', 'gk-b'] });
  await startNginx([srvs.a.port, srvs.b.port]);
  site = {
    base: `http://127.0.0.1:${ngxPort}`,
    fetch: (p, opts = {}) => fetch(`http://127.0.0.1:${ngxPort}${p}`, { redirect: 'manual', ...opts }),
  };
});

after(async () => {
  if (ngxProc && ngxProc.exitCode === null) {
    const done = new Promise((r) => ngxProc.on('exit', r));
    ngxProc.kill('SIGQUIT');
    await done;
  }
  for (const s of Object.values(srvs)) await s.stop();
  if (pgdb) psql(`DROP DATABASE IF EXISTS ${pgdb} WITH (FORCE)`);
  cleanup(env);
});

describe('two servers behind nginx', { skip: !haveNginx && 'nginx is not installed' }, () => {
  let staff;

  test('nginx spreads requests over both servers', async () => {
    const seen = await instances(`/o/${ORG}/catalog?page=2`, 10);
    assert.ok(seen['gk-a'] >= 3 && seen['gk-b'] >= 3, `both servers answered: ${JSON.stringify(seen)}`);
    // a page answers the same whichever server made it
    const a = await srvs.a.get(`/o/${ORG}/guide`);
    const b = await srvs.b.get(`/o/${ORG}/guide`);
    assert.equal(a.text, b.text);
  });

  test('a staff login made through nginx holds on both servers', async () => {
    staff = new Client(site);
    await staff.login('tongxiang', env.orgPassword);
    const seen = {};
    for (let i = 0; i < 8; i++) {
      const r = await staff.get(ADMIN_ITEMS);
      assert.equal(r.status, 200, `GET ${ADMIN_ITEMS} through nginx: ${r.status} ${textOf(r.text).slice(0, 200)}`);
      seen[r.headers.get('x-gongkai-instance')] = true;
    }
    assert.deepEqual(Object.keys(seen).sort(), ['gk-a', 'gk-b'], 'the session was recognised by both');
  });

  test('a file uploaded through one server is downloaded through either', async () => {
    const form = await staff.get(`${ADMIN_ITEMS}/new`);
    const cat = form.text.match(/<option value="(\d+)"[^>]*>政策文件<\/option>/);
    assert.ok(cat, 'the new-item form lists 政策文件');
    staff.csrf = csrfFrom(form.text);
    const c = await staff.post(`${ADMIN_ITEMS}/new`, { category_id: cat[1], title: '负载均衡附件测试', body_md: '正文。' });
    assert.equal(c.status, 303, `create: ${c.status}`);
    const id = Number(c.location.match(/items\/(\d+)/)[1]);
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% deploy test\ntrailer<</Root 1 0 R>>\n%%EOF\n', 'latin1');
    const fd = new FormData();
    fd.append('file', new Blob([pdf], { type: 'application/pdf' }), '部署测试.pdf');
    const up = await staff.postMultipart(`${ADMIN_ITEMS}/${id}/files`, fd);
    assert.equal(up.status, 200, `upload through nginx: ${up.status} ${textOf(up.text).slice(0, 300)}`);
    const link = up.text.match(/<a href="([^"]*\/files\/\d+\/[^"\/]+)">部署测试.pdf<\/a>/);
    assert.ok(link, 'the edit page lists the upload');
    const seen = {};
    for (let i = 0; i < 6; i++) {
      const r = await staff.srv.fetch(link[1], { headers: { cookie: staff.jar.header() } });
      const got = Buffer.from(await r.arrayBuffer());
      assert.equal(r.status, 200, `download ${i}: ${r.status}`);
      assert.ok(got.equals(pdf), `download ${i} through ${r.headers.get('x-gongkai-instance')}: the uploaded bytes`);
      seen[r.headers.get('x-gongkai-instance')] = true;
    }
    assert.deepEqual(Object.keys(seen).sort(), ['gk-a', 'gk-b'], 'both servers read the shared --files directory');
  });

  test("gongkai records the visitor's address from nginx, and only from nginx", async () => {
    // a login through nginx from 127.0.0.5, whose request claims to come from 10.9.9.9
    const c = new Client({
      fetch: async (p, opts = {}) => {
        const r = await new Promise((resolve, reject) => {
          const body = opts.body ? Buffer.from(opts.body.toString()) : undefined;
          const headers = { ...(opts.headers || {}), 'x-forwarded-for': '10.9.9.9' };
          if (body) { headers['content-type'] = 'application/x-www-form-urlencoded'; headers['content-length'] = body.length; }
          const req = http.request({ host: '127.0.0.1', port: ngxPort, path: p, method: opts.method || 'GET', localAddress: '127.0.0.5', headers, agent: false }, (res) => {
            const chunks = [];
            res.on('data', (d) => chunks.push(d));
            res.on('end', () => resolve({ res, body: Buffer.concat(chunks) }));
          });
          req.on('error', reject);
          req.end(body);
        });
        return new Response(r.body, { status: r.res.statusCode, headers: Object.entries(r.res.headers).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]])) });
      },
    });
    const r = await c.tryLogin('tongxiang', env.orgPassword);
    assert.equal(r.status, 303, `login from 127.0.0.5: ${r.status}`);
    await waitFor(() => /login: tongxiang from 127\.0\.0\.5\b/.test(srvs.a.stderr() + srvs.b.stderr()), 'the login logged with the visitor\'s address');
    assert.doesNotMatch(srvs.a.stderr() + srvs.b.stderr(), /from 10\.9\.9\.9/, 'the address the client wrote itself is not believed');
    // straight to gongkai from an address that is not the proxy: the header is ignored
    const direct = new Client(srvs.a);
    const d = await direct.tryLogin('tongxiang', env.orgPassword);
    assert.equal(d.status, 303);
    assert.doesNotMatch(srvs.a.stderr(), /login: tongxiang from 10\.9\.9\.9/);
  });

  test('with one server stopped the site still answers', async () => {
    await srvs.a.stop();
    delete srvs.a;
    const seen = await instances(`/o/${ORG}/catalog?page=2`, 8);
    assert.deepEqual(Object.keys(seen), ['gk-b'], `only the running server answers: ${JSON.stringify(seen)}`);
    const r = await staff.get(ADMIN_ITEMS);
    assert.equal(r.status, 200, 'the staff session goes on on the other server');
  });
});
