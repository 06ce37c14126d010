// apply.test.mjs - the public side of disclosure applications (依申请公开):
// the online form (条例第二十九条), the receipt, double submits, validation
// that keeps what was typed, attachments, the tracking page and its privacy
// (no personal data, Cache-Control: no-store), and the JSON API for both.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  Client, ORG, ORG_NAME, assertPageBasics, cleanup, csrfFrom, decodeEntities, makeDb, qs, sql as dbSql, startServer, textOf,
} from './lib.mjs';

const APPLY = `/o/${ORG}/apply`;
const TRACK = `/o/${ORG}/track`;
const API_APPLY = `/api/v1/orgs/${ORG}/applications`;
const API_TRACK = '/api/v1/applications/track';
const GENERIC = '查询码或联系电话后四位不正确。';
const CODE_RE = /^[0-9A-HJKMNP-TV-Z]{12}$/; // Crockford base32
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** An 18-digit 居民身份证 number: base17 plus its GB 11643 check character. */
function idNumber(base17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...base17].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return base17 + '10X98765432'[sum % 11];
}
/** The same number with a wrong check character. */
function wrongCheck(id) {
  const last = id.at(-1);
  return id.slice(0, 17) + (last === '0' ? '1' : '0');
}

let env;
let srv;
const demo = {}; // demo applications by name: { id, code, check, phone, ... }

/** Run SQL on the test database (sqlite3 shell or psql); rows as arrays of strings. */
function sql(query) {
  return dbSql(env.db, query).stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}
const countApps = (where = 'TRUE') => Number(sql(`SELECT count(*) FROM applications WHERE ${where}`)[0][0]);

/** A valid application of a natural person (form field names). */
function person(over = {}) {
  return {
    applicant_type: 'natural',
    name: '测试申请人',
    id_kind: '居民身份证',
    id_number: idNumber('11010519491231002'),
    phone: '138-0013-4521',
    email: 'shenqing@example.cn',
    address: '浙江省桐乡市梧桐街道测试路88号',
    postcode: '314500',
    info_title: '2023年桐乡市中小学校舍安全检查报告',
    info_doc_no: '',
    info_desc: '包括检查结论和整改清单',
    medium: '电子',
    delivery: '电子邮件',
    ...over,
  };
}

/** A client that opened the form: its csrf cookie, csrf and token. */
async function openForm() {
  const c = new Client(srv);
  const r = await c.get(APPLY);
  assert.equal(r.status, 200);
  c.csrf = csrfFrom(r.text);
  assert.ok(c.csrf, 'the form has a csrf token');
  const m = r.text.match(/<input type="hidden" name="token" value="([0-9a-f]+)">/);
  assert.ok(m, 'the form has a hidden one-time token');
  c.token = m[1];
  return c;
}

/** Submit the form (multipart, as a browser does) with fields and files [{name, bytes, type}]. */
function submitForm(c, fields, files = []) {
  const fd = new FormData();
  fd.append('token', c.token);
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  if (!files.length) fd.append('files', new Blob([]), ''); // an empty file input, as browsers send it
  for (const f of files) fd.append('files', new Blob([f.bytes], { type: f.type }), f.name);
  return c.postMultipart(APPLY, fd);
}

/** 申请编号 and 查询码 from a receipt page. */
function receiptOf(html) {
  const serial = html.match(/<th scope="row">申请编号<\/th><td>([^<]*)<\/td>/);
  const code = html.match(/<code class="trackcode">([^<]*)<\/code>/);
  assert.ok(serial && code, `not a receipt:\n${textOf(html).slice(0, 500)}`);
  return { serial: serial[1], code: code[1] };
}

/** POST the tracking form with a fresh client. */
async function track(code, check) {
  const c = new Client(srv);
  const form = await c.get(TRACK);
  assert.equal(form.status, 200);
  c.csrf = csrfFrom(form.text);
  return c.post(TRACK, { code, check });
}

function postJson(p, body, headers = { 'content-type': 'application/json' }) {
  return srv.fetch(p, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) })
    .then(async (res) => {
      const text = await res.text();
      let json = null;
      try { json = JSON.parse(text); } catch { /* asserted by the caller */ }
      return { status: res.status, headers: res.headers, text, json };
    });
}

function assertJsonError(r, status, re) {
  assert.equal(r.status, status, `expected ${status}, got ${r.status}: ${r.text}`);
  assert.match(r.headers.get('content-type') || '', /^application\/json/);
  assert.ok(r.json && r.json.error, `an error object: ${r.text}`);
  assert.equal(r.json.error.status, status);
  assert.match(r.json.error.message, re ?? /[\u4e00-\u9fff]/);
}

/** Personal data of an application that must never appear in tracking output. */
function assertNoPersonalData(text, a, where) {
  for (const k of ['name', 'id_number', 'phone', 'email', 'address', 'contact_person']) {
    if (!a[k]) continue;
    assert.ok(!text.includes(a[k]), `${where}: shows the applicant's ${k} (${a[k]})`);
  }
}

before(async () => {
  env = makeDb({ demo: true });
  const shell = env.pg ? 'psql' : 'sqlite3';
  assert.equal(spawnSync(shell, ['--version']).status, 0, `the ${shell} shell (packages.txt) is needed to inspect the test database`);
  for (const [id, name, code, check, phone, email, address, idn, contact] of sql(
    'SELECT id, name, tracking_code, check_digits, phone, email, address, id_number, contact_person FROM applications ORDER BY id')) {
    demo[name] = { id, name, code, check, phone, email, address, id_number: idn, contact_person: contact };
  }
  // staff issue every letter of the case with a third party consulted (the
  // staff pages do that; here straight in the database)
  const firm = demo['桐乡市启明教育咨询有限公司'];
  assert.ok(firm, 'the demo has the application of 桐乡市启明教育咨询有限公司');
  sql(`UPDATE application_letters SET status = 'issued', issued_on = '2021-06-01' WHERE application_id = ${firm.id}`);
  srv = await startServer(env);
});

after(async () => {
  try {
    if (srv) await srv.stop();
  } finally {
    cleanup(env);
  }
});

describe('the application form', () => {
  test('has every field of 第二十九条 with labels, a one-time token and the rules', async () => {
    const r = await srv.get(APPLY);
    assert.equal(r.status, 200);
    assertPageBasics(r.text, APPLY);
    assert.equal(r.headers.get('cache-control'), 'no-store', 'a page with a form is never cached');
    const labels = {
      applicant_type: '申请人类型', name: '申请人姓名或名称', id_kind: '证件类型', id_number: '证件号码',
      contact_person: '联系人', phone: '联系电话', email: '电子邮箱', address: '通信地址', postcode: '邮政编码',
      info_title: '所需政府信息的名称', info_doc_no: '文号', info_desc: '特征性描述', medium: '信息载体形式',
      delivery: '获取方式', files: '附件',
    };
    for (const [name, label] of Object.entries(labels)) {
      const field = r.text.match(new RegExp(`<(input|select|textarea)\\b[^>]*\\bname="${name}"[^>]*>`));
      assert.ok(field, `a field named ${name}`);
      const id = field[0].match(/\bid="([^"]+)"/)[1];
      const lab = r.text.match(new RegExp(`<label for="${id}">([\\s\\S]*?)</label>`));
      assert.ok(lab && textOf(lab[1]).startsWith(label), `the label of ${name} says ${label}: ${lab && textOf(lab[1])}`);
    }
    assert.match(r.text, /<textarea id="[^"]+" name="info_desc"/);
    assert.match(r.text, /name="files" type="file" multiple/);
    assert.match(r.text, /enctype="multipart\/form-data"/);
    assert.match(r.text, /<input type="hidden" name="token" value="[0-9a-f]{64}">/);
    // applicant types: 自然人, then 法人或其他组织 as a group of five
    const group = r.text.match(/<select id="a-type"[\s\S]*?<optgroup label="法人或其他组织">([\s\S]*?)<\/optgroup>/);
    assert.ok(group, 'organisations are an optgroup');
    assert.deepEqual([...group[1].matchAll(/>([^<]+)<\/option>/g)].map((m) => m[1]),
      ['商业企业', '科研机构', '社会公益组织', '法律服务机构', '其他']);
    assert.match(r.text, /<option value="natural">自然人<\/option>/);
    const kinds = r.text.match(/<select id="a-kind"[\s\S]*?<\/select>/)[0];
    assert.match(kinds, /<optgroup label="自然人">[\s\S]*居民身份证[\s\S]*护照[\s\S]*<\/optgroup>/);
    assert.match(kinds, /<optgroup label="法人或其他组织">[\s\S]*统一社会信用代码[\s\S]*<\/optgroup>/);
    assert.match(kinds, /其他证件/);
    for (const v of ['纸质', '电子', '邮寄', '电子邮件', '当面领取', '网上获取']) {
      assert.match(r.text, new RegExp(`<option value="${v}">${v}</option>`));
    }
    const text = textOf(r.text);
    assert.match(text, /至少填写一项/);
    assert.match(text, /以双方确认之日为收到申请之日/, 'the receipt-date rule of online applications');
    assert.match(text, /20 个工作日/);
    assert.match(text, /第三十三条/);
    assert.match(text, /个人信息/, 'a privacy notice');
  });

  test('each visit gets a new token', async () => {
    const a = await openForm();
    const b = await openForm();
    assert.notEqual(a.token, b.token);
  });

  test('the agency home page links to the form and to tracking', async () => {
    const r = await srv.get(`/o/${ORG}/`);
    assert.equal(r.status, 200);
    assert.match(r.text, new RegExp(`<a href="${APPLY}">依申请公开</a>`));
    assert.match(r.text, new RegExp(`<a href="${TRACK}">申请查询</a>`));
  });
});

describe('submitting the form', () => {
  test('gives a receipt with 申请编号, a 12-character 查询码 and the dates', async () => {
    const c = await openForm();
    const a = person();
    const r = await submitForm(c, a);
    assert.equal(r.status, 200, textOf(r.text).slice(0, 400));
    assertPageBasics(r.text, 'receipt');
    assert.equal(r.headers.get('cache-control'), 'no-store');
    const { serial, code } = receiptOf(r.text);
    assert.match(serial, /^\d{4}-\d{4}$/);
    assert.match(code, CODE_RE);
    const text = textOf(r.text);
    assert.match(text, new RegExp(ORG_NAME));
    assert.match(text, /提交日期 \d{4}-\d{2}-\d{2}/);
    assert.match(text, /收到申请之日 以工作人员确认受理之日为准/);
    assert.match(text, /答复期限 (\d{4}-\d{2}-\d{2}|工作日历缺少)/);
    assert.match(text, /打印/);
    assert.match(r.text, new RegExp(`<a href="${TRACK}">`));
    assert.ok(!text.includes(a.id_number), 'the receipt does not repeat the id number');
    const row = sql(`SELECT channel, state, name, submit_token, received_on, submitted_on FROM applications WHERE tracking_code = '${code}'`);
    assert.equal(row.length, 1);
    assert.deepEqual(row[0].slice(0, 4), ['online', 'submitted', a.name, c.token]);
    assert.equal(row[0][4], row[0][5], 'online: received_on is the day it arrived until staff confirm');
  });

  test('a double submit with the same token stores one application', async () => {
    const c = await openForm();
    const a = person({ name: '重复提交人' });
    const first = await submitForm(c, a);
    assert.equal(first.status, 200);
    const again = await submitForm(c, a);
    assert.equal(again.status, 200);
    assert.equal(receiptOf(again.text).code, receiptOf(first.text).code, 'the same 查询码');
    assert.match(textOf(again.text), /未重复登记/);
    // two at once (a double click that races)
    const d = await openForm();
    const b = person({ name: '并发提交人' });
    const [x, y] = await Promise.all([submitForm(d, b), submitForm(d, b)]);
    assert.equal(x.status, 200);
    assert.equal(y.status, 200);
    assert.equal(receiptOf(x.text).code, receiptOf(y.text).code);
    assert.equal(countApps(`name = '重复提交人'`), 1);
    assert.equal(countApps(`name = '并发提交人'`), 1);
    // and tracking finds that one application
    const t = await track(receiptOf(first.text).code, '4521');
    assert.equal(t.status, 200);
  });

  test('the same token with different content is refused, not answered with the other receipt', async () => {
    const c = await openForm();
    const first = await submitForm(c, person({ name: '原申请人' }));
    assert.equal(first.status, 200);
    const other = await submitForm(c, person({ name: '另一申请人', phone: '13900000000' }));
    assert.equal(other.status, 409);
    assertPageBasics(other.text, 'token reused');
    assert.ok(!other.text.includes(receiptOf(first.text).code), 'never the other application\'s 查询码');
    assert.match(other.text, /value="另一申请人"/, 'what was typed is kept');
    assert.equal(countApps(`name = '另一申请人'`), 0);
  });

  test('an invalid 身份证号码 gives 400 with the message, keeps the input, stores nothing', async () => {
    const before = countApps();
    const c = await openForm();
    const a = person({ name: '校验位错误', id_number: wrongCheck(idNumber('33048319800312001')), info_desc: '第一行\n第二行 <b>x</b>' });
    const r = await submitForm(c, a);
    assert.equal(r.status, 400);
    assertPageBasics(r.text, 'invalid id');
    const err = r.text.match(/<p class="error" role="alert">([^<]*)<\/p>/);
    assert.ok(err, 'an error message');
    assert.match(err[1], /身份证/);
    assert.match(r.text, /<input id="a-name" name="name" type="text"[^>]* value="校验位错误">/);
    assert.ok(r.text.includes(`value="${a.id_number}"`), 'the id number is kept to correct it');
    assert.match(r.text, />第一行\r?\n第二行 &lt;b&gt;x&lt;\/b&gt;<\/textarea>/, 'the description is kept, escaped');
    assert.match(r.text, /<option value="natural" selected>自然人<\/option>/);
    assert.match(r.text, /<option value="电子邮件" selected>电子邮件<\/option>/);
    assert.ok(r.text.includes(`name="token" value="${c.token}"`), 'the same token: still one application when corrected');
    assert.equal(countApps(), before);
    // corrected, the same form goes through
    const ok = await submitForm(c, { ...a, id_number: idNumber('33048319800312001') });
    assert.equal(ok.status, 200);
    assert.equal(countApps(), before + 1);
    assert.equal(sql(`SELECT replace(replace(info_desc, ${env.pg ? 'chr' : 'char'}(13), '<CR>'), ${env.pg ? 'chr' : 'char'}(10), '<LF>') FROM applications
      WHERE name = '校验位错误'`)[0][0], '第一行<LF>第二行 <b>x</b>',
      'line breaks stored as LF');
  });

  test('other invalid input: missing information, organisation without 联系人', async () => {
    const c = await openForm();
    let r = await submitForm(c, person({ info_title: '', info_doc_no: '', info_desc: '' }));
    assert.equal(r.status, 400);
    assert.match(textOf(r.text), /至少填写一项/);
    r = await submitForm(c, person({ applicant_type: 'commercial', name: '某某科技有限公司', id_kind: '统一社会信用代码',
      id_number: '91330483MA2B3C4D5D', contact_person: '' }));
    assert.equal(r.status, 400);
    assert.match(textOf(r.text), /联系人/);
    assert.match(r.text, /<option value="commercial" selected>商业企业<\/option>/);
  });

  test('attachments are type-checked and stored with the application', async () => {
    const png = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(64, 1)]);
    const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
    let c = await openForm();
    const bad = await submitForm(c, person({ name: '附件不合格' }), [{ name: 'notes.pdf', bytes: 'plain text', type: 'application/pdf' }]);
    assert.equal(bad.status, 400);
    assert.match(textOf(bad.text), /notes\.pdf/);
    assert.match(bad.text, /value="附件不合格"/);
    assert.equal(countApps(`name = '附件不合格'`), 0);

    c = await openForm();
    const r = await submitForm(c, person({ name: '带附件' }), [
      { name: '身份证明.png', bytes: png, type: 'image/png' }, { name: 'c:\\tmp\\委托书.pdf', bytes: pdf, type: 'application/pdf' },
    ]);
    assert.equal(r.status, 200, textOf(r.text).slice(0, 300));
    assert.match(textOf(r.text), /附件 2 个/);
    const files = sql(`SELECT f.role, f.filename, f.mime, f.size, f.sha256 FROM application_files f
      JOIN applications a ON a.id = f.application_id WHERE a.name = '带附件' ORDER BY f.id`);
    assert.deepEqual(files.map((f) => f.slice(0, 4)),
      [['request', '身份证明.png', 'image/png', String(png.length)], ['request', '委托书.pdf', 'application/pdf', String(pdf.length)]]);
    for (const f of files) assert.ok(fs.existsSync(path.join(env.files, f[4].slice(0, 2), f[4])), 'stored by SHA-256');
    // a double submit does not store them again
    const again = await submitForm(c, person({ name: '带附件' }), [{ name: '身份证明.png', bytes: png, type: 'image/png' }]);
    assert.equal(again.status, 200);
    assert.equal(Number(sql(`SELECT count(*) FROM application_files f JOIN applications a ON a.id = f.application_id
      WHERE a.name = '带附件'`)[0][0]), 2);
  });

  test('without the csrf token nothing is stored', async () => {
    const c = await openForm();
    const fd = new FormData();
    for (const [k, v] of Object.entries(person({ name: '无令牌' }))) fd.append(k, v);
    const r = await c.postMultipart(APPLY, fd, { csrf: null });
    assert.equal(r.status, 403);
    assert.equal(countApps(`name = '无令牌'`), 0);
  });
});

describe('tracking', () => {
  let mine; // an application submitted here: { code, serial, ...fields }

  before(async () => {
    const c = await openForm();
    const a = person({ name: '查询测试人', phone: '0573 8812 3456', email: 'chaxun@example.cn',
      address: '浙江省桐乡市查询路1号', id_number: idNumber('33048319851106002'), info_title: '学区划分方案' });
    const r = await submitForm(c, a);
    assert.equal(r.status, 200);
    mine = { ...a, ...receiptOf(r.text) };
  });

  test('the form has labelled fields and is not cached', async () => {
    const r = await srv.get(TRACK);
    assert.equal(r.status, 200);
    assertPageBasics(r.text, TRACK);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.match(r.text, /<label for="t-code">查询码<\/label>/);
    assert.match(r.text, /<label for="t-check">联系电话后四位<\/label>/);
  });

  test('wrong digits or a wrong code: 404 with one generic message', async () => {
    const wrongDigits = await track(mine.code, '3457');
    const wrongCode = await track(mine.code.slice(0, 11) + (mine.code.endsWith('0') ? '1' : '0'), '3456');
    const junk = await track('not a code', '12');
    for (const [r, what] of [[wrongDigits, 'wrong digits'], [wrongCode, 'wrong code'], [junk, 'junk']]) {
      assert.equal(r.status, 404, what);
      assertPageBasics(r.text, what);
      assert.equal(r.headers.get('cache-control'), 'no-store', what);
      const err = r.text.match(/<p class="error" role="alert">([^<]*)<\/p>/);
      assert.equal(err && err[1], GENERIC, `${what}: the generic message`);
      assert.ok(!r.text.includes(mine.serial), `${what}: nothing of the application`);
    }
    // the same message whichever part was wrong
    assert.equal(textOf(wrongDigits.text).replace(/value="[^"]*"/g, ''), textOf(wrongCode.text).replace(/value="[^"]*"/g, ''));
  });

  test('the right code and digits show the status, never personal data', async () => {
    // typed as people do: lower case, with hyphens
    const typed = `${mine.code.slice(0, 4)}-${mine.code.slice(4, 8)}-${mine.code.slice(8)}`.toLowerCase();
    const r = await track(typed, '3456');
    assert.equal(r.status, 200, textOf(r.text).slice(0, 300));
    assertPageBasics(r.text, 'tracking result');
    assert.equal(r.headers.get('cache-control'), 'no-store');
    const text = textOf(r.text);
    assert.match(text, new RegExp(`申请编号 ${mine.serial}`));
    assert.match(text, /学区划分方案/);
    assert.match(text, /当前状态 待确认/);
    assert.match(text, /收到申请之日 待工作人员确认/);
    assert.match(text, /答复期限 (\d{4}-\d{2}-\d{2}|工作日历缺少)/);
    assert.match(text, /\d{4}-\d{2}-\d{2} 提交申请/);
    assertNoPersonalData(decodeEntities(r.text), mine, 'tracking page');
  });

  test('a case with its procedure: steps and issued letters, masked, no staff or third party', async () => {
    const firm = demo['桐乡市启明教育咨询有限公司'];
    const r = await track(firm.code, firm.check);
    assert.equal(r.status, 200);
    assertPageBasics(r.text, 'demo case');
    const text = textOf(r.text);
    assert.match(text, /当前状态 已答复/);
    assert.match(text, /办结日期 \d{4}-\d{2}-\d{2}/);
    assert.match(text, /办理结果 部分公开/);
    assert.match(text, /征求第三方意见/);
    assert.match(text, /政府信息公开申请答复书（部分公开）/, 'the issued reply');
    assert.ok(!text.includes('意见征询函'), 'the letter to the third party is not the applicant\'s');
    assert.ok(!text.includes('桐乡市新知培训学校'), 'nor is the third party named');
    assert.ok(!text.includes('沈丽'), 'no staff names');
    assert.ok(!text.includes('理由合理'), 'no reasons of the steps');
    assert.match(text, /桐\*+：/, 'the addressee is masked');
    assert.match(r.text, new RegExp(`<div class="letter-sign"><p>${ORG_NAME}</p><p>2021年6月1日</p></div>`), 'signed by the agency');
    assertNoPersonalData(decodeEntities(r.text), firm, 'demo case');
  });

  test('a demo case of another person is not found with someone else\'s digits', async () => {
    const a = demo['陈晓明'];
    const r = await track(a.code, demo['李婷'].check);
    assert.equal(r.status, 404);
  });
});

describe('POST /api/v1/orgs/{org}/applications', () => {
  const body = (over = {}) => person({ name: 'API申请人', ...over });

  test('201 with id, serial, tracking_code, received_on, due_on', async () => {
    const r = await postJson(API_APPLY, body({ submit_token: 'api-token-1' }));
    assert.equal(r.status, 201, r.text);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    const j = r.json;
    assert.equal(typeof j.id, 'number');
    assert.match(j.serial, /^\d{4}-\d{4}$/);
    assert.match(j.tracking_code, CODE_RE);
    assert.match(j.received_on, DATE_RE);
    if (j.due_on === null) {
      assert.equal(typeof j.due_error, 'string');
      assert.match(j.due_error, /[\u4e00-\u9fff]/);
    } else {
      assert.match(j.due_on, DATE_RE);
      assert.ok(j.due_on > j.received_on);
    }
    assert.deepEqual(Object.keys(j).filter((k) => k !== 'due_error').sort(),
      ['due_on', 'id', 'received_on', 'serial', 'tracking_code']);
    // the same token again: 200, the same body, one application
    const again = await postJson(API_APPLY, body({ submit_token: 'api-token-1' }));
    assert.equal(again.status, 200);
    assert.deepEqual(again.json, j);
    assert.equal(countApps(`submit_token = 'api-token-1'`), 1);
    // the same token, another application: refused
    const other = await postJson(API_APPLY, body({ submit_token: 'api-token-1', name: '别人' }));
    assertJsonError(other, 409);
    assert.ok(!other.text.includes(j.tracking_code));
    // without a token every request is a new application
    const a = await postJson(API_APPLY, body());
    const b = await postJson(API_APPLY, body());
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.notEqual(a.json.tracking_code, b.json.tracking_code);
  });

  test('errors: content type, JSON, field types, unknown fields, validation, org', async () => {
    const before = countApps();
    assertJsonError(await postJson(API_APPLY, body(), { 'content-type': 'application/x-www-form-urlencoded' }), 415);
    assertJsonError(await postJson(API_APPLY, body(), { 'content-type': 'text/plain' }), 415);
    assertJsonError(await postJson(API_APPLY, '{"name": ', undefined), 400, /^请求内容不是有效的 JSON。$/);
    assertJsonError(await postJson(API_APPLY, '', undefined), 400, /不是有效的 JSON/);
    assertJsonError(await postJson(API_APPLY, '[1]', undefined), 400, /JSON 对象/);
    assertJsonError(await postJson(API_APPLY, { ...body(), phone: 13800134521 }), 400, /phone/);
    assertJsonError(await postJson(API_APPLY, { ...body(), name: null }), 400, /name/);
    assertJsonError(await postJson(API_APPLY, { ...body(), submit_token: 7 }), 400, /submit_token/);
    assertJsonError(await postJson(API_APPLY, { ...body(), submit_token: 'x'.repeat(65) }), 400, /submit_token/);
    assertJsonError(await postJson(API_APPLY, { ...body(), nickname: '小王' }), 400, /nickname/);
    assertJsonError(await postJson(API_APPLY, '{"name":"a","name":"b"}', undefined), 400);
    assertJsonError(await postJson(API_APPLY, body({ id_number: wrongCheck(idNumber('11010519491231002')) })), 400, /身份证/);
    assertJsonError(await postJson(API_APPLY, body({ delivery: '飞鸽传书' })), 400, /获取方式/);
    assertJsonError(await postJson(`/api/v1/orgs/no-such-org/applications`, body()), 404);
    assert.equal(countApps(), before, 'nothing stored');
  });
});

describe('GET /api/v1/applications/track', () => {
  test('200 with the procedure and no personal data; 404 otherwise; never cached', async () => {
    const a = body();
    function body() {
      return person({ name: 'API查询人', phone: '+86 139 0000 7788', email: 'apitrack@example.cn',
        address: '浙江省桐乡市接口路2号', id_number: idNumber('33048319900101003') });
    }
    const created = await postJson(API_APPLY, a);
    assert.equal(created.status, 201);
    const code = created.json.tracking_code;
    const r = await srv.json(`${API_TRACK}?${qs({ code, check: '7788' })}`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    const j = r.body;
    assert.deepEqual(Object.keys(j).filter((k) => k !== 'due_error').sort(), ['closed_on', 'due_on', 'events', 'extended',
      'outcome', 'outcome_label', 'received_on', 'serial', 'state', 'state_label']);
    assert.equal(j.serial, created.json.serial);
    assert.equal(j.state, 'submitted');
    assert.equal(j.state_label, '待确认');
    assert.equal(j.received_on, created.json.received_on);
    assert.equal(j.due_on, created.json.due_on);
    assert.equal(j.extended, false);
    assert.equal(j.closed_on, null);
    assert.equal(j.outcome, null);
    assert.equal(j.outcome_label, null);
    assert.deepEqual(j.events, [{ action: 'submit', label: '提交申请', day: j.received_on }]);
    assertNoPersonalData(r.text, a, 'API track');
    assert.ok(!/"(name|phone|email|address|id_number|contact_person|tracking_code|check_digits)"/.test(r.text));

    // a closed demo case
    const firm = demo['桐乡市启明教育咨询有限公司'];
    const d = await srv.json(`${API_TRACK}?${qs({ code: firm.code.toLowerCase(), check: firm.check })}`);
    assert.equal(d.status, 200);
    assert.equal(d.body.state, 'replied');
    assert.match(d.body.closed_on, DATE_RE);
    assert.equal(typeof d.body.outcome, 'string');
    assert.equal(d.body.outcome_label, '部分公开');
    assert.ok(d.body.events.some((e) => e.action === 'consult' && e.label === '征求第三方意见' && DATE_RE.test(e.day)));
    for (const e of d.body.events) assert.deepEqual(Object.keys(e).sort(), ['action', 'day', 'label']);
    assertNoPersonalData(d.text, firm, 'API track demo');
    assert.ok(!d.text.includes('沈丽'));

    for (const q of [{ code, check: '7789' }, { code: 'ABCDEFGHJKMN', check: '7788' }, { code }, {}]) {
      const e = await srv.get(`${API_TRACK}?${qs(q)}`);
      assert.equal(e.status, 404, JSON.stringify(q));
      assert.equal(e.headers.get('cache-control'), 'no-store');
      assert.deepEqual(JSON.parse(e.text), { error: { status: 404, message: GENERIC } });
    }
  });
});
