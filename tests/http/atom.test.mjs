// atom.test.mjs - the Atom feeds against RFC 4287, read with a small XML
// parser (well-formedness: one root, balanced tags, quoted attributes, known
// entities): the feed and each entry have exactly one id, title and updated
// (RFC 3339), the feed an author and links rel="self" and rel="alternate",
// each entry an alternate link; entry ids are unique; a correction updates
// its entry (title, updated) and the feed's updated; a withdrawn item
// leaves the feed; a category's feed holds only that category.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { ORG, ORG_NAME, cleanup, loginClient, makeDb, startServer, textOf } from './lib.mjs';

const ITEMS = `/admin/o/${ORG}/items`;
let env;
let srv;
let admin;
const cats = {};

const ENTITIES = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
function decode(s, where) {
  assert.doesNotMatch(s, /&(?!(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);)/, `${where}: a bare & in ${JSON.stringify(s.slice(0, 80))}`);
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, e) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
    assert.ok(e in ENTITIES, `${where}: unknown entity &${e};`);
    return ENTITIES[e];
  });
}

/** Parse an XML document into { name, attrs, children, text }; asserts well-formedness. */
function parseXml(src) {
  let i = 0;
  const decl = src.match(/^<\?xml version="1\.0" encoding="utf-8"\?>\s*/);
  assert.ok(decl, 'an XML declaration with the encoding');
  i = decl[0].length;
  const root = { name: '#doc', attrs: {}, children: [], text: '' };
  const stack = [root];
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    const text = src.slice(i, lt < 0 ? src.length : lt);
    const top = stack[stack.length - 1];
    if (text.trim()) {
      assert.notEqual(top, root, 'text outside the root element');
      top.text += decode(text, top.name);
    }
    if (lt < 0) break;
    const gt = src.indexOf('>', lt);
    assert.ok(gt > lt, 'an unterminated tag');
    const tag = src.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('/')) {
      const open = stack.pop();
      assert.equal(tag.slice(1).trim(), open.name, `</${tag.slice(1)}> closes <${open.name}>`);
      continue;
    }
    const selfClose = tag.endsWith('/');
    const m = (selfClose ? tag.slice(0, -1) : tag).match(/^([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*="[^"<]*")*)\s*$/);
    assert.ok(m, `a malformed tag <${tag}>`);
    const attrs = {};
    for (const a of m[2].matchAll(/([A-Za-z_][\w.:-]*)="([^"<]*)"/g)) {
      assert.ok(!(a[1] in attrs), `a repeated attribute ${a[1]}`);
      attrs[a[1]] = decode(a[2], m[1]);
    }
    const el = { name: m[1], attrs, children: [], text: '' };
    if (top === root) assert.equal(root.children.length, 0, 'one root element');
    top.children.push(el);
    if (!selfClose) stack.push(el);
  }
  assert.equal(stack.length, 1, `unclosed <${stack[stack.length - 1].name}>`);
  return root.children[0];
}

const kids = (el, name) => el.children.filter((c) => c.name === name);
function one(el, name) {
  const k = kids(el, name);
  assert.equal(k.length, 1, `<${el.name}> has exactly one <${name}>`);
  return k[0];
}
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
const time = (s) => new Date(s).getTime();

/** The feed at url, checked against RFC 4287's rules: { feed, entries: [{ id, title, updated, link, category }] }. */
async function atom(url) {
  const r = await srv.get(url);
  assert.equal(r.status, 200, url);
  assert.match(r.headers.get('content-type'), /^application\/atom\+xml/);
  const feed = parseXml(r.text);
  assert.equal(feed.name, 'feed');
  assert.equal(feed.attrs.xmlns, 'http://www.w3.org/2005/Atom');
  const id = one(feed, 'id').text;
  assert.match(id, /^https?:\/\//, 'the feed id is an IRI');
  assert.ok(one(feed, 'title').text.startsWith(ORG_NAME));
  const updated = one(feed, 'updated').text;
  assert.match(updated, RFC3339);
  assert.ok(one(one(feed, 'author'), 'name').text, 'a feed-level author (entries inherit it)');
  const links = kids(feed, 'link');
  const self = links.filter((l) => l.attrs.rel === 'self');
  assert.equal(self.length, 1);
  assert.equal(self[0].attrs.href, `${srv.base}${url}`);
  assert.equal(self[0].attrs.type, 'application/atom+xml');
  const alt = links.filter((l) => l.attrs.rel === 'alternate');
  assert.equal(alt.length, 1);
  assert.equal(alt[0].attrs.type, 'text/html');
  const entries = kids(feed, 'entry').map((e) => {
    const x = {
      id: one(e, 'id').text, title: one(e, 'title').text, updated: one(e, 'updated').text,
      published: one(e, 'published').text, category: kids(e, 'category').map((c) => c.attrs.term),
    };
    const el = kids(e, 'link').filter((l) => (l.attrs.rel ?? 'alternate') === 'alternate');
    assert.equal(el.length, 1, 'each entry has an alternate link');
    x.link = el[0].attrs.href;
    assert.match(x.id, /^https?:\/\//);
    assert.match(x.updated, RFC3339);
    assert.match(x.published, RFC3339);
    assert.ok(time(x.updated) <= time(updated), 'no entry is newer than its feed');
    return x;
  });
  assert.equal(new Set(entries.map((e) => e.id)).size, entries.length, 'entry ids are unique');
  return { updated, entries, feedId: id, alternate: alt[0].attrs.href };
}

async function act(id, action, extra = {}) {
  const r = await admin.post(`${ITEMS}/${id}/action`, { action, ...extra });
  assert.ok(r.status === 200 || r.status === 303, `${action}: ${r.status} ${textOf(r.text).slice(0, 200)}`);
  return r;
}
async function publish(title, category) {
  const r = await admin.post(`${ITEMS}/new`, { category_id: cats[category], title, body_md: `${title}。`, publisher: '桐乡市教育局' });
  assert.equal(r.status, 303);
  const id = Number(r.location.match(/items\/(\d+)/)[1]);
  await act(id, 'submit');
  await act(id, 'approve');
  return id;
}
const pause = () => new Promise((r) => setTimeout(r, 20)); // event times have milliseconds

before(async () => {
  env = makeDb();
  srv = await startServer(env);
  admin = await loginClient(srv, 'tongxiang', env.orgPassword);
  const form = await admin.get(`${ITEMS}/new`);
  for (const m of form.text.matchAll(/<option value="(\d+)"[^>]*>([^<]+)<\/option>/g)) cats[m[2]] = m[1];
});

after(async () => {
  await srv?.stop();
  cleanup(env);
});

describe('Atom feeds (RFC 4287)', () => {
  test('the agency\'s feed and a category\'s feed are valid Atom', async () => {
    const f = await atom(`/o/${ORG}/feed.atom`);
    assert.equal(f.entries.length, 50);
    assert.equal(f.alternate, `${srv.base}/o/${ORG}/`);
    assert.equal(f.entries[0].link, f.entries[0].id);
    const c = await atom(`/o/${ORG}/feed/${cats['政策文件']}.atom`);
    assert.equal(c.alternate, `${srv.base}/o/${ORG}/catalog?category=${cats['政策文件']}`);
    assert.notEqual(c.feedId, f.feedId, 'each feed has its own id');
    assert.ok(c.entries.length > 0 && c.entries.every((e) => e.category.length === 1 && e.category[0] === '政策文件'));
  });

  test('publication, correction and withdrawal move the feed\'s updated; a correction updates its entry', async () => {
    const before0 = await atom(`/o/${ORG}/feed.atom`);
    await pause();
    const id = await publish('订阅测试：关于做好防汛工作的通知', '政策文件');
    const f1 = await atom(`/o/${ORG}/feed.atom`);
    const e1 = f1.entries.find((e) => e.id.endsWith(`/items/${id}`));
    assert.ok(e1, 'the new item is in the feed');
    assert.ok(time(f1.updated) > time(before0.updated), 'the feed is updated');
    assert.equal(f1.updated, e1.updated, 'by the new entry');
    const cat1 = await atom(`/o/${ORG}/feed/${cats['政策文件']}.atom`);
    assert.ok(cat1.entries.some((e) => e.id === e1.id), 'and in its category\'s feed');
    const other = await atom(`/o/${ORG}/feed/${cats['公告公示']}.atom`);
    assert.ok(!other.entries.some((e) => e.id === e1.id), 'not in another category\'s feed');

    await pause();
    const c = await admin.post(`${ITEMS}/${id}/action`, { action: 'correct' });
    const draft = Number(c.location.match(/items\/(\d+)/)[1]);
    const version = (await admin.get(`${ITEMS}/${draft}`)).text.match(/name="version" value="(\d+)"/)?.[1];
    await admin.post(`${ITEMS}/${draft}`, { title: '订阅测试：关于做好防汛工作的通知（更正）', category_id: cats['政策文件'],
      body_md: '更正。', publisher: '桐乡市教育局', version });
    await act(draft, 'submit');
    await act(draft, 'approve');
    const f2 = await atom(`/o/${ORG}/feed.atom`);
    const e2 = f2.entries.find((e) => e.id === e1.id);
    assert.equal(e2.title, '订阅测试：关于做好防汛工作的通知（更正）', 'the entry shows the correction');
    assert.ok(time(e2.updated) > time(e1.updated), 'the entry\'s updated moves');
    assert.equal(e2.published, e1.published, 'its published does not');
    assert.ok(time(f2.updated) > time(f1.updated));

    await pause();
    await act(id, 'withdraw', { comment: '测试撤回' });
    const f3 = await atom(`/o/${ORG}/feed.atom`);
    assert.ok(!f3.entries.some((e) => e.id === e1.id), 'a withdrawn item leaves the feed');
    assert.ok(time(f3.updated) > time(f2.updated), 'and the feed is updated');
    const cat3 = await atom(`/o/${ORG}/feed/${cats['政策文件']}.atom`);
    assert.ok(!cat3.entries.some((e) => e.id === e1.id));
    assert.ok(time(cat3.updated) > time(cat1.updated));
  });

  test('the parser catches malformed XML (it is not a stub)', () => {
    assert.throws(() => parseXml('<?xml version="1.0" encoding="utf-8"?>\n<feed><a></feed>'));
    assert.throws(() => parseXml('<?xml version="1.0" encoding="utf-8"?>\n<feed>a & b</feed>'));
    assert.throws(() => parseXml('<?xml version="1.0" encoding="utf-8"?>\n<feed x=1></feed>'));
    assert.throws(() => parseXml('<?xml version="1.0" encoding="utf-8"?>\n<feed></feed><feed></feed>'));
  });
});
