// reports.test.mjs - the annual report on the web, on the demo agency
// (桐乡市教育局): the years page; the 2020 draft; a ready sentence inserted
// with one click (the token in the editor, nothing saved yet), saved as a
// new version, and expanded in the preview (主动公开政府信息189条…); the
// check without errors; a stale save (409); downloads in every format;
// publication into the catalog's 报告统计 as HTML with the tables and the
// DOCX and PDF attached and downloadable; a planted inconsistency
// (主动公开政府信息187条 with the true parts) that blocks publishing (400 with
// the check's message) until a reason is given, which the report page then
// shows, on the same item and 索引号; a viewer who may read but not write
// (403); and the platform view of the system administrator over the
// agencies (the demo's and two created by `gongkai init`) with the total row.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  ORG, ORG_NAME, assertPageBasics, cleanup, cli, decodeEntities, loginClient, makeDb, metaTable, startServer,
  textOf,
} from './lib.mjs';

const BASE = `/admin/o/${ORG}/reports`;
const TITLE = `${ORG_NAME}2020年政府信息公开工作年度报告`;
const VIEWER = 'report-viewer';
const VIEWER_PW = 'Report-Viewer-2026';

let env;
let srv;
let clerk;
let viewer;
let admin;

before(async () => {
  env = makeDb({ demo: true });
  cli(env.db, ['user', 'add', VIEWER, '--org', ORG, '--role', 'viewer', '--password-stdin'], { input: `${VIEWER_PW}\n` });
  cli(env.db, ['init', '--org-name', '桐乡市卫生健康局', '--org-slug', 'tongxiang-health', '--org-code', '002000001']);
  cli(env.db, ['init', '--org-name', '桐乡市民政局', '--org-slug', 'tongxiang-civil', '--org-code', '002000002']);
  srv = await startServer(env);
  clerk = await loginClient(srv, 'tongxiang', env.orgPassword);
  viewer = await loginClient(srv, VIEWER, VIEWER_PW);
  admin = await loginClient(srv, 'admin', env.adminPassword);
});

after(async () => {
  try {
    if (srv) await srv.stop();
  } finally {
    cleanup(env);
  }
});

function errorText(html) {
  const m = html.match(/<p class="error"[^>]*>([\s\S]*?)<\/p>/);
  return m ? textOf(m[1]) : '';
}

/** The decoded contents of the textarea called name. */
function textarea(html, name) {
  const m = html.match(new RegExp(`<textarea[^>]*name="${name}"[^>]*>([\\s\\S]*?)</textarea>`));
  assert.ok(m, `a textarea ${name}`);
  return decodeEntities(m[1]);
}

/** The hidden version of the editor form. */
function formVersion(html) {
  const m = html.match(/<form class="item report-edit"[\s\S]*?name="version" value="(\d+)"/);
  assert.ok(m, 'the editor form carries the version edited');
  return m[1];
}

/** The ready sentences offered on the page: [{ value, text }]. */
function facts(html) {
  return [...html.matchAll(/<li><button type="submit" name="insert" value="([^"]+)">插入<\/button>[\s\S]*?<br>([^<]*)<\/li>/g)]
    .map((m) => ({ value: m[1], text: decodeEntities(m[2]) }));
}

function checkErrors(html) {
  const m = html.match(/<ul class="error check-errors">([\s\S]*?)<\/ul>/);
  return m ? [...m[1].matchAll(/<li>([\s\S]*?)<\/li>/g)].map((x) => textOf(x[1])) : [];
}

/** The editor's fields as they are on the page (for a save). */
function formFields(html, extra = {}) {
  const f = { version: formVersion(html), note: '' };
  for (const name of ['overview', 'problems', 'other']) f[name] = textarea(html, name);
  for (let i = 0; i < 4; i++) {
    for (const k of ['prev', 'delta']) {
      const m = html.match(new RegExp(`name="${k}${i}"[^>]*value="(-?\\d+)"`));
      if (m) f[`${k}${i}`] = m[1];
    }
  }
  return { ...f, ...extra };
}

let catalogFact;
let itemUrl;
let indexNo;

describe('the 2020 report of the demo agency', () => {
  test('the years page lists 2019 to last year and creates a draft', async () => {
    const r = await clerk.get(BASE);
    assert.equal(r.status, 200);
    assertPageBasics(r.text, 'reports page');
    assert.match(r.text, /2020 年度/);
    assert.match(r.text, /2019 年度/);
    assert.match(r.text, /国办公开办函〔2019〕60号格式/);
    const c = await clerk.post(BASE, { year: '2020' });
    assert.equal(c.status, 303, textOf(c.text).slice(0, 300));
    assert.equal(c.location, `${BASE}/2020?created=1`);
    const again = await clerk.post(BASE, { year: '2020' });
    assert.equal(again.status, 303, 'creating it again leads to the existing report');
    const bad = await clerk.post(BASE, { year: '2018' });
    assert.equal(bad.status, 400);
    assertPageBasics(bad.text, 'reports page with an error');
  });

  test('the report page offers the ready sentences of the records, with 插入 per fact', async () => {
    const r = await clerk.get(`${BASE}/2020`);
    assert.equal(r.status, 200);
    assertPageBasics(r.text, 'report page');
    assert.match(r.text, new RegExp(`<h1>${TITLE}</h1>`));
    assert.equal(formVersion(r.text), '1');
    const fs = facts(r.text);
    catalogFact = fs.find((f) => f.value === 'overview:catalog');
    assert.ok(catalogFact, `the catalog sentence is offered in 一: ${JSON.stringify(fs.map((f) => f.value))}`);
    assert.match(catalogFact.text, /主动公开政府信息189条，其中政策文件\d+条/);
    assert.ok(fs.some((f) => f.value.startsWith('overview:interactions')), 'the interactions sentence');
    assert.ok(fs.some((f) => f.value.startsWith('other:')), 'a sentence for 六 (信息处理费)');
    // the 2019 format's cells staff enter
    assert.match(r.text, /name="prev0"/);
    assert.match(r.text, /name="delta3"/);
    assert.match(r.text, /检查未发现问题/);
    assert.deepEqual(checkErrors(r.text), []);
  });

  test('插入 puts the token into the section without saving; saving makes version 2', async () => {
    const page = await clerk.get(`${BASE}/2020`);
    const ins = await clerk.post(`${BASE}/2020`, formFields(page.text, {
      overview: '我局坚持以公开为常态、不公开为例外。', insert: 'overview:catalog',
    }));
    assert.equal(ins.status, 200, errorText(ins.text));
    assertPageBasics(ins.text, 'report page after 插入');
    assert.equal(textarea(ins.text, 'overview'), '我局坚持以公开为常态、不公开为例外。\n\n【事实：catalog】');
    assert.match(ins.text, /已插入事实标记，保存后生效/);
    assert.equal(formVersion(ins.text), '1', 'still the version being edited');
    const still = await clerk.get(`${BASE}/2020`);
    assert.equal(textarea(still.text, 'overview'), '', 'nothing saved by 插入');

    const save = await clerk.post(`${BASE}/2020`, formFields(ins.text, { note: '插入公开目录的数据' }));
    assert.equal(save.status, 303, errorText(save.text));
    assert.equal(save.location, `${BASE}/2020?saved=2`);
    const r = await clerk.get(save.location);
    assert.match(r.text, /已保存为第 2 版/);
    assert.equal(textarea(r.text, 'overview'), '我局坚持以公开为常态、不公开为例外。\n\n【事实：catalog】');
    assert.match(r.text, /插入公开目录的数据/);
    assert.deepEqual(checkErrors(r.text), [], 'the check shows no errors');
  });

  test('a save on an old version is refused (409) and keeps the text', async () => {
    const page = await clerk.get(`${BASE}/2020`);
    const r = await clerk.post(`${BASE}/2020`, formFields(page.text, { version: '1', overview: '过时的修改' }));
    assert.equal(r.status, 409);
    assertPageBasics(r.text, 'report page 409');
    assert.match(errorText(r.text), /已被他人修改/);
    assert.equal(textarea(r.text, 'overview'), '过时的修改');
  });

  test('the preview shows the expanded sentence, never the token', async () => {
    const r = await clerk.get(`${BASE}/2020/preview`);
    assert.equal(r.status, 200);
    assertPageBasics(r.text, 'preview');
    const text = textOf(r.text);
    assert.ok(text.includes('我局坚持以公开为常态、不公开为例外。'));
    assert.ok(text.includes(catalogFact.text), 'the catalog sentence');
    assert.match(text, /主动公开政府信息189条/);
    assert.doesNotMatch(text, /【事实/);
    assert.match(r.text, /<table/);
    const v1 = await clerk.get(`${BASE}/2020/preview?v=1`);
    assert.equal(v1.status, 200);
    assert.doesNotMatch(textOf(v1.text), /我局坚持以公开为常态/);
    assert.equal((await clerk.get(`${BASE}/2020/preview?v=9`)).status, 404);
  });

  test('downloads in every format', async () => {
    const kinds = {
      docx: /wordprocessingml/, pdf: /application\/pdf/, xlsx: /spreadsheetml/, json: /application\/json/, md: /text\/markdown/,
    };
    for (const [ext, ct] of Object.entries(kinds)) {
      const res = await clerk.srv.fetch(`${BASE}/2020/report.${ext}`, { headers: { cookie: clerk.jar.header() } });
      const body = Buffer.from(await res.arrayBuffer());
      assert.equal(res.status, 200, ext);
      assert.match(res.headers.get('content-type'), ct, ext);
      assert.match(decodeURIComponent(res.headers.get('content-disposition') || ''), new RegExp(`${TITLE}\\.${ext}`));
      if (ext === 'docx' || ext === 'xlsx') assert.equal(body.subarray(0, 2).toString(), 'PK');
      if (ext === 'pdf') assert.equal(body.subarray(0, 5).toString(), '%PDF-');
      if (ext === 'json') {
        const j = JSON.parse(body.toString('utf8'));
        assert.equal(j.year, 2020);
        assert.equal(j.published_items, 189);
      }
      if (ext === 'md') assert.match(body.toString('utf8'), /主动公开政府信息189条/);
    }
  });

  test('a viewer reads the report but cannot write it (403)', async () => {
    const r = await viewer.get(`${BASE}/2020`);
    assert.equal(r.status, 200);
    assertPageBasics(r.text, 'report page for a viewer');
    assert.doesNotMatch(r.text, /<textarea/);
    assert.doesNotMatch(r.text, /发布到公开目录/);
    const page = await clerk.get(`${BASE}/2020`);
    assert.equal((await viewer.post(`${BASE}/2020`, formFields(page.text))).status, 403);
    assert.equal((await viewer.post(`${BASE}/2020`, formFields(page.text, { insert: 'overview:catalog' }))).status, 403);
    assert.equal((await viewer.post(`${BASE}/2020/publish`, { version: '2' })).status, 403);
    assert.equal((await viewer.post(BASE, { year: '2019' })).status, 403);
    assert.equal((await viewer.get(`${BASE}/2020/preview`)).status, 200);
  });

  test('publication: a catalog item in 报告统计 with the tables and the DOCX and PDF', async () => {
    const r = await clerk.post(`${BASE}/2020/publish`, { version: '2', override: '' });
    assert.equal(r.status, 303, errorText(r.text));
    assert.equal(r.location, `${BASE}/2020?published=1`);
    const page = await clerk.get(r.location);
    assertPageBasics(page.text, 'report page after publication');
    assert.match(page.text, /已发布到公开目录/);
    assert.match(page.text, /已发布第 2 版/);
    itemUrl = page.text.match(/<a href="(\/o\/[^"]+\/items\/\d+)">查看公开页面<\/a>/)?.[1];
    assert.ok(itemUrl, 'a link to the published item');

    const item = await srv.get(itemUrl); // anonymous: it is public
    assert.equal(item.status, 200);
    assertPageBasics(item.text, 'published report item');
    const meta = metaTable(item.text);
    assert.equal(meta['公开类别'], '报告统计');
    assert.equal(meta['名称'], TITLE);
    indexNo = meta['索引号'];
    assert.match(indexNo, /^471127366\/\d{4}-\d{5}$/);
    assert.match(item.text, /<article class="gk-report"/);
    assert.equal((item.text.match(/<h1[\s>]/g) || []).length, 1, 'one h1: the report\'s title');
    assert.ok((item.text.match(/<table/g) || []).length >= 4, 'the metadata table and the report\'s three tables');
    assert.match(textOf(item.text), /主动公开政府信息189条/);
    assert.match(textOf(item.text), /二、主动公开政府信息情况/);
    const files = [...item.text.matchAll(/<li><a href="([^"]+\/files\/\d+\/[^"/]+)">([^<]+)<\/a>/g)].map((m) => ({ url: m[1], name: m[2] }));
    assert.deepEqual(files.map((f) => f.name).sort(), [`${TITLE}.docx`, `${TITLE}.pdf`]);
    for (const f of files) {
      const res = await srv.fetch(f.url);
      const body = Buffer.from(await res.arrayBuffer());
      assert.equal(res.status, 200, f.name);
      if (f.name.endsWith('.pdf')) {
        assert.match(res.headers.get('content-type'), /application\/pdf/);
        assert.equal(body.subarray(0, 5).toString(), '%PDF-');
      } else {
        assert.match(res.headers.get('content-type'), /wordprocessingml/);
        assert.equal(body.subarray(0, 2).toString(), 'PK');
      }
    }
    // it is in the catalog under 报告统计
    const cat = await srv.get(`/o/${ORG}/catalog`);
    assert.ok(cat.text.includes(TITLE), 'listed in the catalog');
    // the same version cannot be published twice
    const twice = await clerk.post(`${BASE}/2020/publish`, { version: '2' });
    assert.equal(twice.status, 409);
  });

  test('a planted inconsistency blocks publishing until a reason is given', async () => {
    const page = await clerk.get(`${BASE}/2020`);
    const planted = catalogFact.text.replace('189条', '187条');
    assert.notEqual(planted, catalogFact.text);
    assert.match(planted, /主动公开政府信息187条，其中政策文件\d+条、规划计划\d+条/);
    const save = await clerk.post(`${BASE}/2020`, formFields(page.text, { overview: planted, note: '改写总体情况' }));
    assert.equal(save.status, 303, errorText(save.text));
    const edited = await clerk.get(save.location);
    const errs = checkErrors(edited.text);
    assert.ok(errs.length >= 1, 'the check finds the wrong total');
    assert.match(edited.text, /有未发布的修改/);

    const refused = await clerk.post(`${BASE}/2020/publish`, { version: '3', override: '' });
    assert.equal(refused.status, 400);
    assertPageBasics(refused.text, 'refused publication');
    assert.match(errorText(refused.text), /不能发布/);
    assert.ok(errorText(refused.text).includes(errs[0].replace(/^.*?：/, '').slice(0, 10)), 'the message names the check error');
    const short = await clerk.post(`${BASE}/2020/publish`, { version: '3', override: '太短' });
    assert.equal(short.status, 400);
    assert.match(errorText(short.text), /理由/);
    assert.equal(textarea(short.text, 'override'), '太短', 'the reason typed is kept');

    const reason = '统计口径说明：187条不含两条更正公告，已报上级同意。';
    const ok = await clerk.post(`${BASE}/2020/publish`, { version: '3', override: reason });
    assert.equal(ok.status, 303, errorText(ok.text));
    const after = await clerk.get(ok.location);
    assertPageBasics(after.text, 'report page after an override');
    assert.match(after.text, /已发布第 3 版/);
    assert.ok(textOf(after.text).includes(`理由：${reason}`), 'the reason is shown on the report page');

    // the same item, the same 索引号, the new text
    const item = await srv.get(itemUrl);
    assert.equal(metaTable(item.text)['索引号'], indexNo);
    assert.match(textOf(item.text), /主动公开政府信息187条/);
    const files = [...item.text.matchAll(/<li><a href="([^"]+\/files\/\d+\/[^"/]+)">/g)];
    assert.equal(files.length, 2, 'the attachments replaced, not added');
  });
});

describe('the platform view', () => {
  test('the system administrator sees every agency of the platform with the total', async () => {
    const r = await admin.get('/admin/platform/reports?year=2020');
    assert.equal(r.status, 200, textOf(r.text).slice(0, 300));
    assertPageBasics(r.text, 'platform view');
    const body = r.text.match(/<tbody>([\s\S]*?)<\/tbody>/)[1];
    const rows = [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)]
      .map((m) => [...m[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((x) => textOf(x[1])));
    const byName = Object.fromEntries(rows.map((c) => [c[0], c]));
    assert.deepEqual(Object.keys(byName).sort(), ['桐乡市教育局', '桐乡市民政局', '桐乡市卫生健康局'].sort());
    const edu = byName['桐乡市教育局'];
    assert.match(edu[1], /已发布/);
    assert.match(edu[3], /逾期/, 'published in 2026, after 2021-01-31');
    assert.ok(Number(edu[4]) >= 1, 'published over check errors: their count');
    assert.equal(Number(edu[5]), 189, 'the catalog figure of the published version');
    assert.match(byName['桐乡市民政局'][1], /未编制/);
    assert.equal(byName['桐乡市民政局'][4], '—');
    assert.equal(byName['桐乡市民政局'][3], '逾期未发布');
    const foot = r.text.match(/<tfoot>([\s\S]*?)<\/tfoot>/)[1];
    const total = [...foot.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((x) => textOf(x[1]));
    assert.equal(total[0], '合计');
    for (let col = 5; col < 12; col++) {
      const sum = rows.reduce((s, c) => s + Number(c[col]), 0);
      assert.equal(Number(total[col]), sum, `column ${col} adds up`);
    }
    assert.equal(Number(edu[11]), 783, 'the 政民互动 of 2020');
  });

  test('an agency without children has no platform view; a bad year is refused', async () => {
    assert.equal((await clerk.get('/admin/platform/reports?year=2020')).status, 403);
    assert.equal((await admin.get('/admin/platform/reports?year=2018')).status, 400);
    assert.equal((await admin.get('/admin/platform/reports?org=tongxiang-edu')).status, 404);
  });
});
