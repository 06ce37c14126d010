// audit.test.mjs - the audit trail: every change recorded with who, when,
// from which address, and the row before and after; logins and failed
// logins; the staff page and its CSV export for the org's administrators
// only; the log refusing UPDATE and DELETE (even from the sqlite3 shell),
// and `gongkai audit verify` finding an edit made behind the application's
// back once the refusal is taken away.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  Client, ORG, assertPageBasics, cleanup, cli, loginClient, makeDb, sql as dbSql, startServer, textOf,
} from './lib.mjs';

const ITEMS = `/admin/o/${ORG}/items`;
const AUDIT = `/admin/o/${ORG}/audit`;
const PW = 'Audit-Pass-2026-xyz';
let env;
let srv;
let admin;

// the database's own shell (sqlite3 or psql), behind the application's back
const sql = (q) => dbSql(env.db, q).stdout.trim();
const sqlFails = (q) => {
  const r = dbSql(env.db, q, { allowFail: true });
  return r.status === 0 ? null : r.stderr;
};

function rows(html) {
  return [...html.matchAll(/<tr><td>(\d+)<\/td><td><time>([^<]*)<\/time><\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td><pre class="changes">([\s\S]*?)<\/pre><\/td><\/tr>/g)]
    .map((m) => ({ id: Number(m[1]), at: m[2], who: textOf(m[3]), ip: m[4], action: m[5], record: textOf(m[6]), changes: textOf(m[7]) }));
}

before(async () => {
  env = makeDb();
  cli(env.db, ['user', 'add', 'au-editor', '--org', ORG, '--role', 'editor', '--password-stdin'], { input: PW + '\n' });
  srv = await startServer(env);
  admin = await loginClient(srv, 'tongxiang', env.orgPassword);
});

after(async () => {
  await srv?.stop();
  cleanup(env);
});

describe('audit trail', () => {
  let id;

  test('an edit is recorded with who, the address, and the field before and after', async () => {
    const form = await admin.get(`${ITEMS}/new`);
    const cat = form.text.match(/<option value="(\d+)"[^>]*>政策文件<\/option>/)[1];
    const c = await admin.post(`${ITEMS}/new`, { title: '审计前标题', category_id: cat, body_md: '正文' });
    assert.equal(c.status, 303);
    id = Number(c.location.match(/items\/(\d+)/)[1]);
    const e = await admin.get(`${ITEMS}/${id}`);
    const version = /name="version" value="(\d+)"/.exec(e.text)[1];
    assert.equal((await admin.post(`${ITEMS}/${id}`, { title: '审计后标题', category_id: cat, body_md: '正文', version })).status, 200);
    const r = await admin.get(`${AUDIT}?table=items&row=${id}`);
    assert.equal(r.status, 200);
    assertPageBasics(r.text, 'audit page');
    const list = rows(r.text);
    const upd = list.find((x) => x.action === '修改');
    assert.ok(upd, JSON.stringify(list));
    assert.equal(upd.who, 'tongxiang');
    assert.equal(upd.ip, '127.0.0.1');
    assert.match(upd.changes, /title: "审计前标题" → "审计后标题"/);
    assert.ok(!/body_md/.test(upd.changes), 'unchanged fields are not listed');
    assert.ok(list.some((x) => x.action === '新增'), 'the creation too');
  });

  test('logins and failed logins are recorded; secrets never are', async () => {
    const c = new Client(srv);
    const bad = await c.tryLogin('au-editor', 'wrong-password-123');
    assert.notEqual(bad.status, 303);
    await c.login('au-editor', PW);
    const r = await admin.get(`${AUDIT}?user=au-editor`);
    const acts = rows(r.text).map((x) => x.action);
    assert.ok(acts.includes('登录'), acts.join(','));
    const failed = rows((await admin.get(`${AUDIT}?action=login_failed`)).text).find((x) => /au-editor/.test(x.changes));
    assert.ok(failed, 'the failed login, naming the account');
    assert.equal(failed.ip, '127.0.0.1');
    assert.equal(failed.action, '登录失败');
    const has = (s) => sql(`SELECT COUNT(*) FROM audit_log WHERE COALESCE(before, '') || COALESCE(after, '') LIKE '%${s}%'`);
    assert.equal(has('$argon2id$'), '0', 'no password hash in the log');
    const tok = c.jar.get('gk_session');
    assert.ok(tok);
    assert.equal(has(tok), '0', 'no session token in the log');
    assert.ok(Number(sql("SELECT COUNT(*) FROM audit_log WHERE tbl = 'users' AND after LIKE '%sha256:%'")) > 0,
      'a password hash is recorded as a fingerprint');
  });

  test('the public and the command line are named as such', async () => {
    cli(env.db, ['user', 'add', 'au-cli', '--org', ORG, '--role', 'viewer', '--password-stdin'], { input: PW + '\n' });
    const who = sql("SELECT username FROM audit_log WHERE tbl = 'users' AND action = 'insert' ORDER BY id DESC LIMIT 1");
    assert.match(who, /^命令行（.+）$/);
  });

  test('only the org administrator reads it; CSV export', async () => {
    const ed = await loginClient(srv, 'au-editor', PW);
    assert.equal((await ed.get(AUDIT)).status, 403);
    assert.equal((await ed.get(`${AUDIT}.csv`)).status, 403);
    const csv = await admin.get(`${AUDIT}.csv?table=items&row=${id}`);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type'), /^text\/csv/);
    assert.match(csv.headers.get('content-disposition'), /attachment/);
    const lines = csv.text.replace(/^\uFEFF/, '').split(/\r?\n/);
    assert.match(lines[0], /^序号,时间（UTC）,用户,地址,操作,数据表,记录,修改前,修改后,校验值$/);
    assert.ok(csv.text.includes('审计后标题'));
  });

  test('the log refuses UPDATE and DELETE, even from the database shell (sqlite3, psql)', () => {
    const n = sql('SELECT COUNT(*) FROM audit_log');
    assert.match(sqlFails("UPDATE audit_log SET username = 'x' WHERE id = 1"), /append-only/);
    assert.match(sqlFails('DELETE FROM audit_log WHERE id = 1'), /append-only/);
    assert.equal(sql('SELECT COUNT(*) FROM audit_log'), n);
    const ok = cli(env.db, ['audit', 'verify']);
    assert.match(ok.stdout, /审计日志完整：\d+ 条记录/);
  });

  test('verify finds a row edited behind the application once the guard is removed', () => {
    const target = Number(sql('SELECT MIN(id) + 3 FROM audit_log'));
    sql(`DROP TRIGGER audit_log_no_update${env.pg ? ' ON audit_log' : ''}; UPDATE audit_log SET username = 'mallory' WHERE id = ${target}`);
    const r = cli(env.db, ['audit', 'verify'], { allowFail: true });
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`第 ${target} 条`));
  });
});
