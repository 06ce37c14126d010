// lib.mjs - shared helpers for the HTTP integration tests (and the browser
// test): temporary databases made with the real CLI, a server child process
// per test file, a tiny cookie jar and the staff login flow.
//
// The binary under test is $GONGKAI_BIN (default build/asan/gongkai, the
// AddressSanitizer build), relative to the repository root.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HtmlValidate } from 'html-validate';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.resolve(ROOT, process.env.GONGKAI_BIN || 'build/asan/gongkai');
export const ORG = 'tongxiang-edu';
export const ORG_NAME = '桐乡市教育局';

// The same sanitizer settings as tools/check.sh, so a test run by hand
// behaves as under `make check`.
export const CHILD_ENV = {
  ...process.env,
  ASAN_OPTIONS: process.env.ASAN_OPTIONS || 'detect_leaks=1:abort_on_error=1:halt_on_error=1',
  UBSAN_OPTIONS: process.env.UBSAN_OPTIONS || 'print_stacktrace=1:halt_on_error=1',
  LSAN_OPTIONS: process.env.LSAN_OPTIONS ||
    `suppressions=${path.join(ROOT, 'tests', 'lsan.supp')}:print_suppressions=0`,
};

/** A fresh temporary directory (removed by cleanup()). */
export function tmpDir(prefix = 'gongkai-test-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function tail(s, n = 4000) {
  return s.length > n ? '…' + s.slice(-n) : s;
}

/**
 * Run `gongkai --db DB ARGS...` synchronously; asserts exit status 0 unless
 * opts.allowFail. Returns { status, stdout, stderr }.
 */
export function cli(db, args, opts = {}) {
  assert.ok(fs.existsSync(BIN), `the binary under test ${BIN} does not exist (run make ${path.relative(ROOT, BIN)})`);
  const r = spawnSync(BIN, ['--db', db, ...args], {
    cwd: ROOT, env: CHILD_ENV, input: opts.input ?? '', encoding: 'utf8', timeout: 60_000,
  });
  const res = { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  if (!opts.allowFail) {
    assert.equal(r.status, 0,
      `gongkai ${args.join(' ')} exited with ${r.status ?? r.signal}\n--- stdout ---\n${tail(res.stdout)}\n--- stderr ---\n${tail(res.stderr)}`);
  }
  return res;
}

/** The one-time password in a CLI line like "…一次性密码：XXXX（请登录后修改）" or "…的新密码：XXXX（…）". */
export function parsePassword(stdout, what = 'password') {
  const lines = stdout.split('\n').filter((l) => /密码[：:]/.test(l));
  assert.ok(lines.length, `no ${what} printed; stdout was:\n${stdout}`);
  const m = lines[lines.length - 1].match(/密码[：:]\s*([^\s（(]+)/);
  assert.ok(m, `cannot parse the ${what} from: ${lines[lines.length - 1]}`);
  return m[1];
}

// ---------------------------------------------------------------- PostgreSQL

/**
 * The maintenance URL of a running PostgreSQL cluster (tools/pg.sh start) when
 * the tests run on PostgreSQL (tools/check.sh's "http-pg" pass), else null.
 */
export const PG = process.env.GONGKAI_TEST_PG || null;

/** The URL of database `name` on the cluster of maintenance URL `url`. */
export function pgUrl(url, name) {
  const u = new URL(url);
  u.pathname = '/' + name;
  return u.toString();
}

/** Run SQL with psql against a URL; { status, stdout, stderr } (tab-separated rows, no headers). */
export function psql(url, query, { allowFail = false } = {}) {
  const r = spawnSync('psql', ['-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', query],
    { encoding: 'utf8', timeout: 60_000, env: { ...process.env, PGCONNECT_TIMEOUT: '10' } });
  const res = { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? (r.error ? String(r.error) : '') };
  if (!allowFail) assert.equal(r.status, 0, `psql ${query}: ${res.stderr}`);
  return res;
}

const pgDatabases = new Set();
let pgSerial = 0;

/** A new empty database on the cluster at the maintenance URL `url`; its URL. Dropped by cleanup() or at exit. */
export function pgCreateDb(url = PG) {
  const name = `gk_t_${process.pid}_${++pgSerial}_${Math.random().toString(36).slice(2, 8)}`;
  psql(url, `CREATE DATABASE ${name}`);
  const db = pgUrl(url, name);
  pgDatabases.add(db);
  return db;
}

/** Drop a database made by pgCreateDb (connections still open are ended). */
export function pgDropDb(db) {
  if (!pgDatabases.delete(db)) return;
  const u = new URL(db);
  const name = u.pathname.slice(1);
  u.pathname = '/postgres';
  psql(u.toString(), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, { allowFail: true });
}

process.on('exit', () => { for (const db of [...pgDatabases]) pgDropDb(db); });

/**
 * Run SQL on a test database made by makeDb: the sqlite3 shell on a SQLite
 * file, psql on PostgreSQL. { status, stdout, stderr }; rows are lines,
 * columns separated by tabs. Asserts success unless opts.allowFail.
 */
export function sql(db, query, { allowFail = false } = {}) {
  if (isPg(db)) return psql(db, query, { allowFail });
  const r = spawnSync('sqlite3', ['-bail', '-separator', '\t', db, query], { encoding: 'utf8', timeout: 60_000 });
  const res = { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? (r.error ? String(r.error) : '') };
  if (!allowFail) assert.equal(r.status, 0, `sqlite3 ${query}: ${res.stderr}`);
  return res;
}

/** Is this database target a PostgreSQL URL? */
export function isPg(db) {
  return /^postgres(ql)?:\/\//.test(db);
}

/**
 * A temporary directory with an initialised database: { dir, db, files,
 * adminPassword, orgPassword (when demo), pg }. On PostgreSQL
 * (GONGKAI_TEST_PG) db is the URL of a fresh database of its own, else
 * the SQLite file dir/t.db.
 */
export function makeDb({ demo = true } = {}) {
  const dir = tmpDir();
  const db = PG ? pgCreateDb(PG) : path.join(dir, 't.db');
  const init = cli(db, ['init']);
  assert.match(init.stdout, /初始管理员：admin/, `init did not announce the initial admin:\n${init.stdout}`);
  const env = { dir, db, pg: !!PG, files: path.join(dir, 'files'), adminPassword: parsePassword(init.stdout, 'admin password') };
  if (demo) {
    const d = cli(db, ['demo']);
    env.orgPassword = parsePassword(d.stdout, 'tongxiang password');
  }
  return env;
}

/** A new random password for an existing user (`user passwd NAME --random`). */
export function newPassword(db, name) {
  const r = cli(db, ['user', 'passwd', name, '--random']);
  const last = r.stdout.trim().split('\n').pop();
  return parsePassword(last, `new password of ${name}`);
}

/** A port that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Start `gongkai serve` on a free port and wait until GET / answers.
 * Returns a server object: { base, port, proc, stderr(), fetch(), get(), stop() }.
 * args: more `serve` options, e.g. ['--search-limit', '0'].
 */
export async function startServer(env, { threads, args: extra = [] } = {}) {
  let lastErr;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const args = ['--db', env.db, 'serve', '--listen', `127.0.0.1:${port}`, '--files', env.files];
    if (threads) args.push('--threads', String(threads));
    args.push(...extra);
    const proc = spawn(BIN, args, { cwd: ROOT, env: CHILD_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => { out = (out + d).slice(-200_000); });
    proc.stderr.on('data', (d) => { err = (err + d).slice(-200_000); });
    // GONGKAI_TEST_SERVER_LOG=FILE: every server's stderr appended there too (debugging)
    if (process.env.GONGKAI_TEST_SERVER_LOG) proc.stderr.on('data', (d) => fs.appendFileSync(process.env.GONGKAI_TEST_SERVER_LOG, d));
    const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
    let exitInfo = null;
    exited.then((e) => { exitInfo = e; });
    const base = `http://127.0.0.1:${port}`;
    const srv = new Server(base, port, proc, () => err, () => out, exited, () => exitInfo);
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !exitInfo) {
      try {
        const res = await fetch(base + '/', { redirect: 'manual' });
        await res.arrayBuffer();
        if (res.status < 500) return srv;
      } catch (e) {
        lastErr = e;
      }
      await sleep(50);
    }
    if (exitInfo) {
      lastErr = new Error(`gongkai serve exited early (${exitInfo.code ?? exitInfo.signal}):\n${tail(err)}`);
      if (/cannot listen|Address already in use/i.test(err)) continue; // lost the port race: retry
      throw lastErr;
    }
    proc.kill('SIGKILL');
    throw new Error(`gongkai serve did not answer GET / within 20 s: ${lastErr}\n${tail(err)}`);
  }
  throw lastErr;
}

class Server {
  constructor(base, port, proc, stderr, stdout, exited, exitInfo) {
    Object.assign(this, { base, port, proc, exited });
    this.stderr = stderr;
    this.stdout = stdout;
    this.exitInfo = exitInfo;
  }

  /** fetch(path) without following redirects; a connection failure reports the server's stderr. */
  async fetch(p, opts = {}) {
    try {
      return await fetch(this.base + p, { redirect: 'manual', ...opts });
    } catch (e) {
      const st = this.exitInfo();
      throw new Error(`${opts.method || 'GET'} ${p} failed: ${e.message}${e.cause ? ' (' + e.cause.message + ')' : ''}` +
        (st ? `; the server has exited (${st.code ?? st.signal})` : '') + `\n--- server stderr ---\n${tail(this.stderr())}`);
    }
  }

  /** GET path; returns { res, status, text, headers }. */
  async get(p, opts = {}) {
    const res = await this.fetch(p, opts);
    const text = await res.text();
    return { res, status: res.status, text, headers: res.headers };
  }

  async json(p) {
    const r = await this.get(p);
    const ct = r.headers.get('content-type') || '';
    assert.match(ct, /^application\/json/, `GET ${p}: expected JSON, got ${ct} (status ${r.status}): ${r.text.slice(0, 300)}`);
    let body;
    try {
      body = JSON.parse(r.text);
    } catch (e) {
      assert.fail(`GET ${p}: invalid JSON (${e.message}): ${r.text.slice(0, 300)}`);
    }
    return { ...r, body };
  }

  /** A raw HTTP/1.1 request (for paths fetch would normalise, odd methods, raw bodies). */
  raw(method, p, { headers = {}, body } = {}) {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: this.port, method, path: p, headers, insecureHTTPParser: true }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', (e) => reject(new Error(`${method} ${p.slice(0, 100)} failed: ${e.message}\n--- server stderr ---\n${tail(this.stderr())}`)));
      if (body !== undefined) req.end(body); else req.end();
    });
  }

  /**
   * A request from another loopback address (127.0.0.2 … 127.255.255.254 all
   * reach the server), so per-address limits can be tested apart from the
   * rest of a test file: { status, headers, text }.
   */
  from(localAddress, method, p, { headers = {}, body } = {}) {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: this.port, localAddress, method, path: p, headers, agent: false }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', (e) => reject(new Error(`${method} ${p.slice(0, 100)} from ${localAddress} failed: ${e.message}\n--- server stderr ---\n${tail(this.stderr())}`)));
      if (body !== undefined) req.end(body); else req.end();
    });
  }

  /** SIGTERM, then assert a clean exit (status 0: no ASan/UBSan/LSan report). */
  async stop() {
    if (!this.exitInfo()) this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 15_000);
    const { code, signal } = await this.exited;
    clearTimeout(timer);
    assert.equal(code, 0,
      `gongkai serve should exit 0 after SIGTERM, got ${code ?? 'signal ' + signal}` +
      ` (sanitizer reports and errors below)\n--- server stderr ---\n${tail(this.stderr(), 12000)}`);
    const bad = this.stderr().match(/^.*(AddressSanitizer|LeakSanitizer|runtime error:).*$/m);
    assert.equal(bad, null, `sanitizer report in the server's stderr:\n${tail(this.stderr(), 12000)}`);
  }
}

/** Remove a temporary directory made by makeDb/tmpDir, and makeDb's PostgreSQL database. */
export function cleanup(env) {
  if (env?.db && isPg(env.db)) pgDropDb(env.db);
  if (env?.dir) fs.rmSync(env.dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------- cookies

/** A tiny cookie jar: name → value, for one host. */
export class CookieJar {
  constructor() { this.map = new Map(); }

  update(res) {
    const list = typeof res.headers.getSetCookie === 'function' ? res.headers.getSetCookie() : [];
    for (const sc of list) this.set(sc);
  }

  set(setCookie) {
    const [pair, ...attrs] = setCookie.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const expired = attrs.some((a) => /^\s*max-age\s*=\s*(0|-\d+)\s*$/i.test(a)) ||
      attrs.some((a) => /^\s*expires\s*=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now());
    if (expired || value === '') this.map.delete(name); else this.map.set(name, value);
  }

  get(name) { return this.map.get(name); }

  header() { return [...this.map].map(([k, v]) => `${k}=${v}`).join('; '); }
}

/** The value of the first hidden input name="csrf" in an HTML page. */
export function csrfFrom(html) {
  const m = html.match(/<input[^>]*name="csrf"[^>]*value="([^"]*)"/) || html.match(/<input[^>]*value="([^"]*)"[^>]*name="csrf"/);
  return m ? m[1] : null;
}

/** A browser-like client of one server: cookie jar, no automatic redirects. */
export class Client {
  constructor(srv) {
    this.srv = srv;
    this.jar = new CookieJar();
    this.csrf = null;
  }

  async request(p, opts = {}) {
    const headers = { ...(opts.headers || {}) };
    const c = this.jar.header();
    if (c && !('cookie' in headers) && !('Cookie' in headers)) headers.cookie = c;
    const res = await this.srv.fetch(p, { ...opts, headers });
    this.jar.update(res);
    const text = await res.text();
    return { res, status: res.status, text, headers: res.headers, location: res.headers.get('location') };
  }

  get(p, opts = {}) { return this.request(p, { ...opts, method: opts.method || 'GET' }); }

  /** POST an urlencoded form; the session's csrf token is added unless fields.csrf is given (null = omit). */
  post(p, fields = {}, opts = {}) {
    const f = { ...fields };
    if (!('csrf' in f)) f.csrf = this.csrf;
    if (f.csrf === null || f.csrf === undefined) delete f.csrf;
    return this.request(p, { method: 'POST', body: new URLSearchParams(f), ...opts });
  }

  /** POST a multipart form (FormData); csrf added like post(). */
  postMultipart(p, fd, { csrf } = {}) {
    const tok = csrf === undefined ? this.csrf : csrf;
    if (tok !== null && tok !== undefined) fd.append('csrf', tok);
    return this.request(p, { method: 'POST', body: fd });
  }

  /** GET a page and remember its csrf token. */
  async refreshCsrf(p) {
    const r = await this.get(p);
    assert.equal(r.status, 200, `GET ${p} for a csrf token: status ${r.status}\n${r.text.slice(0, 500)}`);
    const t = csrfFrom(r.text);
    assert.ok(t, `no hidden input name="csrf" on ${p}`);
    this.csrf = t;
    return t;
  }

  /**
   * The login form flow: GET /admin/login (gk_csrf cookie + hidden csrf),
   * POST username/password. Returns the POST response (not asserted).
   */
  async tryLogin(username, password) {
    const form = await this.get('/admin/login');
    assert.equal(form.status, 200, `GET /admin/login: status ${form.status}`);
    const tok = csrfFrom(form.text);
    assert.ok(tok, 'the login form has no hidden input name="csrf"');
    assert.ok(this.jar.get('gk_csrf'), 'GET /admin/login did not set the gk_csrf cookie');
    return this.post('/admin/login', { username, password, csrf: tok });
  }

  /** Log in and take the session's csrf token from the first staff page; asserts success. */
  async login(username, password) {
    const r = await this.tryLogin(username, password);
    assert.equal(r.status, 303, `login as ${username}: expected 303, got ${r.status}\n${textOf(r.text).slice(0, 300)}`);
    assert.equal(r.location, '/admin/', `login as ${username}: redirected to ${r.location}`);
    assert.ok(this.jar.get('gk_session'), `login as ${username}: no gk_session cookie`);
    // follow /admin/ (it may redirect to the one org's item list) to a page with a form
    let p = '/admin/';
    for (let i = 0; i < 4; i++) {
      const g = await this.get(p);
      if (g.status === 303 && g.location) { p = g.location; continue; }
      assert.equal(g.status, 200, `GET ${p} after login: ${g.status}`);
      this.csrf = csrfFrom(g.text);
      assert.ok(this.csrf, `GET ${p} after login: no csrf token on the page`);
      return r;
    }
    assert.fail('too many redirects after login');
  }
}

/** Log in a new client; returns it. */
export async function loginClient(srv, username, password) {
  const c = new Client(srv);
  await c.login(username, password);
  return c;
}

// ---------------------------------------------------------------- HTML

/** The visible text of some HTML, roughly (tags removed, entities decoded). */
export function textOf(html) {
  return decodeEntities(html.replace(/<script[\s\S]*?<\/script>/gi, ' ').replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ').trim();
}

export function decodeEntities(s) {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|nbsp);/gi, (m, e) => {
    const l = e.toLowerCase();
    if (l[0] === '#') return String.fromCodePoint(l[1] === 'x' ? parseInt(l.slice(2), 16) : parseInt(l.slice(1), 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' }[l];
  });
}

/** The contents of the first <tag ...>…</tag> matching, or null. */
export function firstTag(html, tag) {
  const m = html.match(new RegExp(`<${tag}\\b[^>]*>([\\s\\S]*?)</${tag}>`, 'i'));
  return m ? m[1] : null;
}

/** The item metadata table as { 索引号: '…', 文号: '…', … } (th → following td). */
export function metaTable(html) {
  const t = html.match(/<table class="meta"[\s\S]*?<\/table>/);
  if (!t) return null;
  const out = {};
  const re = /<th[^>]*>([\s\S]*?)<\/th>\s*<td[^>]*>([\s\S]*?)<\/td>/g;
  let m;
  while ((m = re.exec(t[0]))) out[textOf(m[1])] = textOf(m[2]);
  return out;
}

/** Basic page checks every HTML page must pass: lang, title, labelled inputs. */
const htmlValidator = new HtmlValidate({ extends: ['html-validate:recommended'] });

/** Markup that an HTML validator (html-validate, recommended rules) accepts. */
export function assertValidHtml(html, where) {
  const report = htmlValidator.validateStringSync(html);
  const messages = report.results.flatMap((r) => r.messages)
    .map((m) => `line ${m.line}: ${m.ruleId}: ${m.message}`);
  assert.ok(report.valid, `${where}: invalid HTML:\n${messages.slice(0, 10).join('\n')}`);
}

export function assertPageBasics(html, where) {
  assertValidHtml(html, where);
  assert.match(html, /<html lang="zh-CN">/, `${where}: missing <html lang="zh-CN">`);
  const title = firstTag(html, 'title');
  assert.ok(title && textOf(title).length > 0, `${where}: missing or empty <title>`);
  const labels = new Set([...html.matchAll(/<label[^>]*\bfor="([^"]+)"/g)].map((m) => m[1]));
  for (const m of html.matchAll(/<(input|select|textarea)\b([^>]*)>/g)) {
    const attrs = m[2];
    if (/type="(hidden|submit|button|reset)"/.test(attrs)) continue;
    const id = attrs.match(/\bid="([^"]+)"/);
    const name = attrs.match(/\bname="([^"]+)"/);
    assert.ok(id, `${where}: <${m[1]}${name ? ' name="' + name[1] + '"' : ''}> has no id, so no <label for> can point at it`);
    assert.ok(labels.has(id[1]) || /aria-label(ledby)?="/.test(attrs),
      `${where}: <${m[1]} id="${id[1]}"> has no <label for="${id[1]}">`);
  }
}

/** Every external URL in markup attributes (src/href/action etc.), i.e. not this server. */
export function externalUrls(html, base) {
  const out = [];
  for (const m of html.matchAll(/\b(?:src|href|action|srcset|poster|data|formaction)\s*=\s*"([^"]*)"/gi)) {
    const u = m[1].trim();
    if (/^(https?:)?\/\//i.test(u) && !u.startsWith(base)) out.push(u);
  }
  for (const m of html.matchAll(/url\(\s*['"]?((?:https?:)?\/\/[^'")]+)/gi)) {
    if (!m[1].startsWith(base)) out.push(m[1]);
  }
  return out;
}

/** Query-string helper that percent-encodes UTF-8. */
export function qs(obj) {
  return new URLSearchParams(obj).toString();
}

/**
 * Start Debian's nginx as a child process with a private prefix directory:
 * its temp and log directories, siteConf (the server blocks) as site.conf,
 * and a main nginx.conf including it, checked with `nginx -t` first.
 * Returns { proc, output() }; the caller waits until it answers and stops proc.
 */
export function spawnNginx(prefix, siteConf) {
  for (const d of ['tmp/body', 'tmp/proxy', 'tmp/fastcgi', 'tmp/uwsgi', 'tmp/scgi', 'logs']) {
    fs.mkdirSync(path.join(prefix, d), { recursive: true });
  }
  fs.writeFileSync(path.join(prefix, 'site.conf'), siteConf);
  const conf = path.join(prefix, 'nginx.conf');
  fs.writeFileSync(conf, `${process.getuid() === 0 ? 'user root;' : ''}
worker_processes 1;
daemon off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/logs/error.log warn;
events { worker_connections 256; }
http {
	access_log off;
	client_body_temp_path ${prefix}/tmp/body;
	proxy_temp_path ${prefix}/tmp/proxy;
	fastcgi_temp_path ${prefix}/tmp/fastcgi;
	uwsgi_temp_path ${prefix}/tmp/uwsgi;
	scgi_temp_path ${prefix}/tmp/scgi;
	include ${prefix}/site.conf;
}
`);
  const t = spawnSync('nginx', ['-t', '-p', prefix, '-c', conf], { encoding: 'utf8' });
  assert.equal(t.status, 0, `nginx -t: ${t.stderr}`);
  let out = '';
  const proc = spawn('nginx', ['-p', prefix, '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { out += d; });
  return { proc, output: () => out };
}
