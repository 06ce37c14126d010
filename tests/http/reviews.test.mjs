// reviews.test.mjs - the staff pages of 复议诉讼 and of the 第二十条
// registers (决定 with declared counts, 行政事业性收费, 政府集中采购): the
// demo agency's 2020 figures (one review upheld, 41 行政许可, its fee
// items), registration with refusals that keep the form, the link to an
// application, stale versions (409), results and table 四, declared counts,
// yearly fee amounts, procurements, CSV import (all-or-nothing, dry run)
// and export, masking and permissions for a viewer, and another org's
// records (404).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  Client, ORG, ROOT, assertPageBasics, cleanup, cli, loginClient, makeDb, startServer, textOf,
} from './lib.mjs';

const BASE = `/admin/o/${ORG}`;
const VIEWER = 'viewer-reviews';
const VIEWER_PW = 'Viewer-Pass-2026-rev';
const OTHER = 'other-reviews';

let env;
let srv;
let clerk; // the demo org's orgadmin (PERM_CASES)
let viewer;
let otherOrg = false;

function errorText(html) {
  const m = html.match(/<p class="error"[^>]*>([\s\S]*?)<\/p>/);
  return m ? textOf(m[1]) : '';
}

function noticeText(html) {
  const m = html.match(/<p class="notice"[^>]*>([\s\S]*?)<\/p>/);
  return m ? textOf(m[1]) : '';
}

/** Cells of the first table with class cls: rows of cell texts. */
function tableRows(html, cls) {
  const t = html.match(new RegExp(`<table class="[^"]*\\b${cls}\\b[^"]*">[\\s\\S]*?<tbody>([\\s\\S]*?)</tbody>`))?.[1] ?? '';
  return [...t.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)]
    .map((m) => [...m[1].matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((x) => textOf(x[1])));
}

/** Table 四 of the reviews page as 15 numbers. */
function table4(html) {
  return tableRows(html, 'table4')[0].map(Number);
}

function demoFile(name) {
  return fs.readFileSync(path.join(ROOT, 'data', 'demo', ORG, name));
}

function csvUpload(c, url, bytes, fields = {}) {
  const fd = new FormData();
  fd.append('file', new Blob([bytes], { type: 'text/csv' }), 'data.csv');
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  return c.postMultipart(url, fd);
}

function versionOf(html, action) {
  const form = html.match(new RegExp(`<form[^>]*action="${action.replace(/[/?]/g, (x) => '\\' + x)}"[^>]*>[\\s\\S]*?</form>`))?.[0] ?? '';
  return form.match(/name="version" value="(\d+)"/)?.[1] ?? null;
}

before(async () => {
  env = makeDb({ demo: true });
  cli(env.db, ['user', 'add', VIEWER, '--org', ORG, '--role', 'viewer', '--password-stdin'], { input: VIEWER_PW + '\n' });
  const help = cli(env.db, ['init', '--help']);
  if (/--org-slug/.test(help.stdout + help.stderr)) {
    cli(env.db, ['init', '--org-name', '测试市其他局', '--org-slug', OTHER, '--org-code', '123456781']);
    otherOrg = true;
  }
  srv = await startServer(env);
  clerk = await loginClient(srv, 'tongxiang', env.orgPassword);
  viewer = await loginClient(srv, VIEWER, VIEWER_PW);
});

after(async () => {
  try {
    if (srv) await srv.stop();
  } finally {
    cleanup(env);
  }
});

describe('复议诉讼', () => {
  let caseUrl;

  test('the demo agency has its 2020 review: table 四 shows one 行政复议, upheld', async () => {
    let r = await clerk.get(`${BASE}/reviews?year=2020`);
    assert.equal(r.status, 200);
    assertPageBasics(r.text, 'reviews list');
    assert.match(r.text, new RegExp(`<a href="${BASE}/reviews">复议诉讼</a>`), 'the staff navigation');
    if (table4(r.text)[4] === 0) {
      // the demo loader does not load reviews.csv (yet): load it through the page
      const dry = await csvUpload(clerk, `${BASE}/reviews/import`, demoFile('reviews.csv'), { dry_run: '1' });
      assert.equal(dry.status, 200, errorText(dry.text));
      assert.match(noticeText(dry.text), /检查通过/);
      r = await clerk.get(`${BASE}/reviews?year=2020`);
      assert.equal(table4(r.text)[4], 0, 'a dry run stores nothing');
      const imp = await csvUpload(clerk, `${BASE}/reviews/import`, demoFile('reviews.csv'));
      assert.equal(imp.status, 200, errorText(imp.text));
      assert.match(noticeText(imp.text), /已导入 1 件/);
      r = await clerk.get(`${BASE}/reviews?year=2020`);
    }
    assert.deepEqual(table4(r.text), [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.match(textOf(r.text), /行政复议 桐政复〔2020〕12号 2020-06-15 桐乡市人民政府 沈国华/);
  });

  test('registration refuses bad input with a Chinese message and keeps the form', async () => {
    const form = await clerk.get(`${BASE}/reviews/new`);
    assert.equal(form.status, 200);
    assertPageBasics(form.text, 'new review form');
    const bad = await clerk.post(`${BASE}/reviews/new`, {
      kind: 'review', case_no: '桐政复〔2024〕3号', filed_on: '2999-01-01', body: '桐乡市人民政府', party: '周晓梅',
      matter: '不服答复',
    });
    assert.equal(bad.status, 400);
    assert.match(errorText(bad.text), /不能晚于今天/);
    assert.match(bad.text, /value="周晓梅"/, 'the values are kept');
    assert.match(bad.text, /<option value="review" selected>/);
    assertPageBasics(bad.text, 'review form with an error');
    const noApp = await clerk.post(`${BASE}/reviews/new`, {
      kind: 'review', filed_on: '2024-05-06', body: '桐乡市人民政府', party: '周晓梅', app_serial: '2024-9999',
    });
    assert.equal(noApp.status, 400);
    assert.match(errorText(noApp.text), /2024-9999.*不存在/);
    const noDay = await clerk.post(`${BASE}/reviews/new`, {
      kind: 'suit', filed_on: '2024-05-06', body: '桐乡市人民法院', party: '周晓梅', result: 'upheld',
    });
    assert.equal(noDay.status, 400);
    assert.match(errorText(noDay.text), /结果日期/);
    const list = await clerk.get(`${BASE}/reviews`);
    assert.doesNotMatch(list.text, /周晓梅/, 'nothing was stored');
  });

  test('a case linked to an application; edit with a stale version is a conflict; the result moves table 四', async () => {
    const apps = await clerk.get(`/admin/o/${ORG}/applications?view=all`);
    // one of the demo's 2021 cases (others are loaded relative to today)
    const m = [...apps.text.matchAll(new RegExp(`href="(${BASE}/applications/(\\d+))">(2021-\\d{4})</a>`, 'g'))][0];
    assert.ok(m, 'the demo has applications of 2021');
    const [, appUrl, , serial] = m;
    const year = serial.slice(0, 4);
    const r = await clerk.post(`${BASE}/reviews/new`, {
      kind: 'suit_after_review', case_no: `（${year}）浙0483行初7号`, filed_on: `${year}-11-02`,
      body: '桐乡市人民法院', party: '周晓梅', matter: '请求撤销政府信息公开答复', app_serial: serial,
    });
    assert.equal(r.status, 303, errorText(r.text));
    caseUrl = r.location;
    assert.match(caseUrl, new RegExp(`^${BASE}/reviews/\\d+$`));
    let page = await clerk.get(caseUrl);
    assert.equal(page.status, 200);
    assertPageBasics(page.text, 'review page');
    assert.match(page.text, new RegExp(`<a class="ix" href="${appUrl}">${serial}</a>`), 'a link to the application');
    assert.match(textOf(page.text), /尚未审结/);

    const before4 = table4((await clerk.get(`${BASE}/reviews?year=${year}`)).text);
    const v = versionOf(page.text, `${caseUrl}/decide`);
    assert.ok(v);
    const stale = await clerk.post(caseUrl, {
      kind: 'suit_after_review', case_no: `（${year}）浙0483行初7号`, filed_on: `${year}-11-02`, body: '嘉兴市中级人民法院',
      party: '周晓梅', app_serial: serial, version: String(Number(v) + 1),
    });
    assert.equal(stale.status, 409);
    assert.match(errorText(stale.text), /已被他人修改/);
    assertPageBasics(stale.text, 'review page after a conflict');
    page = await clerk.get(caseUrl);
    assert.doesNotMatch(page.text, /嘉兴市中级人民法院/, 'nothing was stored');

    const decided = await clerk.post(`${caseUrl}/decide`, { result: 'corrected', decided_on: `${year}-12-20`, version: v });
    assert.equal(decided.status, 303, errorText(decided.text));
    page = await clerk.get(caseUrl);
    assert.match(textOf(page.text), /结果：\s*结果纠正/);
    const after4 = table4((await clerk.get(`${BASE}/reviews?year=${year}`)).text);
    assert.equal(after4[11], before4[11] + 1, '复议后起诉 · 结果纠正');
    assert.equal(after4[13], before4[13] - 1, '复议后起诉 · 尚未审结');
    assert.equal(after4[14], before4[14], '复议后起诉 · 总计');
    // the old version is stale now
    const again = await clerk.post(`${caseUrl}/decide`, { result: 'upheld', decided_on: `${year}-12-20`, version: v });
    assert.equal(again.status, 409);
  });

  test('a viewer sees the list with names masked and cannot write', async () => {
    const r = await viewer.get(`${BASE}/reviews`);
    assert.equal(r.status, 200);
    assertPageBasics(r.text, 'reviews list (viewer)');
    assert.doesNotMatch(r.text, /周晓梅/);
    assert.match(r.text, /周\*/);
    assert.doesNotMatch(r.text, /登记案件<\/a>/);
    assert.equal((await viewer.get(`${BASE}/reviews/new`)).status, 403);
    const post = await viewer.post(`${BASE}/reviews/new`, { kind: 'review', filed_on: '2024-05-06', body: 'x', party: 'y' });
    assert.equal(post.status, 403);
    const page = await viewer.get(caseUrl);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /<form[^>]*action="[^"]*\/decide"/);
    const csv = await viewer.get(`${BASE}/reviews/export`);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type'), /^text\/csv/);
    assert.doesNotMatch(csv.text, /周晓梅/, 'no personal data in a viewer\'s export');
  });

  test('export and a bad import (nothing stored, every bad line named)', async () => {
    const csv = await clerk.get(`${BASE}/reviews/export`);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-disposition'), /attachment/);
    assert.ok(csv.text.startsWith('\uFEFF') || csv.text.startsWith('类型'), 'UTF-8 with a BOM');
    assert.match(csv.text, /类型,案号,申请或立案日期,复议机关或法院,申请人或原告,事由,关联申请编号,结果,结果日期/);
    assert.match(csv.text, /周晓梅/);
    const bad = '类型,案号,申请或立案日期,复议机关或法院,申请人或原告,事由,关联申请编号,结果,结果日期\n' +
      '行政复议,桐政复〔2024〕9号,2024-01-05,桐乡市人民政府,钱某,,,,\n' +
      '行政诉讼,,2024-01-06,桐乡市人民法院,孙某,,,,\n';
    const r = await csvUpload(clerk, `${BASE}/reviews/import`, Buffer.from(bad));
    assert.equal(r.status, 400);
    assert.match(textOf(r.text), /第 3 行/);
    assertPageBasics(r.text, 'reviews list after a bad import');
    assert.doesNotMatch((await clerk.get(`${BASE}/reviews`)).text, /钱某/, 'all or nothing');
  });

  test('delete with the version; another org does not see the case', async () => {
    if (otherOrg) {
      const admin = await loginClient(srv, 'admin', env.adminPassword);
      assert.equal((await admin.get(caseUrl)).status, 200);
      assert.equal((await admin.get(caseUrl.replace(`/o/${ORG}/`, `/o/${OTHER}/`))).status, 404);
    }
    const page = await clerk.get(caseUrl);
    const v = versionOf(page.text, `${caseUrl}/delete`);
    assert.equal((await clerk.post(`${caseUrl}/delete`, { version: String(Number(v) + 5) })).status, 409);
    const del = await clerk.post(`${caseUrl}/delete`, { version: v });
    assert.equal(del.status, 303);
    assert.equal((await clerk.get(caseUrl)).status, 404);
    assert.equal((await clerk.get(`${BASE}/reviews/abc`)).status, 404);
  });
});

describe('第二十条 registers', () => {
  test('the demo agency has 41 行政许可 in 2020', async () => {
    let r = await clerk.get(`${BASE}/decisions?year=2020`);
    assert.equal(r.status, 200);
    assertPageBasics(r.text, 'decisions list');
    const licence = () => tableRows(r.text, 'decision-summary').find((row) => row[0] === '行政许可');
    if (licence()[4] === '0') {
      const imp = await csvUpload(clerk, `${BASE}/decisions/import`, demoFile('decisions.csv'));
      assert.equal(imp.status, 200, textOf(imp.text).slice(0, 500));
      r = await clerk.get(`${BASE}/decisions?year=2020`);
    }
    assert.deepEqual(licence(), ['行政许可', '第二十条第（五）项', '41', '0', '41']);
    assert.match(textOf(r.text), /共 41 条/);
    assert.match(r.text, /桐教许〔2020〕41号/);
    const q = await clerk.get(`${BASE}/decisions?year=2020&q=${encodeURIComponent('桐教许〔2020〕12号')}`);
    assert.match(textOf(q.text), /共 1 条/);
  });

  test('a decision: 文号 normalised, a duplicate refused keeping the form, edit, stale, delete', async () => {
    const form = await clerk.get(`${BASE}/decisions/new`);
    assert.equal(form.status, 200);
    assertPageBasics(form.text, 'new decision form');
    assert.doesNotMatch(form.text, /id="title"[^>]*value="登记决定"/, 'the page title does not leak into the form');
    const r = await clerk.post(`${BASE}/decisions/new`, {
      kind: 'penalty', decided_on: '2024-03-05', doc_no: '桐教罚[2024]1号', title: '行政处罚决定书', party: '吴某某',
    });
    assert.equal(r.status, 303, errorText(r.text));
    const url = r.location;
    let page = await clerk.get(url);
    assertPageBasics(page.text, 'decision page');
    assert.match(page.text, /桐教罚〔2024〕1号/);
    const dup = await clerk.post(`${BASE}/decisions/new`, {
      kind: 'penalty', decided_on: '2024-03-06', doc_no: '桐教罚〔2024〕1号', title: '另一份决定书',
    });
    assert.equal(dup.status, 400);
    assert.match(errorText(dup.text), /已登记/);
    assert.match(dup.text, /value="另一份决定书"/);
    const v = versionOf(page.text, url);
    const stale = await clerk.post(url, { kind: 'penalty', decided_on: '2024-03-05', title: '改', version: String(Number(v) + 1) });
    assert.equal(stale.status, 409);
    const ok = await clerk.post(url, { kind: 'coercion', decided_on: '2024-03-05', doc_no: '桐教罚〔2024〕1号', title: '查封决定书', party: '吴某某', version: v });
    assert.equal(ok.status, 200, errorText(ok.text));
    assert.match(noticeText(ok.text), /已保存/);
    const sum = tableRows((await clerk.get(`${BASE}/decisions?year=2024`)).text, 'decision-summary');
    assert.equal(sum.find((row) => row[0] === '行政强制')[2], '1');
    // a viewer sees the 相对人 masked
    const vp = await viewer.get(url);
    assert.equal(vp.status, 200);
    assert.doesNotMatch(vp.text, /吴某某/);
    assert.equal((await viewer.post(`${url}/delete`, { version: v })).status, 403);
    page = await clerk.get(url);
    const v2 = versionOf(page.text, `${url}/delete`);
    assert.equal((await clerk.post(`${url}/delete`, { version: v2 })).status, 303);
    assert.equal((await clerk.get(url)).status, 404);
  });

  test('the search of decisions ignores the case of Latin letters, on either database', async () => {
    const r = await clerk.post(`${BASE}/decisions/new`, {
      kind: 'license', decided_on: '2024-04-01', doc_no: '桐教许〔2024〕77号', title: '许可决定书 Case Test', party: 'Tongxiang ABC Ltd.',
    });
    assert.equal(r.status, 303, errorText(r.text));
    for (const q of ['abc ltd', 'ABC LTD', 'case TEST', '〔2024〕77']) {
      const page = await clerk.get(`${BASE}/decisions?year=2024&q=${encodeURIComponent(q)}`);
      assert.equal(page.status, 200);
      assert.match(page.text, /桐教许〔2024〕77号/, `q=${q} finds it`);
    }
    const none = await clerk.get(`${BASE}/decisions?year=2024&q=${encodeURIComponent('abd ltd')}`);
    assert.doesNotMatch(none.text, /桐教许〔2024〕77号/);
  });

  test('declared counts add to the year; a second declaration for the same kind and year is refused', async () => {
    const r = await clerk.post(`${BASE}/decisions/counts`, { kind: 'penalty', year: '2023', n: '17', note: '按季度汇总' });
    assert.equal(r.status, 303, errorText(r.text));
    let page = await clerk.get(`${BASE}/decisions?year=2023`);
    assert.deepEqual(tableRows(page.text, 'decision-summary').find((row) => row[0] === '行政处罚'),
      ['行政处罚', '第二十条第（六）项', '0', '17', '17']);
    const dup = await clerk.post(`${BASE}/decisions/counts`, { kind: 'penalty', year: '2023', n: '3' });
    assert.equal(dup.status, 400);
    assert.match(errorText(dup.text), /已声明 17 件/);
    assertPageBasics(dup.text, 'decisions page after a refused count');
    const m = page.text.match(new RegExp(`action="(${BASE}/decisions/counts/\\d+)"`));
    assert.ok(m);
    const v = versionOf(page.text, m[1]);
    assert.equal((await clerk.post(m[1], { n: '20', note: '按季度汇总', version: v })).status, 303);
    assert.equal((await clerk.post(m[1], { n: '21', version: v })).status, 409);
    page = await clerk.get(`${BASE}/decisions?year=2023`);
    assert.equal(tableRows(page.text, 'decision-summary').find((row) => row[0] === '行政处罚')[4], '20');
    const vp = await viewer.get(`${BASE}/decisions?year=2023`);
    assertPageBasics(vp.text, 'decisions list (viewer)');
    assert.deepEqual(tableRows(vp.text, 'decision-counts')[0], ['2023', '行政处罚', '20', '按季度汇总']);
    assert.doesNotMatch(vp.text, /decisions\/counts"/, 'no count form for a viewer');
  });

  test('fees: the demo items in force in 2020, and a yearly amount set with the version', async () => {
    let r = await clerk.get(`${BASE}/fees?year=2020`);
    assert.equal(r.status, 200);
    assertPageBasics(r.text, 'fees list');
    if (/在用收费项目 0 项/.test(textOf(r.text))) {
      const imp = await csvUpload(clerk, `${BASE}/fees/import`, demoFile('fees.csv'));
      assert.equal(imp.status, 200, textOf(imp.text).slice(0, 500));
      r = await clerk.get(`${BASE}/fees?year=2020`);
    }
    assert.match(textOf(r.text), /在用收费项目 3 项（2019年 3 项，增减 \+0）/);
    assert.match(textOf(r.text), /786,400\.00 元（78\.6400 万元）/);

    const created = await clerk.post(`${BASE}/fees/new`, { name: '教师资格考试费', basis: '省规定', standard: '每科70元' });
    assert.equal(created.status, 303, errorText(created.text));
    const url = created.location;
    let page = await clerk.get(url);
    assertPageBasics(page.text, 'fee page');
    const v = versionOf(page.text, `${url}/amounts`);
    const bad = await clerk.post(`${url}/amounts`, { year: '2020', amount: '12.345', version: v });
    assert.equal(bad.status, 400);
    assert.match(errorText(bad.text), /金额/);
    assert.match(bad.text, /value="12\.345"/, 'the amount form is kept');
    assert.equal((await clerk.post(`${url}/amounts`, { year: '2020', amount: '1,400', version: v })).status, 303);
    assert.equal((await clerk.post(`${url}/amounts`, { year: '2020', amount: '1', version: v })).status, 409);
    page = await clerk.get(url);
    assertPageBasics(page.text, 'fee page with an amount');
    assert.deepEqual(tableRows(page.text, 'fee-amounts')[0].slice(0, 3), ['2020', '1,400.00', '0.1400']);
    const vp = await viewer.get(url);
    assertPageBasics(vp.text, 'fee page (viewer)');
    assert.doesNotMatch(vp.text, /action="[^"]*\/amounts"/, 'no amount form for a viewer');
    r = await clerk.get(`${BASE}/fees?year=2020`);
    assert.match(textOf(r.text), /在用收费项目 4 项/);
    assert.match(textOf(r.text), /787,800\.00 元/);
    const dupName = await clerk.post(`${BASE}/fees/new`, { name: '教师资格考试费' });
    assert.equal(dupName.status, 400);
    page = await clerk.get(url);
    const v2 = versionOf(page.text, `${url}/delete`);
    assert.equal((await clerk.post(`${url}/delete`, { version: v2 })).status, 303);
    r = await clerk.get(`${BASE}/fees?year=2020`);
    assert.match(textOf(r.text), /在用收费项目 3 项/);
    const csv = await clerk.get(`${BASE}/fees/export`);
    assert.match(csv.text, /项目名称,依据,标准,年度,收费金额（元）/);
    assert.match(csv.text, /普通话水平测试费,.*,2020,28600\.00/);
  });

  test('procurements: a project recorded, a day outside its year refused, the year summed', async () => {
    const form = await clerk.get(`${BASE}/procurements/new`);
    assert.equal(form.status, 200);
    assertPageBasics(form.text, 'new procurement form');
    const bad = await clerk.post(`${BASE}/procurements/new`, { year: '2023', project: '教学设备采购', amount: '251000', day: '2024-01-02' });
    assert.equal(bad.status, 400);
    assert.match(errorText(bad.text), /年度/);
    assert.match(bad.text, /value="教学设备采购"/);
    const ok = await clerk.post(`${BASE}/procurements/new`, { year: '2023', project: '教学设备采购', amount: '251,000.5', day: '2023-09-02' });
    assert.equal(ok.status, 303, errorText(ok.text));
    const list = await clerk.get(`${BASE}/procurements?year=2023`);
    assertPageBasics(list.text, 'procurements list');
    assert.match(textOf(list.text), /采购项目数量 1 个/);
    assert.match(textOf(list.text), /251,000\.50 元/);
    const m = list.text.match(new RegExp(`href="(${BASE}/procurements/\\d+)"`));
    const page = await clerk.get(m[1]);
    assertPageBasics(page.text, 'procurement page');
    if (otherOrg) {
      const admin = await loginClient(srv, 'admin', env.adminPassword);
      assert.equal((await admin.get(m[1].replace(`/o/${ORG}/`, `/o/${OTHER}/`))).status, 404);
    }
    const v = versionOf(page.text, `${m[1]}/delete`);
    assert.equal((await clerk.post(`${m[1]}/delete`, { version: v })).status, 303);
    assert.match(textOf((await clerk.get(`${BASE}/procurements?year=2023`)).text), /采购项目数量 0 个/);
  });

  test('forms need a valid CSRF token; no login, no pages', async () => {
    const r = await clerk.post(`${BASE}/decisions/counts`, { kind: 'penalty', year: '2022', n: '1', csrf: 'bad' });
    assert.equal(r.status, 403);
    const fresh = new Client(srv);
    assert.equal((await fresh.get(`${BASE}/fees`)).status, 303);
  });
});
