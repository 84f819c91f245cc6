// The WhatsApp connector end to end: a real `loket serve` (LOKET_BIN), signed webhooks of
// every kind posted to /whatsapp/webhook, a fake Graph API on 127.0.0.1 receiving the
// replies, and SQLite checked afterwards. Prints one "N passed, N failed" line.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const path = require('path');
const { ok, test, report, sleep, tempDir, startServer, stopServer, Client, sql, root } = require('../web/lib.js');
const { startFakeGraph } = require('./fake_graph.js');

const SECRET = 'uji-rahasia-aplikasi';
const VERIFY = 'uji-verifikasi';
const TOKEN = 'uji-token-graph';
const PNID = '420000000000002';

// ---- webhooks ----

function sign(raw, secret = SECRET) {
  return 'sha256=' + crypto.createHmac('sha256', secret).update(raw).digest('hex');
}

function request(srv, method, pathname, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    if (body !== undefined) headers = { ...headers, 'Content-Length': Buffer.byteLength(body) };
    const req = http.request({ host: '127.0.0.1', port: srv.port, method, path: pathname, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString(), ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
    });
    req.setTimeout(10000, () => req.destroy(new Error('request timeout')));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function post(srv, payload, opts = {}) {
  const raw = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const headers = { 'Content-Type': 'application/json' };
  if (opts.sig !== null) headers['X-Hub-Signature-256'] = opts.sig || sign(raw);
  return request(srv, 'POST', '/whatsapp/webhook', raw, headers);
}

let seq = 0;
const wamid = () => `wamid.UJI${Date.now()}x${++seq}`;
const ts = () => String(Math.floor(Date.now() / 1000));

function text(from, body, id = wamid()) {
  return { from, id, timestamp: ts(), type: 'text', text: { body } };
}
function buttonReply(from, id, title) {
  return { from, id: wamid(), timestamp: ts(), type: 'interactive', interactive: { type: 'button_reply', button_reply: { id, title } } };
}
function listReply(from, id, title) {
  return { from, id: wamid(), timestamp: ts(), type: 'interactive', interactive: { type: 'list_reply', list_reply: { id, title } } };
}
function change(messages, statuses, pnid = PNID, contacts) {
  const value = { messaging_product: 'whatsapp', metadata: { display_phone_number: '6221500537', phone_number_id: pnid } };
  if (messages) {
    value.messages = messages;
    value.contacts = contacts || [...new Set(messages.map((m) => m.from).filter(Boolean))].map((w) => ({ profile: { name: 'Warga' }, wa_id: w }));
  }
  if (statuses) value.statuses = statuses;
  return { field: 'messages', value };
}
function hook(...changes) {
  return { object: 'whatsapp_business_account', entry: [{ id: '310000000000001', changes }] };
}

// ---- what reached the fake Graph API ----

const to = (r) => r.body && (r.body.to || r.body.recipient);
const accepted = (g, who) => g.requests.filter((r) => r.status === 200 && r.body && !r.body.status && (!who || to(r) === who));
function shown(r) {
  const b = r.body;
  if (b.type === 'text') return b.text.body;
  if (b.type === 'interactive') return b.interactive.body.text;
  return JSON.stringify(b);
}
async function replies(g, who, n, ms = 8000) {
  try { await g.waitFor(() => accepted(g, who).length >= n, ms); } catch (e) { /* counted below */ }
  return accepted(g, who);
}
// Waits until nothing new reaches the Graph API for quietMs.
async function settle(g, quietMs = 700, ms = 10000) {
  const end = Date.now() + ms;
  let last = -1;
  while (Date.now() < end) {
    if (g.requests.length === last) return;
    last = g.requests.length;
    await sleep(quietMs);
  }
}

// ---- a flow set with menus of every size ----

function testFlows() {
  const dir = tempDir('loket-wa-flows-');
  const long = [];
  for (let i = 0; len(long) < 4000; i++)
    long.push(i % 9 === 8 ? 'Paragraf baru: ke kantor Dukcapil 🏢.\\n\\n' : `Warga ke-${i} mengurus akta kelahiran dengan tertib. `);
  function len(a) { return [...a.join('').replace(/\\n/g, '\n')].length; }
  const opts = (n) => Array.from({ length: n }, (_, i) => `    { "Pilihan ${i + 1}", go = "start" },`).join('\n');
  fs.writeFileSync(path.join(dir, 'main.lua'), `return flow {
  id = "main",
  title = "Uji WhatsApp",
  keywords = { { "salam", go = "sapa" } },
  sapa = say { "Wa'alaikumsalam.", go = "start" },
  start = menu {
    { "Menu uji dengan tiga pilihan:" },
    { "Lima pilihan", go = "lima" },
    { "Dua belas pilihan", go = "duabelas" },
    { "Teks panjang sekali untuk dipotong", go = "panjang" },
  },
  lima = menu {
    { "Pilih satu dari lima:" },
    { "Pilihan kelima yang judulnya panjang sekali", go = "start" },
${opts(4)}
  },
  duabelas = menu {
    { "Pilih satu dari dua belas:" },
${opts(12)}
  },
  panjang = menu {
    { "${long.join('')}" },
    { "Kembali", go = "start" },
    { "Lima pilihan", go = "lima" },
  },
}
`);
  return dir;
}

// ---- the tests ----

async function main() {
  const g = await startFakeGraph();
  Object.assign(process.env, {
    LOKET_WA_PHONE_NUMBER_ID: PNID, LOKET_WA_TOKEN: TOKEN, LOKET_WA_APP_SECRET: SECRET,
    LOKET_WA_VERIFY_TOKEN: VERIFY, LOKET_WA_GRAPH_URL: g.url, LOKET_WA_RETRY_BASE_MS: '100',
    LOKET_WA_RETRY_MAX_MS: '400', LOKET_WA_TIMEOUT_MS: '1500', LOKET_WA_RATE: '200',
  });
  const flows = testFlows();
  const dir = tempDir('loket-wa-');
  const db = path.join(dir, 'wa.db');
  let srv = await startServer({ flows, db, dir });

  await test('serve says the WhatsApp channel is on', async () => {
    ok(/whatsapp/.test(srv.out), 'banner lists whatsapp', srv.out);
    ok(!srv.err.includes(TOKEN) && !srv.err.includes(SECRET) && !srv.err.includes(VERIFY), 'no secret in the log');
  });

  await test('verification handshake', async () => {
    let r = await request(srv, 'GET', `/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=1158201444`);
    ok(r.status === 200 && r.body === '1158201444', 'right token echoes the challenge', r);
    r = await request(srv, 'GET', '/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=salah&hub.challenge=9');
    ok(r.status === 403 && !r.body.includes('9'), 'wrong token: 403', r);
    r = await request(srv, 'GET', `/whatsapp/webhook?hub.mode=unsubscribe&hub.verify_token=${VERIFY}&hub.challenge=9`);
    ok(r.status === 403, 'wrong mode: 403', r);
    r = await request(srv, 'GET', `/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=${VERIFY}`);
    ok(r.status === 403, 'no challenge: 403', r);
  });

  await test('bad and missing signatures are refused, never processed', async () => {
    const m = text('6281100000001', 'halo');
    const raw = JSON.stringify(hook(change([m])));
    let r = await post(srv, raw, { sig: null });
    ok(r.status === 401, 'missing signature: 401', r);
    r = await post(srv, raw, { sig: sign(raw, 'rahasia-lain') });
    ok(r.status === 403, 'wrong secret: 403', r);
    r = await post(srv, raw, { sig: 'sha256=' + '0'.repeat(64) });
    ok(r.status === 403, 'forged signature: 403', r);
    r = await post(srv, raw.replace('halo', 'hal0'), { sig: sign(raw) });
    ok(r.status === 403, 'altered body: 403', r);
    await sleep(300);
    ok(sql(db, `select count(*) from wa_inbox where wamid='${m.id}'`) === '0', 'nothing stored');
    ok(accepted(g, '6281100000001').length === 0, 'nothing answered');
    ok(/tanda tangan|signature/.test(srv.err), 'refusals logged');
  });

  let menuIds = [];
  await test('a text gets its reply: buttons for 3 options, after the commit', async () => {
    const m = text('6281100000002', 'halo min 😀');
    const r = await post(srv, hook(change([m])));
    ok(r.status === 200, 'signed webhook: 200', r);
    ok(sql(db, `select state from wa_inbox where wamid='${m.id}'`) !== '', 'inbox row committed before the 200');
    const got = await replies(g, '6281100000002', 1);
    ok(got.length >= 1, 'a reply reached the Graph API', g.requests.slice(-3));
    const last = got[got.length - 1];
    ok(last.auth === `Bearer ${TOKEN}`, 'bearer token', last.auth);
    ok(last.path === `/v21.0/${PNID}/messages`, 'phone number id path', last.path);
    ok(last.body.messaging_product === 'whatsapp', 'messaging_product');
    ok(last.body.type === 'interactive' && last.body.interactive.type === 'button', '3 options: reply buttons', last.body);
    const btns = last.body.type === 'interactive' ? last.body.interactive.action.buttons : [];
    ok(btns.length === 3, 'three buttons', btns);
    ok(btns.every((b) => [...b.reply.title].length <= 20), 'titles within 20', btns);
    ok(btns.some((b) => b.reply.title.endsWith('…')), 'a long title shortened with an ellipsis', btns);
    menuIds = btns.map((b) => b.reply.id);
    await settle(g);
    ok(sql(db, `select state from wa_inbox where wamid='${m.id}'`) === 'done', 'inbox row done');
    ok(sql(db, `select count(*) from messages where channel='whatsapp' and external_id='${m.id}' and direction='in'`) === '1', 'inbound in the transcript');
    ok(sql(db, `select count(*) from wa_outbox where recipient='6281100000002' and state='sent' and wamid is not null`) >= '1', 'outbox rows sent with wamid');
    ok(sql(db, `select count(*) from messages where channel='whatsapp' and direction='out' and status='sent' and external_id like 'wamid.FAKE%'`) >= '1', 'transcript has the wamid and status sent');
  });

  await test('the texts of a turn travel in front of its menu as one message', async () => {
    const who = '6281100000077';
    const r = await post(srv, hook(change([text(who, 'halo')])));
    ok(r.status === 200, '200', r);
    await replies(g, who, 1);
    await settle(g);
    const before = accepted(g, who).length;
    await post(srv, hook(change([text(who, 'salam')])));
    await replies(g, who, before + 1);
    await settle(g);
    const got = accepted(g, who).slice(before);
    ok(got.length === 1, 'one Graph API request for a say and a menu', got.map((x) => x.body));
    const body = got.length ? got[0].body : {};
    ok(body.type === 'interactive' && /^Wa'alaikumsalam\.\n\nMenu uji/.test(body.interactive.body.text),
       'the greeting and the menu text in one body', body);
  });

  await test('button reply by id leads to a list (5 options), list reply to the menu again', async () => {
    const who = '6281100000002';
    const before = accepted(g, who).length;
    const r = await post(srv, hook(change([buttonReply(who, menuIds[0], 'Lima pi…')])));
    ok(r.status === 200, '200', r);
    const got = (await replies(g, who, before + 1)).slice(before);
    const list = got.find((x) => x.body.type === 'interactive' && x.body.interactive.type === 'list');
    ok(list, '5 options: a list', got.map((x) => x.body));
    if (list) {
      const a = list.body.interactive.action;
      const rows = a.sections[0].rows;
      ok(rows.length === 5, 'five rows', rows);
      ok(rows.every((x) => [...x.title].length <= 24 && (!x.description || [...x.description].length <= 72)), 'row limits', rows);
      ok([...a.button].length <= 20, 'button label within 20', a.button);
      ok(rows[0].title.endsWith('…') && rows[0].description && rows[0].description.includes('judulnya'), 'long row title shortened, full text in the description', rows[0]);
      await settle(g);
      const n2 = accepted(g, who).length;
      await post(srv, hook(change([listReply(who, rows[1].id, rows[1].title)])));
      const back = (await replies(g, who, n2 + 1)).slice(n2);
      ok(back.some((x) => x.body.type === 'interactive' && x.body.interactive.type === 'button'), 'list reply mapped by id: back to the 3-option menu', back.map((x) => x.body));
    }
  });

  await test('12 options: numbered text; long multi-byte text split', async () => {
    const who = '6281100000003';
    await post(srv, hook(change([text(who, 'halo')])));
    await replies(g, who, 1);
    await settle(g);
    let n = accepted(g, who).length;
    await post(srv, hook(change([buttonReply(who, menuIds[1], 'Dua belas')])));
    let got = (await replies(g, who, n + 1)).slice(n);
    const numbered = got.find((x) => x.body.type === 'text' && /12\. Pilihan 12/.test(x.body.text.body));
    ok(numbered, '12 options: numbered text', got.map((x) => x.body));
    await settle(g);
    n = accepted(g, who).length;
    await post(srv, hook(change([text(who, '1')])));  // a number picks from numbered text
    await replies(g, who, n + 1);
    await settle(g);
    n = accepted(g, who).length;
    await post(srv, hook(change([buttonReply(who, menuIds[2], 'Teks panjang')])));
    await replies(g, who, n + 2);
    await settle(g);
    got = accepted(g, who).slice(n);
    ok(got.length >= 2, '4,000 characters with buttons: at least two parts', got.map((x) => [...shown(x)].length));
    ok(got.slice(0, -1).every((x) => x.body.type === 'text' && [...x.body.text.body].length <= 4096), 'leading parts are text within 4096', got.map((x) => x.body.type));
    const last = got[got.length - 1];
    ok(last && last.body.type === 'interactive' && [...last.body.interactive.body.text].length <= 1024, 'options only on the last part, its body within 1024', last && last.body.type);
    ok(got.every((x) => !/\uFFFD/.test(shown(x))), 'no broken characters');
    const joined = got.map(shown).join(' ');
    ok(joined.includes('Warga ke-0 ') && joined.includes('🏢') && joined.includes('Warga ke-1'), 'nothing lost', joined.length);
  }, 60000);

  await test('duplicates: the same message twice is answered once', async () => {
    const who = '6281100000004';
    const payload = hook(change([text(who, 'halo')]));
    let r = await post(srv, payload);
    ok(r.status === 200, 'first 200');
    await replies(g, who, 1);
    await settle(g);
    const n = accepted(g, who).length;
    r = await post(srv, payload);
    ok(r.status === 200, 'duplicate also 200', r);
    await settle(g);
    ok(accepted(g, who).length === n, 'no second reply', accepted(g, who).length);
  });

  await test('a batch: several entries, changes and a duplicate, emoji, unknown and media types', async () => {
    const a = '6281100000005', b = '6281100000006', c = 'ID.1502576394655843';
    const dupe = text(a, 'halo 🙏🏽 selamat pagi');
    const body = {
      object: 'whatsapp_business_account', entry: [
        { id: '1', changes: [change([dupe, { ...dupe }])] },
        { id: '2', changes: [change([text(b, 'x'.repeat(20000))]), change([{ from: b, id: wamid(), type: 'reaction', reaction: { message_id: 'wamid.x', emoji: '👍' } }])] },
        { id: '3', changes: [change([{ id: wamid(), from_user_id: c, type: 'text', text: { body: 'hai' } }], null, PNID, [{ profile: { name: 'W' }, user_id: c }])] },
        { id: '4', changes: [change([{ from: a, id: wamid(), timestamp: String(Date.now()), type: 'hologram' }])] },
        { id: '5', changes: [change([{ from: b, id: wamid(), type: 'image', image: { id: 'm1', mime_type: 'image/jpeg' } }])] },
        { id: '6', changes: [change([{ from: b, id: wamid(), type: 'system', system: { body: 'nomor berganti', type: 'customer_changed_number' } }])] },
        { id: '7', changes: [change([text('6289999999999', 'bukan untuk kita')], null, '999999')] },
      ],
    };
    const r = await post(srv, body);
    ok(r.status === 200, 'batch: 200', r);
    await settle(g, 1000);
    const inbox = sql(db, `select count(*) from wa_inbox where wamid='${dupe.id}'`);
    ok(inbox === '1', 'duplicate inside the batch stored once', inbox);
    ok(accepted(g, a).length >= 2, 'text and unknown type both answered', accepted(g, a).map(shown));
    ok(accepted(g, c).length >= 1 && accepted(g, c).every((x) => x.body.recipient === c && !x.body.to), 'business-scoped sender answered through "recipient"', accepted(g, c).map((x) => x.body));
    const bReplies = accepted(g, b);
    ok(bReplies.length >= 2, 'long text and image answered, reaction and system not', bReplies.map(shown));
    ok(sql(db, "select count(*) from wa_inbox where type='reaction' and state='done'") === '1', 'reaction recorded');
    ok(sql(db, "select count(*) from wa_inbox where type='system' and state='done'") === '1', 'system message recorded');
    ok(sql(db, "select count(*) from wa_inbox where sender='6289999999999'") === '0', 'other number skipped');
    ok(sql(db, "select count(*) from messages where channel='whatsapp' and direction='in' and payload like '%image%'") >= '1', 'image logged in the transcript');
    ok(accepted(g, '6289999999999').length === 0, 'nothing sent for another number');
  }, 60000);

  await test('malformed bodies answered without crashing', async () => {
    let r = await post(srv, '{"entry": [');
    ok(r.status === 400, 'not JSON: 400', r);
    r = await post(srv, { object: 'whatsapp_business_account', entry: [{ changes: [{ value: 7 }, { field: 'messages', value: { metadata: {}, messages: [{ type: 'text' }] } }] }, 5] });
    ok(r.status === 200, 'odd shapes: 200', r);
    r = await request(srv, 'PUT', '/whatsapp/webhook', 'x');
    ok(r.status >= 400, 'other methods refused', r);
    const big = JSON.stringify(hook(change([text('6281100000007', 'y'.repeat(3.2 * 1024 * 1024))])));
    r = await post(srv, big).catch((e) => ({ status: 'error ' + e.message }));
    ok(r.status === 413 || /error/.test(String(r.status)), 'over 3 MB refused', r.status);
    r = await request(srv, 'GET', `/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=5`);
    ok(r.status === 200, 'still serving', r);
  });

  await test('status webhooks update the transcript: delivered, read, late sent, failed', async () => {
    const sent = accepted(g, '6281100000004');
    const w1 = sent[0].wamid, w2 = sent[sent.length - 1].wamid;
    const st = (id, status, extra = {}) => ({ id, status, timestamp: ts(), recipient_id: '6281100000004', ...extra });
    let r = await post(srv, hook(change(null, [st(w1, 'delivered'), st(w1, 'read')])));
    ok(r.status === 200, 'statuses-only POST: 200', r);
    r = await post(srv, hook(change(null, [st(w1, 'sent')])));
    await sleep(300);
    ok(sql(db, `select status from wa_outbox where wamid='${w1}'`) === 'read', 'outbox status read (late sent ignored)');
    ok(sql(db, `select m.status from messages m join wa_outbox o on o.message_id=m.id where o.wamid='${w1}'`) === 'read', 'transcript status read');
    await post(srv, hook(change(null, [st(w2, 'failed', { errors: [{ code: 131047, title: 'Re-engagement message', error_data: { details: 'More than 24 hours' } }] })])));
    await sleep(300);
    const row = sql(db, `select m.status || '|' || m.error from messages m join wa_outbox o on o.message_id=m.id where o.wamid='${w2}'`);
    ok(/^failed\|131047/.test(row), 'failed with its error code', row);
    await post(srv, hook(change(null, [st('wamid.UNKNOWN', 'delivered')])));
    ok(sql(db, "select count(*) from wa_statuses where wamid='wamid.UNKNOWN'") === '1', 'status for an unknown message kept');
  });

  // What the Graph API accepted for a citizen against the outbox: every row once, in order.
  function ledger(who) {
    const got = accepted(g, who).map(shown);
    const rows = sql(db, `select body from wa_outbox where recipient='${who}' order by id`).split('\n').filter(Boolean);
    const want = rows.map((b) => shown({ body: JSON.parse(b) }));
    return { got, want, once: JSON.stringify(got) === JSON.stringify(want) };
  }

  await test('outage then recovery: nothing lost, nothing twice, in order', async () => {
    const people = ['6281200000001', '6281200000002', '6281200000003'];
    g.setMode('500');
    for (const p of people) {
      await post(srv, hook(change([text(p, 'halo')])));
      await post(srv, hook(change([text(p, '1')])));
    }
    await g.waitFor(() => g.requests.filter((r) => r.status === 500).length >= 6, 8000).catch(() => {});
    ok(g.requests.filter((r) => r.status === 500).length >= 6, 'retried during the outage');
    const pending = sql(db, "select count(*) from wa_outbox where state='pending' and attempts > 0");
    ok(Number(pending) >= 3, 'pending with attempts recorded', pending);
    g.setMode('429');
    await sleep(600);
    g.setMode('ok');
    await settle(g, 1000, 20000);
    for (const p of people) {
      const { got, want, once } = ledger(p);
      ok(got.length >= 2, `${p}: replies delivered after recovery`, got);
      ok(once, `${p}: each outbox row accepted once, in order`, { got, want });
      const outbox = sql(db, `select group_concat(state) from (select state from wa_outbox where recipient='${p}' order by id)`);
      ok(!/pending|failed/.test(outbox), `${p}: outbox all sent`, outbox);
      const order = sql(db, `select group_concat(wamid, ' ') from (select wamid from wa_outbox where recipient='${p}' order by id)`).split(' ');
      const seen = accepted(g, p).map((r) => r.wamid);
      ok(JSON.stringify(order) === JSON.stringify(seen), `${p}: sent in outbox order`, { order, seen });
    }
  }, 60000);

  await test('a permanent error stops that message and records the reason', async () => {
    const p = '6281200000009';
    g.setMode('131047');
    await post(srv, hook(change([text(p, 'halo')])));
    await sleep(1500);
    g.setMode('ok');
    const tries = g.requests.filter((r) => to(r) === p && r.status === 400).length;
    ok(tries >= 1, 'tried', tries);
    const rows = sql(db, `select state || '|' || attempts || '|' || error from wa_outbox where recipient='${p}'`).split('\n');
    ok(rows.every((x) => /^failed\|1\|.*131047/.test(x)), 'failed after one attempt with code 131047', rows);
    ok(sql(db, `select count(*) from messages m join wa_outbox o on o.message_id=m.id where o.recipient='${p}' and m.status='failed'`) >= '1', 'transcript says failed');
  });

  await test('slow Graph API: webhooks are still answered fast', async () => {
    g.setMode('slow', 800);
    const r = await post(srv, hook(change([text('6281200000010', 'halo')])));
    ok(r.status === 200 && r.ms < 500, 'webhook not held by the Graph API', r.ms);
    await replies(g, '6281200000010', 1, 8000);
    g.setMode('ok');
    ok(accepted(g, '6281200000010').length >= 1, 'reply delivered slowly');
  });

  await test('SIGKILL with replies pending: after restart each is sent exactly once, in order', async () => {
    const people = ['6281300000001', '6281300000002'];
    g.setMode('hang');
    for (const p of people) {
      await post(srv, hook(change([text(p, 'halo')])));
      await post(srv, hook(change([text(p, '1')])));
      await post(srv, hook(change([text(p, 'menu')])));
    }
    await g.waitFor(() => people.every((p) => g.requests.some((r) => to(r) === p && r.status === 'hung')), 8000).catch(() => {});
    const pendingBefore = Number(sql(db, `select count(*) from wa_outbox where state='pending' and recipient in ('${people.join("','")}')`));
    ok(pendingBefore >= 2, 'replies pending while the Graph API hangs', pendingBefore);
    const ex = await stopServer(srv, 'SIGKILL');
    ok(ex.signal === 'SIGKILL', 'killed', ex);
    g.setMode('ok');
    srv = await startServer({ flows, db, dir });
    await settle(g, 1000, 20000);
    for (const p of people) {
      const { got, want, once } = ledger(p);
      ok(got.length >= 3, `${p}: replies delivered after restart`, got);
      ok(once, `${p}: each outbox row accepted exactly once, in order`, { got, want });
      const order = sql(db, `select group_concat(wamid, ' ') from (select wamid from wa_outbox where recipient='${p}' order by id)`).split(' ');
      const seen = accepted(g, p).map((r) => r.wamid);
      ok(JSON.stringify(order) === JSON.stringify(seen), `${p}: in order`, { order, seen });
    }
    ok(sql(db, "select count(*) from wa_outbox where state='pending'") === '0', 'outbox empty');
    ok(sql(db, "select count(*) from wa_inbox where state='pending'") === '0', 'inbox empty');
  }, 60000);

  await test('the same conversation on the web channel and on WhatsApp gives the same answers', async () => {
    const steps = ['halo', 'CHOICE0', '2'];
    const web = new Client(srv.ws, { origin: srv.url });
    await web.opened;
    const webTexts = [];
    let lastMenu = null;
    for (const s of steps) {
      if (s.startsWith('CHOICE')) web.send({ type: 'choice', id: lastMenu.options[0].id });
      else web.send({ type: 'message', text: s });
      await sleep(400);
      for (;;) {
        const f = await web.next((x) => x.type === 'message', 3000).catch(() => null);
        if (!f) break;
        webTexts.push(f.text);
        if (f.options && f.options.length) lastMenu = f;
        if (web.frames.filter((x) => x.type === 'message').length === 0) break;
      }
    }
    web.close();
    const who = '6281400000001';
    let ids = [];
    for (const s of steps) {
      const n = accepted(g, who).length;
      const m = s.startsWith('CHOICE') ? buttonReply(who, ids[0], 'x') : text(who, s);
      await post(srv, hook(change([m])));
      await replies(g, who, n + 1);
      await settle(g, 500);
      const last = accepted(g, who).slice(-1)[0];
      if (last && last.body.type === 'interactive' && last.body.interactive.type === 'button')
        ids = last.body.interactive.action.buttons.map((b) => b.reply.id);
    }
    const waTexts = accepted(g, who).map(shown);
    ok(webTexts.length > 0 && JSON.stringify(webTexts) === JSON.stringify(waTexts), 'same texts in the same order', { webTexts, waTexts });
  });

  await stopServer(srv);
  ok(!/Sanitizer|runtime error/.test(srv.err), 'no sanitizer report', srv.err.slice(-2000));
  await g.close();
  fs.rmSync(flows, { recursive: true, force: true });
  fs.rmSync(dir, { recursive: true, force: true });
  return report();
}

main().then((rc) => process.exit(rc), (e) => { console.log(`not ok: ${e.stack}`); console.log('0 passed, 1 failed'); process.exit(1); });
