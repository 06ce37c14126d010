// storecopy.test.mjs - moving up: `gongkai store copy` takes the demo
// agency's SQLite database to PostgreSQL (when GONGKAI_TEST_PG names a
// server, as tools/pg.sh start prints) or to another SQLite file; a second
// copy onto the now non-empty target is refused (exit 2) unless --force;
// `store verify` agrees; `audit verify` passes on the target; and the copy,
// served, answers the same pages as the original (home, catalog, an item,
// the guide, the staff statistics page) with the same bodies byte for
// byte (CSRF tokens aside), the same search results (the index rebuilt on
// the target), and the same annual report from the CLI.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { ORG, cleanup, cli, loginClient, makeDb, startServer } from './lib.mjs';

const PG = process.env.GONGKAI_TEST_PG || '';
let env;
let target;      // the copy's db_open target
let pgdb;        // the PostgreSQL database created for it
let src;
let dst;

function psql(sql) {
  const r = spawnSync('psql', [PG, '-qAtc', sql], { encoding: 'utf8' });
  assert.equal(r.status, 0, `psql ${sql}: ${r.stderr}`);
}

/** Per-request parts of a page: CSRF tokens (in forms and meta tags). */
const normal = (s) => s.replace(/(name="csrf" value=")[^"]*/g, '$1X').replace(/(<meta name="csrf-token" content=")[^"]*/g, '$1X');

before(async () => {
  env = makeDb();
  if (PG) {
    pgdb = `gk_copy_${process.pid}`;
    psql(`DROP DATABASE IF EXISTS ${pgdb}`);
    psql(`CREATE DATABASE ${pgdb}`);
    target = PG.replace(/\/[^/]*$/, `/${pgdb}`);
  } else {
    target = path.join(env.dir, 'copy.db');
  }
});

after(async () => {
  await src?.stop();
  await dst?.stop();
  if (pgdb) psql(`DROP DATABASE IF EXISTS ${pgdb} WITH (FORCE)`);
  cleanup(env);
});

test('store copy: the whole database, checked table by table', () => {
  const r = cli(env.db, ['store', 'copy', '--from', env.db, '--to', target]);
  assert.match(r.stdout, /^表\s/m, 'the per-table report is printed');
  assert.match(r.stdout, /^items\s+189\s+189\s+([0-9a-f]{16})\s+\1\s+一致$/m, 'items: 189 rows on both sides, the same checksum');
  assert.match(r.stdout, /^audit_log\s+(\d+)\s+\1\s+([0-9a-f]{16})\s+\2\s+一致$/m, 'the audit log verbatim');
  assert.doesNotMatch(r.stdout, /不一致/);
  assert.match(r.stdout, /复制完成：\d+ 个表，行数和校验值一致.*校验链完整/);

  // the target is not empty any more: refused, exit 2, and said why in Chinese
  const again = cli(env.db, ['store', 'copy', '--from', env.db, '--to', target], { allowFail: true });
  assert.equal(again.status, 2, again.stderr);
  assert.match(again.stderr, /目标库不是空的.*--force/);

  assert.match(cli(target, ['audit', 'verify']).stdout, /审计日志完整/);
  assert.match(cli(env.db, ['store', 'verify', '--from', env.db, '--to', target]).stdout, /两库的 \d+ 个表一致/);

  // a source that is not there, or the same database twice: errors, not copies
  const missing = cli(env.db, ['store', 'copy', '--from', path.join(env.dir, 'nope.db'), '--to', path.join(env.dir, 'x.db')], { allowFail: true });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /不存在/);
  const same = cli(env.db, ['store', 'copy', '--from', env.db, '--to', env.db], { allowFail: true });
  assert.equal(same.status, 2);
  assert.match(same.stderr, /同一个数据库/);
});

test('the copy serves the same pages as the original', async () => {
  src = await startServer(env);
  dst = await startServer({ ...env, db: target });
  const home = await src.get(`/o/${ORG}/`);
  assert.equal(home.status, 200);
  const cat = await src.get(`/o/${ORG}/catalog`);
  const item = cat.text.match(/href="(\/o\/[^"]+\/items\/\d+)"/);
  assert.ok(item, 'the catalog links an item');
  for (const p of ['/', `/o/${ORG}/`, `/o/${ORG}/catalog`, `/o/${ORG}/catalog?page=2`, item[1], `/o/${ORG}/guide`,
    `/o/${ORG}/feed.atom`, '/sitemap.xml']) {
    // the same Host on both (feeds and the sitemap carry absolute URLs)
    const a = await src.raw('GET', p, { headers: { host: 'gongkai.test' } });
    const b = await dst.raw('GET', p, { headers: { host: 'gongkai.test' } });
    assert.equal(b.status, a.status, `${p}: status`);
    assert.ok(a.status === 200 || a.status === 303, `${p}: ${a.status}`);
    assert.equal(b.headers.location, a.headers.location, `${p}: the same redirect`);
    // the view counter of an item page counts this very request on each side
    assert.equal(b.text, a.text, `${p}: the copy answers the same body`);
  }
  // the search index was rebuilt on the target: the same searches find the
  // same items (the ranking of the two engines may order them apart)
  const found = (t) => ({
    total: (t.match(/找到 <strong>(\d+)<\/strong> 条/) || [])[1],
    items: [...t.matchAll(/href="(\/o\/[^"]+\/items\/\d+)"/g)].map((m) => m[1]).sort(),
  });
  for (const q of ['预算', '课后服务', '资助', '财政']) {
    for (const p of [`/o/${ORG}/search?q=${encodeURIComponent(q)}`, `/search?q=${encodeURIComponent(q)}`]) {
      const a = await src.get(p);
      const b = await dst.get(p);
      assert.equal(a.status, 200, `${p}: ${a.status}`);
      assert.equal(b.status, 200, `${p} on the copy: ${b.status}`);
      const fa = found(a.text);
      assert.ok(Number(fa.total) > 0, `${p}: the original finds items`);
      assert.deepEqual(found(b.text), fa, `${p}: the copy finds the same items`);
    }
  }
  // a staff member logs into the copy with the same password, and sees
  // the same statistics of the year
  const ca = await loginClient(src, 'tongxiang', env.orgPassword);
  const cb = await loginClient(dst, 'tongxiang', env.orgPassword);
  for (const p of [`/admin/o/${ORG}/stats?year=2021`, `/admin/o/${ORG}/applications`]) {
    const a = await ca.get(p);
    const b = await cb.get(p);
    assert.equal(a.status, 200, `${p}: ${a.status}`);
    assert.equal(b.status, 200, `${p} on the copy: ${b.status}`);
    assert.equal(normal(b.text), normal(a.text), `${p}: the same page`);
  }
});

test('the annual report built from the copy is the one built from the original', () => {
  for (const fmt of ['md', 'json']) {
    const a = cli(env.db, ['report', '--org', ORG, '--year', '2021', '--format', fmt]);
    const b = cli(target, ['report', '--org', ORG, '--year', '2021', '--format', fmt]);
    assert.ok(a.stdout.length > 1000, 'a report was written');
    assert.equal(b.stdout, a.stdout, `report ${fmt}`);
  }
});

test('one agency into a fresh SQLite file, with its attachment files', async () => {
  // an attachment on the source (uploaded through its server)
  const staff = await loginClient(src, 'tongxiang', env.orgPassword);
  const form = await staff.get(`/admin/o/${ORG}/items/new`);
  const cat = form.text.match(/<option value="(\d+)"[^>]*>政策文件<\/option>/);
  const c = await staff.post(`/admin/o/${ORG}/items/new`, { category_id: cat[1], title: '复制附件测试', body_md: '正文。' });
  assert.equal(c.status, 303);
  const id = Number(c.location.match(/items\/(\d+)/)[1]);
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% store copy\ntrailer<</Root 1 0 R>>\n%%EOF\n', 'latin1');
  const fd = new FormData();
  fd.append('file', new Blob([pdf], { type: 'application/pdf' }), '附件.pdf');
  assert.equal((await staff.postMultipart(`/admin/o/${ORG}/items/${id}/files`, fd)).status, 200);
  const sha = crypto.createHash('sha256').update(pdf).digest('hex');

  const one = path.join(env.dir, 'one.db');
  const files2 = path.join(env.dir, 'files2');
  const r = cli(env.db, ['store', 'copy', '--from', env.db, '--to', one, '--org', ORG, '--files-from', env.files, '--files-to', files2]);
  assert.match(r.stdout, /^items\s+190\s+190\s/m);
  assert.match(r.stdout, /^attachments\s+1\s+1\s/m);
  assert.match(r.stdout, /^calendar_days\s.*另复制被引用的共享记录 \d+ 条/m, 'the platform calendar came along');
  assert.match(r.stdout, /附件：复制 1 个文件/);
  assert.ok(fs.readFileSync(path.join(files2, sha.slice(0, 2), sha)).equals(pdf), 'the attachment file, byte for byte');
  // without --files-from/--files-to: says what to copy
  const two = path.join(env.dir, 'two.db');
  assert.match(cli(env.db, ['store', 'copy', '--from', env.db, '--to', two, '--org', ORG]).stdout, /引用 1 个附件文件/);
  assert.match(cli(one, ['audit', 'verify']).stdout, /审计日志完整/);
  const again = cli(env.db, ['store', 'copy', '--from', env.db, '--to', one, '--org', ORG], { allowFail: true });
  assert.equal(again.status, 1);
  assert.match(again.stderr, /已复制过/);
});
