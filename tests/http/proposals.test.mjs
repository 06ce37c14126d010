// proposals.test.mjs - 建议提案办理 on the staff side: the demo agency's CSV
// imported through the import page (a dry run first; a bad file refused by
// line) gives the seed report's 2020 figures on the list; export (the writer
// of a 来信 masked for a viewer); a suggestion registered by the form (one-time
// token, due date computed, values kept on bad input), overdue marks, the
// reply (kept on error, stale version 409), the close, the publication of the
// reply in the catalog (PERM_PUBLISH, twice refused), editing, permissions and
// another org's records.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  Client, ORG, ROOT, assertPageBasics, cleanup, cli, csrfFrom, loginClient, makeDb, startServer, textOf,
} from './lib.mjs';

const BASE = `/admin/o/${ORG}/proposals`;
const OTHER = 'other-proposals';
const VIEWER = 'viewer-proposals';
const HANDLER = 'handler-proposals';
const PW = 'Proposal-Pass-2026-xyz';
const DEMO_CSV = path.join(ROOT, 'data', 'demo', 'tongxiang-edu', 'proposals.csv');
const SENTENCE = '承办市十四届党代会第四次会议提案3件，其中主办2件，协办1件；' +
  '承办市十六届人大四次会议代表议案建议10件，其中主办9件，协办1件；' +
  '闭会期间代表建议1件，其中主办1件；' +
  '承办市九届政协三次会议提案28件，其中主办22件，协办6件；来信4件。';

let env;
let srv;
let clerk; // the demo org's orgadmin: cases and publishing
let viewer;
let handler; // cases, not publishing
let otherOrg = false;

function errorText(html) {
  const m = html.match(/<p class="error"[^>]*>([\s\S]*?)<\/p>/);
  return m ? textOf(m[1]) : '';
}

function noticeText(html) {
  const m = html.match(/<p class="notice"[^>]*>([\s\S]*?)<\/p>/);
  return m ? textOf(m[1]) : '';
}

/** The rows of every table with the given class: arrays of cell texts (th and td). */
function tableRows(html, cls) {
  return [...html.matchAll(new RegExp(`<table class="${cls}">([\\s\\S]*?)</table>`, 'g'))]
    .flatMap((t) => [...t[1].matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)])
    .map((m) => [...m[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((x) => textOf(x[1])));
}

async function importCsv(c, bytes, { dryRun = false, encoding } = {}) {
  const fd = new FormData();
  fd.append('file', new Blob([bytes], { type: 'text/csv' }), 'proposals.csv');
  if (dryRun) fd.append('dry_run', '1');
  if (encoding) fd.append('encoding', encoding);
  return c.postMultipart(`${BASE}/import`, fd);
}

async function newForm(c) {
  const form = await c.get(`${BASE}/new`);
  assert.equal(form.status, 200, `GET ${BASE}/new: ${form.status}`);
  const token = form.text.match(/name="token" value="([^"]+)"/)?.[1];
  assert.ok(token, 'the form has a one-time token');
  return { form, token };
}

function idOf(r) {
  return Number(r.location?.match(new RegExp(`^${BASE}/(\\d+)(\\?|$)`))?.[1]) || null;
}

async function page(c, id) {
  const r = await c.get(`${BASE}/${id}`);
  assert.equal(r.status, 200, `GET proposal ${id}: ${r.status} ${errorText(r.text)}`);
  return {
    html: r.text,
    state: textOf(r.text.match(/状态：<strong class="status[^"]*">([^<]*)<\/strong>/)?.[1] ?? ''),
    version: r.text.match(/name="version" value="(\d+)"/)?.[1] ?? null,
    actions: [...r.text.matchAll(/name="action" value="([a-z]+)"/g)].map((m) => m[1]),
    cell: (label) => {
      const m = r.text.match(new RegExp(`<th scope="row">${label}</th><td[^>]*>([\\s\\S]*?)</td>`));
      return m ? textOf(m[1]) : null;
    },
  };
}

before(async () => {
  env = makeDb({ demo: true });
  cli(env.db, ['user', 'add', VIEWER, '--org', ORG, '--role', 'viewer', '--password-stdin'], { input: PW + '\n' });
  cli(env.db, ['user', 'add', HANDLER, '--org', ORG, '--role', 'handler', '--password-stdin'], { input: PW + '\n' });
  const help = cli(env.db, ['init', '--help']);
  if (/--org-slug/.test(help.stdout + help.stderr)) {
    cli(env.db, ['init', '--org-name', '测试市其他局', '--org-slug', OTHER, '--org-code', '123456781']);
    otherOrg = true;
  }
  srv = await startServer(env);
  clerk = await loginClient(srv, 'tongxiang', env.orgPassword);
  viewer = await loginClient(srv, VIEWER, PW);
  handler = await loginClient(srv, HANDLER, PW);
});

after(async () => {
  try {
    if (srv) await srv.stop();
  } finally {
    cleanup(env);
  }
});

describe('the demo register and its figures', () => {
  test('the list page is linked from the navigation and valid', async () => {
    const r = await clerk.get(BASE);
    assert.equal(r.status, 200);
    assertPageBasics(r.text, 'proposals list');
    assert.match(r.text, new RegExp(`<a href="${BASE}">建议提案</a>`));
    assert.match(r.text, /登记建议提案/);
    assert.equal((await clerk.get(`${BASE}?state=nonsense`)).status, 400);
    assert.equal((await clerk.get(`${BASE}?kind=质询`)).status, 400);
  });

  test('a bad file is refused by line and stores nothing', async () => {
    const form = await clerk.get(`${BASE}/import`);
    assert.equal(form.status, 200);
    assertPageBasics(form.text, 'import form');
    const bad = '来源,届次会议,类别,编号,标题,领衔人,办理方式,交办日期\n' +
      '人大,市十六届人大四次会议,建议,901,关于甲的建议,张三,主办,2020-03-20\n' +
      '政协,市九届政协三次会议,建议,902,关于乙的建议,李四,主办,2020-03-25\n' +
      '人大,市十六届人大四次会议,建议,903,关于丙的建议,王五,牵头,2020-13-01\n';
    const r = await importCsv(clerk, bad);
    assert.equal(r.status, 400, errorText(r.text));
    assertPageBasics(r.text, 'import errors');
    assert.match(errorText(r.text), /未导入任何记录/);
    const errors = [...r.text.matchAll(/<ul class="import-errors">([\s\S]*?)<\/ul>/g)].map((m) => textOf(m[1])).join(' ');
    assert.match(errors, /第 3 行：来源“政协”与类别“建议”不符/);
    assert.match(errors, /第 4 行：办理方式“牵头”无效/);
    const list = await clerk.get(`${BASE}?year=2020`);
    assert.doesNotMatch(list.text, /关于甲的建议/, 'the good row was not stored either');
    const none = await importCsv(clerk, '');
    assert.equal(none.status, 400);
  });

  test('the demo CSV imports (dry run first) and gives the seed report\'s 2020 figures', async () => {
    const bytes = fs.readFileSync(DEMO_CSV);
    const dry = await importCsv(clerk, bytes, { dryRun: true });
    assert.equal(dry.status, 200, errorText(dry.text));
    assert.match(noticeText(dry.text), /文件无误（UTF-8），共 46 行/);
    const r = await importCsv(clerk, bytes);
    assert.equal(r.status, 200, errorText(r.text));
    assert.match(noticeText(r.text), /已导入 46 行/);

    const list = await clerk.get(`${BASE}?year=2020`);
    assert.equal(list.status, 200);
    assertPageBasics(list.text, 'list of 2020');
    assert.equal(textOf(list.text.match(/<p class="prop-sentence">([\s\S]*?)<\/p>/)?.[1] ?? ''), SENTENCE);
    const bySource = tableRows(list.text, 'prop-counts');
    const row = (label) => bySource.find((x) => x[0] === label);
    assert.deepEqual(row('党代会'), ['党代会', '2', '1', '0', '3']);
    assert.deepEqual(row('人大'), ['人大', '10', '1', '0', '11']);
    assert.deepEqual(row('政协'), ['政协', '22', '6', '0', '28']);
    assert.deepEqual(row('无来源（来信）'), ['无来源（来信）', '4', '0', '0', '4']);
    assert.deepEqual(row('闭会期间建议'), ['闭会期间建议', '1', '0', '0', '1']);
    assert.deepEqual(row('来信'), ['来信', '4', '0', '0', '4']);
    assert.deepEqual(row('合计'), ['合计', '38', '8', '0', '46']);
    assert.match(list.text, /建议提案（共 46 件）/);
    assert.match(textOf(list.text), /答复已公开 4 件/);
    // the filters
    const cppcc = await clerk.get(`${BASE}?year=2020&source=cppcc&role=assist`);
    assert.match(cppcc.text, /建议提案（共 6 件）/);
    const letters = await clerk.get(`${BASE}?year=2020&source=none`);
    assert.match(letters.text, /建议提案（共 4 件）/);
    assertPageBasics(letters.text, 'letters');
    // importing the same file again changes nothing
    const again = await importCsv(clerk, bytes);
    assert.equal(again.status, 200);
    assert.match((await clerk.get(`${BASE}?year=2020`)).text, /建议提案（共 46 件）/);
  });

  test('a demo proposal shows its reply and the linked catalog item', async () => {
    const list = await clerk.get(`${BASE}?year=2020&source=npc&kind=suggestion`);
    const m = list.text.match(new RegExp(`<a href="(${BASE}/\\d+)">市十六届人大四次会议第21号建议</a>`));
    assert.ok(m, 'the row of 第21号建议');
    const r = await clerk.get(m[1]);
    assert.equal(r.status, 200);
    assertPageBasics(r.text, 'demo proposal');
    assert.match(r.text, /关于进一步增加城区公办幼儿园学位的建议/);
    assert.match(r.text, /已办结/);
    assert.match(r.text, /关于市十六届人大四次会议第21号建议的答复/);
    assert.match(r.text, /索引号/);
    assert.doesNotMatch(r.text, /name="action" value="publish"/, 'published once: no second publication');
    const assist = list.text.match(new RegExp(`<a href="(${BASE}/\\d+)">市十六届人大四次会议第102号建议</a>`));
    assert.ok(assist, 'the row of 第102号建议 (协办)');
    const a = await clerk.get(assist[1]);
    assert.match(a.text, /<th scope="row">办理方式<\/th><td>协办<\/td>/);
    assert.doesNotMatch(a.text, /name="action" value="publish"/, 'a 协办 unit does not publish a reply');
    const other = list.text.match(new RegExp(`<a href="(${BASE}/\\d+)">市十六届人大四次会议第8号建议</a>`));
    assert.match((await clerk.get(other[1])).text, /name="action" value="publish"/, 'a 主办 reply not yet published can be');
  });

  test('export: CSV with a BOM; the writer of a 来信 is masked for a viewer', async () => {
    const r = await clerk.get(`${BASE}/export?year=2020`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/csv/);
    const raw = Buffer.from(await (await srv.fetch(`${BASE}/export?year=2020`, { headers: { cookie: clerk.jar.header() } })).arrayBuffer());
    assert.deepEqual([...raw.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a UTF-8 BOM for Excel');
    assert.ok(r.text.replace(/^\uFEFF/, '').startsWith('来源,届次会议,类别,编号,标题,领衔人,附议人,办理方式,交办日期,办理期限,答复日期,答复内容,办理结果,满意度,办结日期,答复公开标题'));
    assert.match(r.text, /王晓红/);
    const v = await viewer.get(`${BASE}/export?year=2020`);
    assert.equal(v.status, 200);
    assert.doesNotMatch(v.text, /王晓红/);
    assert.match(v.text, /,王\*,/);
    assert.match(v.text, /周建芬/, 'deputies are named');
  });
});

describe('a suggestion from 交办 to the published reply', () => {
  let id;

  test('the form refuses bad input keeping the values; a double click stores once', async () => {
    const { form, token } = await newForm(clerk);
    assertPageBasics(form.text, 'new form');
    const fields = {
      token, source: 'npc', session: '市十六届人大五次会议', kind: 'suggestion', number: '第12号',
      title: '关于推进中小学校园足球发展的建议', proposer: '陆国平', cosigners: '沈丽、钱军', role: 'lead',
      assigned_on: '2021-03-01', due_on: '',
    };
    const bad = await clerk.post(`${BASE}/new`, { ...fields, source: 'cppcc' });
    assert.equal(bad.status, 400);
    assert.match(errorText(bad.text), /不符/);
    assert.match(bad.text, /value="关于推进中小学校园足球发展的建议"/);
    assertPageBasics(bad.text, 'new form with an error');
    const noDate = await clerk.post(`${BASE}/new`, { ...fields, assigned_on: '2021-02-30' });
    assert.equal(noDate.status, 400);
    assert.match(errorText(noDate.text), /交办日期/);
    const r = await clerk.post(`${BASE}/new`, fields);
    assert.equal(r.status, 303, errorText(r.text));
    id = idOf(r);
    assert.ok(id, r.location);
    const again = await clerk.post(`${BASE}/new`, fields);
    assert.equal(again.status, 303);
    assert.equal(idOf(again), id, 'the same token leads to the first record');
    const dup = await clerk.post(`${BASE}/new`, { ...fields, token: (await newForm(clerk)).token });
    assert.equal(dup.status, 400);
    assert.match(errorText(dup.text), /已经登记/);
  });

  test('the case page: due date 90 days after the assignment, overdue', async () => {
    const p = await page(clerk, id);
    assertPageBasics(p.html, 'case page');
    assert.equal(p.state, '办理中');
    assert.match(p.cell('办理期限'), /2021-05-30 ?（按交办日期起90日计算）/);
    assert.match(p.cell('办理期限'), /已超期/);
    assert.equal(p.cell('编号'), '12');
    assert.deepEqual(p.actions, ['reply']);
    const list = await clerk.get(`${BASE}?year=2021&state=overdue`);
    assert.match(list.text, /<tr class="row-overdue"><td><a href="[^"]+">市十六届人大五次会议第12号建议<\/a>/);
    assertPageBasics(list.text, 'overdue list');
  });

  test('viewers read but cannot handle; handlers cannot publish', async () => {
    const p = await page(viewer, id);
    assert.deepEqual(p.actions, []);
    assert.equal((await viewer.get(`${BASE}/new`)).status, 403);
    assert.equal((await viewer.get(`${BASE}/import`)).status, 403);
    assert.equal(p.version, null, 'no forms for a viewer');
    assert.equal((await viewer.post(`${BASE}/${id}/action`, { action: 'reply', version: 1, reply: 'x', result: 'A', replied_on: '2021-05-10' })).status, 403);
    assert.equal((await viewer.get(`${BASE}/${id}/edit`)).status, 403);
  });

  test('the reply: kept on error, a stale version is 409', async () => {
    const p = await page(clerk, id);
    const reply = '陆国平代表：\n\n您提出的《关于推进中小学校园足球发展的建议》收悉。现答复如下。\n\n一、全市已有校园足球特色学校12所。';
    const bad = await clerk.post(`${BASE}/${id}/action`, { action: 'reply', version: p.version, reply, replied_on: '2021-05-10' });
    assert.equal(bad.status, 400);
    assert.match(errorText(bad.text), /办理结果/);
    assert.match(bad.text, /校园足球特色学校12所/, 'the reply text is kept');
    assertPageBasics(bad.text, 'reply refused');
    const stale = await clerk.post(`${BASE}/${id}/action`, { action: 'reply', version: Number(p.version) + 1, reply, result: 'A', replied_on: '2021-05-10' });
    assert.equal(stale.status, 409);
    const ok = await clerk.post(`${BASE}/${id}/action`, { action: 'reply', version: p.version, reply, result: 'B', replied_on: '2021-05-10' });
    assert.equal(ok.status, 303, errorText(ok.text));
    assert.equal(ok.location, `${BASE}/${id}?done=reply`);
    const after = await page(clerk, id);
    assert.equal(after.state, '已答复');
    assert.equal(after.cell('办理结果'), 'B 正在解决或列入计划');
    assert.deepEqual(after.actions.sort(), ['close', 'publish', 'reply']);
    assert.doesNotMatch(after.cell('办理期限'), /已超期/, 'replied: no longer overdue');
    assert.match(after.html, /<p>一、全市已有校园足球特色学校12所。<\/p>/, 'the reply as Markdown');
  });

  test('publishing the reply: PERM_PUBLISH, a catalog item with its 索引号, once', async () => {
    const p = await page(clerk, id);
    assert.equal((await handler.post(`${BASE}/${id}/action`, { action: 'publish', version: p.version })).status, 403);
    const r = await clerk.post(`${BASE}/${id}/action`, { action: 'publish', version: p.version });
    assert.equal(r.status, 303, errorText(r.text));
    const after = await clerk.get(r.location);
    assert.equal(after.status, 200);
    assert.match(noticeText(after.text), /答复已在公开目录发布/);
    const pub = after.text.match(/<a href="(\/o\/[^"]+\/items\/(\d+))">关于市十六届人大五次会议第12号建议的答复<\/a>/);
    assert.ok(pub, 'a link to the published item');
    assert.match(after.text, /索引号 <span class="ix">[^<]+<\/span>/);
    const item = await srv.get(pub[1]);
    assert.equal(item.status, 200);
    assert.match(item.text, /关于市十六届人大五次会议第12号建议的答复/);
    assert.match(item.text, /校园足球特色学校12所/);
    assert.match(item.text, /提案建议办理结果/);
    const twice = await clerk.post(`${BASE}/${id}/action`, { action: 'publish', version: (await page(clerk, id)).version });
    assert.equal(twice.status, 409);
    assert.match(errorText(twice.text), /不能重复公开/);
    assertPageBasics(twice.text, 'publish refused');
  });

  test('close with the satisfaction; edit keeps the published key', async () => {
    let p = await page(handler, id);
    assert.ok(!p.actions.includes('publish'));
    const bad = await handler.post(`${BASE}/${id}/action`, { action: 'close', version: p.version, closed_on: '2021-05-20' });
    assert.equal(bad.status, 400);
    assert.match(errorText(bad.text), /满意度/);
    const ok = await handler.post(`${BASE}/${id}/action`, { action: 'close', version: p.version, satisfaction: 'basic', closed_on: '2021-05-20' });
    assert.equal(ok.status, 303, errorText(ok.text));
    p = await page(clerk, id);
    assert.equal(p.state, '已办结');
    assert.equal(p.cell('满意度'), '基本满意');
    assert.deepEqual(p.actions, []);

    const form = await clerk.get(`${BASE}/${id}/edit`);
    assert.equal(form.status, 200);
    assertPageBasics(form.text, 'edit form');
    const version = form.text.match(/name="version" value="(\d+)"/)[1];
    const base = {
      version, source: 'npc', session: '市十六届人大五次会议', kind: 'suggestion', number: '12',
      title: '关于推进中小学校园足球发展的建议', proposer: '陆国平', cosigners: '沈丽、钱军、金华', role: 'lead',
      assigned_on: '2021-03-01', due_on: '2021-06-01',
    };
    const key = await clerk.post(`${BASE}/${id}/edit`, { ...base, number: '13' });
    assert.equal(key.status, 400);
    assert.match(errorText(key.text), /答复已公开/);
    const saved = await clerk.post(`${BASE}/${id}/edit`, base);
    assert.equal(saved.status, 303, errorText(saved.text));
    p = await page(clerk, id);
    assert.equal(p.cell('附议人'), '沈丽、钱军、金华');
    assert.match(p.cell('办理期限'), /2021-06-01 ?（依交办文件）/);
    assert.match(p.html, /修改：附议人、办理期限/);
    const stale = await clerk.post(`${BASE}/${id}/edit`, base);
    assert.equal(stale.status, 409);
  });

  test('unknown ids and another org\'s records are not found', async () => {
    assert.equal((await clerk.get(`${BASE}/999999`)).status, 404);
    assert.equal((await clerk.post(`${BASE}/999999/action`, { action: 'reply', version: 1 })).status, 404);
    if (!otherOrg) return;
    const admin = await loginClient(srv, 'admin', env.adminPassword);
    assert.equal((await admin.get(`${BASE}/${id}`)).status, 200, 'the sysadmin sees it in its org');
    assert.equal((await admin.get(`/admin/o/${OTHER}/proposals/${id}`)).status, 404);
    assert.equal((await admin.get(`/admin/o/${OTHER}/proposals/${id}/edit`)).status, 404);
    const other = await admin.get(`/admin/o/${OTHER}/proposals`);
    assert.equal(other.status, 200);
    assert.match(other.text, /建议提案（共 0 件）/);
  });

  test('forms need a valid CSRF token', async () => {
    const r = await clerk.post(`${BASE}/${id}/action`, { action: 'reply', version: 1, csrf: 'bad' });
    assert.equal(r.status, 403);
    const fresh = new Client(srv);
    assert.equal((await fresh.get(BASE)).status, 303, 'not logged in: to the login page');
    assert.ok(csrfFrom((await clerk.get(BASE)).text));
  });
});
