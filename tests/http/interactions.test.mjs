// interactions.test.mjs - public interaction (政民互动): the public 领导信箱 /
// 网上咨询 form with its arithmetic challenge, minimum fill time, one-time
// token and per-address rate limit; the receipt and the tracking page; the
// staff dashboard (overdue marking, masking for a viewer), registration,
// assign / reply / close with stale versions refused, publication and the
// public Q&A without personal data; the channels page; CSV import of the
// demo file (the seed report's 2020 figures), refusal of a bad file, and
// export without personal data.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  Client, ORG, ROOT, assertPageBasics, cleanup, cli, csrfFrom, loginClient, makeDb, startServer, textOf,
} from './lib.mjs';

const IA = `/admin/o/${ORG}/interactions`;
const MAILBOX = `/o/${ORG}/mailbox`;
const VIEWER = 'viewer-ia';
const VIEWER_PW = 'Viewer-Pass-2026-ia';
const DEMO_CSV = path.join(ROOT, 'data/demo/tongxiang-edu/interactions.csv');

let env;
let srv;
let clerk;
let viewer;
let stored = 0; // letters stored through the public form (the rate limit counts them)

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function errorText(html) {
  const m = html.match(/<p class="error"[^>]*>([\s\S]*?)<\/p>/);
  return m ? textOf(m[1]) : '';
}

function noticeText(html) {
  const m = html.match(/<p class="notice"[^>]*>([\s\S]*?)<\/p>/);
  return m ? textOf(m[1]) : '';
}

function daysAgo(n) {
  const d = new Date(Date.now() + 8 * 3600e3 - n * 86400e3); // China time
  return d.toISOString().slice(0, 10);
}

/** The public form: { client, csrf, challenge, answer, channels: {name: id} }. */
async function mailboxForm(c = new Client(srv)) {
  const r = await c.get(MAILBOX);
  assert.equal(r.status, 200, `GET ${MAILBOX}: ${r.status}`);
  const challenge = r.text.match(/name="challenge" value="([^"]+)"/)?.[1];
  const q = r.text.match(/(\d+) 加 (\d+) 等于几？/);
  assert.ok(challenge && q, 'the form carries a challenge and its question');
  const channels = Object.fromEntries([...r.text.matchAll(/<option value="(\d+)"[^>]*>([^<]+)<\/option>/g)].map((m) => [m[2], m[1]]));
  return { c, html: r.text, csrf: csrfFrom(r.text), challenge, answer: String(Number(q[1]) + Number(q[2])), channels };
}

function letter(f, extra = {}) {
  return {
    csrf: f.csrf, challenge: f.challenge, answer: f.answer, channel: f.channels['领导信箱'], kind: 'consult',
    subject: '孩子上小学的学区咨询', content: '我家住在梧桐街道，电话13800005678，请问属于哪所小学的学区？',
    name: '赵子涵', phone: '138-0000-5678', email: 'zzh@example.com', consent: '1', ...extra,
  };
}

/** The case page, parsed. */
async function casePage(c, id) {
  const r = await c.get(`${IA}/${id}`);
  assert.equal(r.status, 200, `GET case ${id}: ${r.status} ${errorText(r.text)}`);
  const cell = (label) => {
    const m = r.text.match(new RegExp(`<th scope="row">${label}</th><td[^>]*>([\\s\\S]*?)</td>`));
    return m ? textOf(m[1]) : null;
  };
  return {
    html: r.text,
    state: textOf(r.text.match(/状态：<strong class="status[^"]*">([^<]*)<\/strong>/)?.[1] ?? ''),
    version: r.text.match(/name="version" value="(\d+)"/)?.[1] ?? null,
    actions: [...r.text.matchAll(/name="action" value="([a-z]+)"/g)].map((m) => m[1]),
    cell,
  };
}

async function act(c, id, fields) {
  return c.post(`${IA}/${id}/action`, fields);
}

async function actOk(c, id, fields) {
  const { version } = await casePage(c, id);
  const r = await act(c, id, { version, ...fields });
  assert.equal(r.status, 303, `${fields.action}: expected 303, got ${r.status}: ${errorText(r.text)}`);
  assert.equal(r.location, `${IA}/${id}`);
}

/** The dashboard's table of the year: { 渠道: total }. */
function statsByChannel(html) {
  const t = html.match(/<caption>按渠道和月份（受理日期）<\/caption>[\s\S]*?<\/table>/)?.[0] ?? '';
  return Object.fromEntries([...t.matchAll(/<tr><th scope="row">([^<]+)<\/th>[\s\S]*?<td><strong>(\d+)<\/strong><\/td><\/tr>/g)]
    .map((m) => [m[1], Number(m[2])]));
}

function importForm(file, name, { dry = false, encoding = 'auto' } = {}) {
  const fd = new FormData();
  fd.append('file', new Blob([file], { type: 'text/csv' }), name);
  fd.append('encoding', encoding);
  if (dry) fd.append('dry_run', '1');
  return fd;
}

before(async () => {
  env = makeDb({ demo: true });
  cli(env.db, ['user', 'add', VIEWER, '--org', ORG, '--role', 'viewer', '--password-stdin'], { input: VIEWER_PW + '\n' });
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

describe('the public mailbox', () => {
  let code;
  let id;

  test('the agency home page links to the mailbox and the Q&A', async () => {
    const r = await srv.get(`/o/${ORG}/`);
    assert.equal(r.status, 200);
    assert.match(r.text, new RegExp(`<a href="${MAILBOX}">领导信箱</a>`));
    assert.match(r.text, new RegExp(`<a href="/o/${ORG}/qa">网上咨询问答</a>`));
  });

  test('the form offers the public channels and a challenge; a quick or wrong answer is refused, the form kept', async () => {
    const f = await mailboxForm();
    assertPageBasics(f.html, 'mailbox form');
    assert.deepEqual(Object.keys(f.channels).sort(), ['网上咨询', '领导信箱'].sort(), 'only the channels of the public form');
    assert.match(f.html, /领导信箱：自受理之日起 10个工作日内答复/);
    let r = await f.c.post(MAILBOX, letter(f));
    assert.equal(r.status, 400, 'sent within the minimum fill time');
    assert.match(errorText(r.text), /提交过快/);
    assert.match(r.text, /value="孩子上小学的学区咨询"/, 'what was typed is kept');
    assertPageBasics(r.text, 'mailbox form with an error');
    await sleep(3100);
    r = await f.c.post(MAILBOX, letter(f, { answer: String(Number(f.answer) + 1) }));
    assert.equal(r.status, 400);
    assert.match(errorText(r.text), /答案不正确/);
    r = await f.c.post(MAILBOX, letter(f, { answer: '七' }));
    assert.equal(r.status, 400);
    assert.match(errorText(r.text), /阿拉伯数字/);
    // a forged challenge (its time changed) does not verify
    const forged = f.challenge.replace(/^\d+/, (t) => String(Number(t) - 100));
    r = await f.c.post(MAILBOX, letter(f, { challenge: forged }));
    assert.equal(r.status, 400);
    assert.match(errorText(r.text), /答案不正确/);
    r = await f.c.post(MAILBOX, letter(f, { phone: '' }));
    assert.equal(r.status, 400);
    assert.match(errorText(r.text), /联系电话/);
    // a channel not offered on the public form
    r = await f.c.post(MAILBOX, letter(f, { channel: '1' }));
    assert.equal(r.status, 400);
    assert.match(errorText(r.text), /渠道/);
    // without the form's cookie
    r = await new Client(srv).post(MAILBOX, letter(f));
    assert.equal(r.status, 403);
  });

  test('a letter is received with a 查询码; the same form again stores nothing new', async () => {
    const f = await mailboxForm();
    await sleep(3100);
    const r = await f.c.post(MAILBOX, letter(f));
    assert.equal(r.status, 200, `submit: ${r.status} ${errorText(r.text)}`);
    stored++;
    assertPageBasics(r.text, 'receipt');
    code = r.text.match(/<code class="trackcode">([0-9A-Z]{12})<\/code>/)?.[1];
    assert.ok(code, 'the receipt shows a 查询码');
    assert.match(textOf(r.text), /10个工作日/);
    assert.doesNotMatch(r.text, /13800005678|赵子涵/, 'no personal data on the receipt');
    const again = await f.c.post(MAILBOX, letter(f));
    assert.equal(again.status, 200);
    assert.match(noticeText(again.text), /此前已经提交/);
    assert.equal(again.text.match(/<code class="trackcode">([0-9A-Z]{12})<\/code>/)?.[1], code);
    const other = await f.c.post(MAILBOX, letter(f, { subject: '另一件事' }));
    assert.equal(other.status, 409, 'the token with other content');
    assert.match(errorText(other.text), /已经提交过/);
    assert.doesNotMatch(other.text, new RegExp(code), 'never the other letter\'s receipt');
  });

  test('tracking needs the code and the last four digits of the phone', async () => {
    const c = new Client(srv);
    const form = await c.get(`${MAILBOX}/track`);
    assert.equal(form.status, 200);
    assertPageBasics(form.text, 'tracking form');
    c.csrf = csrfFrom(form.text);
    let r = await c.post(`${MAILBOX}/track`, { code, check: '5679' });
    assert.equal(r.status, 404);
    assert.match(errorText(r.text), /查询码或联系电话后四位不正确/);
    r = await c.post(`${MAILBOX}/track`, { code: code.toLowerCase().replace(/(.{4})/g, '$1 '), check: '5678' });
    assert.equal(r.status, 200, errorText(r.text));
    assertPageBasics(r.text, 'tracking result');
    assert.match(r.text, /孩子上小学的学区咨询/);
    assert.match(r.text, /<strong>待分办<\/strong>/);
    assert.doesNotMatch(r.text, /赵子涵|zzh@example\.com/, 'no name or e-mail');
  });

  describe('the staff side of that letter', () => {
    test('the dashboard lists it by due date; a viewer sees the name masked', async () => {
      const r = await clerk.get(IA);
      assert.equal(r.status, 200);
      assertPageBasics(r.text, 'dashboard');
      assert.match(r.text, new RegExp(`<a href="${IA}">政民互动</a>`), 'the staff navigation');
      const row = r.text.match(new RegExp(`<a href="${IA}/(\\d+)">孩子上小学的学区咨询</a></td><td>([^<]*)</td>`));
      assert.ok(row, 'the letter is listed');
      id = Number(row[1]);
      assert.equal(row[2], '赵子涵');
      assert.match(r.text, /待分办 <strong>1<\/strong> 件/);
      const v = await viewer.get(IA);
      assert.equal(v.status, 200);
      assert.match(v.text, /<td>赵\*\*<\/td>/, 'a viewer sees the name masked');
      assert.doesNotMatch(v.text, /登记来信/, 'a viewer cannot register');
      const bad = await clerk.get(`${IA}?state=nonsense`);
      assert.equal(bad.status, 400);
    });

    test('a viewer reads the case masked and cannot act', async () => {
      const p = await casePage(viewer, id);
      assertPageBasics(p.html, 'case page (viewer)');
      assert.equal(p.cell('联系电话'), '138-****-5678');
      assert.deepEqual(p.actions, []);
      assert.doesNotMatch(p.html, /查询码/);
      const r = await act(viewer, id, { action: 'assign', version: '1', unit: '基础教育科', handler: '沈丽' });
      assert.equal(r.status, 403);
    });

    test('assign, a stale version, reply, publish and close', async () => {
      let p = await casePage(clerk, id);
      assertPageBasics(p.html, 'case page');
      assert.equal(p.state, '待分办');
      assert.equal(p.cell('联系电话'), '138-0000-5678');
      assert.match(p.html, new RegExp(`查询码：<span class="ix">${code}</span>`));
      assert.deepEqual(p.actions.sort(), ['assign', 'reply'].sort());
      let r = await act(clerk, id, { action: 'assign', version: p.version, unit: '基础教育科', handler: '' });
      assert.equal(r.status, 400);
      assert.match(errorText(r.text), /承办人/);
      assert.match(r.text, /value="基础教育科"/, 'the form keeps what was typed');
      assertPageBasics(r.text, 'case page with a refused action');
      await actOk(clerk, id, { action: 'assign', unit: '基础教育科', handler: '沈丽' });
      r = await act(clerk, id, { action: 'reply', version: p.version, reply: '答复' });
      assert.equal(r.status, 409, 'the version seen before the assignment is stale');
      assert.match(errorText(r.text), /已被他人更新/);
      p = await casePage(clerk, id);
      assert.equal(p.state, '办理中');
      assert.equal(p.cell('承办人'), '沈丽');
      await actOk(clerk, id, { action: 'reply', reply: '赵子涵您好！梧桐街道的学区划分已在我局网站公布，请按房产地址查询。' });
      p = await casePage(clerk, id);
      assert.equal(p.state, '已答复');
      assert.deepEqual(p.actions.sort(), ['close', 'publish'].sort());
      // the default public version: no phone, e-mail or name
      const q = p.html.match(/<textarea id="pu-question"[^>]*>([\s\S]*?)<\/textarea>/)?.[1];
      const a = p.html.match(/<textarea id="pu-answer"[^>]*>([\s\S]*?)<\/textarea>/)?.[1];
      assert.ok(q && a);
      assert.match(q, /电话\*\*\*/);
      assert.match(a, /^\*\*\*您好/);
      r = await act(clerk, id, { action: 'publish', version: p.version, public: '1', public_subject: '学区咨询',
        public_question: '请问属于哪所小学？电话13800005678', public_answer: a });
      assert.equal(r.status, 400, 'a public version with the phone');
      assert.match(errorText(r.text), /电话/);
      await actOk(clerk, id, { action: 'publish', public: '1', public_subject: '梧桐街道小学学区咨询',
        public_question: textOf(q), public_answer: textOf(a) });
      await actOk(clerk, id, { action: 'close' });
      p = await casePage(clerk, id);
      assert.equal(p.state, '已办结');
      assert.match(p.html, /已公开/);
      assert.ok(p.html.match(/<table class="app-events">[\s\S]*?<\/table>/)[0].match(/<tr><td class="date">/g).length >= 5,
        'every step is in the history');
    });

    test('the public Q&A shows only the public version; the person tracks the reply', async () => {
      const list = await srv.get(`/o/${ORG}/qa`);
      assert.equal(list.status, 200);
      assertPageBasics(list.text, 'Q&A');
      assert.match(list.text, new RegExp(`<a href="/o/${ORG}/qa/${id}">梧桐街道小学学区咨询</a>`));
      const one = await srv.get(`/o/${ORG}/qa/${id}`);
      assert.equal(one.status, 200);
      assertPageBasics(one.text, 'Q&A item');
      assert.match(one.text, /学区划分已在我局网站公布/);
      assert.doesNotMatch(one.text, /赵子涵|13800005678|138-0000-5678|zzh@example/);
      const none = await srv.get(`/o/${ORG}/qa/999999`);
      assert.equal(none.status, 404);
      const c = new Client(srv);
      c.csrf = csrfFrom((await c.get(`${MAILBOX}/track`)).text);
      const t = await c.post(`${MAILBOX}/track`, { code, check: '5678' });
      assert.equal(t.status, 200);
      assert.match(t.text, /学区划分已在我局网站公布/);
      assert.match(t.text, /<strong>已办结<\/strong>/);
    });
  });
});

describe('staff registration and deadlines', () => {
  test('a call registered 30 days ago is overdue on the dashboard', async () => {
    const form = await clerk.get(`${IA}/new`);
    assert.equal(form.status, 200);
    assertPageBasics(form.text, 'registration form');
    const token = form.text.match(/name="token" value="([^"]+)"/)?.[1];
    const channel = form.text.match(/<option value="(\d+)">市长电话<\/option>/)?.[1];
    assert.ok(token && channel);
    const fields = { token, channel, kind: 'complain', received_on: daysAgo(30), subject: '校门口交通拥堵', content: '上下学时段车辆拥堵。', name: '钱伟', phone: '13900001111' };
    let r = await clerk.post(`${IA}/new`, { ...fields, subject: '' });
    assert.equal(r.status, 400);
    assert.match(errorText(r.text), /标题/);
    assert.match(r.text, /value="钱伟"/);
    r = await clerk.post(`${IA}/new`, { ...fields, received_on: daysAgo(-2) });
    assert.equal(r.status, 400);
    assert.match(errorText(r.text), /今天/);
    r = await clerk.post(`${IA}/new`, fields);
    assert.equal(r.status, 303, errorText(r.text));
    const id = Number(r.location.match(/(\d+)$/)[1]);
    const again = await clerk.post(`${IA}/new`, fields);
    assert.equal(again.location, r.location, 'a double click stores once');
    const p = await casePage(clerk, id);
    assert.match(p.cell('办理期限'), /5个工作日/);
    assert.match(p.html, /flag-overdue">已超期/);
    assert.match(p.html, /已超出 \d+ 个工作日/);
    const d = await clerk.get(IA);
    assert.match(d.text, new RegExp(`<tr class="row-overdue">[^\\n]*${id}">校门口交通拥堵`));
    assert.match(d.text, /已超期 <strong>1<\/strong> 件/);
    assert.equal((await viewer.get(`${IA}/new`)).status, 403);
    assert.equal((await clerk.get(`${IA}/999999`)).status, 404);
  });
});

describe('channels', () => {
  test('only an org admin edits them; limits, a new public channel, conflicts', async () => {
    assert.equal((await viewer.get(`${IA}/channels`)).status, 403);
    const r = await clerk.get(`${IA}/channels`);
    assert.equal(r.status, 200);
    assertPageBasics(r.text, 'channels');
    const form = r.text.match(/<form class="catedit" method="post" action="([^"]+)">\s*<input type="hidden" name="csrf" value="[^"]*">\s*<input type="hidden" name="version" value="(\d+)">\s*<label for="cn\d+">名称<\/label> <input type="text" id="cn\d+" name="name" value="市长电话"/);
    assert.ok(form, 'a form per channel');
    const [, action, version] = form;
    let s = await clerk.post(action, { name: '市长电话', due_n: '7', due_unit: 'workdays', sort: '10', active: '1', version });
    assert.equal(s.status, 303);
    assert.match((await clerk.get(`${IA}/channels`)).text, /<td>7个工作日<\/td>/);
    s = await clerk.post(action, { name: '市长电话', due_n: '9', due_unit: 'workdays', sort: '10', active: '1', version });
    assert.equal(s.status, 409, 'a stale version');
    s = await clerk.post(`${IA}/channels`, { name: '领导信箱', due_n: '5', due_unit: 'workdays', sort: '80' });
    assert.equal(s.status, 400);
    assert.match(errorText(s.text), /已有名为“领导信箱”的渠道/);
    assertPageBasics(s.text, 'channels with an error');
    s = await clerk.post(`${IA}/channels`, { name: '校长信箱', due_n: '7', due_unit: 'days', sort: '80', public_form: '1' });
    assert.equal(s.status, 303);
    const f = await mailboxForm();
    assert.ok(f.channels['校长信箱'], 'the new channel is offered on the public form');
    assert.match(f.html, /校长信箱：自受理之日起 7日内答复/);
  });
});

describe('CSV import and export', () => {
  test('the demo file imports and gives the seed report\'s 2020 figures', async () => {
    const csv = fs.readFileSync(DEMO_CSV);
    let d = await clerk.get(`${IA}?year=2020`);
    if (!statsByChannel(d.text)['上级转办']) {
      // not loaded by `gongkai demo`: import it through the page
      let r = await clerk.postMultipart(`${IA}/import`, importForm(csv, 'interactions.csv', { dry: true }));
      assert.equal(r.status, 200, errorText(r.text));
      assert.match(noticeText(r.text), /检查通过：共 783 条记录（UTF-8 编码）/);
      d = await clerk.get(`${IA}?year=2020`);
      assert.equal(statsByChannel(d.text)['上级转办'], 0, 'a dry run stores nothing');
      r = await clerk.postMultipart(`${IA}/import`, importForm(csv, 'interactions.csv'));
      assert.equal(r.status, 200, errorText(r.text));
      assert.match(noticeText(r.text), /已导入 783 条记录/);
      d = await clerk.get(`${IA}?year=2020`);
    }
    assertPageBasics(d.text, 'dashboard of 2020');
    const s = statsByChannel(d.text);
    assert.deepEqual({ 市长电话: s['市长电话'], 网上信访: s['网上信访'], 领导信箱: s['领导信箱'], 上级转办: s['上级转办'], 网上直接答复: s['网上直接答复'], 合计: s['合计'] },
      { 市长电话: 153, 网上信访: 45, 领导信箱: 15, 上级转办: 362, 网上直接答复: 208, 合计: 783 });
    assert.match(d.text, /2020 年受理情况/);
    assert.match(d.text, /共受理 <strong>783<\/strong> 件，已答复 783 件，已办结 783 件/);
    // the same file again: every row a duplicate, nothing stored
    const r = await clerk.postMultipart(`${IA}/import`, importForm(csv, 'interactions.csv'));
    assert.equal(r.status, 400);
    assert.match(errorText(r.text), /未导入任何记录/);
    assert.match(r.text, /<li>第 2 行：与已登记的来信重复/);
    assert.match(r.text, /另有 683 行有误/);
    assert.equal(statsByChannel((await clerk.get(`${IA}?year=2020`)).text)['合计'], 783);
    // public ones from the file are on the Q&A
    const qa = await srv.get(`/o/${ORG}/qa`);
    assert.ok((qa.text.match(/<li><a href="\/o\//g) || []).length >= 10);
  });

  test('a bad file is refused row by row and stores nothing; GBK is read', async () => {
    const bad = '受理日期,渠道,类别,标题\n2020-13-01,市长电话,咨询,开学\n2020-03-02,热线,咨询,开学\n';
    let r = await clerk.postMultipart(`${IA}/import`, importForm(bad, 'bad.csv'));
    assert.equal(r.status, 400);
    assert.match(r.text, /<li>第 2 行：“受理日期”不是有效日期/);
    assert.match(r.text, /<li>第 3 行：没有名为“热线”的渠道/);
    assertPageBasics(r.text, 'dashboard with import errors');
    // 受理日期,渠道,类别,标题 / 2021-03-01,上级转办,建议,建议增加体育课 in GBK
    const gbk = Buffer.from('cadcc0edc8d5c6da2cc7feb5c02cc0e0b1f02cb1eacce20a323032312d30332d30312cc9cfbcb6d7aab0ec2cbda8d2e92cbda8d2e9d4f6bcd3cce5d3fdbfce0a', 'hex');
    r = await clerk.postMultipart(`${IA}/import`, importForm(gbk, 'gbk.csv', { dry: true }));
    assert.equal(r.status, 200, errorText(r.text) + textOf(r.text.match(/<ul class="errors"[\s\S]*?<\/ul>/)?.[0] ?? ''));
    assert.match(noticeText(r.text), /共 1 条记录（GBK 编码）/);
    const v = await viewer.postMultipart(`${IA}/import`, importForm(bad, 'bad.csv'));
    assert.equal(v.status, 403, 'a viewer cannot import');
  });

  test('export leaves out names, phones and e-mail unless asked by a case handler', async () => {
    const res = await srv.fetch(`${IA}/export.csv?year=2020`, { headers: { cookie: clerk.jar.header() } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/csv/);
    assert.equal(res.headers.get('content-disposition'),
      `attachment; filename*=UTF-8''${encodeURIComponent('桐乡市教育局政民互动-2020.csv')}`);
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a BOM for Excel');
    const r = { text: bytes.subarray(3).toString('utf8') };
    const lines = r.text.trim().split('\r\n');
    assert.equal(lines.length, 784);
    assert.equal(lines[0], '受理日期,渠道,类别,标题,内容,承办单位,承办人,答复内容,答复日期,办结日期,是否公开,公开标题,公开内容,公开答复');
    assert.doesNotMatch(r.text, /1[3-9]\d0000\d{4}/, 'no phone numbers of the people');
    const p = await clerk.get(`${IA}/export.csv?year=2020&personal=1`);
    assert.match(p.text, /,来信人,联系电话,电子邮箱,/);
    assert.equal((await viewer.get(`${IA}/export.csv?personal=1`)).status, 403);
    assert.equal((await viewer.get(`${IA}/export.csv`)).status, 200);
  });
});

describe('the rate limit', () => {
  test('at most 5 letters from one address in 10 minutes, then 429', async () => {
    const forms = [];
    for (let i = 0; i < 6 - stored; i++) forms.push(await mailboxForm());
    await sleep(3100);
    for (let i = 0; i < forms.length; i++) {
      const f = forms[i];
      const r = await f.c.post(MAILBOX, letter(f, { subject: `第${i + 1}封来信`, consent: '' }));
      if (stored < 5) {
        assert.equal(r.status, 200, `letter ${stored + 1}: ${r.status} ${errorText(r.text)}`);
        stored++;
      } else {
        assert.equal(r.status, 429);
        assert.match(textOf(r.text), /提交过于频繁/);
        assertPageBasics(r.text, '429 page');
      }
    }
    assert.equal(stored, 5);
  });
});
