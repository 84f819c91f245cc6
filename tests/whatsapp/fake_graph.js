// A stand-in for Meta's Graph API on 127.0.0.1: accepts POST /{version}/{phone-number-id}/messages,
// records every request (path, bearer token, JSON body, how it was answered) and answers
// according to its mode: ok (200 + a wamid), 500, 429 (HTTP 429, code 130429), 130429, 131056,
// 131047 (permanent: outside the 24-hour window), 190 (expired token), slow (ok after a delay),
// hang (never answers), drop (closes the connection).
//
// As a module: const g = await startFakeGraph(); g.url, g.requests, g.setMode('500'), g.close().
// As a program (try-out and benchmark): node tests/whatsapp/fake_graph.js [--port N] [--quiet]
//   [--first-only: keep only each recipient's first reply time, for the benchmark]
//   control: POST /_mode {"mode":"500","delay_ms":300}; GET /_requests; GET /_first; GET /_stats;
//   POST /_reset
'use strict';

const http = require('http');

const ERRORS = {
  '500': [500, 2, 'Service temporarily unavailable'],
  '429': [429, 130429, 'Rate limit hit'],
  '130429': [400, 130429, 'Rate limit hit'],
  '131056': [400, 131056, '(Business Account, Consumer Account) pair rate limit hit'],
  '131047': [400, 131047, 'Re-engagement message'],
  '131026': [400, 131026, 'Message undeliverable'],
  '190': [401, 190, 'Access token has expired'],
};

function startFakeGraph(opts = {}) {
  const g = {
    requests: [], mode: opts.mode || 'ok', delayMs: opts.delayMs || 300, counter: 0,
    keep: opts.keep !== false, accepted: 0, firstAt: 0, lastAt: 0, waiters: [],
    firstReply: opts.firstOnly ? new Map() : null,  // recipient -> ms of its first accepted reply
  };
  g.setMode = (mode, delayMs) => { g.mode = mode; if (delayMs !== undefined) g.delayMs = delayMs; };
  g.acceptedBodies = () => g.requests.filter((r) => r.status === 200 && r.body && !r.body.status);
  g._wake = () => { const w = g.waiters; g.waiters = []; w.forEach((f) => f()); };
  // Resolves once pred(g) holds; rejects after ms.
  g.waitFor = (pred, ms = 10000) => new Promise((resolve, reject) => {
    const deadline = Date.now() + ms;
    const check = () => {
      let v;
      try { v = pred(g); } catch (e) { v = false; }
      if (v) return resolve(v);
      if (Date.now() > deadline) return reject(new Error(`fake graph: condition not met in ${ms} ms`));
      const t = setTimeout(check, Math.min(100, Math.max(1, deadline - Date.now())));
      g.waiters.push(() => { clearTimeout(t); setImmediate(check); });
    };
    check();
  });

  function answer(res, rec, status, obj) {
    const out = JSON.stringify(obj);
    rec.status = status;
    if (status === 200) {
      g.accepted++;
      g.lastAt = Date.now();
      if (!g.firstAt) g.firstAt = g.lastAt;
    }
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(out) });
    res.end(out);
    g._wake();
  }

  function onMessages(req, res, raw) {
    const rec = { t: Date.now(), path: req.url, auth: req.headers.authorization || null, raw, status: null };
    try { rec.body = JSON.parse(raw); } catch (e) { rec.body = null; }
    if (g.keep) g.requests.push(rec);
    const mode = g.mode;
    if (mode === 'hang') { rec.status = 'hung'; g._wake(); return; }
    if (mode === 'drop') { rec.status = 'dropped'; req.socket.destroy(); g._wake(); return; }
    if (ERRORS[mode]) {
      const [status, code, message] = ERRORS[mode];
      return answer(res, rec, status, { error: { message: `(#${code}) ${message}`, type: 'OAuthException', code, error_data: { messaging_product: 'whatsapp', details: message }, fbtrace_id: 'fake' } });
    }
    const ok = () => {
      if (rec.body && rec.body.status === 'read') return answer(res, rec, 200, { success: true });
      rec.wamid = `wamid.FAKE${++g.counter}`;
      const to = rec.body && (rec.body.to || rec.body.recipient);
      if (g.firstReply && to && !g.firstReply.has(to)) g.firstReply.set(to, Date.now());
      answer(res, rec, 200, { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id: rec.wamid }] });
    };
    if (mode === 'slow') setTimeout(ok, g.delayMs); else ok();
  }

  function onControl(req, res, raw) {
    const send = (obj) => { const s = JSON.stringify(obj); res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(s); };
    if (req.url === '/_mode') {
      const m = JSON.parse(raw || '{}');
      g.setMode(m.mode || 'ok', m.delay_ms);
      return send({ mode: g.mode });
    }
    if (req.url === '/_requests') return send(g.requests);
    if (req.url === '/_first') return send(Object.fromEntries(g.firstReply || []));
    if (req.url === '/_stats') return send({ requests: g.requests.length, accepted: g.accepted, first_at: g.firstAt, last_at: g.lastAt, mode: g.mode });
    if (req.url === '/_reset') { g.requests = []; g.accepted = 0; g.firstAt = g.lastAt = 0; return send({ ok: true }); }
    res.writeHead(404); res.end();
  }

  g.server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      if (req.url.startsWith('/_')) return onControl(req, res, raw);
      if (req.method === 'POST' && /^\/v\d+\.\d+\/[^/]+\/messages$/.test(req.url)) return onMessages(req, res, raw);
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Unknown path', code: 100 } }));
    });
  });
  g.server.keepAliveTimeout = 60000;
  g.sockets = new Set();
  g.server.on('connection', (s) => { g.sockets.add(s); s.on('close', () => g.sockets.delete(s)); });
  g.close = () => new Promise((resolve) => {
    for (const s of g.sockets) s.destroy();
    g.server.close(() => resolve());
  });
  return new Promise((resolve) => {
    g.server.listen(opts.port || 0, '127.0.0.1', () => {
      g.port = g.server.address().port;
      g.base = `http://127.0.0.1:${g.port}`;
      g.url = `${g.base}/v21.0`;
      resolve(g);
    });
  });
}

module.exports = { startFakeGraph };

if (require.main === module) {
  const args = process.argv.slice(2);
  const port = args.includes('--port') ? Number(args[args.indexOf('--port') + 1]) : 0;
  const quiet = args.includes('--quiet');
  const firstOnly = args.includes('--first-only');
  startFakeGraph({ port, keep: !args.includes('--no-keep') && !firstOnly, firstOnly }).then((g) => {
    console.log(`Graph API palsu / fake Graph API: ${g.url}`);
    if (!quiet) {
      const orig = g._wake;
      let shown = 0;
      g._wake = () => {
        for (; shown < g.requests.length; shown++) {
          const r = g.requests[shown];
          if (r.status === null) continue;
          const b = r.body || {};
          const text = b.text ? b.text.body : b.interactive ? `[${b.interactive.type}] ${b.interactive.body.text}` : JSON.stringify(b);
          console.log(`→ ${b.to || b.recipient || ''} (${r.status}): ${text}`);
        }
        orig();
      };
    }
  });
}
