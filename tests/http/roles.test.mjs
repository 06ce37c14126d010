// roles.test.mjs - the permission matrix, table-driven: for every role
// (系统管理员, 机构管理员, 信息员, 审核员, 承办人, 领导/只读, and an
// administrator of another agency) the staff pages and actions it may and
// may not use; a 承办人 acts only on cases assigned to them; a user holding
// roles in two agencies has each agency's rights there only.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { ORG, cleanup, cli, loginClient, makeDb, sql, startServer } from './lib.mjs';

const OTHER = 'roles-other';
const PW = 'Roles-Pass-2026-abc';
const A = `/admin/o/${ORG}`;
let env;
let srv;
const clients = {};
let appId;
let iaId;
let draftId;
let pendingId;
let catId;

// [what, method, path (or function of ids), allowed roles]
const MATRIX = [
  ['信息列表', 'GET', `${A}/items`, ['sysadmin', 'orgadmin', 'editor', 'reviewer', 'handler', 'viewer']],
  ['新建信息', 'GET', `${A}/items/new`, ['sysadmin', 'orgadmin', 'editor']],
  ['公开类别', 'GET', `${A}/categories`, ['sysadmin', 'orgadmin']],
  ['公开指南', 'GET', `${A}/guide`, ['sysadmin', 'orgadmin']],
  ['安全词表', 'GET', `${A}/safety-words`, ['sysadmin', 'orgadmin']],
  ['审计日志', 'GET', `${A}/audit`, ['sysadmin', 'orgadmin']],
  ['审计导出', 'GET', `${A}/audit.csv`, ['sysadmin', 'orgadmin']],
  ['依申请公开', 'GET', `${A}/applications`, ['sysadmin', 'orgadmin', 'editor', 'reviewer', 'handler', 'viewer']],
  ['登记申请', 'GET', `${A}/applications/new`, ['sysadmin', 'orgadmin', 'handler']],
  ['政民互动', 'GET', `${A}/interactions`, ['sysadmin', 'orgadmin', 'editor', 'reviewer', 'handler', 'viewer']],
  ['建议提案', 'GET', `${A}/proposals`, ['sysadmin', 'orgadmin', 'editor', 'reviewer', 'handler', 'viewer']],
  ['复议诉讼', 'GET', `${A}/reviews`, ['sysadmin', 'orgadmin', 'editor', 'reviewer', 'handler', 'viewer']],
  ['人员', 'GET', `${A}/users`, ['sysadmin', 'orgadmin']],
  ['保存草稿', 'POST', () => [`${A}/items/${draftId}`, { title: '角色测试草稿', category_id: catId, version: '1' }],
    ['sysadmin', 'orgadmin', 'editor']],
  ['审核通过', 'POST', () => [`${A}/items/${pendingId}/action`, { action: 'return' }], ['sysadmin', 'orgadmin', 'reviewer']],
  ['修改指南', 'POST', () => [`${A}/guide`, { guide_md: '# 指南' }], ['sysadmin', 'orgadmin']],
  ['办理申请', 'POST', () => [`${A}/applications/${appId}/action`, { action: 'nonexistent' }], ['sysadmin', 'orgadmin']],
  ['办理来信', 'POST', () => [`${A}/interactions/${iaId}/action`, { action: 'nonexistent' }], ['sysadmin', 'orgadmin']],
];
const ROLES = ['sysadmin', 'orgadmin', 'editor', 'reviewer', 'handler', 'viewer', 'other'];

function add(name, org, role) {
  cli(env.db, ['user', 'add', name, '--org', org, '--role', role, '--password-stdin'], { input: PW + '\n' });
}

before(async () => {
  env = makeDb();
  const o = cli(env.db, ['init', '--org-slug', OTHER, '--org-name', '角色测试局'], { allowFail: true });
  assert.equal(o.status, 0, `a second agency: ${o.stderr}`);
  cli(env.db, ['user', 'passwd', 'admin', '--password-stdin'], { input: PW + '\n' });
  for (const r of ['editor', 'reviewer', 'handler', 'viewer']) add(`ro-${r}`, ORG, r);
  add('ro-other', OTHER, 'orgadmin');
  add('ro-two', OTHER, 'editor');
  cli(env.db, ['user', 'grant', 'ro-two', '--org', ORG, '--role', 'viewer']);
  srv = await startServer(env);
  clients.sysadmin = await loginClient(srv, 'admin', PW);
  clients.orgadmin = await loginClient(srv, 'tongxiang', env.orgPassword);
  for (const r of ['editor', 'reviewer', 'handler', 'viewer']) clients[r] = await loginClient(srv, `ro-${r}`, PW);
  clients.other = await loginClient(srv, 'ro-other', PW);
  const list = await clients.orgadmin.get(`${A}/applications?view=all`);
  appId = Number(list.text.match(/\/applications\/(\d+)"/)[1]);
  iaId = Number(sql(env.db, 'SELECT MIN(id) FROM interactions').stdout.trim());
  assert.ok(iaId > 0);
  const form = await clients.editor.get(`${A}/items/new`);
  const cat = form.text.match(/<option value="(\d+)"[^>]*>政策文件<\/option>/)[1];
  catId = cat;
  let r = await clients.editor.post(`${A}/items/new`, { title: '角色测试草稿', category_id: cat });
  draftId = Number(r.location.match(/items\/(\d+)/)[1]);
  r = await clients.editor.post(`${A}/items/new`, { title: '角色测试待审', category_id: cat });
  pendingId = Number(r.location.match(/items\/(\d+)/)[1]);
  assert.equal((await clients.editor.post(`${A}/items/${pendingId}/action`, { action: 'submit' })).status, 200);
});

after(async () => {
  await srv?.stop();
  cleanup(env);
});

describe('the permission matrix', () => {
  for (const [what, method, p, allowed] of MATRIX) {
    if (!allowed) continue;
    test(`${what} (${method})`, async () => {
      const wrong = [];
      for (const role of ROLES) {
        const c = clients[role];
        let r;
        if (method === 'GET') r = await c.get(p);
        else {
          const [url, fields] = p();
          r = await c.post(url, fields);
          // a POST that passed the check may then fail on its content (400/409) or redirect
        }
        const may = allowed.includes(role);
        const denied = r.status === 403 || r.status === 404;
        if (may === denied) wrong.push(`${role}: ${r.status}`);
        if (!may && role === 'other' && method === 'GET' && r.text.includes('桐乡市教育局') && r.status === 200) wrong.push('other sees tongxiang');
      }
      assert.deepEqual(wrong, [], `${what}: ${wrong.join(', ')}`);
    });
  }
});

describe('cases assigned to a 承办人', () => {
  test('a 承办人 acts only on cases assigned to them; the org admin assigns', async () => {
    const h = clients.handler;
    let r = await h.post(`${A}/applications/${appId}/action`, { action: 'nonexistent' });
    assert.equal(r.status, 403, 'not assigned');
    assert.match(r.text, /未分配给您办理/);
    const users = await clients.orgadmin.get(`${A}/applications/${appId}`);
    const uid = users.text.match(/<option value="(\d+)"[^>]*>ro-handler<\/option>/)?.[1];
    assert.ok(uid, 'the handler is offered in the assignment list');
    assert.equal((await h.post(`${A}/applications/${appId}/action`, { action: 'assign_user', assignee: uid })).status, 403,
      'a handler cannot assign');
    r = await clients.orgadmin.post(`${A}/applications/${appId}/action`, { action: 'assign_user', assignee: uid });
    assert.equal(r.status, 303, r.text.slice(0, 2000));
    r = await h.post(`${A}/applications/${appId}/action`, { action: 'nonexistent' });
    assert.notEqual(r.status, 403, 'assigned: the check passes (the unknown action itself is refused)');
    assert.match((await clients.orgadmin.get(`${A}/applications/${appId}`)).text, /本件由 <strong>ro-handler<\/strong> 承办/);
    // interactions likewise
    assert.equal((await h.post(`${A}/interactions/${iaId}/action`, { action: 'nonexistent' })).status, 403);
    assert.equal((await clients.orgadmin.post(`${A}/interactions/${iaId}/action`, { action: 'assign_user', assignee: uid })).status, 303);
    assert.notEqual((await h.post(`${A}/interactions/${iaId}/action`, { action: 'nonexistent' })).status, 403);
    // a viewer can never be assigned
    const vid = (await clients.orgadmin.get(`${A}/applications/${appId}`)).text.match(/<option value="(\d+)"[^>]*>ro-viewer<\/option>/);
    assert.equal(vid, null, 'a viewer is not offered');
  });
});

describe('roles in two agencies', () => {
  test('a user with 信息员 in one agency and 领导/只读 in the other has each there only', async () => {
    const c = await loginClient(srv, 'ro-two', PW);
    assert.equal((await c.get(`/admin/o/${OTHER}/items/new`)).status, 200);
    assert.equal((await c.get(`${A}/items`)).status, 200);
    assert.equal((await c.get(`${A}/items/new`)).status, 403);
  });

  test('another agency cannot reach this one by id, whatever URL', async () => {
    const o = clients.other;
    for (const p of [`/admin/o/${OTHER}/items/${draftId}`, `/admin/o/${OTHER}/applications/${appId}`,
      `/admin/o/${OTHER}/interactions/${iaId}`]) {
      const r = await o.get(p);
      assert.equal(r.status, 404, `${p}: ${r.status}`);
    }
  });
});
