// staff.test.mjs - the staff side: login, CSRF, creating, publishing,
// withdrawing items, 索引号 allocation (also under concurrency), form
// validation, edit conflicts, attachments, logout, and permissions across
// two agencies.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  Client, ORG, assertPageBasics, cleanup, cli, csrfFrom, loginClient, makeDb, metaTable, newPassword, qs, startServer, textOf,
} from './lib.mjs';

const OTHER = 'other';
const EDITOR = 'ed-other';
const EDITOR_PW = 'Editor-Pass-2026-xyz';
const ADMIN_ITEMS = `/admin/o/${ORG}/items`;

let env;
let srv;
let admin; // Client logged in as the initial sysadmin
let cats; // category name -> id, from the new-item form
let otherOrgCreated = false;
let seq = 0;

/** A title unique to this run: a rare prefix plus a counter, so searches find only it. */
function uniqueTitle(tag = '') {
  seq++;
  return `鸿鹄${tag}测试信息第${seq}号关于青少年科技创新活动的通知`;
}

/** "共 N 条" on the staff item list (all statuses). */
async function staffCount(c = admin, org = ORG) {
  const r = await c.get(`/admin/o/${org}/items`);
  assert.equal(r.status, 200, `GET /admin/o/${org}/items: ${r.status}`);
  const m = textOf(r.text).match(/共\s*(\d+)\s*条/);
  assert.ok(m, 'the staff list shows a total');
  return Number(m[1]);
}

/** POST the new-item form; returns { r, id } (id when it redirected to the edit page). */
async function create(c, fields, org = ORG) {
  const r = await c.post(`/admin/o/${org}/items/new`, fields);
  const m = r.status === 303 && r.location?.match(new RegExp(`^/admin/o/${org}/items/(\\d+)(\\?.*)?$`));
  return { r, id: m ? Number(m[1]) : null };
}

async function createOk(c, fields) {
  const res = await create(c, { category_id: cats['政策文件'], body_md: '正文。', ...fields });
  assert.equal(res.r.status, 303, `create ${fields.title}: expected 303, got ${res.r.status}: ${errorText(res.r.text)}`);
  assert.ok(res.id, `create: redirected to ${res.r.location}, not to an edit page`);
  return res.id;
}

function errorText(html) {
  const m = html.match(/<p class="error"[^>]*>([\s\S]*?)<\/p>/);
  return m ? textOf(m[1]) : textOf(html).slice(0, 300);
}

/** The staff edit page of an item, parsed. */
async function edit(c, id) {
  const r = await c.get(`${ADMIN_ITEMS}/${id}`);
  assert.equal(r.status, 200, `GET edit page of ${id}: ${r.status}`);
  return parseEdit(r.text, r);
}

function parseEdit(html, r) {
  const status = html.match(/状态：<strong>([^<]*)<\/strong>/)?.[1] ?? null;
  const indexNo = html.match(/索引号：<strong class="ix">([^<]*)<\/strong>/)?.[1] ?? null;
  const version = html.match(/name="version" value="(\d+)"/)?.[1] ?? null;
  const ul = html.match(/<ul class="attachments">([\s\S]*?)<\/ul>/)?.[1] ?? '';
  const attachments = [...ul.matchAll(/<a href="([^"]*\/files\/(\d+)\/[^"/]+)">([^<]*)<\/a>/g)].map((m) => ({ url: m[1], id: Number(m[2]), filename: textOf(m[3]) }));
  const notice = html.match(/<p class="notice"[^>]*>([\s\S]*?)<\/p>/)?.[1] ?? null;
  const error = html.match(/<p class="error"[^>]*>([\s\S]*?)<\/p>/)?.[1] ?? null;
  return { r, html, status, indexNo, version, attachments, notice: notice && textOf(notice), error: error && textOf(error) };
}

async function act(c, id, action, comment) {
  // withdrawing and returning need a reason (先审后发)
  const reason = comment ?? (action === 'withdraw' || action === 'return' ? '测试：内容需调整' : undefined);
  return c.post(`${ADMIN_ITEMS}/${id}/action`, reason ? { action, comment: reason } : { action });
}

/** 先审后发: submit for review (when not already pending), then approve. */
async function publishOk(c, id) {
  const before = await edit(c, id);
  if (before.status !== '待审核') {
    const s = await act(c, id, 'submit');
    assert.equal(s.status, 200, `submit ${id}: ${s.status} ${errorText(s.text)}`);
  }
  // the safety check lists attachments it cannot read (these test PDFs
  // have no text layer): a reviewer looks and clears each with a reason
  const page = await c.get(`${ADMIN_ITEMS}/${id}`);
  for (const m of page.text.matchAll(/name="finding" value="(\d+)"/g)) {
    const done = await c.post(`${ADMIN_ITEMS}/${id}/action`, { action: 'clear', finding: m[1], comment: '测试附件，已人工核对，无个人信息' });
    assert.equal(done.status, 200, `clear finding ${m[1]}: ${errorText(done.text)}`);
  }
  const r = await act(c, id, 'publish');
  assert.equal(r.status, 200, `publish ${id}: ${r.status} ${errorText(r.text)}`);
  const e = parseEdit(r.text, r);
  assert.equal(e.status, '已发布', `status after publishing ${id}`);
  assert.ok(e.indexNo, `an allocated 索引号 after publishing ${id}`);
  return e;
}

function serial(indexNo) {
  const m = indexNo.match(/-(\d+)$/);
  assert.ok(m, `索引号 ${indexNo} ends in a serial number`);
  return Number(m[1]);
}

/** Ids of the results of a public search for q (first page is enough for unique titles). */
async function searchIds(q) {
  const r = await srv.json(`/api/v1/orgs/${ORG}/items?${qs({ q, per_page: 100 })}`);
  assert.equal(r.status, 200);
  return r.body.items.map((it) => it.id);
}

/** Files stored under the attachment directory (not counting the upload temp dir). */
function storedFiles() {
  const out = [];
  const walk = (d) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) {
        if (!(d === env.files && e.name === 'tmp')) walk(path.join(d, e.name));
      } else out.push(path.join(d, e.name));
    }
  };
  walk(env.files);
  return out.sort();
}

function tmpFiles() {
  const d = path.join(env.files, 'tmp');
  return fs.existsSync(d) ? fs.readdirSync(d) : [];
}

function pdfBytes(text = 'gongkai test') {
  return Buffer.from(`%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% ${text}\ntrailer<</Root 1 0 R>>\n%%EOF\n`, 'latin1');
}

function upload(c, id, bytes, filename, type = 'application/octet-stream') {
  const fd = new FormData();
  fd.append('file', new Blob([bytes], { type }), filename);
  return c.postMultipart(`${ADMIN_ITEMS}/${id}/files`, fd);
}

before(async () => {
  env = makeDb({ demo: true });
  const help = cli(env.db, ['init', '--help']);
  if (/--org-slug/.test(help.stdout + help.stderr)) {
    cli(env.db, ['init', '--org-name', '测试市其他局', '--org-slug', OTHER, '--org-code', '123456789']);
    cli(env.db, ['user', 'add', EDITOR, '--org', OTHER, '--role', 'editor', '--password-stdin'], { input: EDITOR_PW + '\n' });
    otherOrgCreated = true;
  }
  srv = await startServer(env);
  admin = await loginClient(srv, 'admin', env.adminPassword);
  const form = await admin.get(`${ADMIN_ITEMS}/new`);
  assert.equal(form.status, 200, 'the new-item form');
  const sel = form.text.match(/<select id="category_id"[\s\S]*?<\/select>/);
  assert.ok(sel, 'the new-item form has a category select');
  cats = Object.fromEntries([...sel[0].matchAll(/<option value="(\d+)"[^>]*>([^<]+)<\/option>/g)].map((m) => [m[2], Number(m[1])]));
  assert.ok(cats['政策文件'], `categories in the form: ${JSON.stringify(cats)}`);
});

after(async () => {
  try {
    if (srv) await srv.stop();
  } finally {
    cleanup(env);
  }
});

describe('login', () => {
  test('wrong password → 403 with 用户名或密码不正确', async () => {
    const c = new Client(srv);
    const r = await c.tryLogin('admin', 'wrong-password');
    assert.equal(r.status, 403);
    assert.match(errorText(r.text), /用户名或密码不正确/);
    assert.equal(c.jar.get('gk_session'), undefined, 'no session cookie');
    assert.match(r.text, /value="admin"/, 'the user name is kept in the form');
  });

  test('unknown user → the same 403 message', async () => {
    const c = new Client(srv);
    const r = await c.tryLogin('nobody-here', 'whatever-password');
    assert.equal(r.status, 403);
    assert.match(errorText(r.text), /用户名或密码不正确/);
  });

  test('empty fields → 4xx, no session', async () => {
    const c = new Client(srv);
    const r = await c.tryLogin('', '');
    assert.ok(r.status >= 400 && r.status < 500, `status ${r.status}`);
    assert.equal(c.jar.get('gk_session'), undefined);
  });

  test('admin logs in: 303 to /admin/, HttpOnly SameSite=Strict session cookie', async () => {
    const c = new Client(srv);
    const r = await c.tryLogin('admin', env.adminPassword);
    assert.equal(r.status, 303, errorText(r.text));
    assert.equal(r.location, '/admin/');
    const sc = r.headers.getSetCookie().find((s) => s.startsWith('gk_session='));
    assert.ok(sc, 'Set-Cookie gk_session');
    assert.match(sc, /HttpOnly/i);
    assert.match(sc, /SameSite=Strict/i);
    assert.match(sc, /Path=\//);
    const home = await c.get('/admin/');
    assert.ok(home.status === 200 || home.status === 303, `GET /admin/ after login: ${home.status}`);
  });

  test('login without the gk_csrf cookie or token → 403', async () => {
    const c = new Client(srv);
    const form = await c.get('/admin/login');
    const tok = csrfFrom(form.text);
    const noCookie = await srv.fetch('/admin/login', { method: 'POST', body: new URLSearchParams({ username: 'admin', password: env.adminPassword, csrf: tok }) });
    assert.equal(noCookie.status, 403, 'no cookie');
    const noToken = await c.post('/admin/login', { username: 'admin', password: env.adminPassword, csrf: null });
    assert.equal(noToken.status, 403, 'no token');
    assert.equal(c.jar.get('gk_session'), undefined);
  });

  test('staff pages without a session redirect to /admin/login', async () => {
    for (const p of ['/admin/', ADMIN_ITEMS, `${ADMIN_ITEMS}/new`, `/admin/o/${ORG}/guide`]) {
      const r = await srv.get(p);
      assert.equal(r.status, 303, `GET ${p}`);
      assert.equal(r.headers.get('location'), '/admin/login', `GET ${p}`);
    }
    const post = await srv.fetch(`${ADMIN_ITEMS}/new`, { method: 'POST', body: new URLSearchParams({ title: 'x' }) });
    assert.equal(post.status, 403, 'POST without a session');
  });

  test('a forged session cookie is not a session', async () => {
    const r = await srv.get('/admin/', { headers: { cookie: `gk_session=${'a'.repeat(64)}` } });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/admin/login');
  });
});

describe('CSRF', () => {
  test('POST without csrf → 403 and nothing stored', async () => {
    const before = await staffCount();
    const title = uniqueTitle('无令牌');
    const r = await admin.post(`${ADMIN_ITEMS}/new`, { title, category_id: cats['政策文件'], csrf: null });
    assert.equal(r.status, 403);
    assert.match(errorText(r.text), /[\u4e00-\u9fff]/);
    assert.equal(await staffCount(), before, 'no item was stored');
  });

  test('POST with a wrong csrf → 403 and nothing stored', async () => {
    const before = await staffCount();
    const r = await admin.post(`${ADMIN_ITEMS}/new`, { title: uniqueTitle('错令牌'), category_id: cats['政策文件'], csrf: 'f'.repeat(64) });
    assert.equal(r.status, 403);
    const r2 = await admin.post(`${ADMIN_ITEMS}/new`, { title: uniqueTitle('短令牌'), category_id: cats['政策文件'], csrf: 'x' });
    assert.equal(r2.status, 403);
    assert.equal(await staffCount(), before, 'no item was stored');
  });

  test('POST with the right csrf but a foreign Origin → 403', async () => {
    const before = await staffCount();
    const r = await admin.post(`${ADMIN_ITEMS}/new`, { title: uniqueTitle('跨站'), category_id: cats['政策文件'] },
      { headers: { origin: 'http://evil.example' } });
    assert.equal(r.status, 403);
    assert.equal(await staffCount(), before);
  });

  test('workflow actions need csrf too', async () => {
    const id = await createOk(admin, { title: uniqueTitle('动作令牌') });
    const r = await admin.post(`${ADMIN_ITEMS}/${id}/action`, { action: 'publish', csrf: null });
    assert.equal(r.status, 403);
    assert.equal((await edit(admin, id)).status, '草稿', 'still a draft');
  });
});

describe('items: create, publish, withdraw', () => {
  let id;
  let title;
  let indexNo;

  test('create → 303 to the edit page; 文号 brackets normalised to 〔〕', async () => {
    title = uniqueTitle('发布');
    const res = await create(admin, {
      title,
      category_id: cats['政策文件'],
      doc_no: '桐教[2026]7号',
      written_on: '2026-01-05',
      // inline, so that CommonMark keeps the paragraph: a line that *starts*
      // with <script> is an HTML block, dropped whole in safe mode
      body_md: '开头 <script>alert(1)</script> **粗体**\n\n<script>alert(2)</script>\n\n第二段。',
    });
    assert.equal(res.r.status, 303, errorText(res.r.text));
    assert.ok(res.id, `redirect target ${res.r.location}`);
    id = res.id;
    const e = await edit(admin, id);
    assert.equal(e.status, '草稿');
    assert.equal(e.indexNo, null, 'a draft has no 索引号 yet');
    assert.match(e.html, /<input type="text" id="doc_no" name="doc_no"[^>]*value="桐教〔2026〕7号"/, 'stored 文号 shown as 桐教〔2026〕7号');
    assert.ok(!e.html.includes('<script>alert(1)</script>'), 'the body is escaped in the editor');
    assert.match(e.html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  });

  test('a draft is not public: page 404, API 404, not in search', async () => {
    const pub = await srv.get(`/o/${ORG}/items/${id}`);
    assert.equal(pub.status, 404, 'public page of a draft');
    const api = await srv.get(`/api/v1/items/${id}`);
    assert.equal(api.status, 404, 'API of a draft');
    assert.ok(!(await searchIds('鸿鹄发布')).includes(id), 'a draft must not be found by search');
    const html = await srv.get(`/o/${ORG}/search?${qs({ q: title })}`);
    assert.ok(!html.text.includes(`/items/${id}"`), 'a draft must not be listed on the search page');
  });

  test('publish → 已发布 with a 索引号; the public page shows it safely', async () => {
    const e = await publishOk(admin, id);
    indexNo = e.indexNo;
    assert.match(e.notice ?? '', /已发布/);
    assert.match(indexNo, /^\S{9}\/\d{4}-\d{5}$/, `索引号 format: ${indexNo}`);
    const pub = await srv.get(`/o/${ORG}/items/${id}`);
    assert.equal(pub.status, 200, 'the published item is public');
    const meta = metaTable(pub.text);
    assert.equal(meta['索引号'], indexNo);
    assert.equal(meta['文号'], '桐教〔2026〕7号');
    assert.equal(meta['成文日期'], '2026-01-05');
    assert.match(meta['发布日期'], /^\d{4}-\d\d-\d\d$/);
    assert.ok(!pub.text.includes('<script>alert(1)</script>'), 'the script tag must not be rendered raw');
    assert.ok(!pub.text.includes('<script>alert(2)</script>'), 'a <script> block must not be rendered raw');
    assert.ok(!/<script/i.test(pub.text), 'no <script> element at all on the public page');
    assert.match(pub.text, /第二段。/, 'the rest of the body is shown');
    assert.match(pub.text, /<strong>粗体<\/strong>/, '**粗体** became <strong>');
    const api = await srv.json(`/api/v1/items/${id}`);
    assert.equal(api.status, 200);
    assert.equal(api.body.index_no, indexNo);
    assert.equal(api.body.doc_no, '桐教〔2026〕7号');
  });

  test('search finds it by a title substring and by its 文号', async () => {
    assert.ok((await searchIds('鸿鹄发布')).includes(id), 'title substring 鸿鹄发布');
    assert.ok((await searchIds('科技创新')).includes(id), 'title substring 科技创新');
    const byDoc = await searchIds('桐教(2026)7号');
    assert.equal(byDoc[0], id, '文号 search ranks it first');
  });

  test('withdraw → public 404 again, 索引号 kept on the staff page', async () => {
    const r = await act(admin, id, 'withdraw');
    assert.equal(r.status, 200, errorText(r.text));
    const e = parseEdit(r.text, r);
    assert.equal(e.status, '已撤回');
    assert.equal(e.indexNo, indexNo, 'the 索引号 stays with the withdrawn item');
    assert.equal((await srv.get(`/o/${ORG}/items/${id}`)).status, 404, 'withdrawn item page');
    assert.equal((await srv.get(`/api/v1/items/${id}`)).status, 404, 'withdrawn item API');
    assert.ok(!(await searchIds('鸿鹄发布')).includes(id), 'a withdrawn item is not found by search');
    const again = await act(admin, id, 'withdraw');
    assert.equal(again.status, 409, 'withdrawing twice is a conflict');
  });

  test('republish keeps the same 索引号', async () => {
    const e = await publishOk(admin, id);
    assert.equal(e.indexNo, indexNo);
    const pub = await srv.get(`/o/${ORG}/items/${id}`);
    assert.equal(metaTable(pub.text)['索引号'], indexNo);
    const twice = await act(admin, id, 'publish');
    assert.equal(twice.status, 409, 'publishing a published item is a conflict');
  });

  test('unknown action → 400; unknown item → 404', async () => {
    assert.equal((await act(admin, id, 'explode')).status, 400);
    assert.equal((await act(admin, 99999999, 'publish')).status, 404);
    assert.equal((await admin.get(`${ADMIN_ITEMS}/99999999`)).status, 404);
  });
});

describe('索引号 allocation', () => {
  test('two items published one after the other get consecutive serials', async () => {
    const a = await createOk(admin, { title: uniqueTitle('甲') });
    const b = await createOk(admin, { title: uniqueTitle('乙') });
    const ea = await publishOk(admin, a);
    const eb = await publishOk(admin, b);
    assert.notEqual(ea.indexNo, eb.indexNo);
    assert.equal(ea.indexNo.replace(/\d+$/, ''), eb.indexNo.replace(/\d+$/, ''), 'same prefix');
    assert.equal(serial(eb.indexNo), serial(ea.indexNo) + 1, `${ea.indexNo} then ${eb.indexNo}`);
  });

  test('10 drafts published concurrently get 10 distinct, gap-free serials', async () => {
    const ids = [];
    for (let i = 0; i < 10; i++) ids.push(await createOk(admin, { title: uniqueTitle('并发') }));
    for (const i of ids) assert.equal((await act(admin, i, 'submit')).status, 200);
    const results = await Promise.all(ids.map((i) => act(admin, i, 'publish')));
    const failures = results.map((r, i) => [ids[i], r.status, errorText(r.text)]).filter(([, s]) => s !== 200);
    assert.deepEqual(failures, [], 'every concurrent publish succeeds');
    const nos = [];
    for (const i of ids) {
      const e = await edit(admin, i);
      assert.equal(e.status, '已发布', `item ${i}`);
      nos.push(e.indexNo);
    }
    assert.equal(new Set(nos).size, 10, `distinct 索引号: ${nos.join(', ')}`);
    const serials = nos.map(serial).sort((x, y) => x - y);
    for (let i = 1; i < serials.length; i++) {
      assert.equal(serials[i], serials[i - 1] + 1, `serials consecutive without gaps: ${serials.join(', ')}`);
    }
  });
});

describe('validation', () => {
  test('empty title → 400 with 请填写标题', async () => {
    const before = await staffCount();
    for (const title of ['', '   ', '\u3000']) {
      const r = await admin.post(`${ADMIN_ITEMS}/new`, { title, category_id: cats['政策文件'] });
      assert.equal(r.status, 400, `title ${JSON.stringify(title)}`);
      assert.match(errorText(r.text), /请填写标题/);
    }
    assert.equal(await staffCount(), before);
  });

  test('unknown or missing category → 400', async () => {
    const before = await staffCount();
    const r = await admin.post(`${ADMIN_ITEMS}/new`, { title: uniqueTitle('无类别'), category_id: '999999' });
    assert.equal(r.status, 400);
    assert.match(errorText(r.text), /类别/);
    const r2 = await admin.post(`${ADMIN_ITEMS}/new`, { title: uniqueTitle('无类别') });
    assert.equal(r2.status, 400);
    assert.match(errorText(r2.text), /类别/);
    const r3 = await admin.post(`${ADMIN_ITEMS}/new`, { title: uniqueTitle('无类别'), category_id: 'abc' });
    assert.equal(r3.status, 400);
    assert.equal(await staffCount(), before);
  });

  test('the form keeps what was typed after an error', async () => {
    const r = await admin.post(`${ADMIN_ITEMS}/new`, { title: '', category_id: cats['政策文件'], doc_no: '桐教〔2026〕9号', body_md: '保留的正文' });
    assert.equal(r.status, 400);
    assert.match(r.text, /value="桐教〔2026〕9号"/);
    assert.match(r.text, /保留的正文/);
  });

  test('title of 301 characters → 400 and nothing stored; 300 is fine', async () => {
    const before = await staffCount();
    const r = await admin.post(`${ADMIN_ITEMS}/new`, { title: '长'.repeat(301), category_id: cats['政策文件'] });
    assert.equal(r.status, 400);
    assert.match(errorText(r.text), /过长/);
    assert.equal(await staffCount(), before, 'nothing stored');
    const ok = await create(admin, { title: '长'.repeat(300), category_id: cats['政策文件'] });
    assert.equal(ok.r.status, 303, `a 300-character title is allowed: ${errorText(ok.r.text)}`);
    assert.equal(await staffCount(), before + 1);
  });

  test('invalid dates → 400', async () => {
    const before = await staffCount();
    for (const d of ['2026-02-30', '2026-13-01', '2026-2-3', 'yesterday', '2025-02-29']) {
      const r = await admin.post(`${ADMIN_ITEMS}/new`, { title: uniqueTitle('日期'), category_id: cats['政策文件'], written_on: d });
      assert.equal(r.status, 400, `written_on=${d}`);
      assert.match(errorText(r.text), /日期|YYYY-MM-DD/, `written_on=${d}: ${errorText(r.text)}`);
    }
    const leap = await create(admin, { title: uniqueTitle('闰年'), category_id: cats['政策文件'], written_on: '2024-02-29' });
    assert.equal(leap.r.status, 303, `2024-02-29 is a valid date: ${errorText(leap.r.text)}`);
    assert.equal(await staffCount(), before + 1);
  });

  test('other invalid values → 400', async () => {
    const base = { title: uniqueTitle('无效'), category_id: cats['政策文件'] };
    for (const [k, v] of [['genre', '小说'], ['validity', '永久'], ['validity', '废止'] /* needs validity_on */]) {
      const r = await admin.post(`${ADMIN_ITEMS}/new`, { ...base, [k]: v });
      assert.equal(r.status, 400, `${k}=${v}`);
    }
  });

  test('editing with a stale version → 409 on the second save', async () => {
    const id = await createOk(admin, { title: uniqueTitle('冲突') });
    const e = await edit(admin, id);
    assert.ok(e.version, 'the edit form carries a version');
    const fields = { title: uniqueTitle('冲突改'), category_id: cats['政策文件'], version: e.version, body_md: '第一次保存' };
    const first = await admin.post(`${ADMIN_ITEMS}/${id}`, fields);
    assert.equal(first.status, 200, errorText(first.text));
    assert.match(parseEdit(first.text).notice ?? '', /已保存/);
    const second = await admin.post(`${ADMIN_ITEMS}/${id}`, { ...fields, body_md: '第二次保存（过期）' });
    assert.equal(second.status, 409);
    assert.match(errorText(second.text), /已被他人修改/);
    const now = await edit(admin, id);
    assert.match(now.html, /第一次保存/, 'the first save is kept');
    assert.ok(!now.html.includes('第二次保存（过期）'), 'the stale save is not stored');
  });
});

describe('attachments', () => {
  let id;
  const pdf = pdfBytes('attachment test');

  test('upload a PDF → listed on the edit page', async () => {
    id = await createOk(admin, { title: uniqueTitle('附件') });
    const r = await upload(admin, id, pdf, '通知附件.pdf', 'application/pdf');
    assert.equal(r.status, 200, errorText(r.text));
    const e = parseEdit(r.text, r);
    assert.match(e.notice ?? '', /已上传/);
    assert.equal(e.attachments.length, 1);
    assert.equal(e.attachments[0].filename, '通知附件.pdf');
  });

  test('not downloadable by the public while a draft; identical bytes once published', async () => {
    const e = await edit(admin, id);
    const att = e.attachments[0];
    assert.ok(att, 'the PDF uploaded by the previous test is listed on the edit page');
    // the link ends with the file's name (the name it is saved under, and its name in a static tree)
    assert.equal(att.url, `/o/${ORG}/items/${id}/files/${att.id}/${encodeURIComponent('通知附件.pdf')}`);
    const hidden = await srv.fetch(att.url);
    await hidden.arrayBuffer();
    assert.equal(hidden.status, 404, 'a draft\'s attachment is not public');
    await publishOk(admin, id);
    const r = await srv.fetch(att.url);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^application\/pdf/);
    assert.match(r.headers.get('content-disposition') || '', /^attachment; filename\*=UTF-8''/);
    assert.ok((r.headers.get('content-disposition') || '').includes(encodeURIComponent('通知附件.pdf')));
    const got = Buffer.from(await r.arrayBuffer());
    assert.ok(got.equals(pdf), `downloaded ${got.length} bytes, uploaded ${pdf.length}; identical: ${got.equals(pdf)}`);
    const pub = await srv.get(`/o/${ORG}/items/${id}`);
    assert.match(pub.text, new RegExp(`<a href="${att.url}">通知附件.pdf</a>`), 'the public page lists the attachment');
    const api = await srv.json(`/api/v1/items/${id}`);
    assert.equal(api.body.attachments.length, 1);
    assert.equal(api.body.attachments[0].size, pdf.length);
    assert.equal(api.body.attachments[0].mime, 'application/pdf');
    const wrong = await srv.fetch(`/o/${ORG}/items/${id}/files/${att.id + 1000}`);
    await wrong.arrayBuffer();
    assert.equal(wrong.status, 404);
    const otherName = await srv.fetch(`/o/${ORG}/items/${id}/files/${att.id}/other.pdf`);
    await otherName.arrayBuffer();
    assert.equal(otherName.status, 404, 'not under another name');
    const short = await srv.fetch(`/o/${ORG}/items/${id}/files/${att.id}`);
    assert.ok(Buffer.from(await short.arrayBuffer()).equals(pdf), 'the older link without the name still works');
  });

  // a published item is not changed in place (先审后发): the upload tests
  // below work on a draft of their own
  let draft;
  async function draftItem() {
    if (!draft) draft = await createOk(admin, { title: uniqueTitle('附件草稿') });
    return draft;
  }

  test('a published item takes no new attachment: 409, corrected through a correction draft', async () => {
    const r = await upload(admin, id, pdfBytes('late'), '补充.pdf', 'application/pdf');
    assert.equal(r.status, 409);
    assert.match(errorText(r.text), /更正/);
  });

  const bad = [
    ['an ELF binary named x.pdf', Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120, 0)]), 'x.pdf'],
    ['a text file named x.pdf', Buffer.from('这不是 PDF，只是一段文字。\n'.repeat(10)), 'x.pdf'],
    ['a Windows executable named setup.exe', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]), 'setup.exe'],
    ['a real PDF named run.exe', pdfBytes('exe'), 'run.exe'],
    ['an HTML file named page.html', Buffer.from('<html><script>alert(1)</script></html>'), 'page.html'],
    ['a PDF whose name has no extension', pdfBytes('noext'), 'noext'],
  ];
  for (const [what, bytes, name] of bad) {
    test(`${what} → 400 with a Chinese message, not stored`, async () => {
      const filesBefore = storedFiles();
      const n = (await edit(admin, await draftItem())).attachments.length;
      const r = await upload(admin, await draftItem(), bytes, name);
      assert.equal(r.status, 400, `upload ${name}: ${r.status}`);
      assert.match(errorText(r.text), /附件|文件|类型|扩展名/, `a Chinese message about the file: ${errorText(r.text)}`);
      assert.equal((await edit(admin, await draftItem())).attachments.length, n, 'not listed');
      assert.deepEqual(storedFiles(), filesBefore, 'no file stored');
      assert.deepEqual(tmpFiles(), [], 'no temporary upload left behind');
    });
  }

  test('an empty upload or a missing file field → 400', async () => {
    const r = await upload(admin, await draftItem(), Buffer.alloc(0), 'empty.pdf');
    assert.equal(r.status, 400);
    assert.match(errorText(r.text), /文件/, `message: ${errorText(r.text)}`);
    const fd = new FormData();
    fd.append('other', 'x');
    const r2 = await admin.postMultipart(`${ADMIN_ITEMS}/${await draftItem()}/files`, fd);
    assert.equal(r2.status, 400);
  });

  test('a path in the file name keeps only its last component', async () => {
    const r = await upload(admin, await draftItem(), pdfBytes('path'), '../../etc/附件二.pdf', 'application/pdf');
    assert.equal(r.status, 200, errorText(r.text));
    const names = parseEdit(r.text).attachments.map((a) => a.filename);
    assert.ok(names.includes('附件二.pdf'), `stored names: ${names.join(', ')}`);
  });

  test('upload without csrf → 403', async () => {
    const fd = new FormData();
    fd.append('file', new Blob([pdf]), 'y.pdf');
    const r = await admin.postMultipart(`${ADMIN_ITEMS}/${await draftItem()}/files`, fd, { csrf: null });
    assert.equal(r.status, 403);
  });
});

describe('staff pages', () => {
  test('lang, title, labelled controls, and a csrf token in every POST form', async () => {
    const id = await createOk(admin, { title: uniqueTitle('页面') });
    for (const p of [ADMIN_ITEMS, `${ADMIN_ITEMS}/new`, `${ADMIN_ITEMS}/${id}`, `/admin/o/${ORG}/guide`, '/admin/login']) {
      const c = p === '/admin/login' ? new Client(srv) : admin;
      const r = await c.get(p);
      assert.equal(r.status, 200, `GET ${p}`);
      assertPageBasics(r.text, p);
      for (const f of r.text.matchAll(/<form\b[^>]*method="post"[^>]*>([\s\S]*?)<\/form>/g)) {
        assert.match(f[1], /<input type="hidden" name="csrf" value="[0-9a-f]{64}">/, `${p}: a POST form without a csrf token: ${f[0].slice(0, 120)}`);
      }
      assert.match(r.text, /<meta name="robots" content="noindex">/, `${p}: staff pages are not indexed`);
    }
  });
});

describe('logout', () => {
  test('logout invalidates the session; the old cookie then redirects to login', async () => {
    const c = await loginClient(srv, 'admin', env.adminPassword);
    const oldCookie = c.jar.header();
    assert.equal((await c.get(ADMIN_ITEMS)).status, 200);
    const r = await c.post('/admin/logout', {});
    assert.equal(r.status, 303);
    assert.equal(r.location, '/admin/login');
    assert.equal(c.jar.get('gk_session'), undefined, 'the session cookie is cleared');
    const again = await srv.get(ADMIN_ITEMS, { headers: { cookie: oldCookie } });
    assert.equal(again.status, 303, 'the old session cookie no longer works');
    assert.equal(again.headers.get('location'), '/admin/login');
    assert.equal((await admin.get(ADMIN_ITEMS)).status, 200, 'other sessions stay valid');
  });
});

describe('公开类别 (a configurable tree)', () => {
  const CATS = `/admin/o/${ORG}/categories`;
  /** The id of the category called name, from its edit form on the categories page. */
  const idOf = (html, name) => {
    for (const form of html.split('<form class="catedit"').slice(1)) {
      const action = form.match(/^ method="post" action="\/admin\/o\/[^/]+\/categories\/(\d+)"/);
      const value = form.match(/name="name" value="([^"]*)"/);
      if (action && value && value[1] === name) return Number(action[1]);
    }
    return null;
  };

  test('add a sub-category, see it in the public catalog, rename it, and refuse cycles and duplicates', async () => {
    const page = await admin.get(CATS);
    assert.equal(page.status, 200);
    assertPageBasics(page.text, CATS);
    const parent = idOf(page.text, '重点领域信息');
    assert.ok(parent, 'the default category 重点领域信息 is listed');
    const add = await admin.post(CATS, { name: '义务教育招生', article: '第二十条第（十一）项', parent_id: parent, sort: 5 });
    assert.equal(add.status, 200);
    assert.match(textOf(add.text), /类别已添加/);
    const child = idOf(add.text, '义务教育招生');
    assert.ok(child);
    const pub = await srv.get(`/o/${ORG}/catalog`);
    assert.match(pub.text, new RegExp(`<li class="child"><a href="/o/${ORG}/catalog\\?category=${child}"`), 'shown as a child in the public catalog');
    // a parent cannot become its own descendant
    const cycle = await admin.post(`${CATS}/${parent}`, { name: '重点领域信息', article: '', parent_id: child, sort: 80 });
    assert.equal(cycle.status, 400);
    assert.match(textOf(cycle.text), /不能是它自己或它的下级/);
    const dup = await admin.post(CATS, { name: '政策文件', parent_id: 0 });
    assert.equal(dup.status, 409);
    assert.match(textOf(dup.text), /同名/);
    const empty = await admin.post(CATS, { name: '   ', parent_id: 0 });
    assert.equal(empty.status, 400);
    const renamed = await admin.post(`${CATS}/${child}`, { name: '招生入学', article: '第二十条第（十一）项', parent_id: parent, sort: 5 });
    assert.equal(renamed.status, 200);
    assert.ok(idOf(renamed.text, '招生入学'));
    // an empty category can be deleted; one with items cannot
    const del = await admin.post(`${CATS}/${child}/delete`, {});
    assert.equal(del.status, 200);
    assert.equal(idOf(del.text, '招生入学'), null);
    const busy = await admin.post(`${CATS}/${parent}/delete`, {});
    assert.equal(busy.status, 409);
    assert.match(textOf(busy.text), /不能删除/);
  });

  test('an editor of another agency cannot see or change these categories', async () => {
    const r = await admin.get(CATS);
    const parent = idOf(r.text, '政策文件');
    const other = new Client(srv);
    await other.get('/admin/login');
    const denied = await other.post(`${CATS}/${parent}`, { name: 'x', parent_id: 0 });
    assert.ok(denied.status === 403 || denied.status === 303, `anonymous: ${denied.status}`);
  });
});

describe('own password', () => {
  test('a staff member changes their password; other sessions end, this one goes on', async () => {
    const pw = newPassword(env.db, 'tongxiang');
    const c = await loginClient(srv, 'tongxiang', pw);
    const other = await loginClient(srv, 'tongxiang', pw);
    const form = await c.get('/admin/password');
    assert.equal(form.status, 200);
    assertPageBasics(form.text, '/admin/password');
    const wrong = await c.post('/admin/password', { current: 'not-it-at-all', new: 'Zhongwen-2026-xyz', again: 'Zhongwen-2026-xyz' });
    assert.equal(wrong.status, 403);
    assert.match(textOf(wrong.text), /当前密码不正确/);
    const weak = await c.post('/admin/password', { current: pw, new: '1234567890', again: '1234567890' });
    assert.equal(weak.status, 400);
    assert.match(textOf(weak.text), /不能全是数字/);
    const mismatch = await c.post('/admin/password', { current: pw, new: 'Zhongwen-2026-xyz', again: 'Zhongwen-2026-abc' });
    assert.equal(mismatch.status, 400);
    assert.match(textOf(mismatch.text), /不一致/);
    const ok = await c.post('/admin/password', { current: pw, new: 'Zhongwen-2026-xyz', again: 'Zhongwen-2026-xyz' });
    assert.equal(ok.status, 200);
    assert.match(textOf(ok.text), /密码已修改/);
    assert.equal((await c.get(ADMIN_ITEMS)).status, 200, 'the session that changed it goes on');
    assert.equal((await other.get(ADMIN_ITEMS)).status, 303, 'the other session ended');
    assert.equal((await new Client(srv).tryLogin('tongxiang', pw)).status, 403, 'the old password is gone');
    await loginClient(srv, 'tongxiang', 'Zhongwen-2026-xyz');
    env.orgPassword = 'Zhongwen-2026-xyz';
  });
});

describe('roles and agencies', () => {
  test('the demo user tongxiang (org admin) manages tongxiang-edu', async () => {
    const c = await loginClient(srv, 'tongxiang', env.orgPassword);
    const home = await c.get('/admin/');
    assert.equal(home.status, 303, 'one agency: /admin/ goes straight to it');
    assert.equal(home.location, ADMIN_ITEMS);
    const id = await createOk(c, { title: uniqueTitle('机构管理员') });
    await publishOk(c, id);
    assert.equal((await srv.get(`/o/${ORG}/items/${id}`)).status, 200);
    const guide = await c.get(`/admin/o/${ORG}/guide`);
    assert.equal(guide.status, 200, 'an org admin edits the 指南');
  });

  test('`user passwd --random` replaces the password and ends the sessions', async () => {
    const c = await loginClient(srv, 'tongxiang', env.orgPassword);
    const pw = newPassword(env.db, 'tongxiang');
    assert.notEqual(pw, env.orgPassword);
    const oldLogin = await new Client(srv).tryLogin('tongxiang', env.orgPassword);
    assert.equal(oldLogin.status, 403, 'the old password no longer works');
    const stale = await c.get(ADMIN_ITEMS);
    assert.equal(stale.status, 303, 'the existing session ended');
    await loginClient(srv, 'tongxiang', pw);
    env.orgPassword = pw;
  });

  test('a second agency: GET / lists both; the sysadmin sees both', async (t) => {
    if (!otherOrgCreated) return t.skip('gongkai init has no --org-slug');
    const root = await srv.get('/');
    assert.equal(root.status, 200, 'with two agencies GET / is a list');
    assert.match(root.text, new RegExp(`href="/o/${ORG}/"`));
    assert.match(root.text, new RegExp(`href="/o/${OTHER}/"`));
    const home = await admin.get('/admin/');
    assert.equal(home.status, 200);
    assert.match(home.text, new RegExp(`/admin/o/${OTHER}/items`));
    assert.match(home.text, new RegExp(`/admin/o/${ORG}/items`));
  });

  test('an editor of another agency gets 403 on tongxiang-edu', async (t) => {
    if (!otherOrgCreated) return t.skip('gongkai init has no --org-slug');
    const ed = await loginClient(srv, EDITOR, EDITOR_PW);
    const own = await ed.get(`/admin/o/${OTHER}/items`);
    assert.equal(own.status, 200, 'the editor manages their own agency');
    const draft = await createOk(admin, { title: uniqueTitle('越权') });
    const before = await staffCount();
    const checks = [
      ['GET', ADMIN_ITEMS, () => ed.get(ADMIN_ITEMS)],
      ['GET', `${ADMIN_ITEMS}/new`, () => ed.get(`${ADMIN_ITEMS}/new`)],
      ['GET', `${ADMIN_ITEMS}/${draft}`, () => ed.get(`${ADMIN_ITEMS}/${draft}`)],
      ['POST', `${ADMIN_ITEMS}/new`, () => ed.post(`${ADMIN_ITEMS}/new`, { title: uniqueTitle('越权'), category_id: cats['政策文件'] })],
      ['POST', `${ADMIN_ITEMS}/${draft}/action`, () => ed.post(`${ADMIN_ITEMS}/${draft}/action`, { action: 'publish' })],
      ['POST', `${ADMIN_ITEMS}/${draft}`, () => ed.post(`${ADMIN_ITEMS}/${draft}`, { title: '改掉', category_id: cats['政策文件'], version: '1' })],
      ['POST', `${ADMIN_ITEMS}/${draft}/files`, () => {
        const fd = new FormData();
        fd.append('file', new Blob([pdfBytes()]), 'z.pdf');
        return ed.postMultipart(`${ADMIN_ITEMS}/${draft}/files`, fd);
      }],
      ['GET', `/admin/o/${ORG}/guide`, () => ed.get(`/admin/o/${ORG}/guide`)],
      ['POST', `/admin/o/${ORG}/guide`, () => ed.post(`/admin/o/${ORG}/guide`, { guide_md: '篡改' })],
    ];
    const wrong = [];
    for (const [m, p, fn] of checks) {
      const r = await fn();
      if (r.status !== 403) wrong.push(`${m} ${p} → ${r.status} ${errorText(r.text).slice(0, 60)}`);
    }
    assert.deepEqual(wrong, [], `requests by an editor of ${OTHER} that did not get 403`);
    assert.equal(await staffCount(), before, 'nothing stored');
    const e = await edit(admin, draft);
    assert.equal(e.status, '草稿', 'the draft was not published');
    assert.ok(!e.html.includes('改掉'), 'the draft was not edited');
    assert.equal((await edit(admin, draft)).attachments.length, 0, 'no attachment added');
    assert.doesNotMatch((await srv.get(`/o/${ORG}/guide`)).text, /篡改/, 'the 指南 was not changed');
  });

  test('an editor cannot edit the 指南 of their own agency (org admins only)', async (t) => {
    if (!otherOrgCreated) return t.skip('gongkai init has no --org-slug');
    const ed = await loginClient(srv, EDITOR, EDITOR_PW);
    assert.equal((await ed.get(`/admin/o/${OTHER}/guide`)).status, 403);
  });
});

describe('working-day calendar', () => {
  test('staff pages say which of this year and next lack holiday data', async () => {
    const r = await admin.get(ADMIN_ITEMS);
    assert.equal(r.status, 200);
    const year = Number(new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 4));
    // the shipped calendar ends in 2026
    const missing = [year, year + 1].filter((y) => y > 2026);
    const warn = r.text.match(/<p class="warning" role="note">([^<]*)<\/p>/);
    if (missing.length === 0) {
      assert.equal(warn, null, 'no warning while both years are covered');
    } else {
      assert.ok(warn, `a warning about ${missing.join('、')}`);
      for (const y of missing) assert.match(warn[1], new RegExp(String(y)));
    }
    const pub = await srv.get(`/o/${ORG}/`);
    assert.doesNotMatch(pub.text, /工作日历缺少/, 'the public never sees it');
  });
});

describe('公开时限 (条例第二十六条)', () => {
  test('the editor shows the 20-working-day limit from 成文日期 and warns when publication is late', async () => {
    const id = await createOk(admin, { title: uniqueTitle('时限'), written_on: '2020-09-25' });
    const draft = await edit(admin, id);
    // 20 working days after 2020-09-25: 国庆 off 10/1-10/8, 9/27 and 10/10 worked
    assert.match(textOf(draft.html), /公开时限：\s*2020-10-29/);
    assert.match(textOf(draft.html), /已超过公开时限 2020-10-29/, 'a draft past its limit is flagged');
    await publishOk(admin, id);
    const pub = await edit(admin, id);
    assert.match(textOf(pub.html), /晚于成文日期起 20 个工作日的公开时限 2020-10-29/);
  });
});

describe('工作日历 page', () => {
  test('the system administrator views a year and loads the next year’s holidays; a bad file changes nothing', async () => {
    const y2020 = await admin.get('/admin/calendar?year=2020');
    assert.equal(y2020.status, 200);
    assertPageBasics(y2020.text, '/admin/calendar');
    const t = textOf(y2020.text);
    assert.match(t, /2020-10-08 四 放假 国庆节/, '国庆 2020 is listed');
    assert.match(t, /2020-10-10 六 调休上班/, 'the working Saturday is listed');
    const y2030 = await admin.get('/admin/calendar?year=2030');
    assert.match(textOf(y2030.text), /2030 年还没有节假日数据/);
    const bad = await admin.post('/admin/calendar', { tsv: '2030-01-01\toff\t元旦\n2030-01-02\tholiday\t元旦\n' });
    assert.equal(bad.status, 400);
    assert.match(textOf(bad.text), /第 2 行/);
    assert.match((await admin.get('/admin/calendar?year=2030')).text, /2030 年还没有节假日数据/, 'nothing was stored');
    const ok = await admin.post('/admin/calendar', { tsv: '# 2030\n2030-01-01\toff\t元旦\n2030-01-05\twork\t元旦\n' });
    assert.equal(ok.status, 200);
    assert.match(textOf(ok.text), /已载入 2 天/);
    assert.match(textOf(ok.text), /2030-01-05 六 调休上班 元旦/);
  });

  test('an agency administrator cannot change the national calendar', async () => {
    const c = await loginClient(srv, 'tongxiang', env.orgPassword);
    assert.equal((await c.get('/admin/calendar')).status, 403);
    assert.equal((await c.post('/admin/calendar', { tsv: '2031-01-01\toff\t元旦\n' })).status, 403);
  });
});
