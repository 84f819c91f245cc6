// Protocol integration tests: a real `loket serve` on 127.0.0.1, a real WebSocket client
// (npm ws), the default flows, a temp database read back with the sqlite3 CLI.
'use strict';

const crypto = require('crypto');
const http = require('http');
const net = require('net');
const fs = require('fs');
const path = require('path');
const { ok, test, report, sleep, startServer, stopServer, Client, sql, root, bin, tempDir, slow } = require('./lib');
const { execFileSync } = require('child_process');

function get(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

async function connect(srv, origin) {
  const c = new Client(srv.ws, { origin: origin === undefined ? srv.url : origin });
  await c.opened;
  return c;
}

// hello, then the session frame
async function hello(c, token) {
  c.send({ type: 'hello', token });
  return c.next((f) => f.type === 'session');
}

function optionId(frame, title) {
  const o = (frame.options || []).find((x) => x.title === title);
  return o && o.id;
}

// A masked client text frame (RFC 6455), for the raw-socket test.
function maskedFrame(text) {
  const p = Buffer.from(text);
  const mask = crypto.randomBytes(4);
  const h = p.length < 126 ? Buffer.from([0x81, 0x80 | p.length])
    : Buffer.from([0x81, 0x80 | 126, p.length >> 8, p.length & 255]);
  const m = Buffer.alloc(p.length);
  for (let i = 0; i < p.length; i++) m[i] = p[i] ^ mask[i & 3];
  return Buffer.concat([h, mask, m]);
}

async function main() {
  let srv;
  await test('server starts and says where to open it', async () => {
    srv = await startServer();
    ok(/Kanal aktif \/ channels on: web/.test(srv.out), 'channels line', srv.out);
    ok(srv.out.includes(`${srv.url}/`), 'url printed', srv.out);
  });
  if (!srv) return;

  await test('help is bilingual, Indonesian first', async () => {
    const out = execFileSync(bin, ['serve', '--help'], { encoding: 'utf8', timeout: 10000 });
    ok(out.indexOf('Pemakaian') >= 0 && out.indexOf('Pemakaian') < out.indexOf('usage'), 'help', out.slice(0, 80));
    ok(/--origin/.test(out) && /--max-conns-per-ip/.test(out), 'help lists options');
  });

  await test('GET /healthz, /, /widget/*', async () => {
    const h = await get(`${srv.url}/healthz`);
    ok(h.status === 200, 'healthz 200', h.status);
    const j = JSON.parse(h.body);
    ok(j.status === 'ok' && j.flows > 0 && j.database === 'writable' && 'flow_version' in j, 'healthz body', j);
    const page = await get(`${srv.url}/`);
    ok(page.status === 200 && /^text\/html/.test(page.headers['content-type']), 'demo page html', page.headers);
    ok(/<script src="\/widget\/loket\.js"/.test(page.body) && /Kependudukan/.test(page.body), 'demo page embeds widget');
    ok(/default-src 'self'/.test(page.headers['content-security-policy'] || ''), 'demo page CSP');
    const js = await get(`${srv.url}/widget/loket.js`);
    ok(js.status === 200 && /^text\/javascript/.test(js.headers['content-type']), 'widget js type', js.headers);
    ok(/max-age=\d+/.test(js.headers['cache-control'] || '') && js.headers.etag, 'widget caching headers', js.headers);
    const again = await get(`${srv.url}/widget/loket.js`, { 'If-None-Match': js.headers.etag });
    ok(again.status === 304 && again.body === '', 'ETag revalidation 304', again.status);
    const css = await get(`${srv.url}/widget/loket.css`);
    ok(css.status === 200 && /^text\/css/.test(css.headers['content-type']), 'widget css type', css.headers);
    ok(css.headers['x-content-type-options'] === 'nosniff', 'nosniff');
    const none = await get(`${srv.url}/widget/../../etc/passwd`);
    ok(none.status === 404, 'no path traversal', none.status);
    ok((await get(`${srv.url}/nope`)).status === 404, '404');
  });

  await test('simplest exchange: message without hello gets a new conversation', async () => {
    const c = await connect(srv, null);
    c.send({ type: 'message', text: 'menu' });
    const s = await c.next((f) => f.type === 'session');
    ok(/^[0-9a-f]{32}$/.test(s.token) && s.resumed === false, 'session token made by the server', s);
    const r = await c.replies('Silakan pilih layanan');
    const menu = r[r.length - 1];
    ok(menu.kind === 'menu' && menu.options.length >= 3, 'menu with options', menu);
    ok(typeof menu.id === 'number' && typeof menu.at === 'number', 'id and at', menu);
    ok(!c.frames.some((f) => f.type === 'typing'), 'no typing frames for a bare client');
    c.close();
  });

  let token, conversation;
  await test('full conversation: hello, message, choice, typed answer', async () => {
    const c = await connect(srv);
    const s = await hello(c);
    token = s.token;
    ok(s.resumed === false && /^[0-9a-f]{32}$/.test(token), 'new session', s);
    c.send({ type: 'message', text: 'menu', cid: 'c1' });
    const typing = await c.next();
    ok(typing.type === 'typing', 'typing indicator before the reply', typing);
    const ack = await c.next((f) => f.type === 'ack');
    ok(ack.cid === 'c1' && ack.duplicate === false, 'ack', ack);
    let r = await c.replies('Silakan pilih layanan');
    const ktp = optionId(r[r.length - 1], 'KTP-el');
    ok(ktp, 'KTP-el option', r[r.length - 1]);
    c.send({ type: 'choice', id: ktp, cid: 'c2' });
    r = await c.replies('Layanan KTP-el');
    ok(r[r.length - 1].kind === 'menu', 'ktp menu', r);
    c.send({ type: 'message', text: '1', cid: 'c3' });
    r = await c.replies('Ada lagi');
    ok(r.some((m) => /Rekam KTP-el baru/.test(m.text) && /Syarat/.test(m.text)), 'typed answer gets the right reply', r);
    c.close();
    await c.waitClose();
    const addr = crypto.createHash('sha256').update(token).digest('hex');
    conversation = sql(srv.db, `select id from conversations where channel='web' and address='${addr}'`);
    ok(/^\d+$/.test(conversation), 'conversation address is SHA-256 of the token', conversation);
    ok(sql(srv.db, `select count(*) from conversations where address like '%${token}%'`) === '0', 'token never stored in clear');
  });

  await test('a widget in English starts its conversation in English; a resumed one keeps its language', async () => {
    const c = await connect(srv);
    c.send({ type: 'hello', lang: 'en' });
    const s = await c.next((f) => f.type === 'session');
    c.send({ type: 'message', text: 'halo' });
    let r = await c.replies('Please choose');
    ok(r.some((m) => /Welcome to the information service/.test(m.text)), 'English welcome', r);
    ok(optionId(r[r.length - 1], 'Family card (KK)'), 'English menu options', r[r.length - 1]);
    c.close();
    await c.waitClose();
    const again = await connect(srv);
    again.send({ type: 'hello', token: s.token, lang: 'id' });
    await again.next((f) => f.type === 'session');
    again.send({ type: 'message', text: 'menu' });
    r = await again.replies('Please choose');
    ok(r.length > 0, 'the resumed conversation stays in English', r);
    again.close();
    await again.waitClose();
    const plain = await connect(srv);
    plain.send({ type: 'hello', lang: 'xx' });
    await plain.next((f) => f.type === 'session');
    plain.send({ type: 'message', text: 'halo' });
    r = await plain.replies('Silakan pilih layanan');
    ok(r.some((m) => /Selamat datang/.test(m.text)), 'any other lang: Bahasa Indonesia', r);
    plain.close();
    await plain.waitClose();
  });

  await test('frames sent together arrive whole and in order, large ones too', async () => {
    const c = await connect(srv);
    const s = await hello(c);
    for (let i = 0; i < 15; i++) {  // under the default rate limit of 20 in 10 s
      c.send({ type: 'message', text: 'menu', cid: `big${i}` });
      const ack = await c.next((f) => f.type === 'ack');
      ok(ack.cid === `big${i}`, 'ack before its replies, in order', ack);
      await c.replies('Silakan pilih layanan');
    }
    c.close();
    await c.waitClose();
    const r = await connect(srv);
    r.send({ type: 'hello', token: s.token, history: 200 });
    const again = await r.next();
    ok(again.type === 'session' && again.resumed === true, 'session frame first', again);
    const h = await r.next();
    ok(h.type === 'history' && h.messages.length >= 30, 'then the history, whole', h.messages && h.messages.length);
    ok(JSON.stringify(h).length > 8192, 'history larger than one send buffer', JSON.stringify(h).length);
    r.send({ type: 'message', text: 'menu', cid: 'after' });
    const ack = await r.next((f) => f.type !== 'typing');
    ok(ack.type === 'ack' && ack.cid === 'after', 'frames after a large one still parse', ack);
    const m = await r.replies('Silakan pilih layanan');
    ok(m[m.length - 1].kind === 'menu', 'and the reply follows', m);
    r.close();
  });

  await test('resume with the token returns the history', async () => {
    const c = await connect(srv);
    const s = await hello(c, token);
    ok(s.resumed === true && s.token === token, 'resumed', s);
    const h = await c.next((f) => f.type === 'history');
    const msgs = h.messages || [];
    ok(msgs.length >= 6, 'history has the earlier messages', msgs.length);
    ok(msgs.some((m) => m.from === 'user' && m.text === 'menu' && m.cid === 'c1'), 'user message with its cid', msgs);
    ok(msgs.some((m) => m.from === 'user' && m.text === 'KTP-el' && m.cid === 'c2'), 'a choice shows its title', msgs);
    ok(msgs.some((m) => m.from === 'bot' && /Rekam KTP-el baru/.test(m.text)), 'bot replies in history');
    const lastMenu = msgs.filter((m) => m.options).pop();
    ok(lastMenu && lastMenu.options.length > 0, 'menus keep their options', lastMenu);
    // the conversation goes on where it was
    c.send({ type: 'message', text: '1', cid: 'c4' });
    const r = await c.replies('Layanan KTP-el');
    ok(r.length >= 1, 'conversation continues after resume', r);
    c.close();
  });

  await test('a forged or unknown token starts a new conversation', async () => {
    const forged = crypto.randomBytes(16).toString('hex');
    const c = await connect(srv);
    const s = await hello(c, forged);
    ok(s.resumed === false && s.token !== forged && s.token !== token, 'new token', s);
    c.send({ type: 'message', text: 'menu' });
    await c.replies('Silakan pilih layanan');
    ok(!c.frames.some((f) => f.type === 'history'), 'no history for a forged token');
    const c2 = await connect(srv);
    const s2 = await hello(c2, '../' + token);
    ok(s2.resumed === false && s2.token !== token, 'malformed token: new session', s2);
    const c3 = await connect(srv);
    const s3 = await hello(c3, token.toUpperCase());
    ok(s3.resumed === false, 'a token is exact, not case-folded', s3);
    [c, c2, c3].forEach((x) => x.close());
    const n = sql(srv.db, `select count(*) from messages where conversation_id=${conversation}`);
    ok(Number(n) >= 8, 'the real conversation is untouched', n);
  });

  await test('the same client message id runs once', async () => {
    const c = await connect(srv);
    await hello(c);
    c.send({ type: 'message', text: 'menu', cid: 'dup-1' });
    c.send({ type: 'message', text: 'menu', cid: 'dup-1' });
    const a1 = await c.next((f) => f.type === 'ack');
    const a2 = await c.next((f) => f.type === 'ack');
    ok(a1.duplicate === false && a2.duplicate === true, 'second is a duplicate', [a1, a2]);
    await sleep(200);
    const n = sql(srv.db, `select count(*) from messages where external_id like '%:dup-1'`);
    ok(n === '1', 'stored once', n);
    c.send({ type: 'message', text: 'menu', cid: 'dup-1' });
    const a3 = await c.next((f) => f.type === 'ack');
    ok(a3.duplicate === true, 'committed duplicate is recognised', a3);
    c.send({ type: 'message', text: 'x', cid: 'bad id with spaces' });
    const e = await c.next((f) => f.type === 'error');
    ok(e.code === 'bad_request', 'invalid cid refused', e);
    c.close();
  });

  await test('invalid JSON gets an error frame and the connection stays', async () => {
    const c = await connect(srv);
    c.send('{"type": "message", "text": ');
    const e = await c.next((f) => f.type === 'error');
    ok(e.code === 'invalid_json' && /tidak/.test(e.text) && /invalid JSON/.test(e.text_en), 'bilingual error', e);
    c.send('[1,2]');
    ok((await c.next((f) => f.type === 'error')).code === 'invalid_json', 'non-object JSON');
    c.send({ type: 'dance' });
    ok((await c.next((f) => f.type === 'error')).code === 'bad_request', 'unknown type');
    c.send({ type: 'message', text: '' });
    ok((await c.next((f) => f.type === 'error')).code === 'bad_request', 'empty text');
    c.send({ type: 'message', text: 'menu' });
    const r = await c.replies('Silakan pilih layanan');
    ok(r.length >= 1 && !c.closed, 'still works after errors');
    c.close();
  });

  await test('oversized frame closes with 1009', async () => {
    const c = await connect(srv);
    c.send({ type: 'message', text: 'x'.repeat(5000) });
    const closed = await c.waitClose();
    ok(closed && closed.code === 1009, 'close 1009', closed);
  });

  await test('fragmented message within the limit is accepted', async () => {
    const c = await connect(srv);
    const text = JSON.stringify({ type: 'message', text: 'menu ' + 'a'.repeat(1500) });
    c.ws.send(text.slice(0, 700), { fin: false });
    c.ws.send(text.slice(700, 1400), { fin: false });
    c.ws.send(text.slice(1400), { fin: true });
    const r = await c.next((f) => f.type === 'message');
    ok(r && typeof r.text === 'string', 'reply to a fragmented message', r);
    c.close();
  });

  await test('invalid UTF-8 gets an error and close 1007', async () => {
    const c = await connect(srv);
    c.ws.send(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), { binary: false });
    const e = await c.next((f) => f.type === 'error');
    ok(e.code === 'invalid_utf8', 'error frame', e);
    const closed = await c.waitClose();
    ok(closed && closed.code === 1007, 'close 1007', closed);
  });

  await test('binary frames are refused', async () => {
    const c = await connect(srv);
    c.ws.send(Buffer.from('{"type":"message","text":"hi"}'), { binary: true });
    const e = await c.next((f) => f.type === 'error');
    ok(e.code === 'binary_unsupported', 'error frame', e);
    const closed = await c.waitClose();
    ok(closed && closed.code === 1003, 'close 1003', closed);
  });

  await test('a page from another Origin cannot connect', async () => {
    const c = new Client(srv.ws, { origin: 'https://evil.example' });
    let opened = true;
    try { await c.opened; } catch (e) { opened = false; }
    ok(!opened, 'handshake refused', c.closed);
    const good = await connect(srv, `http://localhost:${srv.port}`);
    ok(good.ws.readyState === 1, 'localhost spelling of the same host allowed');
    good.close();
    const other = new Client(`ws://127.0.0.1:${srv.port}/other`, { origin: srv.url });
    let otherOpened = true;
    try { await other.opened; } catch (e) { otherOpened = false; }
    ok(!otherOpened, 'WebSocket only on /ws');
  });

  await test('graceful shutdown: every reply a client got is in SQLite', async () => {
    const clients = [];
    for (let i = 0; i < 40; i++) clients.push(await connect(srv));
    const received = [], acked = [];
    let stop = false;
    const loops = clients.map(async (c, i) => {
      await hello(c);
      for (let n = 0; !stop && n < 500; n++) {
        const cid = `g${i}-${n}`;
        c.send({ type: 'message', text: n % 2 ? '1' : 'menu', cid });
        try {
          const a = await c.next((f) => f.type === 'ack' || f.type === 'error', 4000);
          if (a.type === 'ack') acked.push(cid);
          const m = await c.next((f) => f.type === 'message' || f.type === 'error', 4000);
          if (m.type === 'message') received.push(m.id);
          // drain the rest of this turn's frames
          while (c.frames.length) { const f = c.frames.shift(); if (f.type === 'message') received.push(f.id); }
        } catch (e) { return; }
      }
    });
    await sleep(1500);
    const t0 = Date.now();
    const { code, signal } = await stopServer(srv, 'SIGTERM');
    stop = true;
    ok(code === 0, 'exit 0 on SIGTERM', { code, signal, err: srv.err.slice(-600) });
    ok(Date.now() - t0 < 8000, 'shutdown is quick', Date.now() - t0);
    await Promise.all(loops);
    const closes = await Promise.all(clients.map((c) => c.waitClose(3000)));
    ok(closes.every((x) => x), 'every socket closed', closes.filter((x) => !x).length);
    ok(closes.filter((x) => x && x.code === 1001).length >= 1, 'closed with 1001 going away', closes.slice(0, 3));
    ok(received.length > 40, 'turns ran before the signal', received.length);
    const ids = new Set(sql(srv.db, 'select id from messages').split('\n').map(Number));
    const lost = received.filter((id) => !ids.has(id));
    ok(lost.length === 0, `every received reply (${received.length}) is committed`, lost.slice(0, 10));
    const exts = new Set(sql(srv.db, "select external_id from messages where external_id is not null").split('\n').map((x) => x.replace(/^[0-9a-f]{16}:/, '')));
    const lostAcks = acked.filter((cid) => !exts.has(cid));
    ok(lostAcks.length === 0, `every acked message (${acked.length}) is committed`, lostAcks.slice(0, 10));
    ok(/berhenti dengan rapi/.test(srv.out), 'says it stopped cleanly', srv.out.slice(-200));
  }, 60000);

  // A client that sends but never reads must not make the server buffer without end: its
  // replies wait in the channel's queue, which closes it politely once too long. A raw
  // socket, so nothing in a client library reads behind the test's back.
  await test('a client that does not read is closed with too_slow; others go on', async () => {
    const fast = await startServer({ args: ['--rate', '0'] });
    const s = net.connect(fast.port, '127.0.0.1');
    let closed = null, bytes = 0, tail = '';
    try {
      s.on('close', () => { closed = 'closed'; });
      s.on('error', (e) => { closed = `error ${e.code}`; });
      await new Promise((r) => s.once('connect', r));
      s.write(`GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
      const head = await new Promise((r) => s.once('data', r));
      ok(/^HTTP\/1\.1 101/.test(head.toString()), 'raw handshake', head.toString().split('\r\n')[0]);
      s.pause();                            // reads nothing from here on
      const f = maskedFrame(JSON.stringify({ type: 'message', text: 'menu' }));
      for (let i = 0; i < 300 && !closed; i++) {   // 12,000 turns, paced so commits keep up
        for (let j = 0; j < 40; j++) s.write(f);
        await sleep(20);
      }
      await sleep(1000 * slow);
      ok(closed === null, 'not dropped while its replies wait', closed);
      const other = await connect(fast);
      other.send({ type: 'message', text: 'menu' });
      const r = await other.replies('Silakan pilih layanan');
      ok(r.length >= 1, 'another client is served meanwhile');
      other.close();
      s.on('data', (d) => { bytes += d.length; tail = (tail + d.toString('latin1')).slice(-200); });
      s.resume();
      for (let i = 0; i < 200 && !closed; i++) await sleep(100);
      ok(closed === 'closed', 'closed once it reads again', closed);
      ok(/"code":"too_slow"/.test(tail) && tail.endsWith('\x88\x18\x03\xf0sampai jumpa / goodbye'),
        'told why (too_slow), then a close frame with 1008', JSON.stringify(tail.slice(-80)));
      ok(bytes < 12000 * 400, 'not every reply was kept for it', bytes);
    } finally {
      s.destroy();
      await stopServer(fast);
    }
  }, 120000);

  // A second server with tight limits, configured from a settings file.
  let lim;
  await test('settings file and limits', async () => {
    const dir = tempDir('loket-web-lim-');
    const conf = path.join(dir, 'loket.conf');
    fs.writeFileSync(conf, '# batas ketat untuk uji\nrate = 5\nmax_conns_per_ip = 3\nmax-message = 2048\nping = 1\n');
    lim = await startServer({ dir, args: ['--config', conf] });
    ok(true, 'started with --config');
  });
  if (lim) {
    await test('rate limit: a polite notice, later messages go through', async () => {
      const c = await connect(lim);
      for (let i = 0; i < 9; i++) c.send({ type: 'message', text: 'menu' });
      const e = await c.next((f) => f.type === 'error' && f.code === 'rate_limited');
      ok(/Mohon maaf/.test(e.text) && /too fast/.test(e.text_en), 'Indonesian notice first', e);
      await sleep(400);
      const errors = c.frames.filter((f) => f.type === 'error').length;
      ok(errors === 0, 'one notice, not one per message', errors);
      await sleep(2100);  // 5 per 10 s: one token back every 2 s
      c.frames.length = 0;
      c.send({ type: 'message', text: 'menu' });
      const r = await c.next((f) => f.type === 'message' || f.type === 'error');
      ok(r.type === 'message', 'accepted again after a pause', r);
      c.close();
    });
    await test('max message from the settings file', async () => {
      const c = await connect(lim);
      c.send({ type: 'message', text: 'y'.repeat(2100) });
      const closed = await c.waitClose();
      ok(closed && closed.code === 1009, 'close 1009 at 2048', closed);
    });
    await test('connections per client address are capped', async () => {
      const cs = [];
      for (let i = 0; i < 3; i++) cs.push(await connect(lim));
      const fourth = await connect(lim);
      const e = await fourth.next((f) => f.type === 'error');
      ok(e.code === 'too_many_connections' && /Terlalu banyak/.test(e.text), 'error frame', e);
      const closed = await fourth.waitClose();
      ok(closed && closed.code === 1008, 'close 1008', closed);
      cs[0].close();
      await cs[0].waitClose();
      await sleep(100);
      const again = await connect(lim);
      again.send({ type: 'message', text: 'menu' });
      ok((await again.next((f) => f.type === 'message')).text.length > 0, 'a freed slot can be used');
      cs.forEach((x) => x.close());
      again.close();
    });
    await test('idle timeout: a silent client is dropped, a live one stays', async () => {
      const live = await connect(lim);
      const raw = net.connect(lim.port, '127.0.0.1');
      let rawData = '', rawClosedAt = 0;
      const t0 = Date.now();
      raw.on('data', (d) => { rawData += d.toString('latin1'); });
      raw.on('close', () => { rawClosedAt = Date.now(); });
      raw.on('error', () => {});
      raw.write(`GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${lim.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
      for (let i = 0; i < 80 && !rawClosedAt; i++) await sleep(100);
      ok(/^HTTP\/1\.1 101/.test(rawData), 'raw handshake accepted', rawData.slice(0, 40));
      ok(rawData.includes('\x89'), 'server pinged the idle client');
      ok(rawClosedAt && rawClosedAt - t0 < 6000, 'silent client dropped within a few seconds', rawClosedAt - t0);
      ok(live.ws.readyState === 1, 'a client that answers pings stays connected');
      live.close();
      raw.destroy();
    });
    const { code } = await stopServer(lim, 'SIGINT');
    ok(code === 0, 'exit 0 on SIGINT', { code, err: lim.err.slice(-600) });
  }

  await test('hosts the WhatsApp webhook when LOKET_WA_* is set', async () => {
    const wa = await startServer({ env: { LOKET_WA_PHONE_NUMBER_ID: '1000', LOKET_WA_TOKEN: 'uji',
      LOKET_WA_APP_SECRET: 'rahasia', LOKET_WA_VERIFY_TOKEN: 'cocok', LOKET_WA_GRAPH_URL: 'http://127.0.0.1:9/' } });
    try {
      ok(/channels on: web, whatsapp/.test(wa.out), 'both channels on', wa.out);
      const v = await get(`${wa.url}/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=cocok&hub.challenge=4242`);
      ok(v.status === 200 && v.body === '4242', 'webhook verification answered', v);
      const c = await connect(wa);
      c.send({ type: 'message', text: 'menu' });
      ok((await c.next((f) => f.type === 'message')).text.length > 0, 'web chat still works beside it');
      c.close();
    } finally {
      const { code } = await stopServer(wa);
      ok(code === 0, 'exit 0', { code, err: wa.err.slice(-600) });
    }
    let out = '';
    try { execFileSync(bin, ['serve', '--db', path.join(tempDir('loket-wa-'), 'x.db')], { env: { ...process.env, LOKET_WA_TOKEN: 'x' }, encoding: 'utf8', stdio: 'pipe', timeout: 20000 }); } catch (e) { out = String(e.stderr); ok(e.status === 1, 'half a WhatsApp configuration: exit 1', e.status); }
    ok(/LOKET_WA_/.test(out), 'says what is missing', out);
  });

  await test('bad arguments are explained', async () => {
    let out = '';
    try { execFileSync(bin, ['serve', '--listen', 'nowhere:99999'], { encoding: 'utf8', stdio: 'pipe', timeout: 10000 }); } catch (e) { out = String(e.stderr); ok(e.status === 2, 'exit 2', e.status); }
    ok(/port tidak sah/.test(out), 'invalid port message', out);
    try { execFileSync(bin, ['serve', '--origin', 'evil'], { encoding: 'utf8', stdio: 'pipe', timeout: 10000 }); } catch (e) { out = String(e.stderr); }
    ok(/origin harus/.test(out), 'invalid origin message', out);
  });
}

main().then(() => process.exit(report()), (e) => { console.log(`not ok: ${e.stack}`); report(); process.exit(1); });
