// platform.test.mjs - the multi-agency platform (政府网站集约化) on the demo:
// 桐乡市人民政府 made the parent of the demo's 桐乡市教育局 from the CLI (a
// cycle refused there); the system administrator creates 乌镇镇人民政府 and
// its first 机构管理员 through the pages (a taken slug and a bad postcode
// refused); the new administrator logs in and must change the one-time
// password first, fills in the contact block, which the public 指南 then
// shows; an agency administrator reaches neither the platform pages nor
// another agency's records (403); the public agency tree and the platform
// catalog and search with the agency filter (one agency, or with its
// children), each result naming its agency; the dashboard counts after two
// applications, for the system administrator with links and for a viewer
// of the city (the ancestor rule) without them; the city's 本级政府 report
// whose table 三 is the sum of its children's, the check flagging the town's
// report (a 人民政府 report must state 工作考核…) and not the bureau's, the
// bureau's own figures unchanged, and its outputs in every format.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  ORG, ORG_NAME, Client, assertPageBasics, cleanup, cli, csrfFrom, loginClient, makeDb, startServer, textOf,
} from './lib.mjs';

const YEAR = 2021;
const CITY = 'tx-gov';
const TOWN = 'tx-wuzhen';
const TOWN_ADMIN = 'wuzhen-admin';
const TOWN_PW = 'Wuzhen-Admin-2026!';
const CITY_VIEWER = 'city-viewer';
const CITY_VIEWER_PW = 'City-Viewer-2026!';

let env;
let srv;
let admin;     // 系统管理员
let eduAdmin;  // the demo's 机构管理员 of 桐乡市教育局
let town;      // the new 乌镇 administrator (after the password change)
let cityViewer;

before(async () => {
  env = makeDb({ demo: true });
  cli(env.db, ['org', 'add', CITY, '--name', '桐乡市人民政府', '--kind', 'government', '--code', '002000000']);
  cli(env.db, ['org', 'move', ORG, '--parent', CITY]);
  cli(env.db, ['user', 'add', CITY_VIEWER, '--org', CITY, '--role', 'viewer', '--password-stdin'],
    { input: `${CITY_VIEWER_PW}\n` });
  srv = await startServer(env);
  admin = await loginClient(srv, 'admin', env.adminPassword);
  eduAdmin = await loginClient(srv, 'tongxiang', env.orgPassword);
  cityViewer = await loginClient(srv, CITY_VIEWER, CITY_VIEWER_PW);
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

/** The id of an agency in the platform tree page. */
function orgId(html, name) {
  const m = html.match(new RegExp(`<a href="/admin/platform/orgs/(\\d+)">${name}</a>`));
  assert.ok(m, `${name} in the tree`);
  return m[1];
}

/** The dashboard row of an agency: its cells' text and whether they link. */
function dashRow(html, slug) {
  const m = html.match(new RegExp(`<tr data-org="${slug}">([\\s\\S]*?)</tr>`));
  assert.ok(m, `a dashboard row for ${slug}`);
  const cells = [...m[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((x) => x[1]);
  return { cells: cells.map((c) => textOf(c)), links: cells.map((c) => /<a href=/.test(c)), raw: m[1] };
}

describe('the org tree from the CLI', () => {
  test('list shows the tree; a cycle, a missing parent and a late local deadline are refused', () => {
    const l = cli(env.db, ['org', 'list']);
    assert.match(l.stdout, /tx-gov\t桐乡市人民政府\t人民政府\t002000000\t03-31（法定）/);
    assert.match(l.stdout, new RegExp(`${ORG}\\t  ${ORG_NAME}\\t政府部门`));
    const cyc = cli(env.db, ['org', 'move', CITY, '--parent', ORG], { allowFail: true });
    assert.equal(cyc.status, 1);
    assert.match(cyc.stderr, /环/);
    const miss = cli(env.db, ['org', 'add', 'x-1', '--name', 'X', '--parent', 'nope'], { allowFail: true });
    assert.equal(miss.status, 1);
    assert.match(miss.stderr, /没有机构 nope/);
    const late = cli(env.db, ['org', 'set', ORG, '--due', '02-15'], { allowFail: true });
    assert.equal(late.status, 1);
    assert.match(late.stderr, /不能晚于法定时限/);
    const usage = cli(env.db, ['org', 'move', ORG], { allowFail: true });
    assert.equal(usage.status, 2);
    // the demo agency has records: it can be deactivated, never deleted
    const del = cli(env.db, ['org', 'delete', ORG], { allowFail: true });
    assert.equal(del.status, 1);
    assert.match(del.stderr, /只能停用/);
  });
});

describe('the platform administrator', () => {
  let townPassword;

  test('the tree page lists the bureau under the city', async () => {
    const r = await admin.get('/admin/platform/');
    assert.equal(r.status, 200);
    assertPageBasics(r.text, 'platform tree');
    const rows = [...r.text.matchAll(/<th scope="row" class="(depth-\d)"><a href="\/admin\/platform\/orgs\/\d+">([^<]+)<\/a>/g)]
      .map((m) => [m[1], m[2]]);
    const city = rows.findIndex((x) => x[1] === '桐乡市人民政府');
    assert.ok(city >= 0);
    assert.deepEqual(rows[city + 1], ['depth-1', ORG_NAME]);
  });

  test('creates 乌镇镇人民政府 with its first administrator; bad input refused, nothing stored', async () => {
    const tree = await admin.get('/admin/platform/');
    const cityId = orgId(tree.text, '桐乡市人民政府');
    await admin.refreshCsrf('/admin/platform/orgs/new');
    const fields = {
      slug: TOWN, name: '乌镇镇人民政府', agency_kind: 'town', org_code: '002000100', parent_id: cityId,
      index_pattern: '', sort: '2', report_due: '', address: '桐乡市乌镇镇子夜路1号', postcode: '314501',
      phone: '0573-88711111', fax: '', email: 'gk@wuzhen.gov.cn', hours: '工作日 8:30-17:00',
      admin_username: TOWN_ADMIN, admin_display: '乌镇管理员',
    };
    const dup = await admin.post('/admin/platform/orgs/new', { ...fields, slug: ORG });
    assert.equal(dup.status, 409);
    assert.match(errorText(dup.text), /已被使用/);
    const bad = await admin.post('/admin/platform/orgs/new', { ...fields, postcode: '3145' });
    assert.equal(bad.status, 400);
    assert.match(errorText(bad.text), /邮编/);
    assert.match(bad.text, /value="乌镇镇人民政府"/, 'the form keeps what was typed');
    const cyc = await admin.post('/admin/platform/orgs/new', { ...fields, parent_id: '999999' });
    assert.equal(cyc.status, 404);
    const ok = await admin.post('/admin/platform/orgs/new', fields);
    assert.equal(ok.status, 201, textOf(ok.text).slice(0, 400));
    const m = ok.text.match(/<code class="password">([^<]+)<\/code>/);
    assert.ok(m, 'the one-time password is shown');
    townPassword = m[1];
    assert.match(textOf(ok.text), /只显示这一次/);
    const l = cli(env.db, ['org', 'list']);
    assert.match(l.stdout, new RegExp(`${TOWN}\\t  乌镇镇人民政府\\t乡镇（街道）`));
    // its default categories exist: the item form offers them
    const cats = await admin.get(`/admin/o/${TOWN}/categories`);
    assert.equal(cats.status, 200);
    assert.match(cats.text, /报告统计/);
  });

  test('the new administrator must change the one-time password before anything else', async () => {
    const c = new Client(srv);
    const r = await c.tryLogin(TOWN_ADMIN, townPassword);
    assert.equal(r.status, 303);
    assert.equal(r.location, '/admin/password');
    const items = await c.get(`/admin/o/${TOWN}/items`);
    assert.equal(items.status, 303);
    assert.equal(items.location, '/admin/password');
    await c.refreshCsrf('/admin/password');
    const ch = await c.post('/admin/password', { current: townPassword, new: TOWN_PW, again: TOWN_PW });
    assert.ok(ch.status === 200 || ch.status === 303, `password change: ${ch.status}`);
    town = await loginClient(srv, TOWN_ADMIN, TOWN_PW);
    assert.equal((await town.get(`/admin/o/${TOWN}/items`)).status, 200);
  });

  test('an agency administrator reaches neither the platform pages nor another agency', async () => {
    for (const c of [town, eduAdmin]) {
      assert.equal((await c.get('/admin/platform/')).status, 403);
      assert.equal((await c.get('/admin/platform/dashboard')).status, 403);
      assert.equal((await c.get('/admin/platform/orgs/new')).status, 403);
      const p = await c.post('/admin/platform/orgs/new', { slug: 'sneaky', name: '冒名机构' });
      assert.equal(p.status, 403);
    }
    assert.equal((await town.get(`/admin/o/${ORG}/items`)).status, 403);
    assert.equal((await town.get(`/admin/o/${ORG}/applications`)).status, 403);
    assert.equal((await town.get(`/admin/o/${ORG}/subtree`)).status, 403);
    assert.equal((await town.get(`/admin/o/${CITY}/aggregate/${YEAR}`)).status, 403, 'no oversight upwards');
    assert.equal((await eduAdmin.get(`/admin/o/${TOWN}/settings`)).status, 403);
    assert.equal((await eduAdmin.get(`/admin/o/${TOWN}/aggregate/${YEAR}`)).status, 403, 'nor sideways');
    assert.doesNotMatch(cli(env.db, ['org', 'list']).stdout, /sneaky/);
  });
});

describe('an agency\'s own settings', () => {
  test('the contact block is saved by its administrator and shown on its 指南 and home page', async () => {
    const page = await town.get(`/admin/o/${TOWN}/settings`);
    assert.equal(page.status, 200);
    assertPageBasics(page.text, 'settings');
    assert.match(textOf(page.text), /年度报告时限\s*次年 01-31（法定时限）/);
    town.csrf = csrfFrom(page.text);
    const c = {
      address: '桐乡市乌镇镇子夜路2号', postcode: '314501', phone: '0573-88712345', fax: '0573-88712346',
      email: 'xxgk@wuzhen.gov.cn', hours: '工作日 8:30-11:30，13:30-17:00',
    };
    const bad = await town.post(`/admin/o/${TOWN}/settings`, { ...c, email: 'no-at-sign' });
    assert.equal(bad.status, 400);
    assert.match(errorText(bad.text), /电子邮箱/);
    const ok = await town.post(`/admin/o/${TOWN}/settings`, c);
    assert.equal(ok.status, 200);
    for (const p of [`/o/${TOWN}/guide`, `/o/${TOWN}/`]) {
      const g = await new Client(srv).get(p);
      assert.equal(g.status, 200);
      const t = textOf(g.text);
      assert.match(t, /联系方式/);
      assert.match(t, /桐乡市乌镇镇子夜路2号/);
      assert.match(t, /0573-88712345/);
    }
    // the deadline is the platform's: a viewer of the agency cannot post
    assert.equal((await cityViewer.post(`/admin/o/${CITY}/settings`, c)).status, 403);
  });
});

describe('public pages across agencies', () => {
  test('the platform home lists the agencies by tree', async () => {
    const r = await new Client(srv).get('/agencies');
    assert.equal(r.status, 200);
    assertPageBasics(r.text, 'agencies');
    const names = [...r.text.matchAll(/<li class="(depth-\d)"><a href="\/o\/([^/]+)\/">/g)].map((m) => `${m[1]} ${m[2]}`);
    const city = names.indexOf(`depth-0 ${CITY}`);
    assert.ok(city >= 0, names.join(','));
    assert.ok(names.includes(`depth-1 ${ORG}`) && names.includes(`depth-1 ${TOWN}`));
    const root = await new Client(srv).get('/');
    assert.equal(root.status, 200, 'several agencies: / is the tree');
    assert.match(root.text, /乌镇镇人民政府/);
  });

  test('catalog and search with the agency filter name each item\'s agency', async () => {
    const pub = new Client(srv);
    const all = await pub.get('/catalog');
    assert.equal(all.status, 200);
    assertPageBasics(all.text, 'platform catalog');
    const total = (t) => Number(t.match(/共 <strong>(\d+)<\/strong> 条/)[1]);
    assert.ok(total(all.text) > 100);
    assert.match(all.text, new RegExp(`<a class="agency" href="/o/${ORG}/">${ORG_NAME}</a>`));
    // the city alone publishes nothing; with its children it has the bureau's
    const city = await pub.get(`/catalog?org=${CITY}`);
    assert.equal(total(city.text), 0);
    const withKids = await pub.get(`/catalog?org=${CITY}&sub=1`);
    assert.equal(total(withKids.text), total(all.text));
    const q = encodeURIComponent('教育');
    const s1 = await pub.get(`/catalog?q=${q}`);
    assert.equal(s1.status, 200);
    const n1 = total(s1.text);
    assert.ok(n1 > 0);
    const agencies = [...s1.text.matchAll(/<a class="agency" href="\/o\/([^/]+)\/">/g)].map((m) => m[1]);
    assert.ok(agencies.length > 0 && agencies.every((a) => a === ORG));
    assert.equal(total((await pub.get(`/catalog?q=${q}&org=${CITY}`)).text), 0);
    assert.equal(total((await pub.get(`/catalog?q=${q}&org=${CITY}&sub=1`)).text), n1);
    assert.equal(total((await pub.get(`/catalog?q=${q}&org=${TOWN}`)).text), 0);
    assert.equal((await pub.get('/catalog?org=no-such')).status, 404);
  });
});

describe('the dashboard of open cases', () => {
  const person = (name, phone) => ({
    applicant_type: 'natural', name, id_kind: '居民身份证', id_number: '11010519491231002X', phone,
    email: 'a@example.cn', address: '浙江省桐乡市乌镇镇1号', postcode: '314501', info_title: '乌镇镇2025年财政预算',
    info_doc_no: '', info_desc: '预算表', medium: '电子', delivery: '电子邮件',
  });

  test('two applications to the town show on the platform dashboard and the city\'s, linked only for who may open them', async () => {
    for (const [i, who] of [['1', '申请人甲'], ['2', '申请人乙']]) {
      const r = await srv.fetch(`/api/v1/orgs/${TOWN}/applications`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify(person(who, `138001300${i}0`)),
      });
      assert.equal(r.status, 201, await r.text());
    }
    const d = await admin.get('/admin/platform/dashboard');
    assert.equal(d.status, 200);
    assertPageBasics(d.text, 'dashboard');
    const row = dashRow(d.text, TOWN);
    assert.equal(row.cells[0], '2', 'open applications');
    assert.equal(row.cells[1], '0', 'none overdue');
    assert.equal(row.cells[3], '0', 'none paused');
    assert.ok(row.links[0], 'the system administrator may open the list');
    assert.match(row.raw, new RegExp(`href="/admin/o/${TOWN}/applications"`));
    const tot = d.text.match(/<tr data-org="total">([\s\S]*?)<\/tr>/)[1];
    const totOpen = Number(textOf([...tot.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)][0][1]));
    assert.ok(totOpen >= 2);

    // the city's viewer: the counts of the subtree, no links into the town
    const s = await cityViewer.get(`/admin/o/${CITY}/subtree`);
    assert.equal(s.status, 200);
    const vr = dashRow(s.text, TOWN);
    assert.equal(vr.cells[0], '2');
    assert.ok(!vr.links.some(Boolean), 'no link for a viewer without a role in the town');
    assert.equal((await cityViewer.get(`/admin/o/${TOWN}/applications`)).status, 403);
    assert.equal((await cityViewer.get(`/admin/o/${ORG}/items`)).status, 403);
    // the town has no children: no subtree page
    assert.equal((await town.get(`/admin/o/${TOWN}/subtree`)).status, 404);
  });
});

describe('the 本级政府 report', () => {
  const rowsOf = (j) => j.applications.rows;
  const COLS = ['natural_person', 'commercial', 'research', 'social_welfare', 'legal_service', 'other_org', 'total'];

  test('table 三 of the city is the sum of its children\'s; the bureau\'s own figures unchanged', async () => {
    const get = async (c, p) => {
      const r = await c.get(p);
      assert.equal(r.status, 200, `${p}: ${r.status}`);
      return JSON.parse(r.text);
    };
    const city = await get(cityViewer, `/admin/o/${CITY}/aggregate/${YEAR}/report.json`);
    const edu = await get(cityViewer, `/admin/o/${ORG}/aggregate/${YEAR}/report.json`);
    const wz = await get(cityViewer, `/admin/o/${TOWN}/aggregate/${YEAR}/report.json`);
    assert.equal(city.title, `桐乡市人民政府${YEAR}年政府信息公开工作年度报告`);
    assert.equal(rowsOf(city).length, rowsOf(edu).length);
    let nonzero = 0;
    rowsOf(city).forEach((row, i) => {
      assert.equal(row.label, rowsOf(edu)[i].label);
      for (const c of COLS) {
        assert.equal(row[c], rowsOf(edu)[i][c] + rowsOf(wz)[i][c], `${row.label} ${c}`);
        nonzero += row[c];
      }
    });
    assert.ok(nonzero > 0, 'the demo has applications in the year');
    // the bureau's own report (its staff's page) has the same table 三 as before the tree
    await eduAdmin.refreshCsrf(`/admin/o/${ORG}/reports`);
    const made = await eduAdmin.post(`/admin/o/${ORG}/reports`, { year: String(YEAR) });
    assert.ok(made.status === 303 || made.status === 200, `create the bureau's ${YEAR} report: ${made.status}`);
    const own = await get(eduAdmin, `/admin/o/${ORG}/reports/${YEAR}/report.json`);
    assert.deepEqual(rowsOf(own), rowsOf(edu));
  });

  test('the page shows the aggregate beside each child, with the checks per child', async () => {
    const r = await cityViewer.get(`/admin/o/${CITY}/aggregate/${YEAR}`);
    assert.equal(r.status, 200);
    assertPageBasics(r.text, 'aggregate');
    const agg = Number(r.text.match(/<span data-k="received">(\d+)<\/span>/)[1]);
    const kids = [...r.text.matchAll(/<tr data-child="([^"]+)">([\s\S]*?)<\/tr>/g)];
    assert.deepEqual(kids.map((k) => k[1]).sort(), [ORG_NAME, '乌镇镇人民政府'].sort());
    const cell = (k, key) => textOf(k[2].match(new RegExp(`data-k="${key}">([\\s\\S]*?)</td>`))[1]);
    assert.equal(kids.reduce((s, k) => s + Number(cell(k, 'received')), 0), agg);
    const wz = kids.find((k) => k[1] === '乌镇镇人民政府');
    const edu = kids.find((k) => k[1] === ORG_NAME);
    assert.match(cell(wz, 'check'), /错误 \d+ 个.*工作考核/, 'a 人民政府 report must state 工作考核…');
    assert.equal(cell(edu, 'check'), '通过');
    // the aggregate is a 人民政府 report too: the same check applies to it
    assert.match(textOf(r.text), /工作考核、社会评议和责任追究结果情况/);
    assert.equal((await cityViewer.get(`/admin/o/${CITY}/aggregate/2018`)).status, 400);
  });

  test('outputs in every format', async () => {
    const base = `/admin/o/${CITY}/aggregate/${YEAR}/report`;
    for (const [ext, magic] of [['docx', 'PK'], ['xlsx', 'PK'], ['pdf', '%PDF']]) {
      const res = await srv.fetch(`${base}.${ext}`, { headers: { cookie: cityViewer.jar.header() } });
      assert.equal(res.status, 200, ext);
      const buf = Buffer.from(await res.arrayBuffer());
      assert.equal(buf.subarray(0, magic.length).toString('latin1'), magic, ext);
      assert.match(decodeURIComponent(res.headers.get('content-disposition')), /桐乡市人民政府2021年/);
    }
    const md = await cityViewer.get(`${base}.md`);
    assert.match(md.text, /本报告为桐乡市人民政府2021年本级政府信息公开工作年度报告/);
  });
});

describe('gongkai demo-tree', () => {
  test('builds the small tree without changing any figure of the demo agency\'s own report', () => {
    const e = makeDb({ demo: true });
    try {
      const report = (slug, year) => JSON.parse(cli(e.db,
        ['report', '--org', slug, '--year', String(year), '--format', 'json', '--no-check']).stdout);
      const before = [2020, 2021].map((y) => report(ORG, y));
      const r = cli(e.db, ['demo-tree']);
      assert.match(r.stdout, /已创建演示机构树：桐乡市人民政府/);
      assert.match(cli(e.db, ['demo-tree']).stdout, /已存在，未做改动/);
      const after = [2020, 2021].map((y) => report(ORG, y));
      assert.deepEqual(after, before, 'the demo agency\'s reports are unchanged');
      const list = cli(e.db, ['org', 'list']).stdout;
      assert.match(list, new RegExp(`${ORG}\\t  ${ORG_NAME}`));
      // the city's 2020 report: table 三 is the bureau's (the others have no applications)
      const city = report('tx-gov', 2020);
      assert.deepEqual(city.applications.rows, before[0].applications.rows);
      assert.match(city.title, /^桐乡市人民政府2020年/);
    } finally {
      cleanup(e);
    }
  });
});

describe('the whole subtree, and a deactivated agency', () => {
  const total = (t) => Number(t.match(/共 <strong>(\d+)<\/strong> 条/)[1]);

  test('含下级机构 takes the grandchildren too, in the listing and in the search', async () => {
    // 嘉兴市 over the city over the bureau: the bureau is a grandchild
    cli(env.db, ['org', 'add', 'jx-gov', '--name', '嘉兴市人民政府', '--kind', 'government', '--code', '003000000']);
    cli(env.db, ['org', 'move', CITY, '--parent', 'jx-gov']);
    const pub = new Client(srv);
    const all = total((await pub.get('/catalog')).text);
    assert.ok(all > 100);
    assert.equal(total((await pub.get('/catalog?org=jx-gov')).text), 0, 'the prefecture alone publishes nothing');
    assert.equal(total((await pub.get('/catalog?org=jx-gov&sub=1')).text), all, 'with its subtree: the bureau\'s items');
    const q = encodeURIComponent('教育');
    const n = total((await pub.get(`/catalog?q=${q}`)).text);
    assert.ok(n > 0);
    const sub = await pub.get(`/catalog?q=${q}&org=jx-gov&sub=1`);
    assert.equal(total(sub.text), n, 'the search over the subtree finds the grandchild\'s items');
    assert.match(sub.text, new RegExp(`<a class="agency" href="/o/${ORG}/">`));
    assert.equal(total((await pub.get(`/catalog?q=${q}&org=jx-gov`)).text), 0);
  });

  test('a deactivated agency\'s public pages and API answer 404; its staff pages stay for the system administrator', async () => {
    const pub = new Client(srv);
    const cat = await pub.get(`/o/${ORG}/catalog`);
    const item = cat.text.match(/href="\/o\/[^/]+\/items\/(\d+)"/)[1];
    const pages = [`/o/${ORG}/`, `/o/${ORG}/catalog`, `/o/${ORG}/items/${item}`, `/o/${ORG}/guide`,
      `/o/${ORG}/feed.atom`, `/o/${ORG}/apply`, `/o/${ORG}/search?q=${encodeURIComponent('教育')}`];
    for (const p of pages) assert.equal((await pub.get(p)).status, 200, `${p} before`);
    assert.match(cli(env.db, ['org', 'deactivate', ORG]).stdout, /已停用/);
    try {
      for (const p of pages) {
        const r = await pub.get(p);
        assert.equal(r.status, 404, `${p}: gone for the public`);
        assert.match(r.text, /该机构已停用/, `${p}: says why`);
      }
      for (const p of [`/api/v1/orgs/${ORG}/items`, `/api/v1/items/${item}`, `/api/v1/orgs/${ORG}/export`]) {
        const r = await pub.get(p);
        assert.equal(r.status, 404, `${p}: gone from the API`);
        const body = JSON.parse(r.text);
        assert.equal(body.error.status, 404);
        assert.match(body.error.message, /该机构已停用/, p);
      }
      // the platform catalog no longer lists its items, nor finds them
      assert.equal(total((await pub.get('/catalog')).text), 0);
      const found = await pub.get(`/catalog?q=${encodeURIComponent('教育')}`);
      assert.equal(found.status, 200);
      assert.equal(total(found.text), 0, 'the platform search leaves a deactivated agency out');
      // the system administrator still reaches its staff pages
      for (const p of [`/admin/o/${ORG}/items`, `/admin/o/${ORG}/items/${item}`, `/admin/o/${ORG}/applications`]) {
        assert.equal((await admin.get(p)).status, 200, `${p} for the system administrator`);
      }
    } finally {
      cli(env.db, ['org', 'activate', ORG]);
    }
    for (const p of pages) assert.equal((await pub.get(p)).status, 200, `${p} after activating again`);
    assert.equal((await pub.get(`/api/v1/items/${item}`)).status, 200);
  });
});
