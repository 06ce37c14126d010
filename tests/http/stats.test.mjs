// stats.test.mjs - the registers as a whole: the demo agency's 2020
// statistics page gives the seed report's figures (783 interactions by
// channel, 46 proposals by source, one review, 41 licensing decisions, the
// channel figures) with an SVG chart and a table per register; the CLI
// `gongkai registers` lists, exports and refuses a broken or GBK-mangled
// file by line without storing anything.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  ORG, assertPageBasics, cleanup, cli, loginClient, makeDb, startServer, textOf, tmpDir,
} from './lib.mjs';

let env;
let srv;
let clerk;
let viewer;

before(async () => {
  env = makeDb({ demo: true });
  cli(env.db, ['user', 'add', 'stats-viewer', '--org', ORG, '--role', 'viewer', '--password-stdin'],
    { input: 'Stats-Viewer-2026\n' });
  srv = await startServer(env);
  clerk = await loginClient(srv, 'tongxiang', env.orgPassword);
  viewer = await loginClient(srv, 'stats-viewer', 'Stats-Viewer-2026');
});

after(async () => {
  try {
    if (srv) await srv.stop();
  } finally {
    cleanup(env);
  }
});

/** The rows of the table in the section of a register: { label: [12 months..., total] }. */
function sectionTable(html, code) {
  const sec = html.match(new RegExp(`<section class="stats" id="stats-${code}">([\\s\\S]*?)</section>`));
  assert.ok(sec, `a section for ${code}`);
  const rows = {};
  for (const m of sec[1].matchAll(/<tr><th scope="row">([^<]*)<\/th>([\s\S]*?)<\/tr>/g))
    rows[textOf(m[1])] = [...m[2].matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((x) => Number(x[1]));
  return { html: sec[1], rows };
}

describe('the statistics page of 2020', () => {
  test('gives the seed report\'s figures, each with a chart and a table', async () => {
    const r = await clerk.get(`/admin/o/${ORG}/stats?year=2020`);
    assert.equal(r.status, 200);
    assertPageBasics(r.text, 'statistics page');
    const ia = sectionTable(r.text, 'interactions');
    const total = (label) => ia.rows[label].at(-1);
    assert.equal(total('市长电话'), 153);
    assert.equal(total('网上信访'), 45);
    assert.equal(total('领导信箱'), 15);
    assert.equal(total('上级转办'), 362);
    assert.equal(total('网上直接答复'), 208);
    assert.equal(total('合计'), 783);
    assert.match(ia.html, /<svg[^>]*role="img"/, 'an SVG chart');
    assert.equal(ia.rows['合计'].slice(0, 12).reduce((a, b) => a + b, 0), 783, 'the months add up');

    const pr = sectionTable(r.text, 'proposals');
    assert.equal(pr.rows['党代会'].at(-1), 3);
    assert.equal(pr.rows['人大'].at(-1), 11, '10 议案建议 and 1 闭会期间建议');
    assert.equal(pr.rows['政协'].at(-1), 28);
    assert.equal(pr.rows['合计'].at(-1), 46);

    assert.equal(sectionTable(r.text, 'reviews').rows['行政复议'].at(-1), 1);
    assert.equal(sectionTable(r.text, 'decisions').rows['行政许可'].at(-1), 41);
    const ch = sectionTable(r.text, 'channel-stats');
    const portal = Object.entries(ch.rows).filter(([k]) => k.startsWith('桐乡智慧教育网'))
      .reduce((s, [, v]) => s + v.at(-1), 0);
    assert.equal(portal, 5093, 'portal items by content type');
    assert.ok(Object.entries(ch.rows).some(([k, v]) => k.includes('推送次数') && v.at(-1) >= 700), 'about 700 pushes');
  });

  test('a viewer may read it; another year says there are no records', async () => {
    const r = await viewer.get(`/admin/o/${ORG}/stats?year=2019`);
    assert.equal(r.status, 200);
    assert.match(textOf(r.text), /2019 年没有记录/);
    assert.equal((await viewer.get(`/admin/o/${ORG}/stats?year=abc`)).status, 400);
  });
});

describe('gongkai registers', () => {
  test('lists the registers and exports a year', () => {
    const list = cli(env.db, ['registers', 'list']).stdout;
    for (const code of ['interactions', 'proposals', 'reviews', 'decisions', 'fees', 'procurements', 'channel-stats'])
      assert.match(list, new RegExp(`^${code}\\s`, 'm'));
    const out = cli(env.db, ['registers', 'export', 'decisions', '--org', ORG, '--year', '2020']).stdout;
    const lines = out.replace(/^\uFEFF/, '').trim().split(/\r\n/);
    assert.equal(lines.length, 42, 'a header and 41 decisions');
    const ia = cli(env.db, ['registers', 'export', 'interactions', '--org', ORG, '--year', '2020']).stdout;
    assert.ok(!/1[3-9]\d{9}/.test(ia), 'no phone numbers without --personal');
  });

  test('a broken file is refused by line and nothing is stored; a GBK file is read', () => {
    const dir = tmpDir('gongkai-reg-');
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, '受理日期,渠道,类别,标题,内容,来信人,联系电话\n' +
      '2020-13-01,市长电话,咨询,标题一,内容,张三,13800000000\n' +
      '2020-05-01,不存在的渠道,咨询,标题二,内容,李四,13800000001\n');
    const before = cli(env.db, ['registers', 'export', 'interactions', '--org', ORG]).stdout.trim().split(/\r\n/).length;
    const r = cli(env.db, ['registers', 'import', 'interactions', '--org', ORG, bad], { allowFail: true });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /第 2 行/);
    assert.match(r.stderr, /第 3 行.*不存在的渠道/);
    assert.match(r.stderr, /未导入任何数据/);
    const afterRows = cli(env.db, ['registers', 'export', 'interactions', '--org', ORG]).stdout.trim().split(/\r\n/).length;
    assert.equal(afterRows, before, 'nothing stored');
    // the same kind of file saved by Excel in GBK: 类型 / 案号 ... of the reviews register, checked only
    const gbk = path.join(dir, 'gbk.csv');
    const header = Buffer.from([0xC0, 0xE0, 0xD0, 0xCD]); // 类型
    fs.writeFileSync(gbk, Buffer.concat([header, Buffer.from('\n')]));
    const g = cli(env.db, ['registers', 'import', 'reviews', '--org', ORG, '--dry-run', gbk], { allowFail: true });
    assert.equal(g.status, 1);
    assert.match(g.stderr, /缺少列/, 'the GBK header was read as 类型 and the missing columns are named');
    const u = cli(env.db, ['registers', 'import', 'nonsense', '--org', ORG, gbk], { allowFail: true });
    assert.equal(u.status, 2);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
