// subscribe.test.mjs - e-mail subscriptions through a local SMTP sink (a
// node net server speaking enough SMTP: EHLO, MAIL FROM, RCPT TO - 550 for
// a chosen address, 421 on demand -, DATA, RSET, QUIT). Subscribe → the
// confirmation mail → confirm → publish → the mail with the item's link and
// a working one-click unsubscribe (RFC 8058); unsubscribed → no more mail;
// a category not chosen → no mail; an invalid address → 400 in Chinese; a
// known address gets the same answer; the server refusing one recipient →
// that one marked, the others sent; the server down → retried, delivered
// when it is back, nobody mailed twice.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';

import { Client, ORG, cleanup, cli, loginClient, makeDb, startServer, textOf } from './lib.mjs';

const ITEMS = `/admin/o/${ORG}/items`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let env;
let srv;
let admin;
let sink;
const cats = {};

class SmtpSink {
  constructor() {
    this.mails = [];        // { from, to, data }
    this.reject = new Set(); // RCPT TO answered 550
    this.tempfail = new Set(); // RCPT TO answered 421 (then forgotten: one failure each)
    this.sockets = new Set();
  }

  start(port = 0) {
    this.server = net.createServer((sock) => this.session(sock));
    return new Promise((resolve) => this.server.listen(port, '127.0.0.1', () => {
      this.port = this.server.address().port;
      resolve();
    }));
  }

  stop() {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  session(sock) {
    this.sockets.add(sock);
    sock.on('close', () => this.sockets.delete(sock));
    sock.on('error', () => {});
    let buf = '';
    let data = null;
    let cur = { from: null, to: [] };
    const say = (s) => sock.write(s + '\r\n');
    say('220 sink.test ESMTP');
    sock.on('data', (chunk) => {
      buf += chunk.toString('latin1');
      for (;;) {
        if (data !== null) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          data += buf.slice(0, end);
          buf = buf.slice(end + 5);
          const raw = Buffer.from(data.replace(/^\.\./gm, '.'), 'latin1').toString('utf8');
          for (const to of cur.to) this.mails.push({ from: cur.from, to, data: raw });
          data = null;
          cur = { from: null, to: [] };
          say('250 OK queued');
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        const cmd = line.slice(0, 4).toUpperCase();
        if (cmd === 'EHLO' || cmd === 'HELO') say('250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8');
        else if (cmd === 'MAIL') { cur = { from: line.match(/<([^>]*)>/)?.[1], to: [] }; say('250 OK'); }
        else if (cmd === 'RCPT') {
          const to = line.match(/<([^>]*)>/)?.[1];
          if (this.reject.has(to)) say('550 5.1.1 No such user');
          else if (this.tempfail.has(to)) { this.tempfail.delete(to); say('421 4.3.0 Try again later'); }
          else { cur.to.push(to); say('250 OK'); }
        } else if (cmd === 'DATA') { data = ''; say('354 End data with <CR><LF>.<CR><LF>'); }
        else if (cmd === 'RSET') { cur = { from: null, to: [] }; say('250 OK'); }
        else if (cmd === 'NOOP') say('250 OK');
        else if (cmd === 'QUIT') { say('221 Bye'); sock.end(); }
        else say('502 Command not implemented');
      }
    });
  }

  to(addr) { return this.mails.filter((m) => m.to === addr).map((m) => parseMail(m.data)); }
}

/** Headers (unfolded) and the decoded text and HTML parts of a message. */
function parseMail(raw) {
  const [head, ...rest] = raw.split('\r\n\r\n');
  const headers = {};
  for (const l of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const i = l.indexOf(':');
    headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
  }
  const body = rest.join('\r\n\r\n');
  const parts = {};
  const boundary = headers['content-type'].match(/boundary="([^"]+)"/)?.[1];
  for (const p of boundary ? body.split(`--${boundary}`) : [`Content-Type: ${headers['content-type']}\r\n\r\n${body}`]) {
    const m = p.match(/Content-Type: (text\/\w+)[\s\S]*?\r\n\r\n([\s\S]*)/);
    if (m) parts[m[1]] = Buffer.from(m[2].replace(/\s+/g, ''), 'base64').toString('utf8');
  }
  const subject = headers.subject.replace(/=\?UTF-8\?B\?([^?]*)\?=\s*/g, (_, b) => Buffer.from(b, 'base64').toString('utf8'));
  return { headers, subject, text: parts['text/plain'], html: parts['text/html'] };
}

async function waitFor(what, fn, ms = 20_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn();
    if (v) return v;
    await sleep(100);
  }
  assert.fail(`timed out waiting for ${what}\n--- server stderr ---\n${srv?.stderr().slice(-3000)}`);
}

/** A citizen's subscription request: the response. */
async function subscribe(email, fields = { all: '1' }) {
  const c = new Client(srv);
  await c.refreshCsrf(`/o/${ORG}/subscribe`);
  return c.post(`/o/${ORG}/subscribe`, { email, ...fields });
}

/** Follow the confirmation link of the latest confirmation mail to addr. */
async function confirm(addr) {
  const mail = sink.to(addr).filter((m) => /请确认订阅/.test(m.subject)).pop();
  assert.ok(mail, `a confirmation mail to ${addr}`);
  const link = mail.text.match(/https?:\/\/\S+\/subscribe\/confirm\?t=[\w-]+/)?.[0];
  assert.ok(link, 'the mail has the confirmation link');
  const c = new Client(srv);
  const page = await c.get(link.replace(/^https?:\/\/[^/]+/, ''));
  assert.equal(page.status, 200);
  assert.match(textOf(page.text), /确认订阅/);
  c.csrf = page.text.match(/name="csrf" value="([^"]+)"/)[1];
  const r = await c.post(`/o/${ORG}/subscribe/confirm`, { t: link.split('t=')[1] });
  assert.equal(r.status, 200, textOf(r.text).slice(0, 300));
  assert.match(textOf(r.text), /订阅成功/);
}

async function publish(title, category = '政策文件') {
  const r = await admin.post(`${ITEMS}/new`, { category_id: cats[category], title, body_md: `${title}的正文。`, publisher: '桐乡市教育局' });
  assert.equal(r.status, 303);
  const id = Number(r.location.match(/items\/(\d+)/)[1]);
  assert.equal((await admin.post(`${ITEMS}/${id}/action`, { action: 'submit' })).status, 200);
  assert.equal((await admin.post(`${ITEMS}/${id}/action`, { action: 'approve' })).status, 200);
  return id;
}

/** The e-mail channel's delivery of item id: { state, attempts, error } from the staff page. */
async function delivery(id) {
  const r = await admin.get(`/admin/o/${ORG}/deliveries?item=${id}`);
  // the e-mail channel's row (the demo's other channels deliver the item too)
  const row = [...r.text.matchAll(/<tr class="dlv-(\w+)( failed)?">([\s\S]*?)<\/tr>/g)]
    .find((m) => textOf(m[3]).includes('邮件订阅'));
  if (!row) return null;
  const cells = [...row[3].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => textOf(c[1]));
  return { state: row[1], attempts: Number(cells[5]), error: cells[6] };
}

before(async () => {
  sink = new SmtpSink();
  await sink.start();
  env = makeDb();
  srv = await startServer(env, { args: ['--delivery-backoff-ms', '300', '--delivery-timeout-ms', '3000'] });
  admin = await loginClient(srv, 'tongxiang', env.orgPassword);
  const form = await admin.get(`${ITEMS}/new`);
  for (const m of form.text.matchAll(/<option value="(\d+)"[^>]*>([^<]+)<\/option>/g)) cats[m[2]] = m[1];
});

after(async () => {
  await srv?.stop();
  await sink?.stop();
  cleanup(env);
});

describe('e-mail subscriptions', () => {
  test('without an e-mail channel the form says so', async () => {
    const r = await srv.get(`/o/${ORG}/subscribe`);
    assert.equal(r.status, 404);
    assert.match(textOf(r.text), /暂未开通邮件订阅/);
  });

  test('the channel: an SMTP server and a sender, checked', async () => {
    await admin.refreshCsrf(`/admin/o/${ORG}/channels`);
    const bad = await admin.post(`/admin/o/${ORG}/channels`, { kind: 'email', name: '邮件订阅', endpoint: `http://127.0.0.1:${sink.port}`,
      mail_from: 'gongkai@jyj.example.gov.cn', enabled: '1', all_categories: '1' });
    assert.equal(bad.status, 400);
    assert.match(textOf(bad.text), /smtp:\/\//);
    const noFrom = await admin.post(`/admin/o/${ORG}/channels`, { kind: 'email', name: '邮件订阅', endpoint: `smtp://127.0.0.1:${sink.port}`,
      enabled: '1', all_categories: '1' });
    assert.equal(noFrom.status, 400);
    assert.match(textOf(noFrom.text), /发件人/);
    const ok = await admin.post(`/admin/o/${ORG}/channels`, { kind: 'email', name: '邮件订阅', endpoint: `smtp://127.0.0.1:${sink.port}`,
      mail_from: 'gongkai@jyj.example.gov.cn', reply_to: 'ban@jyj.example.gov.cn', enabled: '1', all_categories: '1' });
    assert.equal(ok.status, 303, textOf(ok.text).slice(0, 300));
  });

  test('bad addresses: 400 with a Chinese message, the form kept', async () => {
    for (const addr of ['not-an-address', 'a@b', 'a..b@example.com', 'a@-x.com', 'x@example..com', `${'a'.repeat(65)}@example.com`, '']) {
      const r = await subscribe(addr);
      assert.equal(r.status, 400, addr);
      assert.match(textOf(r.text), /电子邮箱地址|请填写/, addr);
      assert.match(r.text, /<form class="apply"/);
    }
    const none = await subscribe('ok@example.com', {});
    assert.equal(none.status, 400);
    assert.match(textOf(none.text), /请选择要订阅的公开类别/);
    assert.equal(sink.mails.length, 0, 'nothing mailed');
  });

  test('subscribe → confirmation mail → confirm; a known address gets the same answer', async () => {
    const r = await subscribe('alice@example.com');
    assert.equal(r.status, 200, textOf(r.text).slice(0, 300));
    assert.match(textOf(r.text), /确认邮件已发送至 alice@example\.com/);
    const m = sink.to('alice@example.com')[0];
    assert.equal(m.subject, '请确认订阅桐乡市教育局的政府信息公开');
    assert.match(m.headers.from, /<gongkai@jyj\.example\.gov\.cn>$/);
    // the same answer for an address that is already there (no enumeration)
    const again = await subscribe('alice@example.com');
    assert.equal(again.status, r.status);
    assert.equal(textOf(again.text), textOf(r.text));
    await confirm('alice@example.com');
    const known = await subscribe('alice@example.com');
    assert.equal(textOf(known.text), textOf(r.text), 'a confirmed address: the same answer too');
    // an IDN domain is accepted (the domain in lower case)
    const idn = await subscribe('Zhang@例子.公司.CN');
    assert.equal(idn.status, 200);
    assert.match(textOf(idn.text), /Zhang@例子\.公司\.cn/);
    // bob: every category; carol: only 公告公示; dave: will be refused by the server
    for (const who of ['bob@example.com', 'dave@example.com']) {
      assert.equal((await subscribe(who)).status, 200);
      await confirm(who);
    }
    const carol = await subscribe('carol@example.com', { cat0: cats['公告公示'] });
    assert.equal(carol.status, 200);
    await confirm('carol@example.com');
    // an old or made-up link does nothing
    assert.equal((await srv.get(`/o/${ORG}/subscribe/confirm?t=${'A'.repeat(43)}`)).status, 404);
  });

  test('publishing mails the item to the subscribers of its category; a refused address is marked, the others get theirs', async () => {
    sink.reject.add('dave@example.com');
    const before = sink.mails.length;
    const title = '关于2021年秋季学期开学工作的通知';
    const id = await publish(title);
    const d = await waitFor('the delivery to be done', async () => {
      const x = await delivery(id);
      return x && x.state === 'done' ? x : null;
    });
    assert.match(d.error + JSON.stringify(d), /已发送 2 封；1 个地址被邮件服务器拒收/);
    const got = sink.mails.slice(before).map((m) => m.to).sort();
    assert.deepEqual(got, ['alice@example.com', 'bob@example.com'], 'alice and bob; not carol (another category), not dave (refused)');
    const m = sink.to('alice@example.com').pop();
    assert.equal(m.subject, title, 'the RFC 2047 subject decodes to the title');
    assert.match(m.headers['content-type'], /^multipart\/alternative/);
    assert.match(m.headers['message-id'], /^<[0-9a-f]+\.\d+@jyj\.example\.gov\.cn>$/);
    assert.match(m.headers.date, /^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000$/);
    assert.equal(m.headers['reply-to'], '<ban@jyj.example.gov.cn>');
    assert.equal(m.headers['list-unsubscribe-post'], 'List-Unsubscribe=One-Click');
    const unsub = m.headers['list-unsubscribe'].match(/^<(https?:\/\/[^>]+)>$/)?.[1];
    assert.ok(unsub, 'List-Unsubscribe has the link');
    const itemUrl = m.text.match(new RegExp(`https?://\\S+/o/${ORG}/items/${id}`))?.[0];
    assert.ok(itemUrl, 'the text has the item\'s link');
    assert.ok(m.html.includes(`href="${itemUrl}"`), 'and the HTML part');
    const page = await srv.get(itemUrl.replace(/^https?:\/\/[^/]+/, ''));
    assert.equal(page.status, 200);
    assert.match(page.text, new RegExp(title));
    // the staff see the counts; the refused address is marked
    const subs = await admin.get(`/admin/o/${ORG}/subscribers`);
    assert.match(textOf(subs.text), /地址被邮件服务器拒收 1/);
    assert.match(subs.text, /dave@example\.com<\/td><td>已订阅<\/td><td>全部类别<\/td><td>[^<]+<\/td><td>邮件服务器拒收该地址（550）/);

    // one-click unsubscribe: a POST to the List-Unsubscribe URL, no session, no token but its own
    const one = await fetch(unsub.replace(/^https?:\/\/[^/]+/, srv.base), { method: 'POST', body: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
    assert.equal(one.status, 200);
    assert.match(textOf(await one.text()), /已退订/);
    assert.match(textOf((await srv.get(unsub.replace(/^https?:\/\/[^/]+/, ''))).text), /已经退订/);
    const before2 = sink.mails.length;
    const id2 = await publish('关于做好秋冬季校园疫情防控工作的通知');
    await waitFor('the second delivery', async () => (await delivery(id2))?.state === 'done');
    assert.deepEqual(sink.mails.slice(before2).map((m2) => m2.to), ['bob@example.com'], 'alice unsubscribed: only bob');
    // carol's category
    const before3 = sink.mails.length;
    const id3 = await publish('桐乡市教育局关于2021年教师招聘的公告', '公告公示');
    await waitFor('the third delivery', async () => (await delivery(id3))?.state === 'done');
    assert.deepEqual(sink.mails.slice(before3).map((m3) => m3.to).sort(), ['bob@example.com', 'carol@example.com']);
  });

  test('the SMTP server down: retried, delivered when it is back; a failure half-way does not mail anyone twice', async () => {
    await sink.stop();
    const before = sink.mails.length;
    const id = await publish('关于开展校园安全隐患排查的通知');
    const failing = await waitFor('a failed attempt', async () => {
      const x = await delivery(id);
      return x && x.attempts >= 1 && x.state === 'pending' ? x : null;
    });
    assert.match(failing.error, /邮件服务器暂时无法发送/);
    await sink.start(sink.port);
    await waitFor('delivered once the server is back', async () => (await delivery(id))?.state === 'done');
    assert.deepEqual(sink.mails.slice(before).map((m) => m.to).sort(), ['bob@example.com']);

    // two recipients; the server fails the second one once (421): the retry mails only the second
    assert.equal((await subscribe('erin@example.com')).status, 200);
    await confirm('erin@example.com');
    sink.tempfail.add('erin@example.com');
    const b2 = sink.mails.length;
    const id2 = await publish('关于举办全市中小学生运动会的通知');
    const d = await waitFor('delivered after the retry', async () => {
      const x = await delivery(id2);
      return x && x.state === 'done' ? x : null;
    });
    assert.ok(d.attempts >= 2, `retried: ${d.attempts} attempts`);
    assert.deepEqual(sink.mails.slice(b2).map((m) => m.to).sort(), ['bob@example.com', 'erin@example.com'], 'each once');
  });

  test('a withdrawal mails nobody; staff without the admin role see counts, not addresses', async () => {
    const before = sink.mails.length;
    const id = await publish('撤回测试：关于调整作息时间的通知');
    await waitFor('published mail', async () => (await delivery(id))?.state === 'done');
    const n = sink.mails.length;
    assert.ok(n > before);
    assert.equal((await admin.post(`${ITEMS}/${id}/action`, { action: 'withdraw', comment: '测试' })).status, 200);
    await sleep(1500);
    assert.equal(sink.mails.length, n, 'no mail for the withdrawal');

    cli(env.db, ['user', 'add', 'sub-viewer', '--org', ORG, '--role', 'viewer', '--password-stdin'], { input: 'Viewer-Passw0rd-2026\n' });
    const viewer = await loginClient(srv, 'sub-viewer', 'Viewer-Passw0rd-2026');
    const page = await viewer.get(`/admin/o/${ORG}/subscribers`);
    assert.equal(page.status, 200);
    assert.match(textOf(page.text), /已订阅 \d+/);
    assert.doesNotMatch(page.text, /@example\.com/, 'no addresses for a viewer');
    assert.match((await admin.get(`/admin/o/${ORG}/subscribers`)).text, /bob@example\.com/, 'the org admin sees them');
  });
});
