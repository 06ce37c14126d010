// channel_stats.test.mjs - the staff pages of the channel figures (公开渠道数据):
// the demo agency's 2020 file imported through the page (a dry run first) gives
// the seed report's figures; a bad file is refused by line and stores nothing;
// the grid of a channel (months × metrics) saves a corrected cell, refuses a bad
// one keeping the form, and takes the best item's title on the WeChat account;
// charts are inline SVG without anything the CSP forbids; channels are added,
// renamed, refused a type their figures do not fit, deleted; export as CSV;
// a viewer reads but cannot change; another org gets 403 or 404; escaping.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  ORG, ROOT, assertPageBasics, cleanup, cli, externalUrls, loginClient, makeDb, startServer, textOf,
} from './lib.mjs';

const BASE = `/admin/o/${ORG}/channel-stats`;
const DEMO_CSV = path.join(ROOT, 'data/demo/tongxiang-edu/channel-stats.csv');
const VIEWER = 'viewer-chst';
const VIEWER_PW = 'Viewer-Pass-2026-chst';
const OTHER = 'other-chst';
const OTHER_ADMIN = 'other-chst-admin';
const OTHER_PW = 'Other-Pass-2026-chst';
const HEADER = '渠道,渠道类型,年度,月份,指标,数值,说明\n';

let env;
let srv;
let clerk;
let viewer;
let other;

function errorText(html) {
  const m = html.match(/<p class="error"[^>]*>([\s\S]*?)<\/p>/);
  return m ? textOf(m[1]) : '';
}

function noticeText(html) {
  const m = html.match(/<p class="notice"[^>]*>([\s\S]*?)<\/p>/);
  return m ? textOf(m[1]) : '';
}

/** The yearly totals of each channel section of the list page: { name: { metric: [total, note] } }. */
function totals(html) {
  const out = {};
  for (const s of html.matchAll(/<section class="channel"[^>]*>([\s\S]*?)<\/section>/g)) {
    const name = textOf(s[1].match(/<h2[^>]*>([^<]*)</)[1]);
    const t = {};
    for (const r of s[1].matchAll(/<tr><th scope="row">([^<]*)<\/th><td>[^<]*<\/td><td class="num">(?:<strong>)?([^<]*)(?:<\/strong>)?<\/td><td>([^<]*)<\/td><\/tr>/g)) {
      t[textOf(r[1])] = [r[2], textOf(r[3])];
    }
    out[name] = t;
  }
  return out;
}

/** The channel ids of the list page by name. */
function channelIds(html) {
  const out = {};
  for (const s of html.matchAll(/<section class="channel" aria-labelledby="ch(\d+)-h">\s*<h2[^>]*>([^<]*)</g)) {
    out[textOf(s[2])] = Number(s[1]);
  }
  return out;
}

/** Every input of the grid form as { name: value }. */
function gridFields(html) {
  const form = html.match(new RegExp(`<form method="post" action="${BASE}/\\d+">([\\s\\S]*?)</form>`));
  assert.ok(form, 'the page has the grid form');
  const out = {};
  for (const m of form[1].matchAll(/<input[^>]*>/g)) {
    const name = m[0].match(/name="([^"]*)"/)?.[1];
    const value = m[0].match(/value="([^"]*)"/)?.[1] ?? '';
    if (name) out[name] = value.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'");
  }
  return out;
}

/** The grid's column index of a metric (from the o<j> hidden inputs). */
function colOf(fields, metric) {
  const k = Object.keys(fields).find((n) => /^o\d+$/.test(n) && fields[n] === metric);
  assert.ok(k, `the grid has a column ${metric}: ${JSON.stringify(fields).slice(0, 300)}`);
  return Number(k.slice(1));
}

async function upload(c, csv, { dry = false, encoding = 'auto', name = 'figures.csv' } = {}) {
  const fd = new FormData();
  fd.append('encoding', encoding);
  fd.append('year', '2020');
  if (dry) fd.append('dry_run', '1');
  fd.append('file', new Blob([csv], { type: 'text/csv' }), name);
  return c.postMultipart(`${BASE}/import`, fd);
}

before(async () => {
  env = makeDb({ demo: true });
  cli(env.db, ['user', 'add', VIEWER, '--org', ORG, '--role', 'viewer', '--password-stdin'], { input: VIEWER_PW + '\n' });
  cli(env.db, ['init', '--org-name', '测试市其他局', '--org-slug', OTHER, '--org-code', '123456781']);
  cli(env.db, ['user', 'add', OTHER_ADMIN, '--org', OTHER, '--role', 'orgadmin', '--password-stdin'], { input: OTHER_PW + '\n' });
  srv = await startServer(env);
  clerk = await loginClient(srv, 'tongxiang', env.orgPassword);
  viewer = await loginClient(srv, VIEWER, VIEWER_PW);
  other = await loginClient(srv, OTHER_ADMIN, OTHER_PW);
});

after(async () => {
  try {
    if (srv) await srv.stop();
  } finally {
    cleanup(env);
  }
});

describe('the demo agency\'s 2020 figures', () => {
  test('the list page is valid and offers the forms to the orgadmin', async () => {
    const r = await clerk.get(`${BASE}?year=2020`);
    assert.equal(r.status, 200);
    assertPageBasics(r.text, 'channel figures');
    assert.match(r.text, /<h1>公开渠道数据（2020 年）<\/h1>/);
    assert.match(r.text, /添加渠道/);
    assert.match(r.text, /从 CSV 文件导入/);
    assert.match(r.text, /enctype="multipart\/form-data"/);
  });

  test('a dry run checks the file and stores nothing', async () => {
    const before = totals((await clerk.get(`${BASE}?year=2020`)).text);
    const r = await upload(clerk, fs.readFileSync(DEMO_CSV), { dry: true });
    assert.equal(r.status, 200, errorText(r.text));
    assert.match(noticeText(r.text), /检查通过：共 96 行/);
    assert.match(noticeText(r.text), /未导入/);
    assert.deepEqual(totals(r.text), before);
  });

  test('the import gives the seed report\'s figures', async () => {
    const r = await upload(clerk, fs.readFileSync(DEMO_CSV));
    assert.equal(r.status, 200, errorText(r.text));
    assert.match(noticeText(r.text), /已导入 96 行（UTF-8 编码）/);
    assertPageBasics(r.text, 'after the import');
    const t = totals((await clerk.get(`${BASE}?year=2020`)).text);
    assert.deepEqual(t['桐乡智慧教育网'], {
      动态类: ['3,126', ''], 公告类: ['1,047', ''], 法规政策类: ['298', ''], 招生考试类: ['622', ''],
      信息总数: ['5,093', ''],
    });
    const wx = t['桐乡教育'];
    assert.equal(wx['推送次数'][0], '712');
    assert.equal(wx['阅读量'][0], '6,950,000');
    assert.deepEqual(wx['关注人数'], ['121,500', '截至 12 月']);
    assert.deepEqual(wx['最高单条阅读'], ['103,000', '6 月：2020年桐乡市义务教育阶段学校招生入学公告']);
    // importing the same file again replaces, it does not add
    await upload(clerk, fs.readFileSync(DEMO_CSV));
    assert.deepEqual(totals((await clerk.get(`${BASE}?year=2020`)).text), t);
  });

  test('a bad file is refused by line and stores nothing', async () => {
    const before = totals((await clerk.get(`${BASE}?year=2020`)).text);
    const r = await upload(clerk, HEADER +
      '桐乡智慧教育网,,2020,1,动态类,999,\n' +
      '新渠道,,2020,1,动态类,5,\n' +
      '桐乡教育,,2020,13,推送次数,5,\n' +
      '桐乡教育,,2020,2,点赞数,5,\n');
    assert.equal(r.status, 400);
    assertPageBasics(r.text, 'import errors');
    assert.match(errorText(r.text), /3 处错误/);
    const items = [...r.text.matchAll(/<li>([^<]*)<\/li>/g)].map((m) => m[1]);
    assert.ok(items.some((s) => /^第 3 行：.*渠道类型/.test(s)), items.join('\n'));
    assert.ok(items.some((s) => /^第 4 行：.*月份/.test(s)), items.join('\n'));
    assert.ok(items.some((s) => /^第 5 行：.*点赞数/.test(s)), items.join('\n'));
    assert.deepEqual(totals((await clerk.get(`${BASE}?year=2020`)).text), before);
    const none = await clerk.postMultipart(`${BASE}/import`, new FormData());
    assert.equal(none.status, 400);
    assert.match(errorText(none.text), /请选择要导入的 CSV 文件/);
  });

  test('a file saved by Excel in GBK is read as such', async () => {
    // "渠道,渠道类型,年度,月份,指标,数值,说明\r\n桐乡教育,,2019,12,推送次数,40,\r\n" in GBK
    const gbk = Buffer.from('c7feb5c02cc7feb5c0c0e0d0cd2cc4eab6c82cd4c2b7dd2cd6b8b1ea2ccafdd6b52ccbb5c3f70d0a' +
      'cda9cfe7bdccd3fd2c2c323031392c31322ccdc6cbcdb4cecafd2c34302c0d0a', 'hex');
    const r = await upload(clerk, gbk);
    assert.equal(r.status, 200, errorText(r.text));
    assert.match(noticeText(r.text), /已导入 1 行（GBK 编码）/);
    assert.deepEqual(totals((await clerk.get(`${BASE}?year=2019`)).text)['桐乡教育']['推送次数'], ['40', '']);
    const forced = await upload(clerk, gbk, { encoding: 'utf-8' });
    assert.equal(forced.status, 400);
    assert.match(errorText(forced.text), /第 1 行/);
  });

  test('export: the year as CSV with a BOM, read back by the import', async () => {
    const r = await clerk.get(`${BASE}/export?year=2020`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/csv/);
    assert.match(r.headers.get('content-disposition'), /^attachment; filename\*=UTF-8''/);
    // the bytes: a UTF-8 BOM first (fetch's text() drops it)
    const raw = Buffer.from(await (await srv.fetch(`${BASE}/export?year=2020`, { headers: { cookie: clerk.jar.header() } })).arrayBuffer());
    assert.ok(raw.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'a BOM');
    assert.ok(r.text.replace(/^\ufeff/, '').startsWith('渠道,渠道类型,年度,月份,指标,数值,说明\r\n'), r.text.slice(0, 80));
    assert.match(r.text, /\r\n桐乡教育,政务新媒体（微信公众号）,2020,6,最高单条阅读,103000,2020年桐乡市义务教育阶段学校招生入学公告\r\n/);
    assert.equal(r.text.trim().split('\r\n').length, 97);
    const back = await upload(clerk, r.text, { dry: true });
    assert.equal(back.status, 200, errorText(back.text));
  });
});

describe('the grid of a channel', () => {
  let ids;

  before(async () => {
    ids = channelIds((await clerk.get(`${BASE}?year=2020`)).text);
    assert.ok(ids['桐乡智慧教育网'] && ids['桐乡教育'], JSON.stringify(ids));
  });

  test('the portal\'s grid is valid, with its content types and a chart', async () => {
    const r = await clerk.get(`${BASE}/${ids['桐乡智慧教育网']}?year=2020`);
    assert.equal(r.status, 200);
    assertPageBasics(r.text, 'portal grid');
    const f = gridFields(r.text);
    const j = colOf(f, '动态类');
    assert.equal(f[`v${j}_1`], '230');
    assert.equal(f[`v${j}_12`], '311');
    assert.equal(f[`m${j}`], '动态类', 'a content type can be renamed');
    // two empty columns for new content types
    assert.ok(Object.keys(f).filter((k) => /^m\d+$/.test(k) && f[k] === '').length >= 2);
    const svg = r.text.match(/<svg [\s\S]*?<\/svg>/);
    assert.ok(svg, 'a chart');
    assert.match(svg[0], /role="img"/);
    assert.match(svg[0], /<title id="chart0-t">桐乡智慧教育网 2020 年各月发布信息数（按内容类别）<\/title>/);
    assert.match(svg[0], /<desc id="chart0-d">动态类：1月 230条，2月 180条/);
    assert.doesNotMatch(svg[0], /<script|style=|href|url\(/);
    assert.deepEqual(externalUrls(r.text, srv.base), []);
    assert.match(r.text, /全年发布信息 <strong>5,093<\/strong> 条/);
  });

  test('a corrected cell is saved; a bad one is refused with the form kept', async () => {
    const url = `${BASE}/${ids['桐乡智慧教育网']}`;
    const f = gridFields((await clerk.get(`${url}?year=2020`)).text);
    const j = colOf(f, '公告类');
    const bad = await clerk.post(url, { ...f, [`v${j}_3`]: '9五', [`v${j}_4`]: '91' });
    assert.equal(bad.status, 400);
    assertPageBasics(bad.text, 'grid with an error');
    assert.match(errorText(bad.text), /3 月的“公告类”/);
    assert.match(bad.text, new RegExp(`id="v${j}_3" name="v${j}_3" value="9五"[^>]*aria-invalid="true"`));
    assert.match(bad.text, new RegExp(`id="v${j}_4" name="v${j}_4" value="91"`), 'the other changes are kept');
    let t = totals((await clerk.get(`${BASE}?year=2020`)).text);
    assert.equal(t['桐乡智慧教育网']['公告类'][0], '1,047', 'nothing changed');
    const ok = await clerk.post(url, { ...f, [`v${j}_4`]: '1,091' });
    assert.equal(ok.status, 303, errorText(ok.text));
    assert.equal(ok.location, `${url}?year=2020&done=saved`);
    const page = await clerk.get(ok.location);
    assert.match(noticeText(page.text), /数据已保存/);
    t = totals((await clerk.get(`${BASE}?year=2020`)).text);
    assert.equal(t['桐乡智慧教育网']['公告类'][0], '2,048');
    assert.equal(t['桐乡智慧教育网']['信息总数'][0], '6,094');
    // back as it was
    assert.equal((await clerk.post(url, f)).status, 303);
    t = totals((await clerk.get(`${BASE}?year=2020`)).text);
    assert.equal(t['桐乡智慧教育网']['信息总数'][0], '5,093');
  });

  test('a new content type in an empty column; a reserved name is refused', async () => {
    const url = `${BASE}/${ids['桐乡智慧教育网']}`;
    const f = gridFields((await clerk.get(`${url}?year=2021`)).text);
    const free = Object.keys(f).filter((k) => /^m\d+$/.test(k) && f[k] === '').map((k) => Number(k.slice(1)));
    const bad = await clerk.post(url, { ...f, [`m${free[0]}`]: '阅读量', [`v${free[0]}_1`]: '5' });
    assert.equal(bad.status, 400);
    assert.match(errorText(bad.text), /内容类别/);
    const ok = await clerk.post(url, { ...f, [`m${free[0]}`]: '人事信息类', [`v${free[0]}_1`]: '5' });
    assert.equal(ok.status, 303, errorText(ok.text));
    const t = totals((await clerk.get(`${BASE}?year=2021`)).text);
    assert.deepEqual(t['桐乡智慧教育网']['人事信息类'], ['5', '']);
    assert.deepEqual(totals((await clerk.get(`${BASE}?year=2020`)).text)['桐乡智慧教育网']['信息总数'], ['5,093', '']);
  });

  test('the WeChat account: four fixed metrics, the best item\'s title, three charts', async () => {
    const url = `${BASE}/${ids['桐乡教育']}`;
    const r = await clerk.get(`${url}?year=2020`);
    assert.equal(r.status, 200);
    assertPageBasics(r.text, 'new media grid');
    const f = gridFields(r.text);
    assert.deepEqual(['推送次数', '阅读量', '关注人数', '最高单条阅读'].map((m) => f[`m${colOf(f, m)}`]),
      ['推送次数', '阅读量', '关注人数', '最高单条阅读']);
    assert.doesNotMatch(r.text, /<input type="text" class="metric"/, 'the metric names are fixed');
    assert.equal(f.t6, '2020年桐乡市义务教育阶段学校招生入学公告');
    assert.equal((r.text.match(/<svg /g) || []).length, 4);
    assert.match(r.text, /<polyline /, 'followers as a line');
    const top = colOf(f, '最高单条阅读');
    // a title without a number is refused
    const bad = await clerk.post(url, { ...f, [`v${top}_7`]: '', t7: '没有阅读数的标题' });
    assert.equal(bad.status, 400);
    assert.match(errorText(bad.text), /7 月填写了最高单条阅读的标题/);
    assert.match(bad.text, /value="没有阅读数的标题"/);
    const ok = await clerk.post(url, { ...f, [`v${top}_7`]: '120000', t7: '2020年高考成绩查询<通知>' });
    assert.equal(ok.status, 303, errorText(ok.text));
    const t = totals((await clerk.get(`${BASE}?year=2020`)).text);
    assert.deepEqual(t['桐乡教育']['最高单条阅读'], ['120,000', '7 月：2020年高考成绩查询<通知>']);
    assert.equal((await clerk.post(url, f)).status, 303);
    assert.deepEqual(totals((await clerk.get(`${BASE}?year=2020`)).text)['桐乡教育']['最高单条阅读'][0], '103,000');
  });
});

describe('channels', () => {
  test('add, keep the form on a bad one, escape the name', async () => {
    const dup = await clerk.post(BASE, { name: '桐乡教育', type: 'portal', platform: '', year: '2020' });
    assert.equal(dup.status, 400);
    assert.match(errorText(dup.text), /已有名为“桐乡教育”的渠道/);
    assertPageBasics(dup.text, 'add channel error');
    const empty = await clerk.post(BASE, { name: '', type: 'new_media', platform: '抖音号平台', year: '2020' });
    assert.equal(empty.status, 400);
    assert.match(empty.text, /value="抖音号平台"/);
    const r = await clerk.post(BASE, { name: '<script>alert(1)</script>', type: 'new_media', platform: '微博', year: '2020' });
    assert.equal(r.status, 303, errorText(r.text));
    const m = r.location.match(new RegExp(`^${BASE}/(\\d+)\\?year=2020&done=added$`));
    assert.ok(m, r.location);
    const page = await clerk.get(r.location);
    assert.equal(page.status, 200);
    assertPageBasics(page.text, 'new channel');
    assert.doesNotMatch(page.text, /<script>alert/);
    assert.match(page.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    // no figures yet: no chart
    assert.doesNotMatch(page.text, /<svg /);
    const del = await clerk.post(`${BASE}/${m[1]}/delete`, { year: '2020' });
    assert.equal(del.status, 303);
    assert.equal(del.location, `${BASE}?year=2020&done=deleted`);
  });

  test('rename; a type the figures do not fit; delete with its figures only when asked', async () => {
    const add = await clerk.post(BASE, { name: '教育简报', type: 'other', platform: '', year: '2020' });
    assert.equal(add.status, 303);
    const id = Number(add.location.match(/\/(\d+)\?/)[1]);
    const url = `${BASE}/${id}`;
    const f = gridFields((await clerk.get(`${url}?year=2020`)).text);
    const free = Object.keys(f).filter((k) => /^m\d+$/.test(k) && f[k] === '').map((k) => Number(k.slice(1)));
    assert.equal((await clerk.post(url, { ...f, [`m${free[0]}`]: '印发期数', [`v${free[0]}_2`]: '3' })).status, 303);
    const bad = await clerk.post(`${url}/channel`, { name: '教育简报', type: 'new_media', platform: '', year: '2020' });
    assert.equal(bad.status, 400);
    assert.match(errorText(bad.text), /印发期数/);
    const ren = await clerk.post(`${url}/channel`, { name: '桐乡教育简报', type: 'other', platform: '内部刊物', year: '2020' });
    assert.equal(ren.status, 303, errorText(ren.text));
    const t = totals((await clerk.get(`${BASE}?year=2020`)).text);
    assert.deepEqual(t['桐乡教育简报']['印发期数'], ['3', '']);
    const keep = await clerk.post(`${url}/delete`, { year: '2020' });
    assert.equal(keep.status, 400);
    assert.match(errorText(keep.text), /同时删除该渠道的全部数据/);
    const gone = await clerk.post(`${url}/delete`, { year: '2020', with_figures: '1' });
    assert.equal(gone.status, 303);
    assert.equal((await clerk.get(`${url}?year=2020`)).status, 404);
  });
});

describe('permissions and other orgs', () => {
  let ids;

  before(async () => {
    ids = channelIds((await clerk.get(`${BASE}?year=2020`)).text);
  });

  test('a viewer reads the figures but has no forms and cannot post', async () => {
    const list = await viewer.get(`${BASE}?year=2020`);
    assert.equal(list.status, 200);
    assertPageBasics(list.text, 'viewer list');
    assert.doesNotMatch(list.text, /添加渠道|从 CSV 文件导入/);
    assert.equal(totals(list.text)['桐乡智慧教育网']['信息总数'][0], '5,093');
    const grid = await viewer.get(`${BASE}/${ids['桐乡智慧教育网']}?year=2020`);
    assert.equal(grid.status, 200);
    assertPageBasics(grid.text, 'viewer grid');
    assert.doesNotMatch(grid.text, /<input type="text"/);
    assert.match(grid.text, /<td class="num">3,126|<td class="num">230</);
    const f = { year: '2020', o0: '动态类', m0: '动态类', v0_1: '1' };
    assert.equal((await viewer.post(`${BASE}/${ids['桐乡智慧教育网']}`, f)).status, 403);
    assert.equal((await viewer.post(BASE, { name: '新', type: 'portal', year: '2020' })).status, 403);
    assert.equal((await upload(viewer, HEADER)).status, 403);
    assert.equal((await viewer.get(`${BASE}/export?year=2020`)).status, 200);
  });

  test('another org\'s staff get 403 here and 404 for our channels under their org', async () => {
    assert.equal((await other.get(`${BASE}?year=2020`)).status, 403);
    assert.equal((await other.get(`${BASE}/${ids['桐乡教育']}?year=2020`)).status, 403);
    const mine = `/admin/o/${OTHER}/channel-stats`;
    const own = await other.get(`${mine}?year=2020`);
    assert.equal(own.status, 200);
    assert.doesNotMatch(own.text, /桐乡智慧教育网/);
    assert.equal((await other.get(`${mine}/${ids['桐乡教育']}?year=2020`)).status, 404);
    assert.equal((await other.post(`${mine}/${ids['桐乡教育']}`, { year: '2020', o0: '推送次数', m0: '推送次数', v0_1: '1' })).status, 404);
    assert.equal((await other.post(`${mine}/${ids['桐乡教育']}/delete`, { year: '2020', with_figures: '1' })).status, 404);
    assert.equal((await other.post(`${mine}/${ids['桐乡教育']}/channel`, { name: 'x', type: 'portal', year: '2020' })).status, 404);
    const csv = await other.get(`${mine}/export?year=2020`);
    assert.equal(csv.text.replace(/^\ufeff/, '').trim(), '渠道,渠道类型,年度,月份,指标,数值,说明');
    assert.equal(totals((await clerk.get(`${BASE}?year=2020`)).text)['桐乡教育']['推送次数'][0], '712');
  });

  test('a form without its CSRF token is refused', async () => {
    const r = await clerk.post(BASE, { name: '无令牌', type: 'portal', csrf: null });
    assert.equal(r.status, 403);
  });
});
