// review.test.mjs - 先审后发: an editor drafts and submits, a reviewer
// approves (one or two levels, never their own submission, two different
// people for two levels) or returns with a comment; the publishing-safety
// scanner's findings (ID numbers with a valid check digit, mobile numbers,
// bank cards passing Luhn, the agency's word list; in the body and in an
// attached PDF) block publication until a reviewer clears each with a
// reason; a published item is corrected through a correction draft whose
// publication keeps the 索引号 and the old version in the history.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { ORG, assertPageBasics, cleanup, cli, loginClient, makeDb, metaTable, startServer, textOf } from './lib.mjs';

const ITEMS = `/admin/o/${ORG}/items`;
const PW = 'Review-Pass-2026-abc';
let env;
let srv;
let admin;
let editor;
let reviewer;
let reviewer2;
let both;
let cats = {};

/** An 18-digit 身份证号 with its GB 11643 check character (valid = true) or a wrong one. */
function idNumber(body17, valid = true) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body17].reduce((s, d, i) => s + Number(d) * w[i], 0);
  const check = '10X98765432'[sum % 11];
  const wrong = check === '0' ? '1' : '0';
  return body17 + (valid ? check : wrong);
}

/** A card number of the given prefix+body with its Luhn digit. */
function luhn(partial) {
  let sum = 0;
  const digits = [...partial].reverse().map(Number);
  digits.forEach((d, i) => {
    let v = i % 2 === 0 ? d * 2 : d;
    if (v > 9) v -= 9;
    sum += v;
  });
  return partial + String((10 - (sum % 10)) % 10);
}

/** A one-page PDF whose text is `text` (ASCII), with correct xref offsets. */
function pdfWithText(text) {
  const stream = `BT /F1 12 Tf 72 720 Td (${text}) Tj ET`;
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offs = [];
  objs.forEach((o, i) => { offs.push(out.length); out += `${i + 1} 0 obj\n${o}\nendobj\n`; });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const o of offs) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

function addUser(name, roles) {
  const [first, ...rest] = roles;
  cli(env.db, ['user', 'add', name, '--org', ORG, '--role', first, '--password-stdin'], { input: PW + '\n' });
  for (const r of rest) cli(env.db, ['user', 'grant', name, '--org', ORG, '--role', r]);
}

function page(r) {
  const status = textOf(r.text.match(/<p class="state">([\s\S]*?)<\/p>/)?.[1] ?? '').match(/状态：\s*([^\s·]+)/)?.[1];
  const error = r.text.match(/<p class="error"[^>]*>([\s\S]*?)<\/p>/)?.[1];
  const notice = r.text.match(/<p class="notice"[^>]*>([\s\S]*?)<\/p>/)?.[1];
  const findings = [...r.text.matchAll(/<tr( class="open")?>\n<td>([^<]*)<\/td><td>([^<]*)<\/td><td>([\s\S]*?)<\/td>\n<td>([\s\S]*?)<\/td>\n<\/tr>/g)]
    .map((m) => ({ open: !!m[1], kind: m[2], place: textOf(m[3]), excerpt: textOf(m[4]), handling: textOf(m[5]),
      id: Number(m[5].match(/name="finding" value="(\d+)"/)?.[1] ?? 0) }));
  const history = [...r.text.matchAll(/<li><time>[^<]*<\/time> ([^<]*)<\/li>/g)].map((m) => textOf(m[1]));
  return { status, error: error && textOf(error), notice: notice && textOf(notice), findings, history, html: r.text };
}

async function create(c, fields) {
  const r = await c.post(`${ITEMS}/new`, { category_id: cats['政策文件'], body_md: '正文。', ...fields });
  assert.equal(r.status, 303, `create: ${r.status} ${textOf(r.text).slice(0, 300)}`);
  return Number(r.location.match(/items\/(\d+)/)[1]);
}

const act = (c, id, action, extra = {}) => c.post(`${ITEMS}/${id}/action`, { action, ...extra });

before(async () => {
  env = makeDb();
  addUser('rv-editor', ['editor']);
  addUser('rv-reviewer', ['reviewer']);
  addUser('rv-reviewer2', ['reviewer']);
  addUser('rv-both', ['editor', 'reviewer']);
  srv = await startServer(env);
  admin = await loginClient(srv, 'tongxiang', env.orgPassword);
  editor = await loginClient(srv, 'rv-editor', PW);
  reviewer = await loginClient(srv, 'rv-reviewer', PW);
  reviewer2 = await loginClient(srv, 'rv-reviewer2', PW);
  both = await loginClient(srv, 'rv-both', PW);
  const form = await editor.get(`${ITEMS}/new`);
  for (const m of form.text.matchAll(/<option value="(\d+)"[^>]*>([^<]+)<\/option>/g)) cats[m[2]] = m[1];
  assert.ok(cats['政策文件']);
});

after(async () => {
  await srv?.stop();
  cleanup(env);
});

describe('先审后发', () => {
  test('an editor submits, may not approve; a reviewer approves and it is published', async () => {
    const id = await create(editor, { title: '审核流程测试一' });
    assert.equal((await act(reviewer, id, 'approve')).status, 409, 'a draft cannot be approved before submission');
    let r = await act(editor, id, 'submit', { comment: '请审核' });
    assert.equal(r.status, 200);
    assert.equal(page(r).status, '待审核');
    assert.equal((await act(editor, id, 'approve')).status, 403, 'an editor may not approve');
    const locked = await editor.post(`${ITEMS}/${id}`, { title: '改', category_id: cats['政策文件'], version: '9' });
    assert.equal(locked.status, 409, 'a pending item is not edited in place');
    assert.equal((await srv.get(`/o/${ORG}/items/${id}`)).status, 404, 'not public while pending');
    r = await act(reviewer, id, 'approve', { comment: '同意发布' });
    assert.equal(r.status, 200, textOf(r.text).slice(0, 400));
    const p = page(r);
    assert.equal(p.status, '已发布');
    assert.ok(p.history.some((h) => /rv-editor：提交审核——请审核/.test(h)), p.history.join(' | '));
    assert.ok(p.history.some((h) => /rv-reviewer：审核通过——同意发布/.test(h)), p.history.join(' | '));
    assertPageBasics(r.text, 'item form after approval');
    const pub = await srv.get(`/o/${ORG}/items/${id}`);
    assert.equal(pub.status, 200);
    assert.match(metaTable(pub.text)['索引号'], /^471127366\/\d{4}-\d{5}$/);
  });

  test('nobody approves their own submission', async () => {
    const id = await create(both, { title: '本人提交' });
    assert.equal((await act(both, id, 'submit')).status, 200);
    const r = await act(both, id, 'approve');
    assert.equal(r.status, 403);
    assert.match(page(r).error, /不能审核本人提交的信息/);
    assert.equal((await act(reviewer, id, 'approve')).status, 200);
  });

  test('return needs a comment and sends the item back to the editor', async () => {
    const id = await create(editor, { title: '退回测试' });
    await act(editor, id, 'submit');
    assert.equal((await act(reviewer, id, 'return')).status, 400, 'no comment');
    const r = await act(reviewer, id, 'return', { comment: '文号有误，请核对' });
    assert.equal(r.status, 200);
    const p = page(r);
    assert.equal(p.status, '草稿');
    assert.ok(p.history.some((h) => /退回修改——文号有误，请核对/.test(h)));
    const ok = await editor.post(`${ITEMS}/${id}`, { title: '退回测试（已改）', category_id: cats['政策文件'], version: /name="version" value="(\d+)"/.exec(r.text)[1] });
    assert.equal(ok.status, 200, 'a returned item is editable again');
  });

  test('a category with two levels needs two different reviewers', async () => {
    const c = await admin.post(`/admin/o/${ORG}/categories`, { name: '二级审核类别', article: '', parent_id: '0', sort: '999', review_levels: '2' });
    assert.equal(c.status, 200, textOf(c.text).slice(0, 300));
    const form = await editor.get(`${ITEMS}/new`);
    const cat = form.text.match(/<option value="(\d+)"[^>]*>二级审核类别<\/option>/)[1];
    const id = await create(editor, { title: '二级审核测试', category_id: cat });
    await act(editor, id, 'submit');
    let r = await act(reviewer, id, 'approve', { comment: '一审同意' });
    assert.equal(r.status, 200);
    assert.equal(page(r).status, '待审核', 'one level of two: still pending');
    assert.match(page(r).notice, /一级审核通过/);
    r = await act(reviewer, id, 'approve');
    assert.equal(r.status, 403, 'the same reviewer cannot give the second level');
    assert.match(page(r).error, /二级审核须由一级审核以外的审核员进行/);
    r = await act(reviewer2, id, 'approve', { comment: '二审同意' });
    assert.equal(r.status, 200);
    assert.equal(page(r).status, '已发布');
    assert.ok(page(r).history.some((h) => /审核通过（一级）——一审同意/.test(h)));
    assert.ok(page(r).history.some((h) => /审核通过（二级）——二审同意/.test(h)));
  });

  test('withdrawing needs a reason; the 索引号 stays', async () => {
    const id = await create(editor, { title: '撤回测试' });
    await act(editor, id, 'submit');
    await act(reviewer, id, 'approve');
    assert.equal((await act(reviewer, id, 'withdraw')).status, 400);
    const r = await act(reviewer, id, 'withdraw', { comment: '已失效' });
    assert.equal(r.status, 200);
    assert.equal(page(r).status, '已撤回');
    assert.equal((await srv.get(`/o/${ORG}/items/${id}`)).status, 404);
  });
});

describe('publishing safety', () => {
  const ID = idNumber('33048319800101123');
  const BADID = idNumber('33048319800101123', false);
  const PHONE = '13957312345';
  const CARD = luhn('622202123456789012');

  test('planted personal data blocks publication until each finding is cleared with a reason', async () => {
    const body = `申请人张三，身份证号${ID}，联系电话 ${PHONE}，银行卡 ${CARD}。另一号码${BADID}校验位错误。`;
    const id = await create(editor, { title: '安全检查测试', body_md: body });
    let r = await act(editor, id, 'submit');
    assert.equal(r.status, 200);
    assert.match(page(r).notice, /安全检查发现 3 处疑似问题/);
    let p = page(r);
    const kinds = p.findings.map((f) => f.kind).sort();
    assert.deepEqual(kinds, ['手机号码', '身份证号码', '银行卡号'].sort(), JSON.stringify(p.findings));
    for (const f of p.findings) assert.equal(f.place, '正文');
    // the page never shows the numbers themselves
    assert.ok(!r.text.includes(ID) || r.text.indexOf(ID) === r.text.lastIndexOf(ID), 'ID only in the body textarea');
    const table = r.text.match(/<table class="items findings">[\s\S]*?<\/table>/)[0];
    for (const n of [ID, PHONE, CARD]) assert.ok(!table.includes(n), `${n} masked in the findings`);
    r = await act(reviewer, id, 'approve');
    assert.equal(r.status, 409, 'blocked');
    assert.match(page(r).error, /安全检查发现 3 处问题尚未处理/);
    assert.equal((await srv.get(`/o/${ORG}/items/${id}`)).status, 404, 'not published');
    p = page(await reviewer.get(`${ITEMS}/${id}`)); // the reviewer's view has the clear forms
    assert.ok(p.findings.every((f) => f.id > 0), JSON.stringify(p.findings));
    const first = p.findings[0];
    assert.equal((await act(editor, id, 'clear', { finding: String(first.id), comment: '无' })).status, 403, 'an editor cannot clear');
    assert.equal((await act(reviewer, id, 'clear', { finding: String(first.id) })).status, 400, 'a reason is required');
    for (const f of p.findings) {
      r = await act(reviewer, id, 'clear', { finding: String(f.id), comment: '已取得本人书面同意公开' });
      assert.equal(r.status, 200, textOf(r.text).slice(0, 300));
    }
    p = page(r);
    assert.ok(p.findings.every((f) => /已排除：已取得本人书面同意公开/.test(f.handling)), JSON.stringify(p.findings));
    r = await act(reviewer, id, 'approve');
    assert.equal(r.status, 200, textOf(r.text).slice(0, 300));
    assert.equal(page(r).status, '已发布');
  });

  test('an attached PDF is read: a number in it blocks publication', async () => {
    const id = await create(editor, { title: '附件检查测试', body_md: '见附件。' });
    const fd = new FormData();
    fd.append('file', new Blob([pdfWithText(`Applicant ID ${ID} tel ${PHONE}`)], { type: 'application/pdf' }), '名单.pdf');
    const up = await editor.postMultipart(`${ITEMS}/${id}/files`, fd);
    assert.equal(up.status, 200, textOf(up.text).slice(0, 300));
    const r = await act(editor, id, 'submit');
    const p = page(r);
    assert.deepEqual(p.findings.map((f) => `${f.kind}@${f.place}`).sort(), ['身份证号码@附件：名单.pdf', '手机号码@附件：名单.pdf'].sort(),
      JSON.stringify(p.findings));
    assert.equal((await act(reviewer, id, 'approve')).status, 409);
  });

  test("the agency's word list: 严重表述错误 with the correct form, and 敏感词", async () => {
    let r = await admin.post(`/admin/o/${ORG}/safety-words`, { words: '错误\t国务院总里\n' });
    assert.equal(r.status, 400, 'an error entry without its correct form');
    assert.match(textOf(r.text), /第 ?1 ?行/);
    r = await admin.post(`/admin/o/${ORG}/safety-words`, { words: '# 本局词表\n错误\t国务院总里\t国务院总理\n敏感词\t绝密\n' });
    assert.equal(r.status, 200, textOf(r.text).slice(0, 300));
    assert.equal((await editor.get(`/admin/o/${ORG}/safety-words`)).status, 403, 'only the org admin edits the list');
    const id = await create(editor, { title: '词表测试', body_md: '传达国务院总里讲话精神，文件密级：绝密。' });
    r = await act(editor, id, 'submit');
    const p = page(r);
    const wrong = p.findings.find((f) => f.kind === '严重表述错误');
    assert.ok(wrong, JSON.stringify(p.findings));
    assert.match(wrong.excerpt, /国务院总里/);
    assert.match(wrong.excerpt, /应为：国务院总理/);
    assert.ok(p.findings.some((f) => f.kind === '敏感词' && /绝密/.test(f.excerpt)));
  });

  test('fixing the text makes a finding stale; the scan on approval finds nothing open', async () => {
    const id = await create(editor, { title: '修改后复查', body_md: `联系电话 ${PHONE}` });
    let r = await act(editor, id, 'submit');
    assert.equal(page(r).findings.length, 1);
    r = await act(reviewer, id, 'return', { comment: '请删除电话号码' });
    const version = /name="version" value="(\d+)"/.exec(r.text)[1];
    r = await editor.post(`${ITEMS}/${id}`, { title: '修改后复查', category_id: cats['政策文件'], body_md: '联系电话见官网。', version });
    assert.equal(r.status, 200);
    r = await act(editor, id, 'submit');
    assert.ok(page(r).findings.every((f) => !f.open), JSON.stringify(page(r).findings));
    assert.equal((await act(reviewer, id, 'approve')).status, 200);
  });
});

describe('escaping', () => {
  const XSS = '<script>alert(1)</script>"\'><img src=x onerror=alert(1)>';
  test('review comments, reasons and word lists are shown escaped', async () => {
    const id = await create(editor, { title: '转义测试', body_md: '联系电话 13957312345' });
    let r = await act(editor, id, 'submit', { comment: XSS });
    r = await reviewer.get(`${ITEMS}/${id}`);
    const f = page(r).findings[0];
    r = await act(reviewer, id, 'clear', { finding: String(f.id), comment: XSS });
    assert.equal(r.status, 200);
    r = await act(reviewer, id, 'return', { comment: XSS });
    for (const html of [r.text, (await admin.get(`/admin/o/${ORG}/audit?text=${encodeURIComponent(XSS)}`)).text]) {
      assert.ok(!html.includes('<script>alert(1)'), 'no raw script');
      assert.ok(!/<img src=x/i.test(html), 'no raw img');
      assertPageBasics(html, 'page with a payload');
    }
    assert.ok(r.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'the payload is there, escaped');
    const w = await admin.post(`/admin/o/${ORG}/safety-words`, { words: `敏感词\t${XSS}\n` });
    assert.ok(!w.text.includes('<script>alert(1)'));
  });
});

describe('corrections', () => {
  test('a correction is a new version of the same item: same 索引号, the old one in the history', async () => {
    const id = await create(editor, { title: '更正前的标题', body_md: '原文内容。' });
    await act(editor, id, 'submit');
    await act(reviewer, id, 'approve');
    const before = await srv.get(`/o/${ORG}/items/${id}`);
    const index = metaTable(before.text)['索引号'];
    const direct = await editor.post(`${ITEMS}/${id}`, { title: '直接改', category_id: cats['政策文件'], version: '1' });
    assert.equal(direct.status, 409, 'a published item is not edited in place');
    const c = await act(editor, id, 'correct');
    assert.equal(c.status, 303);
    const draft = Number(c.location.match(/items\/(\d+)/)[1]);
    assert.notEqual(draft, id);
    assert.equal((await act(editor, id, 'correct')).location, c.location, 'one correction draft at a time');
    let r = await editor.get(`${ITEMS}/${draft}`);
    assert.match(r.text, /这是一份更正稿/);
    const version = /name="version" value="(\d+)"/.exec(r.text)[1];
    r = await editor.post(`${ITEMS}/${draft}`, { title: '更正后的标题', category_id: cats['政策文件'], body_md: '更正后的内容。', version });
    assert.equal(r.status, 200);
    assert.equal(metaTable((await srv.get(`/o/${ORG}/items/${id}`)).text)['名称'], '更正前的标题', 'the public still reads the published version');
    await act(editor, draft, 'submit');
    r = await act(reviewer, draft, 'approve', { comment: '更正标题错字' });
    assert.equal(r.status, 200, textOf(r.text).slice(0, 300));
    assert.match(page(r).notice, /更正已发布/);
    assert.equal((await editor.get(`${ITEMS}/${draft}`)).status, 404, 'the draft became the new version');
    const now = await srv.get(`/o/${ORG}/items/${id}`);
    const meta = metaTable(now.text);
    assert.equal(meta['名称'], '更正后的标题');
    assert.equal(meta['索引号'], index, 'the 索引号 stays');
    assert.ok(meta['更正日期']);
    assertPageBasics(now.text, 'corrected item page');
    const link = now.text.match(/<a href="(\/o\/[^"]+\/versions\/\d+)">第 \d+ 版<\/a>/);
    assert.ok(link, 'a link to the old version');
    const old = await srv.get(link[1]);
    assert.equal(old.status, 200);
    assert.match(old.text, /更正前的标题/);
    assert.match(old.text, /原文内容/);
    assert.match(textOf(old.text), /这是本信息的历史版本/);
    assertPageBasics(old.text, 'old version page');
    assert.equal((await srv.get(`/o/${ORG}/items/${id}/versions/999`)).status, 404);
  });
});
