// static.test.mjs - static publication: `publish-static` writes the public
// pages as files; nginx with deploy/nginx-static.conf serves them and hands
// everything else to `gongkai serve`; the pages nginx serves from files are
// byte for byte the dynamic pages (but for the view counter, which a file
// cannot keep); publishing and withdrawing through the staff pages update
// the tree (`serve --static`); a tree the server cannot write is reported
// to the staff member, never half-written; `publish-static --verify`
// reports files changed, added and removed behind the application's back
// and `--all` repairs them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ORG, ROOT, cleanup, cli, freePort, loginClient, makeDb, spawnNginx, startServer, textOf } from './lib.mjs';

const ITEMS = `/admin/o/${ORG}/items`;
const haveNginx = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' }).status === 0;
let env;
let srv;
let admin;
let dir;          // the static tree
let ngxPort;
let ngxProc;
let ngxTmp;
let host;         // "127.0.0.1:<nginx port>": the site's address
const cats = {};

/** GET p from port with the site's Host header: { status, headers, body (Buffer), text }. */
function get(port, p) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: p, headers: { host }, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode, headers: res.headers, body, text: body.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
const viaNginx = (p) => get(ngxPort, p);
const direct = (p) => get(srv.port, p);

/** The one part of a public page that is per request: the view counter. */
const normal = (s) => s.replace(/(<th scope="row">浏览次数<\/th><td>)\d+(<\/td>)/, '$1N$2');

/** The file the tree keeps for a URL (deploy/nginx-static.conf's mapping). */
function fileOf(url) {
  const [p, q] = url.split('?');
  if (/\/items\/\d+\/files\/\d+\/[^/]+$/.test(p)) return path.join(dir, decodeURIComponent(p));
  if (p.endsWith('/')) return path.join(dir, p, 'index.html');
  if (/\.(atom|xml|css|svg|js|png|ico)$/.test(p)) return path.join(dir, p);
  return path.join(dir, p + (q ? '?' + q : '') + '.html');
}

async function waitFor(fn, what) {
  const deadline = Date.now() + 15_000;
  let last;
  while (Date.now() < deadline) {
    try {
      if (await fn()) return;
    } catch (e) { last = e; }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? ': ' + last.message : ''}`);
}

async function startNginx(gkPort) {
  ngxTmp = path.join(env.dir, 'nginx');
  let site = fs.readFileSync(path.join(ROOT, 'deploy/nginx-static.conf'), 'utf8');
  site = site.replace('server 127.0.0.1:8080;', `server 127.0.0.1:${gkPort};`)
    .replace('listen 80;', `listen 127.0.0.1:${ngxPort};`)
    .replace('root /var/lib/gongkai/static;', `root ${dir};`);
  assert.ok(site.includes(`root ${dir};`) && site.includes(`${gkPort}`), 'the ADJUST lines of deploy/nginx-static.conf were found');
  const ngx = spawnNginx(ngxTmp, site);
  ngxProc = ngx.proc;
  await waitFor(async () => (await viaNginx('/static/style.css')).status === 200, `nginx to start: ${ngx.output()}`);
}

async function create(title) {
  const r = await admin.post(`${ITEMS}/new`, { category_id: cats['政策文件'], title, body_md: `${title}的正文。`, publisher: '桐乡市教育局' });
  assert.equal(r.status, 303, `create: ${r.status} ${textOf(r.text).slice(0, 300)}`);
  return Number(r.location.match(/items\/(\d+)/)[1]);
}
/** deploy/nginx-static.conf's open_file_cache_valid: how long nginx may serve a file as it was
 * before a change (a page rewritten or removed); after a change the tests wait that long. */
const cacheValidMs = (() => {
  const m = fs.readFileSync(path.join(ROOT, 'deploy/nginx-static.conf'), 'utf8').match(/^\s*open_file_cache_valid (\d+)s;/m);
  return m ? Number(m[1]) * 1000 : 0;
})();
const settle = () => new Promise((r) => setTimeout(r, cacheValidMs ? cacheValidMs + 300 : 0));
async function act(id, action, extra = {}) {
  const r = await admin.post(`${ITEMS}/${id}/action`, { action, ...extra });
  await settle();
  return r;
}
const errorOf = (html) => textOf(html.match(/<p class="error"[^>]*>([\s\S]*?)<\/p>/)?.[1] ?? '');

async function publish(title) {
  const id = await create(title);
  assert.equal((await act(id, 'submit')).status, 200);
  const r = await act(id, 'approve', { comment: '同意' });
  assert.equal(r.status, 200, textOf(r.text).slice(0, 300));
  return { id, r };
}

/** nginx served this URL from the tree (a file: ETag), with the bytes of the dynamic page. */
/** The per-year sitemaps the static sitemap index lists, each checked with assertStatic: [{ url, text }]. */
async function yearSitemaps() {
  const index = await assertStatic('/sitemap.xml');
  assert.match(index.text, /<sitemapindex /);
  const out = [];
  for (const m of index.text.matchAll(new RegExp(`<loc>http://${host}(/o/${ORG}/sitemap/\\d{4}\\.xml)</loc>`, 'g'))) {
    out.push({ url: m[1], text: (await assertStatic(m[1])).text });
  }
  assert.ok(out.length >= 1, 'the index lists the agency\'s years');
  return out;
}

async function assertStatic(url) {
  assert.ok(fs.existsSync(fileOf(url)), `${url}: no file ${path.relative(dir, fileOf(url))} in the tree`);
  const s = await viaNginx(url);
  assert.equal(s.status, 200, `${url} via nginx: ${s.status}`);
  assert.ok(s.headers.etag, `${url} was not served from a file`);
  const d = await direct(url);
  assert.equal(d.status, 200, `${url} from gongkai: ${d.status}`);
  assert.equal(s.headers['content-type'], d.headers['content-type'], `${url}: the same type`);
  assert.equal(s.headers['content-security-policy'], d.headers['content-security-policy'], `${url}: the same CSP`);
  assert.equal(s.headers['x-content-type-options'], 'nosniff');
  assert.equal(normal(s.text), normal(d.text), `${url}: the static file differs from the dynamic page`);
  return s;
}

/** An attachment nginx served from the tree: the same bytes and headers as gongkai's. */
async function assertStaticFile(url) {
  assert.ok(fs.existsSync(fileOf(url)), `${url}: no file ${path.relative(dir, fileOf(url))} in the tree`);
  const s = await viaNginx(url);
  assert.equal(s.status, 200, `${url} via nginx: ${s.status}`);
  assert.ok(s.headers.etag, `${url} was not served from a file`);
  const d = await direct(url);
  assert.equal(d.status, 200, `${url} from gongkai: ${d.status}`);
  for (const h of ['content-type', 'content-disposition', 'cache-control', 'content-security-policy', 'x-content-type-options']) {
    assert.equal(s.headers[h], d.headers[h], `${url}: the same ${h}`);
  }
  assert.ok(s.body.equals(d.body), `${url}: the same bytes`);
  return s;
}

/** A small valid PDF (the upload checks the content, not only the name). */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj ' +
  '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

async function upload(id, name, bytes) {
  const fd = new FormData();
  fd.append('file', new Blob([bytes], { type: 'application/pdf' }), name);
  const r = await admin.postMultipart(`${ITEMS}/${id}/files`, fd);
  assert.equal(r.status, 200, `upload: ${textOf(r.text).slice(0, 300)}`);
}

before(async () => {
  if (!haveNginx) return;
  env = makeDb();
  dir = path.join(env.dir, 'static');
  ngxPort = await freePort();
  host = `127.0.0.1:${ngxPort}`;
  const r = cli(env.db, ['publish-static', '--org', ORG, '--out', dir, '--files', env.files, '--base-url', `http://${host}`]);
  assert.match(r.stderr, /写入 \d+ 个文件/);
  srv = await startServer(env, { args: ['--static', dir, '--static-base', `http://${host}`] });
  await startNginx(srv.port);
  admin = await loginClient(srv, 'tongxiang', env.orgPassword);
  const form = await admin.get(`${ITEMS}/new`);
  for (const m of form.text.matchAll(/<option value="(\d+)"[^>]*>([^<]+)<\/option>/g)) cats[m[2]] = m[1];
  assert.ok(cats['政策文件']);
});

after(async () => {
  if (ngxProc && ngxProc.exitCode === null) {
    const done = new Promise((r) => ngxProc.on('exit', r));
    ngxProc.kill('SIGQUIT');
    await done;
  }
  await srv?.stop();
  cleanup(env);
});

describe('static publication', { skip: !haveNginx && 'nginx is not installed' }, () => {
  test('nginx serves the public pages from files, equal to the dynamic pages', async () => {
    const home = await assertStatic(`/o/${ORG}/`);
    const items = [...home.text.matchAll(/href="(\/o\/[^"]+\/items\/\d+)"/g)].map((m) => m[1]);
    assert.ok(items.length >= 5, 'the home page lists the latest items');
    for (const u of items.slice(0, 5)) await assertStatic(u);
    await assertStatic(`/o/${ORG}/catalog`);
    await assertStatic(`/o/${ORG}/catalog?category=${cats['政策文件']}`);
    await assertStatic(`/o/${ORG}/catalog?year=2020`);
    await assertStatic(`/o/${ORG}/guide`);
    const feed = await assertStatic(`/o/${ORG}/feed.atom`);
    assert.match(feed.text, new RegExp(`<link rel="self" type="application/atom\\+xml" href="http://${host}/o/${ORG}/feed.atom"/>`));
    await assertStatic(`/o/${ORG}/feed/${cats['政策文件']}.atom`);
    await yearSitemaps();
    assert.match((await assertStatic('/sitemap-pages.xml')).text, new RegExp(`<loc>http://${host}/o/${ORG}/</loc>`));
    await assertStatic('/static/style.css');
    // what stays dynamic reaches gongkai through nginx
    const page2 = await viaNginx(`/o/${ORG}/catalog?page=2`);
    assert.equal(page2.status, 200);
    assert.equal(page2.headers.etag, undefined, 'a later page is not a file');
    assert.match(page2.text, /共 189 条/);
    const search = await viaNginx(`/o/${ORG}/search?q=${encodeURIComponent('招生')}`);
    assert.equal(search.status, 200);
    assert.match(search.text, /<mark>/);
    assert.equal((await viaNginx(`/o/${ORG}/apply`)).status, 200);
    assert.equal((await viaNginx('/.manifest')).status, 404, 'the manifest is not published');
    assert.ok(fs.existsSync(path.join(dir, '.manifest.log')), 'the manifest has a journal');
    assert.equal((await viaNginx('/.manifest.log')).status, 404, 'nor its journal');
    assert.equal((await viaNginx(`/o/${ORG}/items/999999`)).status, 404);
  });

  test('publishing through the staff pages writes the item page; withdrawing removes it', async () => {
    const title = '静态发布测试：关于开展秋季开学安全检查的通知';
    const { id, r } = await publish(title);
    assert.equal(errorOf(r.text), '', 'no warning after a good publication');
    const url = `/o/${ORG}/items/${id}`;
    const s = await assertStatic(url);
    assert.match(s.text, new RegExp(title));
    const home = await assertStatic(`/o/${ORG}/`);
    assert.match(home.text, new RegExp(title), 'the home page lists it');
    assert.match((await assertStatic(`/o/${ORG}/catalog`)).text, /共 190 条/);
    assert.match((await assertStatic(`/o/${ORG}/feed.atom`)).text, new RegExp(title));
    const inSitemap = (await yearSitemaps()).filter((y) => y.text.includes(`/o/${ORG}/items/${id}</loc>`));
    assert.equal(inSitemap.length, 1, 'the item is in the sitemap of its year');

    const w = await act(id, 'withdraw', { comment: '发布有误' });
    assert.equal(w.status, 200);
    assert.equal(errorOf(w.text), '');
    assert.ok(!fs.existsSync(fileOf(url)), 'the withdrawn page is no longer in the tree');
    assert.equal((await viaNginx(url)).status, 404, 'nginx no longer serves it');
    const after = await assertStatic(`/o/${ORG}/`);
    assert.doesNotMatch(after.text, new RegExp(title));
    for (const y of await yearSitemaps()) assert.doesNotMatch(y.text, new RegExp(`/items/${id}</loc>`), y.url);
    assert.equal(cli(env.db, ['publish-static', '--verify', dir], { allowFail: true }).status, 0, 'the manifest follows');
  });

  test('a correction writes the new text and the old version page', async () => {
    const { id } = await publish('静态更正测试');
    const c = await act(id, 'correct');
    assert.equal(c.status, 303);
    const draft = Number(c.location.match(/items\/(\d+)/)[1]);
    const form = await admin.get(`${ITEMS}/${draft}`);
    const version = form.text.match(/name="version" value="(\d+)"/)?.[1];
    const saved = await admin.post(`${ITEMS}/${draft}`, { title: '静态更正测试（更正后）', category_id: cats['政策文件'],
      body_md: '更正后的正文。', publisher: '桐乡市教育局', version });
    assert.ok(saved.status === 200 || saved.status === 303, `save correction: ${saved.status} ${textOf(saved.text).slice(0, 300)}`);
    assert.equal((await act(draft, 'submit')).status, 200);
    const r = await act(draft, 'approve');
    assert.equal(r.status, 200);
    assert.equal(errorOf(r.text), '');
    const s = await assertStatic(`/o/${ORG}/items/${id}`);
    assert.match(s.text, /更正后的正文/);
    const v = s.text.match(/href="(\/o\/[^"]+\/versions\/\d+)"/)?.[1];
    assert.ok(v, 'the page links the replaced version');
    assert.match((await assertStatic(v)).text, /静态更正测试的正文/);
  });

  test('attachments: in the tree under the name their link ends with, the same bytes and headers; withdrawal removes them', async () => {
    const id = await create('静态附件测试：2020年学校名单');
    const name = '附件1 （2020年）学校名单.pdf';
    await upload(id, name, PDF);
    assert.equal((await act(id, 'submit')).status, 200);
    // the safety check cannot read this PDF (no text layer): a reviewer clears it
    for (const m of (await admin.get(`${ITEMS}/${id}`)).text.matchAll(/name="finding" value="(\d+)"/g)) {
      assert.equal((await admin.post(`${ITEMS}/${id}/action`, { action: 'clear', finding: m[1], comment: '测试附件，已人工核对' })).status, 200);
    }
    const r = await act(id, 'approve');
    assert.equal(errorOf(r.text), '');
    const page = await assertStatic(`/o/${ORG}/items/${id}`);
    const url = page.text.match(/href="(\/o\/[^"]+\/items\/\d+\/files\/\d+\/[^"]+)"/)?.[1];
    assert.ok(url, 'the item page links its attachment');
    assert.equal(decodeURIComponent(url.split('/').pop()), name, 'the link ends with the file\'s name');
    assert.equal(fs.readFileSync(fileOf(url)).toString('latin1'), PDF.toString('latin1'), 'the tree holds a copy');
    const s = await assertStaticFile(url);
    assert.equal(s.headers['content-type'], 'application/pdf');
    assert.equal(s.headers['content-disposition'], `attachment; filename*=UTF-8''${encodeURIComponent(name).replace(/[()]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())}`);
    // the staff page and the API link the same URL
    assert.ok((await admin.get(`${ITEMS}/${id}`)).text.includes(`href="${url}"`), 'the staff page links the same URL');
    const api = JSON.parse((await direct(`/api/v1/items/${id}`)).text);
    assert.equal(api.attachments[0].url, url);
    // another name on the same attachment is not it
    assert.equal((await viaNginx(url.replace(/[^/]+$/, 'other.pdf'))).status, 404);
    assert.equal(cli(env.db, ['publish-static', '--verify', dir], { allowFail: true }).status, 0, 'the manifest lists it');

    const w = await act(id, 'withdraw', { comment: '附件有误' });
    assert.equal(errorOf(w.text), '');
    assert.ok(!fs.existsSync(fileOf(url)), 'the withdrawn item\'s attachment is no longer in the tree');
    assert.equal((await viaNginx(url)).status, 404);
    assert.equal(cli(env.db, ['publish-static', '--verify', dir], { allowFail: true }).status, 0);
  });

  test('the 指南 and a category rename regenerate the pages that show them', async () => {
    const marker = `静态指南测试${Date.now()}`;
    await admin.refreshCsrf(`/admin/o/${ORG}/guide`);
    const g = await admin.post(`/admin/o/${ORG}/guide`, { guide_md: `# 公开指南\n\n${marker}` });
    assert.equal(g.status, 200);
    assert.equal(errorOf(g.text), '');
    await settle();
    assert.match((await assertStatic(`/o/${ORG}/guide`)).text, new RegExp(marker));

    // rename the category of a published item: its list, its feed and the item's page show the new name
    const { id } = await publish('静态类别改名测试');
    const catsPage = await admin.get(`/admin/o/${ORG}/categories`);
    const form = catsPage.text.match(new RegExp(`<form[^>]*action="/admin/o/${ORG}/categories/${cats['政策文件']}"[\\s\\S]*?</form>`))?.[0];
    assert.ok(form, 'the category has an edit form');
    const val = (n) => form.match(new RegExp(`name="${n}"[^>]*value="([^"]*)"`))?.[1] ?? '';
    const fields = { name: '政策文件（改）', article: val('article'), sort: val('sort') || '0' };
    if (val('parent_id')) fields.parent_id = val('parent_id');
    const c = await admin.post(`/admin/o/${ORG}/categories/${cats['政策文件']}`, fields);
    assert.equal(c.status, 200, textOf(c.text).slice(0, 300));
    assert.equal(errorOf(c.text), '');
    await settle();
    try {
      assert.match((await assertStatic(`/o/${ORG}/items/${id}`)).text, /政策文件（改）/);
      assert.match((await assertStatic(`/o/${ORG}/catalog?category=${cats['政策文件']}`)).text, /政策文件（改）/);
      await assertStatic(`/o/${ORG}/feed/${cats['政策文件']}.atom`);
      await assertStatic(`/o/${ORG}/`);
    } finally {
      await admin.post(`/admin/o/${ORG}/categories/${cats['政策文件']}`, { ...fields, name: '政策文件' });
      await settle();
    }
    assert.doesNotMatch((await assertStatic(`/o/${ORG}/items/${id}`)).text, /政策文件（改）/);
    assert.equal(cli(env.db, ['publish-static', '--verify', dir], { allowFail: true }).status, 0);
  });

  test('the annual report published from its page: the item and its DOCX and PDF in the tree', async () => {
    const base = `/admin/o/${ORG}/reports`;
    await admin.refreshCsrf(base);
    const c = await admin.post(base, { year: '2020' });
    assert.equal(c.status, 303, textOf(c.text).slice(0, 300));
    const r = await admin.post(`${base}/2020/publish`, { version: '1', override: '测试静态发布：年报核对结果已人工确认无误，予以发布。' });
    assert.equal(r.status, 303, textOf(r.text).slice(0, 500));
    await settle();
    const pageText = (await admin.get(r.location)).text;
    assert.doesNotMatch(pageText, /静态页面有未完成的更新/);
    const itemUrl = pageText.match(/<a href="(\/o\/[^"]+\/items\/\d+)">查看公开页面<\/a>/)?.[1];
    assert.ok(itemUrl, 'a link to the published item');
    const item = await assertStatic(itemUrl);
    const files = [...item.text.matchAll(/href="(\/o\/[^"]+\/items\/\d+\/files\/\d+\/[^"]+)"/g)].map((m) => m[1]);
    assert.ok(files.some((u) => u.endsWith('.docx')) && files.some((u) => u.endsWith('.pdf')), `DOCX and PDF linked: ${files}`);
    for (const u of files) await assertStaticFile(u);
    assert.match((await assertStatic(`/o/${ORG}/`)).text, new RegExp(itemUrl));
  });

  test('--verify reports a changed, an added and a removed file; --all repairs', async () => {
    assert.equal(cli(env.db, ['publish-static', '--verify', dir]).status, 0);
    const changed = fileOf(`/o/${ORG}/guide`);
    fs.appendFileSync(changed, '<script>alert(1)</script>');
    const added = path.join(dir, 'o', ORG, 'evil.html');
    fs.writeFileSync(added, '<p>not ours</p>');
    const removed = fileOf(`/o/${ORG}/catalog?year=2020`);
    fs.unlinkSync(removed);
    const r = cli(env.db, ['publish-static', '--verify', dir], { allowFail: true });
    assert.equal(r.status, 1, r.stderr);
    const lines = r.stdout.trim().split('\n').sort();
    assert.deepEqual(lines, [
      `多出\to/${ORG}/evil.html`,
      `改动\to/${ORG}/guide.html`,
      `缺少\to/${ORG}/catalog?year=2020.html`,
    ].sort());
    assert.match(r.stderr, /3 个文件与清单不符/);
    cli(env.db, ['publish-static', '--org', ORG, '--out', dir, '--files', env.files, '--all', '--base-url', `http://${host}`]);
    await settle();
    const again = cli(env.db, ['publish-static', '--verify', dir], { allowFail: true });
    assert.equal(again.stdout.trim(), `多出\to/${ORG}/evil.html`, 'the changed and the removed file are rebuilt');
    await assertStatic(`/o/${ORG}/guide`);
    await assertStatic(`/o/${ORG}/catalog?year=2020`);
    fs.unlinkSync(added);
    assert.equal(cli(env.db, ['publish-static', '--verify', dir]).status, 0);
  });

  test('a tree the server cannot write: the staff member is told, no half-written page', async () => {
    const itemsDir = path.join(dir, 'o', ORG, 'items');
    fs.renameSync(itemsDir, itemsDir + '.away');
    fs.writeFileSync(itemsDir, 'in the way'); // a file where the directory was: fails for root too
    try {
      const { id, r } = await publish('静态目录不可写测试');
      assert.match(errorOf(r.text), /静态页面未能更新/);
      assert.match(errorOf(r.text), /publish-static --all/);
      assert.equal((await direct(`/o/${ORG}/items/${id}`)).status, 200, 'published all the same');
      const left = fs.readdirSync(path.join(dir, 'o', ORG)).filter((n) => n.includes('.tmp-'));
      assert.deepEqual(left, [], 'no temporary file left');
      // the failure stays on the staff pages, with the button, until repaired
      const list = await admin.get(ITEMS);
      assert.match(textOf(list.text), /静态页面有未完成的更新/);
      assert.match(list.text, new RegExp(`action="/admin/o/${ORG}/static/rebuild"`));
      const still = await admin.post(`/admin/o/${ORG}/static/rebuild`, {});
      assert.equal(still.status, 503, 'the rebuild fails while the tree is not writable');
      assert.match(textOf(still.text), /静态页面仍未能生成/);
      assert.match(textOf((await admin.get(ITEMS)).text), /静态页面有未完成的更新/);
    } finally {
      fs.unlinkSync(itemsDir);
      fs.renameSync(itemsDir + '.away', itemsDir);
    }
    const fixed = await admin.post(`/admin/o/${ORG}/static/rebuild`, {});
    assert.equal(fixed.status, 303, textOf(fixed.text).slice(0, 300));
    const list = await admin.get(fixed.location);
    assert.doesNotMatch(textOf(list.text), /静态页面有未完成的更新/, 'the banner is gone');
    await settle();
    assert.equal(cli(env.db, ['publish-static', '--verify', dir]).status, 0);
    const items = [...list.text.matchAll(/href="\/admin\/o\/[^/]+\/items\/(\d+)"[^>]*>静态目录不可写测试/g)];
    if (items.length) await assertStatic(`/o/${ORG}/items/${items[0][1]}`);
  });
});
