// WhatsApp webhook benchmark: signed webhook POSTs at rising rates into a real `loket serve`
// (default flows), replies going to the fake Graph API in its own process. For each step it
// prints inbound messages/s achieved, webhook response p50/p99, reply latency (webhook sent to
// first reply accepted by the Graph API) and whether every message was committed and every
// reply delivered. usage: node bench/whatsapp_bench.js [LOKET_BIN]
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { spawn, execFileSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const bin = path.resolve(root, process.argv[2] || process.env.LOKET_BIN || './loket');
const RATES = (process.env.WA_BENCH_RATES || '500,1000,2000,4000,5000,6000').split(',').map(Number);
const SECONDS = Number(process.env.WA_BENCH_SECONDS || 4);
const PER_POST = Number(process.env.WA_BENCH_PER_POST || 5);   // messages per webhook (Meta batches)
const SECRET = 'bench-secret', PNID = '420000000000009';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve) => {
    const s = require('net').createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}
function getJSON(port, p) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: p, agent: false }, (res) => {
      const c = []; res.on('data', (d) => c.push(d)); res.on('end', () => resolve(JSON.parse(Buffer.concat(c))));
    }).on('error', reject);
  });
}
const pct = (a, p) => (a.length ? a[Math.min(a.length - 1, Math.floor(a.length * p))] : NaN);

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loket-wa-bench-'));
  const gport = await freePort(), port = await freePort();
  const graph = spawn(process.execPath, [path.join(root, 'tests/whatsapp/fake_graph.js'), '--port', String(gport), '--quiet', '--first-only'], { stdio: ['ignore', 'pipe', 'inherit'] });
  process.on('exit', () => graph.kill('SIGKILL'));   /* also when the bench fails half-way */
  await new Promise((r) => graph.stdout.once('data', r));
  const env = { ...process.env, LOKET_WA_PHONE_NUMBER_ID: PNID, LOKET_WA_TOKEN: 'bench-token', LOKET_WA_APP_SECRET: SECRET,
    LOKET_WA_VERIFY_TOKEN: 'bench-verify', LOKET_WA_GRAPH_URL: `http://127.0.0.1:${gport}/v21.0`,
    LOKET_WA_RATE: process.env.LOKET_WA_RATE || '0', LOKET_WA_CONCURRENCY: process.env.LOKET_WA_CONCURRENCY || '32' };
  const db = path.join(dir, 'bench.db');
  const srv = spawn(bin, ['serve', '--listen', `127.0.0.1:${port}`, '--db', db, '--flows', path.join(root, 'flows')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  srv.stdout.on('data', (d) => { out += d; });
  srv.stderr.on('data', () => {});
  srv.on('error', (e) => { console.error(`cannot start ${bin}: ${e.message} (build it with make)`); process.exit(1); });
  for (let i = 0; i < 150 && !/http:\/\//.test(out); i++) await sleep(100);
  if (!/http:\/\//.test(out)) throw new Error(`${bin} serve did not start within 15 s`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  console.log(`Benchmark webhook WhatsApp / WhatsApp webhook benchmark: ${PER_POST} pesan per webhook / messages per webhook, ${SECONDS} s per langkah / per step, laju kirim Graph API / Graph send rate: ${env.LOKET_WA_RATE === '0' ? 'tanpa batas / unlimited' : env.LOKET_WA_RATE + '/s'}`);
  console.log('target/s  achieved/s  webhook p50  webhook p99  reply p50  reply p99  committed  delivered');
  let citizen = 0, best = null;
  for (const rate of RATES) {
    const lat = [], sentAt = new Map();
    let inflight = 0, errors = 0, msgs = 0;
    const total = rate * SECONDS, posts = Math.ceil(total / PER_POST);
    const t0 = Date.now();
    const firstCitizen = citizen;
    await new Promise((resolve) => {
      let issued = 0, done = 0;
      const tick = () => {
        const due = Math.min(posts, Math.floor(((Date.now() - t0) / 1000) * rate / PER_POST) + 1);
        for (; issued < due; issued++) {
          const messages = [];
          for (let k = 0; k < PER_POST && msgs < total; k++, msgs++) {
            const who = String(6280000000000 + ++citizen);
            messages.push({ from: who, id: `wamid.BENCH${who}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: 'halo' } });
            sentAt.set(who, Date.now());
          }
          const raw = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: PNID }, contacts: messages.map((m) => ({ wa_id: m.from })), messages } }] }] });
          const sig = 'sha256=' + crypto.createHmac('sha256', SECRET).update(raw).digest('hex');
          const start = process.hrtime.bigint();
          inflight++;
          const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/whatsapp/webhook', agent,
            headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(raw), 'X-Hub-Signature-256': sig } }, (res) => {
            res.resume();
            res.on('end', () => { if (res.statusCode !== 200) errors++; lat.push(Number(process.hrtime.bigint() - start) / 1e6); inflight--; if (++done === posts) resolve(); });
          });
          req.on('error', () => { errors++; inflight--; if (++done === posts) resolve(); });
          req.end(raw);
        }
        if (issued < posts) setTimeout(tick, 5);
      };
      tick();
    });
    const elapsed = (Date.now() - t0) / 1000;
    const achieved = total / elapsed;
    // every reply delivered: each citizen's first reply reached the fake Graph API
    let first = {};
    const deadline = Date.now() + 30000;
    for (;;) {
      first = await getJSON(gport, '/_first');
      let have = 0;
      for (let c = firstCitizen + 1; c <= citizen; c++) if (first[String(6280000000000 + c)]) have++;
      if (have === total || Date.now() > deadline) break;
      await sleep(250);
    }
    const rl = [];
    for (let c = firstCitizen + 1; c <= citizen; c++) {
      const who = String(6280000000000 + c);
      if (first[who]) rl.push(first[who] - sentAt.get(who));
    }
    const committed = Number(execFileSync('sqlite3', [db, `select count(*) from wa_inbox where wamid like 'wamid.BENCH%' and cast(substr(wamid, 12) as integer) > ${6280000000000 + firstCitizen} and cast(substr(wamid, 12) as integer) <= ${6280000000000 + citizen}`], { encoding: 'utf8' }).trim());
    lat.sort((a, b) => a - b); rl.sort((a, b) => a - b);
    const delivered = rl.length;
    const line = [String(rate).padStart(8), achieved.toFixed(0).padStart(11), (pct(lat, 0.5).toFixed(1) + ' ms').padStart(12),
      (pct(lat, 0.99).toFixed(1) + ' ms').padStart(12), (pct(rl, 0.5).toFixed(0) + ' ms').padStart(10), (pct(rl, 0.99).toFixed(0) + ' ms').padStart(10),
      `${committed}/${total}`.padStart(10), `${delivered}/${total}`.padStart(10)].join(' ');
    console.log(line + (errors ? `  (${errors} errors)` : ''));
    const good = errors === 0 && committed === total && delivered === total && achieved >= rate * 0.95 && pct(lat, 0.99) < 50;
    if (good) best = { rate: achieved, p50: pct(lat, 0.5), p99: pct(lat, 0.99), r50: pct(rl, 0.5), r99: pct(rl, 0.99) };
    await sleep(1000);
  }
  if (best)
    console.log(`wa_inbound_msgs_per_s=${best.rate.toFixed(0)} webhook_p50_ms=${best.p50.toFixed(1)} webhook_p99_ms=${best.p99.toFixed(1)} reply_p50_ms=${best.r50.toFixed(0)} reply_p99_ms=${best.r99.toFixed(0)}`);
  else
    console.log('wa_inbound_msgs_per_s=0 (no step sustained with every message committed, every reply delivered and p99 < 50 ms)');
  agent.destroy();
  srv.kill('SIGTERM');
  await new Promise((r) => { srv.on('exit', r); setTimeout(() => { srv.kill('SIGKILL'); r(); }, 15000); });
  graph.kill();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => { console.error(e); process.exit(1); });
