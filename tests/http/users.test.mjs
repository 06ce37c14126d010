// users.test.mjs - staff accounts: an org's users and roles (机构管理员 and
// 系统管理员), the one-time passwords an administrator hands out (changed at
// the first login), a user in two orgs, the walls between orgs, the last
// 机构管理员, password reset and disabling ending sessions; the TOTP second
// factor (enrol, confirm, login with the code, wrong and replayed codes,
// the lockout, switching off); and the `gongkai user` commands behind them.
//
// Every client connects from its own loopback address (127.0.0.N) so the
// login lockout of one address never spills into another test. TOTP codes
// are computed here with node:crypto (RFC 6238, HMAC-SHA-1).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import { Client, ORG, ORG_NAME, assertPageBasics, cleanup, cli, csrfFrom, makeDb, startServer, textOf } from './lib.mjs';

const OTHER = 'users-other';
const OTHER_NAME = '测试市用户局';
const OTHER_ADMIN = 'other-admin';
const OTHER_ADMIN_PW = 'Other-Admin-2026-pass';
const PLAIN_EDITOR = 'plain-editor';
const PLAIN_PW = 'Plain-Editor-2026-pass';
const USERS = `/admin/o/${ORG}/users`;
const OTHER_USERS = `/admin/o/${OTHER}/users`;

let env;
let srv;
let nextHost = 20;

function freshAddress() {
  assert.ok(nextHost < 255, 'out of loopback addresses');
  return `127.0.0.${nextHost++}`;
}

/** A Client whose requests come from one loopback address. */
class AddrClient extends Client {
  constructor(server, address = freshAddress()) {
    super(server);
    this.address = address;
  }

  request(p, opts = {}) {
    const headers = { 'user-agent': `users-test/${this.address}`, ...(opts.headers || {}) };
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
          resolve({ res, status: res.statusCode, text: Buffer.concat(chunks).toString('utf8'), headers: h, location: h.get('location') });
        });
      });
      req.on('error', (e) => reject(new Error(`${opts.method || 'GET'} ${p} from ${this.address}: ${e.message}\n${this.srv.stderr().slice(-3000)}`)));
      req.end(body);
    });
  }
}

async function login(name, pw) {
  const c = new AddrClient(srv);
  await c.login(name, pw);
  return c;
}

function errorText(html) {
  const m = html.match(/<p class="error"[^>]*>([\s\S]*?)<\/p>/);
  return m ? textOf(m[1]) : null;
}

function noticeText(html) {
  const m = html.match(/<p class="notice"[^>]*>([\s\S]*?)<\/p>/);
  return m ? textOf(m[1]) : null;
}

function onetime(html) {
  const m = html.match(/<code id="onetime-password">([^<]+)<\/code>/);
  assert.ok(m, `no one-time password on the page: ${textOf(html).slice(0, 400)}`);
  return m[1];
}

/** The rows of an org's users page: { name, roles, state, id }. */
function memberRows(html) {
  const tbody = html.match(/<table class="items users">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/)?.[1] ?? '';
  return [...tbody.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => {
    const cells = [...m[1].matchAll(/<td>([\s\S]*?)<\/td>/g)].map((x) => textOf(x[1]));
    const id = m[1].match(/\/users\/(\d+)"/);
    return { name: cells[0], display: cells[1], roles: cells[2], state: cells[3], id: id ? Number(id[1]) : null };
  });
}

async function memberId(c, usersPath, name) {
  const r = await c.get(usersPath);
  assert.equal(r.status, 200, `GET ${usersPath}: ${r.status}`);
  const row = memberRows(r.text).find((x) => x.name === name);
  assert.ok(row, `${name} is not listed on ${usersPath}`);
  return row.id;
}

/** Whether a client's session still opens a staff page. */
async function loggedIn(c) {
  const r = await c.get('/admin/sessions');
  if (r.status === 303) return false;
  assert.equal(r.status, 200, `GET /admin/sessions: ${r.status}`);
  return true;
}

/** Create a user in ORG through the web as tongxiang; returns { id, password } (the one-time password). */
async function createUser(adm, username, display, roles) {
  const fields = { username, display_name: display };
  for (const role of roles) fields[`role_${role}`] = '1';
  const r = await adm.post(`${USERS}/new`, fields);
  assert.equal(r.status, 200, `create ${username}: ${r.status} ${errorText(r.text)}`);
  const id = Number(r.text.match(/action="\/admin\/o\/[^/]+\/users\/(\d+)\/roles"/)[1]);
  return { id, password: onetime(r.text), page: r };
}

/** A CLI-made user with a known password (no forced change). */
function cliUser(name, pw, org = ORG, role = 'editor') {
  cli(env.db, ['user', 'add', name, '--org', org, '--role', role, '--password-stdin'], { input: pw + '\n' });
}

// ---------------------------------------------------------------- TOTP (RFC 6238)

function base32Decode(s) {
  const alpha = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let val = 0;
  const out = [];
  for (const ch of s.replace(/[\s=]/g, '').toUpperCase()) {
    const i = alpha.indexOf(ch);
    assert.ok(i >= 0, `not base32: ${s}`);
    val = ((val << 5) | i) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((val >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The 6-digit code of a base32 key for a time step. */
function totp(secret, step) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const h = crypto.createHmac('sha1', base32Decode(secret)).update(msg).digest();
  const o = h[19] & 15;
  const n = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(n % 1_000_000).padStart(6, '0');
}

const stepNow = () => Math.floor(Date.now() / 1000 / 30);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Start a TOTP scenario early in a 30-second step, so the codes of the steps before, of and after now stay valid for ~15 s. */
async function earlyInStep() {
  const into = (Date.now() / 1000) % 30;
  if (into > 12) await sleep((30 - into) * 1000 + 200);
  return stepNow();
}

/** Enrol and confirm TOTP for a logged-in client; returns the base32 key. Confirms with the code of step `confirmStep`. */
async function enrolTotp(c, pw, confirmStep) {
  const acc = await c.get('/admin/account');
  assert.equal(acc.status, 200);
  assert.equal(textOf(acc.text.match(/<td id="totp-state">([\s\S]*?)<\/td>/)[1]), '未开启');
  const en = await c.post('/admin/account/totp/enrol', { password: pw });
  assert.equal(en.status, 200, `enrol: ${en.status} ${errorText(en.text)}`);
  assertPageBasics(en.text, 'the enrolment page');
  const secret = en.text.match(/<code id="totp-secret">([^<]+)<\/code>/)[1].replace(/\s/g, '');
  const uri = decodeURIComponent(en.text.match(/<code id="totp-uri">([^<]+)<\/code>/)[1].replace(/&amp;/g, '&'));
  assert.match(uri, new RegExp(`^otpauth://totp/政府信息公开平台:[^?]+\\?secret=${secret}&issuer=政府信息公开平台&algorithm=SHA1&digits=6&period=30$`));
  assert.equal(base32Decode(secret).length, 20, 'a 160-bit key');
  const ok = await c.post('/admin/account/totp/confirm', { code: totp(secret, confirmStep) });
  assert.equal(ok.status, 200, `confirm: ${ok.status} ${errorText(ok.text)}`);
  assert.match(noticeText(ok.text), /双重验证已开启/);
  return secret;
}

/** POST the username/password form; returns { c, r, token, csrf } where token is the code form's (null when none). */
async function passwordStep(c, name, pw) {
  const r = await c.tryLogin(name, pw);
  const token = r.text.match(/name="token" value="([0-9a-f]{64})"/)?.[1] ?? null;
  return { r, token, csrf: csrfFrom(r.text) };
}

async function codeStep(c, token, csrf, code) {
  const r = await c.post('/admin/login/totp', { token, code, csrf });
  const next = r.text.match(/name="token" value="([0-9a-f]{64})"/)?.[1] ?? null;
  return { r, token: next, csrf: csrfFrom(r.text) };
}

// ---------------------------------------------------------------- setup

before(async () => {
  // the node implementation agrees with RFC 6238 (T = 59: 94287082 → 287082)
  assert.equal(totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 1), '287082');
  env = makeDb({ demo: true });
  cli(env.db, ['init', '--org-name', OTHER_NAME, '--org-slug', OTHER, '--org-code', '123456799']);
  cliUser(OTHER_ADMIN, OTHER_ADMIN_PW, OTHER, 'orgadmin');
  cliUser(PLAIN_EDITOR, PLAIN_PW);
  srv = await startServer(env);
});

after(async () => {
  try {
    if (srv) await srv.stop();
  } finally {
    cleanup(env);
  }
});

describe('users and roles', () => {
  test("the users page lists the org's staff with Chinese role names and what each role may do; 机构管理员 only", async () => {
    const adm = await login('tongxiang', env.orgPassword);
    const r = await adm.get(USERS);
    assert.equal(r.status, 200);
    assertPageBasics(r.text, USERS);
    const rows = memberRows(r.text);
    const me = rows.find((x) => x.name === 'tongxiang');
    assert.equal(me.roles, '机构管理员');
    assert.equal(rows.find((x) => x.name === PLAIN_EDITOR).roles, '信息员');
    assert.ok(!rows.some((x) => x.name === OTHER_ADMIN || x.name === 'admin'), 'no one from another org, no platform admin');
    const legend = textOf(r.text.match(/<table class="items roles">[\s\S]*?<\/table>/)[0]);
    for (const [name, does] of [['信息员', '起草'], ['审核员', '发布'], ['承办人', '分配给自己'], ['领导/只读', '查看'], ['系统管理员', '所有机构']]) {
      assert.match(legend, new RegExp(`${name.replace('/', '\\/')}.*${does}`), `the legend says what a ${name} may do`);
    }
    // an editor of the org may not see it
    const ed = await login(PLAIN_EDITOR, PLAIN_PW);
    assert.equal((await ed.get(USERS)).status, 403);
    assert.equal((await ed.post(`${USERS}/new`, { username: 'sneaky', display_name: 'x', role_orgadmin: '1' })).status, 403);
  });

  test('an org admin creates an editor; the one-time password is shown once and must be changed at the first login', async () => {
    const adm = await login('tongxiang', env.orgPassword);
    const noCsrf = await adm.post(`${USERS}/new`, { username: 'li.si', display_name: '李四', role_editor: '1', csrf: null });
    assert.equal(noCsrf.status, 403, 'CSRF required');
    const bad = await adm.post(`${USERS}/new`, { username: '李四', display_name: '李四', role_editor: '1' });
    assert.equal(bad.status, 400);
    assert.match(errorText(bad.text), /用户名只能用字母/);
    const none = await adm.post(`${USERS}/new`, { username: 'li.si', display_name: '李四' });
    assert.equal(none.status, 400);
    assert.match(errorText(none.text), /至少选择一个角色/);
    const { id, password, page } = await createUser(adm, 'li.si', '李四', ['editor']);
    assertPageBasics(page.text, 'the new user page');
    assert.equal(textOf(page.text.match(/<td id="member-roles">([\s\S]*?)<\/td>/)[1]), '信息员');
    assert.match(textOf(page.text.match(/<td id="member-state">([\s\S]*?)<\/td>/)[1]), /下次登录须修改密码/);
    assert.equal(password.length, 16);
    // shown once: the member page does not show it again
    const again = await adm.get(`${USERS}/${id}`);
    assert.ok(!again.text.includes(password), 'the one-time password is not shown again');
    const dup = await adm.post(`${USERS}/new`, { username: 'li.si', display_name: '另一个李四', role_viewer: '1' });
    assert.equal(dup.status, 409);
    assert.match(errorText(dup.text), /已被使用/);

    // the editor's first login lands on the password form, and nothing else opens
    const ed = new AddrClient(srv);
    const r = await ed.tryLogin('li.si', password);
    assert.equal(r.status, 303);
    assert.equal(r.location, '/admin/password');
    for (const p of ['/admin/', `/admin/o/${ORG}/items`, '/admin/sessions', '/admin/account']) {
      const g = await ed.get(p);
      assert.equal(g.status, 303, `${p} before the change`);
      assert.equal(g.location, '/admin/password');
    }
    const form = await ed.get('/admin/password');
    assert.equal(form.status, 200);
    assertPageBasics(form.text, '/admin/password (forced)');
    assert.match(textOf(form.text), /一次性密码/);
    ed.csrf = csrfFrom(form.text);
    const post = await ed.post(`/admin/o/${ORG}/items/new`, { title: 'x' });
    assert.equal(post.status, 403, 'a form elsewhere is refused');
    // the policy: common passwords, the username, the same password
    const common = await ed.post('/admin/password', { current: password, new: 'Password123', again: 'Password123' });
    assert.equal(common.status, 400);
    assert.match(errorText(common.text), /常见/);
    const same = await ed.post('/admin/password', { current: password, new: password, again: password });
    assert.equal(same.status, 400);
    assert.match(errorText(same.text), /不能与当前密码相同/);
    const ok = await ed.post('/admin/password', { current: password, new: 'Li-Si-own-2026', again: 'Li-Si-own-2026' });
    assert.equal(ok.status, 200, `change: ${errorText(ok.text)}`);
    assert.equal((await ed.get(`/admin/o/${ORG}/items`)).status, 200, 'the desk opens after the change');
    const listed = memberRows((await adm.get(USERS)).text).find((x) => x.name === 'li.si');
    assert.equal(listed.roles, '信息员');
    assert.doesNotMatch(listed.state, /待修改密码/);
  });

  test("a user in two orgs sees both; each org's admin sees only that org's roles", async () => {
    const adm = await login('tongxiang', env.orgPassword);
    const { id } = await createUser(adm, 'wang.wu', '王五', ['editor']);
    cli(env.db, ['user', 'passwd', 'wang.wu', '--password-stdin'], { input: 'Wang-Wu-2026-pass\n' });
    // the other org's admin adds the existing account by name; the CLI grants one more role there
    const oadm = await login(OTHER_ADMIN, OTHER_ADMIN_PW);
    const missing = await oadm.post(`${OTHER_USERS}/add`, { username: 'no-such-user', role_reviewer: '1' });
    assert.equal(missing.status, 404);
    const add = await oadm.post(`${OTHER_USERS}/add`, { username: 'wang.wu', role_reviewer: '1' });
    assert.equal(add.status, 200, `add: ${errorText(add.text)}`);
    const g = cli(env.db, ['user', 'grant', 'wang.wu', '--org', OTHER, '--role', 'handler']);
    assert.match(g.stdout, /已授予用户 wang\.wu 在 users-other 的角色 handler（承办人）/);
    assert.equal((await oadm.post(`${OTHER_USERS}/add`, { username: 'wang.wu', role_viewer: '1' })).status, 409, 'already there');

    const w = await login('wang.wu', 'Wang-Wu-2026-pass');
    const home = await w.get('/admin/');
    assert.equal(home.status, 200, 'two orgs: the desk lists them');
    assert.match(textOf(home.text), new RegExp(ORG_NAME));
    assert.match(textOf(home.text), new RegExp(OTHER_NAME));
    assert.equal((await w.get(`/admin/o/${OTHER}/items`)).status, 200);

    const mine = (await adm.get(`${USERS}/${id}`)).text;
    assert.equal(textOf(mine.match(/<td id="member-roles">([\s\S]*?)<\/td>/)[1]), '信息员');
    const theirs = (await oadm.get(`${OTHER_USERS}/${id}`)).text;
    assert.equal(textOf(theirs.match(/<td id="member-roles">([\s\S]*?)<\/td>/)[1]), '审核员、承办人');
    assert.equal(memberRows((await oadm.get(OTHER_USERS)).text).find((x) => x.name === 'wang.wu').roles, '审核员、承办人');
    const list = cli(env.db, ['user', 'list']).stdout.split('\n').find((l) => l.startsWith('wang.wu '));
    assert.match(list, new RegExp(`${ORG}: 信息员；${OTHER}: 审核员、承办人`));

    // the account itself is shared: one org's admin may not reset or disable it
    const reset = await adm.post(`${USERS}/${id}/reset-password`);
    assert.equal(reset.status, 403);
    assert.match(errorText(reset.text), new RegExp(`还在“${OTHER_NAME}”任职`));
    assert.equal((await adm.post(`${USERS}/${id}/disable`)).status, 403);
    assert.ok(await loggedIn(w), 'still logged in');
    // changing this org's roles leaves the other org's alone
    const ch = await adm.post(`${USERS}/${id}/roles`, { role_viewer: '1' });
    assert.equal(ch.status, 200);
    assert.equal(textOf(ch.text.match(/<td id="member-roles">([\s\S]*?)<\/td>/)[1]), '领导/只读');
    assert.equal(memberRows((await oadm.get(OTHER_USERS)).text).find((x) => x.name === 'wang.wu').roles, '审核员、承办人');
  });

  test("an org admin can neither see nor change another org's members, whatever id is used", async () => {
    const oadm = await login(OTHER_ADMIN, OTHER_ADMIN_PW);
    const adm = await login('tongxiang', env.orgPassword);
    const txId = await memberId(adm, USERS, 'tongxiang');
    const plainId = await memberId(adm, USERS, PLAIN_EDITOR);
    // through the other org's paths: 403
    assert.equal((await oadm.get(USERS)).status, 403);
    assert.equal((await oadm.get(`${USERS}/${plainId}`)).status, 403);
    for (const a of ['roles', 'remove', 'disable', 'enable', 'reset-password']) {
      assert.equal((await oadm.post(`${USERS}/${plainId}/${a}`, { role_orgadmin: '1' })).status, 403, `${a} via ${ORG}`);
    }
    assert.equal((await oadm.post(`${USERS}/new`, { username: 'planted', display_name: 'x', role_orgadmin: '1' })).status, 403);
    // through its own org's paths with the ids of our members: 404
    for (const id of [txId, plainId, 999999]) {
      assert.equal((await oadm.get(`${OTHER_USERS}/${id}`)).status, 404);
      for (const a of ['roles', 'remove', 'disable', 'enable', 'reset-password']) {
        const r = await oadm.post(`${OTHER_USERS}/${id}/${a}`, { role_orgadmin: '1' });
        assert.equal(r.status, 404, `${a} of user ${id} via ${OTHER}`);
      }
    }
    // nothing changed: both still log in with their passwords and roles
    await login(PLAIN_EDITOR, PLAIN_PW);
    assert.equal(memberRows((await adm.get(USERS)).text).find((x) => x.name === PLAIN_EDITOR).roles, '信息员');
    assert.ok(!cli(env.db, ['user', 'list']).stdout.includes('planted'));
    // and only a 系统管理员 hands out 系统管理员
    const sys = await adm.post(`${USERS}/${plainId}/roles`, { role_editor: '1', role_sysadmin: '1', sysadmin_field: '1' });
    assert.equal(sys.status, 403);
    assert.match(errorText(sys.text), /只有系统管理员/);
  });

  test('the last 机构管理员 cannot be removed, nor one\'s own 机构管理员 role', async () => {
    const adm = await login('tongxiang', env.orgPassword);
    const sys = await login('admin', env.adminPassword);
    const txId = await memberId(adm, USERS, 'tongxiang');
    const own = await adm.post(`${USERS}/${txId}/roles`, { role_editor: '1' });
    assert.equal(own.status, 409);
    assert.match(errorText(own.text), /不能取消您自己的机构管理员角色/);
    assert.equal((await adm.post(`${USERS}/${txId}/remove`)).status, 409);
    for (const [a, f] of [['roles', { role_editor: '1' }], ['remove', {}], ['disable', {}]]) {
      const r = await sys.post(`${USERS}/${txId}/${a}`, f);
      assert.equal(r.status, 409, `${a} by the 系统管理员`);
      assert.match(errorText(r.text), /最后一位机构管理员/);
    }
    const cliRevoke = cli(env.db, ['user', 'revoke', 'tongxiang', '--org', ORG, '--role', 'orgadmin'], { allowFail: true });
    assert.equal(cliRevoke.status, 1);
    assert.match(cliRevoke.stderr, /最后一位机构管理员/);
    assert.equal(memberRows((await adm.get(USERS)).text).find((x) => x.name === 'tongxiang').roles, '机构管理员');
    // with a second one, one of them may go
    const { id } = await createUser(adm, 'deputy', '副管理员', ['orgadmin']);
    const down = await adm.post(`${USERS}/${id}/roles`, { role_viewer: '1' });
    assert.equal(down.status, 200, errorText(down.text));
    assert.equal(textOf(down.text.match(/<td id="member-roles">([\s\S]*?)<\/td>/)[1]), '领导/只读');
    const gone = await adm.post(`${USERS}/${id}/remove`);
    assert.equal(gone.status, 200);
    assert.ok(!memberRows(gone.text).some((x) => x.name === 'deputy'), 'removed from the list');
    // the 系统管理员 may grant 系统管理员 (the checkbox only it sees)
    const plainId = await memberId(adm, USERS, PLAIN_EDITOR);
    assert.ok(!(await adm.get(`${USERS}/${plainId}`)).text.includes('name="role_sysadmin"'), 'no 系统管理员 box for an org admin');
    const sysView = await sys.get(`${USERS}/${plainId}`);
    assertPageBasics(sysView.text, 'a member page as 系统管理员');
    assert.ok(sysView.text.includes('name="role_sysadmin"'), 'the 系统管理员 sees the box');
    const grant = await sys.post(`${USERS}/${plainId}/roles`, { role_editor: '1', role_sysadmin: '1', sysadmin_field: '1' });
    assert.equal(grant.status, 200);
    assert.match(cli(env.db, ['user', 'list']).stdout.split('\n').find((l) => l.startsWith(PLAIN_EDITOR)), /platform: 系统管理员/);
    const revoke = await sys.post(`${USERS}/${plainId}/roles`, { role_editor: '1', sysadmin_field: '1' });
    assert.equal(revoke.status, 200);
    assert.doesNotMatch(cli(env.db, ['user', 'list']).stdout.split('\n').find((l) => l.startsWith(PLAIN_EDITOR)), /系统管理员/);
  });

  test("a password reset gives a one-time password and ends the user's sessions", async () => {
    cliUser('reset-me', 'Reset-Me-2026-pass');
    const adm = await login('tongxiang', env.orgPassword);
    const u1 = await login('reset-me', 'Reset-Me-2026-pass');
    const u2 = await login('reset-me', 'Reset-Me-2026-pass');
    const id = await memberId(adm, USERS, 'reset-me');
    assert.equal((await adm.post(`${USERS}/${id}/reset-password`, { csrf: null })).status, 403, 'CSRF required');
    assert.ok(await loggedIn(u1));
    const r = await adm.post(`${USERS}/${id}/reset-password`);
    assert.equal(r.status, 200);
    assert.match(noticeText(r.text), /所有登录已退出/);
    const pw = onetime(r.text);
    assert.equal(await loggedIn(u1), false, 'session 1 ended');
    assert.equal(await loggedIn(u2), false, 'session 2 ended');
    assert.equal((await new AddrClient(srv).tryLogin('reset-me', 'Reset-Me-2026-pass')).status, 403, 'the old password is gone');
    const fresh = await new AddrClient(srv).tryLogin('reset-me', pw);
    assert.equal(fresh.status, 303);
    assert.equal(fresh.location, '/admin/password', 'must change it first');
    // nobody resets their own account here
    const txId = await memberId(adm, USERS, 'tongxiang');
    const self = await adm.post(`${USERS}/${txId}/reset-password`);
    assert.equal(self.status, 409);
    assert.match(errorText(self.text), /不能重置您自己的账号/);
  });

  test('a disabled user cannot log in and their sessions end; enabled again, they can', async () => {
    cliUser('dis-me', 'Dis-Me-2026-pass');
    const adm = await login('tongxiang', env.orgPassword);
    const u = await login('dis-me', 'Dis-Me-2026-pass');
    const id = await memberId(adm, USERS, 'dis-me');
    const r = await adm.post(`${USERS}/${id}/disable`);
    assert.equal(r.status, 200);
    assert.match(textOf(r.text.match(/<td id="member-state">([\s\S]*?)<\/td>/)[1]), /已停用/);
    assert.equal(await loggedIn(u), false, 'the session ended');
    const t = await new AddrClient(srv).tryLogin('dis-me', 'Dis-Me-2026-pass');
    assert.equal(t.status, 403);
    assert.match(errorText(t.text), /用户名或密码不正确/, 'the same answer as a wrong password');
    assert.match(memberRows((await adm.get(USERS)).text).find((x) => x.name === 'dis-me').state, /已停用/);
    assert.equal((await adm.post(`${USERS}/${id}/enable`)).status, 200);
    await login('dis-me', 'Dis-Me-2026-pass');
  });
});

describe('TOTP second factor', () => {
  test('enrol, confirm, then the login asks for the code: wrong and replayed codes refused, single-use form, switching off', async () => {
    const PW = 'Totp-User-2026-pass';
    cliUser('totp-a', PW);
    const me = await login('totp-a', PW);
    const s = await earlyInStep();
    const wrongPw = await me.post('/admin/account/totp/enrol', { password: 'not-my-password' });
    assert.equal(wrongPw.status, 403);
    const secret = await enrolTotp(me, PW, s - 1);
    const acc = await me.get('/admin/account');
    assertPageBasics(acc.text, '/admin/account');
    assert.equal(textOf(acc.text.match(/<td id="totp-state">([\s\S]*?)<\/td>/)[1]), '已开启');
    assert.ok(!acc.text.includes(secret) && !acc.text.includes(secret.slice(0, 8)), 'the key is never shown again');
    assert.ok(await loggedIn(me), 'the enrolling session goes on');

    // the password alone opens nothing: a code form, no session
    const c = new AddrClient(srv);
    let st = await passwordStep(c, 'totp-a', PW);
    assert.equal(st.r.status, 200);
    assertPageBasics(st.r.text, 'the code form');
    assert.ok(st.token, 'the code form carries a pending-login token');
    assert.equal(c.jar.get('gk_session'), undefined, 'no session after the password');
    assert.equal((await c.get('/admin/sessions')).status, 303);
    // a wrong code: refused, a new form
    const wrongCode = totp(secret, s) === '000000' ? '111111' : '000000';
    st = await codeStep(c, st.token, st.csrf, wrongCode);
    assert.equal(st.r.status, 403);
    assert.match(errorText(st.r.text), /验证码不正确/);
    assert.equal(c.jar.get('gk_session'), undefined);
    const used = st.token;
    st = await codeStep(c, st.token, st.csrf, totp(secret, s));
    assert.equal(st.r.status, 303, `right code: ${st.r.status} ${errorText(st.r.text)}`);
    assert.equal(st.r.location, '/admin/');
    assert.ok(c.jar.get('gk_session'), 'a session after the code');
    assert.ok(await loggedIn(c));
    // the form's token was single-use
    const reuse = await new AddrClient(srv).post('/admin/login/totp', { token: used, code: totp(secret, s + 1), csrf: null });
    assert.equal(reuse.status, 403);
    const c2 = new AddrClient(srv);
    const f2 = await c2.get('/admin/login');
    const reuse2 = await c2.post('/admin/login/totp', { token: used, code: totp(secret, s + 1), csrf: csrfFrom(f2.text) });
    assert.equal(reuse2.status, 403);
    assert.match(errorText(reuse2.text), /登录已超时/);
    assert.equal(c2.jar.get('gk_session'), undefined);

    // the same code again (replay): refused
    const d = new AddrClient(srv);
    let sd = await passwordStep(d, 'totp-a', PW);
    sd = await codeStep(d, sd.token, sd.csrf, totp(secret, s));
    assert.equal(sd.r.status, 403);
    assert.match(errorText(sd.r.text), /已经用过/);
    assert.equal(d.jar.get('gk_session'), undefined);

    // switching off needs the password and a fresh code
    const offWrong = await me.post('/admin/account/totp/off', { password: PW, code: totp(secret, s) });
    assert.equal(offWrong.status, 403, 'a used code does not switch it off');
    const offPw = await me.post('/admin/account/totp/off', { password: 'wrong-password!', code: totp(secret, s + 1) });
    assert.equal(offPw.status, 403);
    const off = await me.post('/admin/account/totp/off', { password: PW, code: totp(secret, s + 1) });
    assert.equal(off.status, 200, `off: ${errorText(off.text)}`);
    assert.match(noticeText(off.text), /双重验证已关闭/);
    // the password alone logs in again
    await login('totp-a', PW);
  });

  test('wrong codes count toward the login lockout; the operator can switch TOTP off', async () => {
    const PW = 'Totp-Lock-2026-pass';
    cliUser('totp-b', PW);
    const me = await login('totp-b', PW);
    const s = await earlyInStep();
    const secret = await enrolTotp(me, PW, s - 1);
    const wrongCode = [s - 1, s, s + 1].map((x) => totp(secret, x)).includes('000000') ? '111111' : '000000';
    const c = new AddrClient(srv);
    let st = await passwordStep(c, 'totp-b', PW);
    for (let i = 1; i <= 5; i++) {
      st = await codeStep(c, st.token, st.csrf, wrongCode);
      assert.equal(st.r.status, 403, `wrong code ${i}`);
    }
    // the right code now meets the lockout, like a right password after five wrong ones
    st = await codeStep(c, st.token, st.csrf, totp(secret, s));
    assert.equal(st.r.status, 429);
    assert.match(errorText(st.r.text), /登录失败次数过多/);
    assert.equal(c.jar.get('gk_session'), undefined);
    const elsewhere = await new AddrClient(srv).tryLogin('totp-b', PW);
    assert.equal(elsewhere.status, 429, 'the name is locked from any address');
    // the phone is lost: the operator switches the second factor off
    const r = cli(env.db, ['user', 'totp-off', 'totp-b']);
    assert.match(r.stdout, /已关闭用户 totp-b 的双重验证/);
    assert.match(cli(env.db, ['user', 'totp-off', 'totp-b']).stdout, /没有开启双重验证/);
    assert.equal(textOf((await me.get('/admin/account')).text.match(/<td id="totp-state">([\s\S]*?)<\/td>/)[1]), '未开启');
  });
});

describe('gongkai user', () => {
  test('grant, revoke, reset-password, disable, enable, list --org, --help and errors', async () => {
    cliUser('cli-account', 'Cli-Account-2026-pass');
    const g = cli(env.db, ['user', 'grant', 'cli-account', '--org', ORG, '--role', 'reviewer']);
    assert.match(g.stdout, /已授予/);
    assert.match(cli(env.db, ['user', 'grant', 'cli-account', '--org', ORG, '--role', 'reviewer']).stdout, /已有角色/);
    const listed = cli(env.db, ['user', 'list', '--org', ORG]).stdout.split('\n').find((l) => l.startsWith('cli-account '));
    assert.match(listed, /信息员、审核员/);
    assert.ok(!cli(env.db, ['user', 'list', '--org', OTHER]).stdout.includes('cli-account'));
    assert.match(cli(env.db, ['user', 'revoke', 'cli-account', '--org', ORG, '--role', 'reviewer']).stdout, /已取消/);
    const notHeld = cli(env.db, ['user', 'revoke', 'cli-account', '--org', ORG, '--role', 'reviewer'], { allowFail: true });
    assert.equal(notHeld.status, 1);
    assert.match(notHeld.stderr, /没有角色 reviewer/);
    const badRole = cli(env.db, ['user', 'grant', 'cli-account', '--org', ORG, '--role', 'boss'], { allowFail: true });
    assert.equal(badRole.status, 2);
    assert.match(badRole.stderr, /角色“boss”无效/);
    const noUser = cli(env.db, ['user', 'reset-password', 'nobody-here'], { allowFail: true });
    assert.equal(noUser.status, 1);
    assert.match(noUser.stderr, /用户 nobody-here 不存在/);
    for (const sub of ['grant', 'revoke', 'reset-password', 'totp-off', 'disable', 'enable', 'list']) {
      const h = cli(env.db, ['user', sub, '--help']);
      assert.match(h.stdout, new RegExp(`^用法：gongkai user ${sub}`), `user ${sub} --help`);
    }
    // a weak password is refused on the command line too
    const same = cli(env.db, ['user', 'passwd', 'cli-account', '--password-stdin'], { input: 'CLI-Account\n', allowFail: true });
    assert.equal(same.status, 1);
    assert.match(same.stderr, /不能与用户名相同/);
    const common = cli(env.db, ['user', 'passwd', 'cli-account', '--password-stdin'], { input: 'qwertyuiop\n', allowFail: true });
    assert.equal(common.status, 1);
    assert.match(common.stderr, /常见/);
    cli(env.db, ['user', 'passwd', 'cli-account', '--password-stdin'], { input: 'CLI-Account-2026\n' });

    const u = await login('cli-account', 'CLI-Account-2026');
    const reset = cli(env.db, ['user', 'reset-password', 'cli-account']);
    const m = reset.stdout.match(/一次性密码：(\S+?)（/);
    assert.ok(m, reset.stdout);
    assert.equal(await loggedIn(u), false, 'reset-password ends the sessions');
    const r = await new AddrClient(srv).tryLogin('cli-account', m[1]);
    assert.equal(r.location, '/admin/password', 'and the one-time password must be changed');
    const v = await login(PLAIN_EDITOR, PLAIN_PW);
    assert.match(cli(env.db, ['user', 'disable', PLAIN_EDITOR]).stdout, /已停用/);
    assert.equal(await loggedIn(v), false, 'disable ends the sessions');
    assert.equal((await new AddrClient(srv).tryLogin(PLAIN_EDITOR, PLAIN_PW)).status, 403);
    assert.match(cli(env.db, ['user', 'enable', PLAIN_EDITOR]).stdout, /已启用/);
    await login(PLAIN_EDITOR, PLAIN_PW);
    const lastSys = cli(env.db, ['user', 'revoke', 'admin', '--role', 'sysadmin'], { allowFail: true });
    assert.equal(lastSys.status, 1);
    assert.match(lastSys.stderr, /最后一位系统管理员/);
  });
});
