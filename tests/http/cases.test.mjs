// cases.test.mjs - the staff side of disclosure applications (依申请公开):
// registration of an in-person application, the case page and its due date
// on the official calendar through 补正, 征求意见 and 延期, refused actions
// and stale versions, the reply and its letter (edit, issue, print, PDF),
// files, masking for a viewer, and the dashboard by due date.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  Client, ORG, ORG_NAME, assertPageBasics, cleanup, cli, csrfFrom, loginClient, makeDb, startServer, textOf,
} from './lib.mjs';

const APPS = `/admin/o/${ORG}/applications`;
const VIEWER = 'viewer-cases';
const VIEWER_PW = 'Viewer-Pass-2026-xyz';
const OTHER = 'other-cases';

let env;
let srv;
let clerk; // the demo org's orgadmin
let viewer;
let otherOrg = false;

/** An 18-character 居民身份证 number with its GB 11643 check digit. */
function idNumber(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, c, i) => s + Number(c) * w[i], 0);
  return first17 + '10X98765432'[sum % 11];
}
const ID = idNumber('33048319850315123');

/** `calendar due DAY N` of the binary: the N-th working day after DAY. */
function due(day, n) {
  return cli(env.db, ['calendar', 'due', day, String(n)]).stdout.trim();
}

/** Working days in (from, to] on the official calendar. */
function workdaysBetween(from, to) {
  let k = 0;
  for (let d = new Date(from + 'T00:00:00Z'); ;) {
    d = new Date(d.getTime() + 86400000);
    const s = d.toISOString().slice(0, 10);
    if (s > to) break;
    if (cli(env.db, ['calendar', 'is-workday', s], { allowFail: true }).status === 0) k++;
  }
  return k;
}

function errorText(html) {
  const m = html.match(/<p class="error"[^>]*>([\s\S]*?)<\/p>/);
  return m ? textOf(m[1]) : '';
}

function applicant(extra = {}) {
  return {
    channel: 'in_person', arrived_on: '2024-09-20', applicant_type: 'natural', name: '张三丰',
    id_kind: '居民身份证', id_number: ID, phone: '13812345678', email: 'zhang@example.cn',
    address: '浙江省桐乡市梧桐街道庆丰路100号', postcode: '314500',
    info_title: '2024年桐乡市义务教育阶段招生计划', info_desc: '各学校招生人数及学区划分。',
    medium: '电子', delivery: '电子邮件', ...extra,
  };
}

/** GET the registration form and POST it with a fresh one-time token. */
async function register(c, fields) {
  const form = await c.get(`${APPS}/new`);
  assert.equal(form.status, 200, `GET ${APPS}/new: ${form.status}`);
  const token = form.text.match(/name="token" value="([^"]+)"/)?.[1];
  assert.ok(token, 'the registration form has a one-time token');
  const r = await c.post(`${APPS}/new`, { token, ...fields });
  return { r, token, id: Number(r.location?.match(new RegExp(`^${APPS}/(\\d+)$`))?.[1]) || null };
}

/** The case page, parsed. */
async function casePage(c, id) {
  const r = await c.get(`${APPS}/${id}`);
  assert.equal(r.status, 200, `GET case ${id}: ${r.status} ${errorText(r.text)}`);
  return parseCase(r.text);
}

function parseCase(html) {
  const cell = (label) => {
    const m = html.match(new RegExp(`<th scope="row">${label}</th><td[^>]*>([\\s\\S]*?)</td>`));
    return m ? textOf(m[1]) : null;
  };
  const table = (cls) => {
    const t = html.match(new RegExp(`<table class="${cls}">[\\s\\S]*?<tbody>([\\s\\S]*?)</tbody>`))?.[1] ?? '';
    return [...t.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => [...m[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((x) => textOf(x[1])));
  };
  const letters = [...(html.match(/<table class="app-letters">[\s\S]*?<\/table>/)?.[0] ?? '')
    .matchAll(/<tr><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td><a href="([^"]+)">/g)]
    .map((m) => ({ title: textOf(m[1]), kind: m[2], status: m[3], url: m[4], id: Number(m[4].match(/(\d+)$/)[1]) }));
  return {
    html,
    state: textOf(html.match(/状态：<strong class="status[^"]*">([^<]*)<\/strong>/)?.[1] ?? ''),
    due: html.match(/<strong class="due">([^<]*)<\/strong>/)?.[1] ?? null,
    received: cell('收到申请之日'),
    version: html.match(/name="version" value="(\d+)"/)?.[1] ?? null,
    actions: [...html.matchAll(/name="action" value="([a-z_]+)"/g)].map((m) => m[1]),
    dues: table('app-dues'),
    events: table('app-events'),
    letters,
    cell,
    error: errorText(html),
  };
}

async function act(c, id, fields) {
  return c.post(`${APPS}/${id}/action`, fields);
}

/** Act with the page's current version; assert the redirect. Returns the letter id drafted, if any. */
async function actOk(c, id, fields) {
  const { version } = await casePage(c, id);
  const r = await act(c, id, { version, ...fields });
  assert.equal(r.status, 303, `${fields.action}: expected 303, got ${r.status}: ${errorText(r.text)}`);
  const m = r.location.match(new RegExp(`^/admin/o/${ORG}/letters/(\\d+)$`));
  if (!m) assert.equal(r.location, `${APPS}/${id}`, `${fields.action} redirects to the case page`);
  return m ? Number(m[1]) : null;
}

function pdfBytes() {
  return Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n', 'latin1');
}

before(async () => {
  env = makeDb({ demo: true });
  cli(env.db, ['user', 'add', VIEWER, '--org', ORG, '--role', 'viewer', '--password-stdin'], { input: VIEWER_PW + '\n' });
  const help = cli(env.db, ['init', '--help']);
  if (/--org-slug/.test(help.stdout + help.stderr)) {
    cli(env.db, ['init', '--org-name', '测试市其他局', '--org-slug', OTHER, '--org-code', '123456780']);
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

describe('an application from registration to the reply letter', () => {
  let id;
  let due1, due2, due3, due4;
  let replyLetter;

  test('the staff navigation links to the applications', async () => {
    const r = await clerk.get(APPS);
    assert.equal(r.status, 200);
    assert.match(r.text, new RegExp(`<a href="${APPS}">依申请公开</a>`));
    assertPageBasics(r.text, 'dashboard');
    assert.match(r.text, /登记申请/, 'the orgadmin may register applications');
  });

  test('the registration form is valid and refuses bad input keeping the values', async () => {
    const form = await clerk.get(`${APPS}/new`);
    assert.equal(form.status, 200);
    assertPageBasics(form.text, 'registration form');
    assert.doesNotMatch(form.text, /<option value="online"/, 'online is not a registration channel');
    assert.match(form.text, /以提交之日为收到申请之日/, 'each channel shows its receipt-date rule');
    const { r } = await register(clerk, applicant({ id_number: '330483198503151230' }));
    assert.equal(r.status, 400, 'a wrong check digit is refused');
    assert.match(errorText(r.text), /身份证/, `message: ${errorText(r.text)}`);
    assert.match(r.text, /value="张三丰"/, 'the values are kept');
    assertPageBasics(r.text, 'registration form with an error');
    const noChannel = await register(clerk, applicant({ channel: 'online' }));
    assert.equal(noChannel.r.status, 400, 'online cannot be registered by staff');
  });

  test('an in-person application is registered; the receipt date and due date follow the calendar', async () => {
    const res = await register(clerk, applicant());
    assert.equal(res.r.status, 303, `register: ${res.r.status} ${errorText(res.r.text)}`);
    assert.ok(res.id, `redirected to ${res.r.location}`);
    id = res.id;
    // the same one-time token again (a double click) stores nothing new
    const again = await clerk.post(`${APPS}/new`, { token: res.token, ...applicant() });
    assert.equal(again.status, 303);
    assert.equal(again.location, `${APPS}/${id}`, 'a double submission leads to the first application');

    due1 = due('2024-09-20', 20);
    assert.equal(due1, '2024-10-23', 'the 20th working day after 2024-09-20 (国庆节 and its 调休 counted)');
    const p = await casePage(clerk, id);
    assertPageBasics(p.html, 'case page');
    assert.equal(p.state, '已登记');
    assert.equal(p.received, '2024-09-20');
    assert.equal(p.due, due1);
    assert.equal(p.cell('证件号码'), ID, 'the orgadmin sees personal data unmasked');
    assert.equal(p.cell('申请渠道'), '当面提交');
    assert.ok(p.letters.some((l) => /登记回执/.test(l.title)), 'a draft 登记回执');
    for (const a of ['correction', 'consult', 'extend', 'fee_notice', 'reply', 'withdraw']) {
      assert.ok(p.actions.includes(a), `the form of ${a} on a registered case`);
    }
    assert.ok(!p.actions.includes('corrected'), 'no 收到补正 before a correction notice');
  });

  test('a correction notice pauses the case and drafts a 补正告知书', async () => {
    const letter = await actOk(clerk, id, { action: 'correction', day: '2024-09-23', days: '15', reason: '请补充所需信息的年份和学段。' });
    assert.ok(letter, 'redirected to the drafted letter');
    const p = await casePage(clerk, id);
    assert.equal(p.state, '补正中');
    assert.match(p.html, /已暂停计时/);
    assert.equal(p.cell('申请人期限'), `补正期限至 ${due('2024-09-23', 15)}`);
    const l = p.letters.find((x) => x.id === letter);
    assert.ok(l && /补正告知书/.test(l.title) && l.status === '草稿', `letters: ${JSON.stringify(p.letters)}`);
  });

  test('an action the state does not allow is refused with a Chinese message', async () => {
    const p = await casePage(clerk, id);
    const r = await act(clerk, id, { action: 'reply', version: p.version, outcome: 'disclose', day: '2024-09-24' });
    assert.equal(r.status, 400);
    assert.match(errorText(r.text), /补正中.*不能/, `message: ${errorText(r.text)}`);
    assertPageBasics(r.text, 'case page with a refused action');
    const q = await casePage(clerk, id);
    assert.equal(q.state, '补正中', 'the state is unchanged');
    assert.equal(q.version, p.version, 'nothing was stored');
  });

  test('a stale version is a conflict', async () => {
    const p = await casePage(clerk, id);
    const r = await act(clerk, id, { action: 'corrected', version: String(Number(p.version) - 1), day: '2024-09-30' });
    assert.equal(r.status, 409);
    assert.match(errorText(r.text), /已被他人更新/);
    assert.equal((await casePage(clerk, id)).state, '补正中');
  });

  test('the corrected application restarts the 20 working days', async () => {
    assert.equal(await actOk(clerk, id, { action: 'corrected', day: '2024-09-30' }), null);
    due2 = due('2024-09-30', 20);
    const p = await casePage(clerk, id);
    assert.equal(p.state, '已登记');
    assert.equal(p.due, due2);
  });

  test('a consultation does not count: the due date moves by the working days it took', async () => {
    const letter = await actOk(clerk, id, { action: 'consult', day: '2024-10-08', party: '桐乡市某某学校', reason: '是否同意公开该校招生计划。' });
    assert.ok(letter, 'a 征询函 is drafted');
    let p = await casePage(clerk, id);
    assert.equal(p.state, '征求第三方意见');
    assert.match(p.html, /已暂停计时/);
    await actOk(clerk, id, { action: 'consult_end', day: '2024-10-15', reason: '第三方同意公开。' });
    const k = workdaysBetween('2024-10-08', '2024-10-15');
    assert.equal(k, 6, 'working days in (10-08, 10-15], the Saturday 10-12 being a 调休 working day');
    due3 = due(due2, k);
    p = await casePage(clerk, id);
    assert.equal(p.state, '已登记');
    assert.equal(p.due, due3);
  });

  test('one extension of 20 working days; a second is refused', async () => {
    const missing = await casePage(clerk, id);
    const bad = await act(clerk, id, { action: 'extend', version: missing.version, days: '20', day: '2024-10-16', reason: '需要调取档案。' });
    assert.equal(bad.status, 400, 'an extension without approver is refused');
    assert.match(errorText(bad.text), /批准人/);

    const letter = await actOk(clerk, id, { action: 'extend', days: '20', day: '2024-10-16', approver: '李四', reason: '需要调取多所学校的档案。' });
    assert.ok(letter, 'a 延期答复告知书 is drafted');
    due4 = due(due3, 20);
    let p = await casePage(clerk, id);
    assert.equal(p.state, '延期');
    assert.equal(p.due, due4);
    assert.match(p.html, /已延期/);
    assert.ok(!p.actions.includes('extend'), 'no second extension form');
    const r = await act(clerk, id, { action: 'extend', version: p.version, days: '5', day: '2024-10-17', approver: '李四', reason: '再延。' });
    assert.equal(r.status, 400);
    assert.ok(errorText(r.text), 'with a message');
    p = await casePage(clerk, id);
    assert.equal(p.due, due4, 'the due date is unchanged');
  });

  test('the reply closes the case and drafts the 答复书 with the basis', async () => {
    const basis = '《中华人民共和国政府信息公开条例》第三十七条';
    replyLetter = await actOk(clerk, id, { action: 'reply', outcome: 'partial', basis, day: '2024-10-18', reason: '部分内容涉及学生个人信息，已作区分处理。' });
    assert.ok(replyLetter, 'redirected to the 答复书');
    const p = await casePage(clerk, id);
    assert.equal(p.state, '已答复');
    assert.equal(p.cell('办理结果'), '部分公开');
    assert.equal(p.cell('依据'), basis);
    assert.deepEqual(p.actions, [], 'no action forms on a closed case');
    const l = p.letters.find((x) => x.id === replyLetter);
    assert.ok(l && /答复书/.test(l.title) && l.status === '草稿');
    const e = await clerk.get(`/admin/o/${ORG}/letters/${replyLetter}`);
    assert.equal(e.status, 200);
    assertPageBasics(e.text, 'letter editor');
    assert.match(e.text, /第三十七条/, 'the letter cites the basis');
    assert.match(e.text, /<textarea id="body_md"/);
  });

  test('the due-date history and the procedure history list every change', async () => {
    const p = await casePage(clerk, id);
    const news = p.dues.map((r) => r[1]);
    for (const d of [due1, due2, due3, due4]) assert.ok(news.includes(d), `a change to ${d} in ${JSON.stringify(p.dues)}`);
    assert.ok(news.indexOf(due1) < news.indexOf(due2) && news.indexOf(due2) < news.lastIndexOf(due3) && news.lastIndexOf(due3) < news.indexOf(due4));
    assert.equal(p.dues[0][0], '—', 'the first due date had none before it');
    assert.match(p.dues[0][2], /登记/);
    assert.ok(p.dues.some((r) => r[1] === due2 && r[0] !== '—' && /收到补正/.test(r[2])), 'old → new with the cause');
    assert.ok(p.dues.some((r) => r[1] === due4 && r[0] === due3 && /延期答复/.test(r[2])));
    const steps = p.events.map((r) => r[1]);
    for (const s of ['登记', '发出补正告知', '收到补正', '征求第三方意见', '收到第三方意见', '延期答复', '答复']) {
      assert.ok(steps.includes(s), `history has ${s}: ${JSON.stringify(steps)}`);
    }
    const ext = p.events.find((r) => r[1] === '延期答复');
    assert.equal(ext[0], '2024-10-16');
    assert.match(ext[2], /桐乡市教育局管理员|tongxiang/, 'who');
    assert.match(ext[3], /档案/, 'why');
    assert.match(ext[4], /李四/, 'the approver in the detail');
  });

  test('the letter is edited, issued, printed and rendered as PDF', async () => {
    const url = `/admin/o/${ORG}/letters/${replyLetter}`;
    let e = await clerk.get(url);
    const version = e.text.match(/name="version" value="(\d+)"/)[1];
    const title = e.text.match(/id="title" name="title"[^>]*value="([^"]*)"/)[1];
    const body = textOf(e.text.match(/<textarea id="body_md"[^>]*>([\s\S]*?)<\/textarea>/)[1]);
    const edited = `${body}\n\n经核查，另附招生计划一份。`;
    let r = await clerk.post(url, { title, doc_no: '桐教依复〔2024〕7号', body_md: edited, version });
    assert.equal(r.status, 200, `save: ${r.status} ${errorText(r.text)}`);
    assert.match(r.text, /草稿已保存/);
    // the version just used is stale now
    r = await clerk.post(url, { title, doc_no: '', body_md: 'x', version });
    assert.equal(r.status, 409, 'a stale letter version');
    e = await clerk.get(url);
    const v2 = e.text.match(/name="version" value="(\d+)"/)[1];
    r = await clerk.post(url, { title, doc_no: '桐教依复〔2024〕7号', body_md: edited, version: v2, issue: '1' });
    assert.equal(r.status, 200, `issue: ${r.status} ${errorText(r.text)}`);
    assert.match(r.text, /状态：<strong>已签发<\/strong>/);
    assert.doesNotMatch(r.text, /<textarea/, 'an issued letter is read-only');
    assertPageBasics(r.text, 'issued letter');
    r = await clerk.post(url, { title, body_md: 'changed', version: String(Number(v2) + 1) });
    assert.equal(r.status, 409, 'an issued letter cannot change');

    const pr = await clerk.get(`${url}/print`);
    assert.equal(pr.status, 200);
    assertPageBasics(pr.text, 'print page');
    assert.doesNotMatch(pr.text, /工作台导航/, 'no staff chrome');
    const text = textOf(pr.text);
    assert.match(text, /另附招生计划一份/, 'the body');
    assert.match(text, /第三十七条/);
    assert.match(text, /桐教依复〔2024〕7号/, 'the 文号');
    assert.ok(text.includes(ORG_NAME), 'the agency signs');
    assert.match(pr.text, /<div class="letter-sign">[\s\S]*\d{4}年\d{1,2}月\d{1,2}日/, 'the date in the sign lines');

    const pdf = await clerk.get(`${url}/pdf`);
    assert.equal(pdf.status, 200);
    assert.match(pdf.headers.get('content-type'), /^application\/pdf/);
    const res = await srv.fetch(`${url}/pdf`, { headers: { cookie: clerk.jar.header() } });
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');

    const p = await casePage(clerk, id);
    const l = p.letters.find((x) => x.id === replyLetter);
    assert.match(l.status, /已签发/);
  });

  test('files: upload by role, download with the original name', async () => {
    const fd = new FormData();
    fd.append('role', 'request');
    fd.append('file', new Blob([pdfBytes()], { type: 'application/pdf' }), '申请书扫描件.pdf');
    let r = await clerk.postMultipart(`${APPS}/${id}/files`, fd);
    assert.equal(r.status, 200, `upload: ${r.status} ${errorText(r.text)}`);
    assert.match(r.text, /文件已上传/);
    const fd2 = new FormData();
    fd2.append('role', 'released');
    fd2.append('file', new Blob([pdfBytes()], { type: 'application/pdf' }), '招生计划.pdf');
    r = await clerk.postMultipart(`${APPS}/${id}/files`, fd2);
    assert.equal(r.status, 200);
    const bad = new FormData();
    bad.append('role', 'released');
    bad.append('file', new Blob(['#!/bin/sh\necho hi\n'], { type: 'application/pdf' }), 'x.pdf');
    r = await clerk.postMultipart(`${APPS}/${id}/files`, bad);
    assert.equal(r.status, 400, 'the type is checked');

    const p = await casePage(clerk, id);
    const links = [...p.html.matchAll(/<span class="role">([^<]*)<\/span> <a href="([^"]+)">([^<]*)<\/a>/g)].map((m) => ({ role: m[1], url: m[2], name: m[3] }));
    assert.equal(links.length, 2, JSON.stringify(links));
    const req = links.find((l) => l.role === '申请材料');
    const rel = links.find((l) => l.role === '公开的信息');
    const d = await clerk.get(req.url);
    assert.equal(d.status, 200);
    assert.match(d.headers.get('content-disposition') || '', new RegExp(encodeURIComponent('申请书扫描件.pdf')));
    // the viewer may fetch released information, not the applicant's material
    assert.equal((await viewer.get(req.url)).status, 403);
    assert.equal((await viewer.get(rel.url)).status, 200);
    assert.equal((await clerk.get(`${APPS}/${id}/files/999999`)).status, 404);
  });

  test('a viewer sees personal data masked and may not act', async () => {
    const p = await casePage(viewer, id);
    assertPageBasics(p.html, 'case page (viewer)');
    const shown = p.cell('证件号码');
    assert.notEqual(shown, ID);
    assert.ok(!p.html.includes(ID), 'the full number is nowhere on the page');
    assert.match(shown, /^330\*+\w{2}$/, `masked: ${shown}`);
    assert.equal(p.cell('姓名或名称'), '张*');
    assert.deepEqual(p.actions, [], 'no action forms');
    assert.doesNotMatch(p.html, /enctype="multipart\/form-data"/, 'no upload form');
    const r = await act(viewer, id, { action: 'withdraw', version: '1', reason: 'x' });
    assert.equal(r.status, 403);
    assert.equal((await viewer.get(`${APPS}/new`)).status, 403);
    const l = await viewer.post(`/admin/o/${ORG}/letters/${replyLetter}`, { title: 't', version: '1' });
    assert.equal(l.status, 403);
    for (const suffix of ['', '/print', '/pdf'])
      assert.equal((await viewer.get(`/admin/o/${ORG}/letters/${replyLetter}${suffix}`)).status, 403,
                   `letters${suffix} need the right to handle applications`);
    const dash = await viewer.get(`${APPS}?view=all`);
    assert.equal(dash.status, 200);
    assert.ok(!dash.text.includes('张三丰'), 'names masked on the dashboard');
    assert.match(dash.text, /<td>张\*<\/td>/);
    assert.doesNotMatch(dash.text, /登记申请/);
  });

  test('the dashboard lists open applications by due date and marks the overdue', async () => {
    const res = await register(clerk, applicant({ name: '王五', info_title: '学区划分图', arrived_on: '2024-09-20' }));
    assert.equal(res.r.status, 303);
    const open = await clerk.get(APPS);
    assert.equal(open.status, 200);
    assertPageBasics(open.text, 'dashboard');
    const rows = [...open.text.matchAll(/<tr( class="[^"]*")?><td class="ix"><a href="([^"]+)">([^<]*)<\/a><\/td>([\s\S]*?)<\/tr>/g)];
    // the demo agency has cases in progress of its own (registered days before the test runs)
    assert.ok(!rows.some(r => r[2] === `${APPS}/${id}`), 'the replied application is not listed');
    const row = rows.find(r => r[2] === `${APPS}/${res.id}`);
    assert.ok(row, 'the new open application is listed');
    assert.match(row[4], /<td>王五<\/td>/, 'the orgadmin sees the name');
    assert.match(row[4], /<span class="date">2024-10-23<\/span>/, 'its due date');
    assert.match(row[4], /已超期/, 'marked overdue');
    assert.match(row[1], /row-overdue/);
    const dues = rows.map(r => (r[4].match(/<span class="date">(\d{4}-\d\d-\d\d)<\/span>/) || [])[1]).filter(Boolean);
    assert.deepEqual(dues, [...dues].sort(), 'sorted by due date');
    assert.match(textOf(open.text), new RegExp(`在办 ${rows.length} 件`));
    assert.match(textOf(open.text), /已超期 [1-9]\d* 件/);
    const all = await clerk.get(`${APPS}?view=all`);
    assert.match(all.text, new RegExp(`href="${APPS}/${id}"`), 'view=all shows the replied one too');
    assert.match(all.text, /已办结/);
    const replied = await clerk.get(`${APPS}?state=replied`);
    assert.match(replied.text, new RegExp(`href="${APPS}/${id}"`));
    assert.doesNotMatch(replied.text, new RegExp(`href="${APPS}/${res.id}"`));
    assert.equal((await clerk.get(`${APPS}?state=nonsense`)).status, 400);
  });

  test('letters and cases of another org are not found', async () => {
    assert.equal((await clerk.get(`${APPS}/999999`)).status, 404);
    assert.equal((await clerk.get(`/admin/o/${ORG}/letters/999999`)).status, 404);
    if (!otherOrg) return;
    const admin = await loginClient(srv, 'admin', env.adminPassword);
    assert.equal((await admin.get(`/admin/o/${ORG}/letters/${replyLetter}`)).status, 200, 'the sysadmin sees it in its org');
    assert.equal((await admin.get(`/admin/o/${OTHER}/letters/${replyLetter}`)).status, 404);
    assert.equal((await admin.get(`/admin/o/${OTHER}/letters/${replyLetter}/pdf`)).status, 404);
    assert.equal((await admin.get(`/admin/o/${OTHER}/applications/${id}`)).status, 404);
  });

  test('forms need a valid CSRF token', async () => {
    const p = await casePage(clerk, id);
    const r = await clerk.post(`${APPS}/${id}/action`, { action: 'withdraw', version: p.version, reason: 'x', csrf: 'bad' });
    assert.equal(r.status, 403);
    const fresh = new Client(srv);
    assert.equal((await fresh.get(APPS)).status, 303, 'not logged in: to the login page');
    assert.ok(csrfFrom(p.html));
  });
});

// The whole way: a citizen applies on the public form, the clerk accepts it,
// answers it and issues the letter, and the citizen reads the answer on the
// tracking page with the 查询码 and the last four digits of the phone.
describe('from the public form to the reply the applicant reads', () => {
  test('apply → accept → reply → issue → track', async () => {
    const pub = new Client(srv);
    const form = await pub.get(`/o/${ORG}/apply`);
    assert.equal(form.status, 200);
    pub.csrf = csrfFrom(form.text);
    const token = form.text.match(/name="token" value="([0-9a-f]+)"/)[1];
    const fields = applicant({ name: '赵六', phone: '139-0573-2468', info_title: '2024年教育经费执行情况' });
    delete fields.channel;
    delete fields.arrived_on;
    const fd = new FormData();
    fd.append('token', token);
    for (const [k, v] of Object.entries(fields)) fd.append(k, v);
    fd.append('files', new Blob([]), '');
    const receipt = await pub.postMultipart(`/o/${ORG}/apply`, fd);
    assert.equal(receipt.status, 200, textOf(receipt.text).slice(0, 300));
    const serial = receipt.text.match(/<th scope="row">申请编号<\/th><td>([^<]*)<\/td>/)[1];
    const code = receipt.text.match(/<code class="trackcode">([^<]*)<\/code>/)[1];

    // the clerk finds it among the submissions waiting for confirmation
    const waiting = await clerk.get(`${APPS}?state=submitted`);
    const id = Number(waiting.text.match(new RegExp(`href="${APPS}/(\\d+)">${serial}<`))[1]);
    let p = await casePage(clerk, id);
    assert.equal(p.state, '待确认');
    assert.ok(p.actions.includes('accept') && !p.actions.includes('reply'), 'accept first, reply later');
    await actOk(clerk, id, { action: 'accept' });
    p = await casePage(clerk, id);
    assert.equal(p.state, '已登记');
    const letter = await actOk(clerk, id, { action: 'reply', outcome: 'disclose', reason: '现将所申请的信息提供给您。' });
    assert.ok(letter, 'the reply drafts its 答复书');
    const url = `/admin/o/${ORG}/letters/${letter}`;
    const e = await clerk.get(url);
    const version = e.text.match(/name="version" value="(\d+)"/)[1];
    const title = e.text.match(/id="title" name="title"[^>]*value="([^"]*)"/)[1];
    const body = textOf(e.text.match(/<textarea id="body_md"[^>]*>([\s\S]*?)<\/textarea>/)[1]);
    assert.match(body, /第三十六条/, 'the legal basis of 予以公开');
    assert.match(body, /六十日/, 'the 救济途径');
    const r = await clerk.post(url, { title, doc_no: '', body_md: body, version, issue: '1' });
    assert.equal(r.status, 200);

    // the applicant reads it
    const t = new Client(srv);
    const tf = await t.get(`/o/${ORG}/track`);
    t.csrf = csrfFrom(tf.text);
    const page = await t.post(`/o/${ORG}/track`, { code, check: '2468' });
    assert.equal(page.status, 200);
    assertPageBasics(page.text, 'tracking page after the reply');
    const text = textOf(page.text);
    assert.match(text, /已答复/);
    assert.match(text, /予以公开/);
    assert.ok(text.includes(title), 'the issued letter is shown');
    assert.match(text, /现将所申请的信息提供给您/);
    for (const secret of [fields.id_number, '139-0573-2468', fields.email, fields.address, '赵六'])
      assert.ok(!page.text.includes(secret), `no personal data on the tracking page: ${secret}`);
  });
});
