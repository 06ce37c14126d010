// datasafety.test.mjs - data safety: `gongkai backup` verifies its copy,
// `gongkai restore` refuses anything but a sound backup and keeps the old
// database, and an application acknowledged with 201 survives the server
// being killed with SIGKILL while submissions are in flight. On PostgreSQL
// (GONGKAI_TEST_PG) backup and restore are the server's own tools: both
// commands refuse with a message naming pg_dump and change nothing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';

import { ORG, PG, cleanup, cli, makeDb, qs, sql, startServer } from './lib.mjs';

const API_APPLY = `/api/v1/orgs/${ORG}/applications`;
const API_TRACK = '/api/v1/applications/track';

/** An 18-digit 居民身份证 number: base17 plus its GB 11643 check character. */
function idNumber(base17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...base17].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return base17 + '10X98765432'[sum % 11];
}

const envs = [];
after(() => { for (const e of envs) cleanup(e); });

function freshDb() {
  const env = makeDb();
  envs.push(env);
  return env;
}

/** The user names `user list` prints (first column). */
function userNames(db) {
  return cli(db, ['user', 'list']).stdout;
}

/** Files in dir whose names start with the database's name plus suffix. */
function siblings(db, suffix) {
  const base = path.basename(db) + suffix;
  return fs.readdirSync(path.dirname(db)).filter((f) => f.startsWith(base));
}

// `restore` is wired in src/main.c separately: skip its tests on a binary
// that does not know the command yet.
const probe = (() => {
  const env = freshDb();
  const r = cli(env.db, ['restore', '--help'], { allowFail: true });
  if (r.status === 2 && /未知命令/.test(r.stderr)) return 'gongkai restore is not wired into src/main.c yet (unknown command): restore tests skipped';
  return false;
})();

describe('backup and restore on PostgreSQL', { skip: PG ? false : 'SQLite: the file backup and restore are tested below' }, () => {
  test('both refuse with a message naming pg_dump; nothing is written or changed', () => {
    const env = freshDb();
    const file = path.join(env.dir, 'copy.db');
    const before = userNames(env.db);
    const b = cli(env.db, ['backup', file], { allowFail: true });
    assert.equal(b.status, 1, b.stderr);
    assert.match(b.stderr, /^gongkai: PostgreSQL 数据库不能用 gongkai backup 备份.*pg_dump/m);
    assert.equal(fs.existsSync(file), false, 'no file written');
    fs.writeFileSync(file, 'SQLite format 3\0');
    const r = cli(env.db, ['restore', file], { allowFail: true });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^gongkai: PostgreSQL 数据库不能用 gongkai restore 恢复.*pg_dump.*数据库未改动/m);
    assert.equal(userNames(env.db), before);
  });
});

describe('backup', { skip: PG ? 'PostgreSQL: backup is pg_dump (refusal tested above)' : false }, () => {
  test('writes a verified copy and never overwrites', () => {
    const env = freshDb();
    const file = path.join(env.dir, 'copy.db');
    const r = cli(env.db, ['backup', file]);
    assert.match(r.stdout, /已备份到 .*完整性检查通过/);
    assert.ok(fs.statSync(file).size > 0);
    // a read-only check leaves no -wal/-shm beside the copy
    assert.deepEqual(fs.readdirSync(env.dir).filter((f) => f.startsWith('copy.db')), ['copy.db']);
    const again = cli(env.db, ['backup', file], { allowFail: true });
    assert.equal(again.status, 1);
    assert.match(again.stderr, /已存在/);
  });
});

describe('restore', { skip: probe || (PG ? 'PostgreSQL: restore is pg_restore (refusal tested above)' : false) }, () => {
  test('round trip: the change after the backup is gone, the old database is kept', () => {
    const env = freshDb();
    const file = path.join(env.dir, 'backup.db');
    cli(env.db, ['backup', file]);
    cli(env.db, ['user', 'add', 'after-backup', '--org', ORG, '--role', 'editor']);
    assert.match(userNames(env.db), /after-backup/);

    const r = cli(env.db, ['restore', file]);
    console.log(`restore said: ${r.stdout.trim().replace(/\n/g, ' | ')}`);
    assert.match(r.stdout, /已从 .* 恢复数据库/);
    assert.match(r.stdout, /原数据库已保存为 .*\.before-restore-\d{8}T\d{6}/);
    assert.doesNotMatch(userNames(env.db), /after-backup/, 'the user added after the backup is gone');
    assert.match(userNames(env.db), /tongxiang/);

    const kept = siblings(env.db, '.before-restore-');
    assert.equal(kept.length, 1, `one pre-restore copy: ${kept}`);
    assert.match(kept[0], /^t\.db\.before-restore-\d{8}T\d{6}$/);
    // the kept copy is the database as it was, with the later change
    assert.match(userNames(path.join(env.dir, kept[0])), /after-backup/);
    assert.deepEqual(siblings(env.db, '.tmp'), [], 'no temporary file left');
    // the backup file itself is untouched and still restorable
    assert.deepEqual(fs.readdirSync(env.dir).filter((f) => f.startsWith('backup.db')), ['backup.db']);
  });

  test('refuses a missing file, garbage, a truncated copy, a newer schema; the database is untouched', () => {
    const env = freshDb();
    const good = path.join(env.dir, 'good.db');
    cli(env.db, ['backup', good]);
    cli(env.db, ['user', 'add', 'still-here', '--org', ORG, '--role', 'viewer']);
    const before = userNames(env.db);

    const garbage = path.join(env.dir, 'garbage.db');
    fs.writeFileSync(garbage, 'this is not a database\n'.repeat(500));
    const truncated = path.join(env.dir, 'truncated.db');
    const bytes = fs.readFileSync(good);
    fs.writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const header = path.join(env.dir, 'header-only.db');
    fs.writeFileSync(header, bytes.subarray(0, 100));
    // damaged b-tree pages in the second half (the schema, at the start, intact)
    const corrupt = path.join(env.dir, 'corrupt.db');
    const dmg = Buffer.from(bytes);
    const ps = dmg.readUInt16BE(16);
    const pages = Math.floor(dmg.length / ps);
    for (let p = Math.floor(pages * 0.6); p < pages; p += 5) dmg.writeUInt16BE(0x7fff, p * ps + 3);
    fs.writeFileSync(corrupt, dmg);

    for (const [name, file, re] of [
      ['missing', path.join(env.dir, 'no-such.db'), /不存在/],
      ['garbage', garbage, /不是 SQLite 数据库/],
      ['truncated', truncated, /损坏|不完整|完整性检查/],
      ['header only', header, /损坏|不完整|完整性检查/],
      ['corrupt pages', corrupt, /完整性检查|损坏/],
    ]) {
      const r = cli(env.db, ['restore', file], { allowFail: true });
      assert.equal(r.status, 1, `${name}: exit 1\n${r.stderr}`);
      assert.match(r.stderr, /^gongkai: .*/m);
      assert.match(r.stderr, re, `${name}: ${r.stderr}`);
      assert.match(r.stderr, /数据库未改动/, `${name}: ${r.stderr}`);
      assert.equal(userNames(env.db), before, `${name}: the database is unchanged`);
      assert.deepEqual(siblings(env.db, '.before-restore-'), [], `${name}: nothing renamed`);
      assert.deepEqual(siblings(env.db, '.tmp'), [], `${name}: no temporary file left`);
    }

    // a backup from a newer gongkai (a schema version this binary lacks)
    const newer = path.join(env.dir, 'newer.db');
    cli(env.db, ['backup', newer]);
    // bump its version with the sqlite3 shell, when installed
    const s = spawnSync('sqlite3', [newer, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', 'x')"], { encoding: 'utf8' });
    if (s.status === 0) {
      const r = cli(env.db, ['restore', newer], { allowFail: true });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /结构版本为 9999，高于本程序支持的/);
      assert.equal(userNames(env.db), before);
    } else {
      console.log('sqlite3 shell not available: newer-schema refusal not tested');
    }

    // usage errors
    assert.equal(cli(env.db, ['restore'], { allowFail: true }).status, 2);
    assert.equal(cli(env.db, ['restore', good, good], { allowFail: true }).status, 2);
  });

  test('refuses while a server has the database open', async () => {
    const env = freshDb();
    const file = path.join(env.dir, 'b.db');
    cli(env.db, ['backup', file]);
    const srv = await startServer(env);
    try {
      const r = cli(env.db, ['restore', file], { allowFail: true });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /正在被使用.*gongkai serve/);
      assert.deepEqual(siblings(env.db, '.before-restore-'), []);
      // the server still works
      assert.equal((await srv.get('/')).status < 500, true);
    } finally {
      await srv.stop();
    }
  });
});

describe('crash safety', () => {
  test('every application acknowledged with 201 survives kill -9', async () => {
    const env = freshDb();
    const srv = await startServer(env, { threads: 8 });
    const N = 200;
    const KILL_AFTER = 100;
    const acked = [];
    let responses = 0;
    let failed = 0;
    let refused = 0;
    let killed = false;
    const body = (i) => JSON.stringify({
      applicant_type: 'natural',
      name: `断电测试${i}`,
      id_kind: '居民身份证',
      id_number: idNumber('11010519491231002'),
      phone: '138-0013-4521',
      email: 'crash@example.cn',
      address: '浙江省桐乡市梧桐街道测试路88号',
      postcode: '314500',
      info_title: `进程被强行终止时的申请 ${i}`,
      info_doc_no: '',
      info_desc: '检查已确认的申请不会丢失',
      medium: '电子',
      delivery: '电子邮件',
    });
    const one = async (i) => {
      try {
        const res = await fetch(srv.base + API_APPLY, {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: body(i),
        });
        const text = await res.text();
        if (res.status === 201) {
          const j = JSON.parse(text);
          assert.match(j.tracking_code, /^[0-9A-Z]{12}$/);
          acked.push(j.tracking_code);
        } else if (!killed) {
          assert.fail(`submission ${i}: ${res.status} ${text.slice(0, 300)}`);
        } else {
          refused++;
        }
      } catch (e) {
        if (!killed) throw e; // after the kill, failed requests are expected
        failed++;
      } finally {
        responses++;
        if (!killed && responses >= KILL_AFTER) {
          killed = true;
          srv.proc.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: N }, (_, i) => one(i)));
    const exit = await srv.exited;
    assert.equal(exit.signal, 'SIGKILL', `the server was killed, not exited: ${JSON.stringify(exit)}`);
    assert.ok(acked.length >= KILL_AFTER / 2, `enough acknowledged before the kill: ${acked.length}`);

    const srv2 = await startServer(env);
    try {
      let found = 0;
      const missing = [];
      for (const code of acked) {
        const r = await srv2.get(`${API_TRACK}?${qs({ code, check: '4521' })}`);
        if (r.status === 200) found++; else missing.push(`${code} (${r.status})`);
      }
      const stored = sql(env.db, "SELECT count(*) FROM applications WHERE name LIKE '断电测试%'").stdout.trim();
      console.log(`kill -9 after ${KILL_AFTER} of ${N} concurrent submissions: ` +
        `${stored} stored in all, ` +
        `${acked.length} acknowledged with 201, ${found} of them found after restart ` +
        `(${failed} cut off by the kill, ${refused} other answers)`);
      assert.deepEqual(missing, [], 'acknowledged applications lost');
      assert.equal(found, acked.length);
    } finally {
      await srv2.stop();
    }
  });
});
