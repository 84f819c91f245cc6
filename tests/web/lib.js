// Shared helpers for the web channel tests: a tiny harness (ok/test/report), a real
// `loket serve` on 127.0.0.1 with a free port and a temp database, and a WebSocket
// client with a frame queue. Every wait is bounded.
'use strict';

const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const WebSocket = require('ws');

const root = path.resolve(__dirname, '..', '..');
const bin = path.resolve(root, process.env.LOKET_BIN || './loket');
const slow = /build\/test/.test(bin) ? 3 : 1;  // sanitized builds start slower

let passed = 0, failed = 0;
function ok(cond, what, detail) {
  if (cond) passed++;
  else {
    failed++;
    console.log(`not ok: ${what}${detail !== undefined ? ' — ' + JSON.stringify(detail).slice(0, 400) : ''}`);
  }
  return !!cond;
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timeout after ${ms} ms: ${what}`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

async function test(name, fn, ms = 30000) {
  console.log(`# ${name}`);
  try {
    await withTimeout(Promise.resolve().then(fn), ms * slow, name);
  } catch (e) {
    ok(false, `${name}: ${e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : e}`);
  }
}

function report() {
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

// Starts `loket serve`; resolves once it prints the URL to open.
async function startServer(opts = {}) {
  const port = opts.port || await freePort();
  const dir = opts.dir || tempDir('loket-web-');
  const db = opts.db || path.join(dir, 'loket.db');
  const args = ['serve', '--listen', `127.0.0.1:${port}`, '--db', db,
    '--flows', opts.flows || path.join(root, 'flows'),
    '--widget-dir', path.join(root, 'web-widget'), ...(opts.args || [])];
  const child = spawn(bin, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...(opts.env || {}) } });
  const srv = { child, port, db, dir, url: `http://127.0.0.1:${port}`, ws: `ws://127.0.0.1:${port}/ws`, out: '', err: '' };
  child.stdout.on('data', (d) => { srv.out += d; });
  child.stderr.on('data', (d) => { srv.err += d; });
  srv.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  await withTimeout((async () => {
    while (!/http:\/\/127\.0\.0\.1:\d+\//.test(srv.out)) {
      if (child.exitCode !== null) throw new Error(`server exited: ${srv.err}`);
      await sleep(50);
    }
  })(), 15000 * slow, 'server start');
  return srv;
}

// Sends a signal and waits for the exit; kills hard after the deadline.
async function stopServer(srv, signal = 'SIGTERM', ms = 15000) {
  if (srv.child.exitCode !== null) return srv.exited;
  srv.child.kill(signal);
  try {
    return await withTimeout(srv.exited, ms * slow, 'server exit');
  } catch (e) {
    srv.child.kill('SIGKILL');
    await srv.exited;
    return { code: -1, signal: 'SIGKILL' };
  }
}

// A WebSocket client whose frames can be awaited one by one.
class Client {
  constructor(url, opts = {}) {
    this.frames = [];
    this.waiters = [];
    this.closed = null;
    this.ws = new WebSocket(url, { origin: opts.origin, handshakeTimeout: 5000 * slow });
    this.ws.on('message', (data, isBinary) => {
      let f;
      try { f = JSON.parse(data.toString()); } catch (e) { f = { type: '__unparsed', raw: data.toString(), isBinary }; }
      this.frames.push(f);
      this._wake();
    });
    this.ws.on('close', (code, reason) => { this.closed = { code, reason: reason.toString() }; this._wake(); });
    this.ws.on('error', (e) => { this.error = e; this._wake(); });
    this.ws.on('unexpected-response', (req, res) => { this.refused = res.statusCode; this.ws.terminate(); this._wake(); });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', resolve);
      this.ws.once('close', (code) => reject(new Error(`closed before open (${code})`)));
      this.ws.once('error', reject);
    });
    this.opened.catch(() => {});
  }
  _wake() { const w = this.waiters; this.waiters = []; w.forEach((f) => f()); }
  send(obj) { this.ws.send(typeof obj === 'string' || Buffer.isBuffer(obj) ? obj : JSON.stringify(obj)); }
  // Next frame matching pred (consumes it and the frames before it).
  async next(pred = () => true, ms = 5000) {
    const deadline = Date.now() + ms * slow;
    for (;;) {
      const i = this.frames.findIndex(pred);
      if (i >= 0) return this.frames.splice(0, i + 1)[i];
      if (this.closed) throw new Error(`closed (${this.closed.code}) while waiting; frames: ${JSON.stringify(this.frames).slice(0, 300)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching frame in ${ms} ms; frames: ${JSON.stringify(this.frames).slice(0, 300)}`);
      await new Promise((r) => { const t = setTimeout(r, left); this.waiters.push(() => { clearTimeout(t); r(); }); });
    }
  }
  // Bot message frames until one whose text contains `until` (inclusive).
  async replies(until, ms = 5000) {
    const got = [];
    for (;;) {
      const f = await this.next((x) => x.type === 'message', ms);
      got.push(f);
      if (!until || f.text.includes(until)) return got;
    }
  }
  async waitClose(ms = 5000) {
    const deadline = Date.now() + ms * slow;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => { const t = setTimeout(r, 50); this.waiters.push(() => { clearTimeout(t); r(); }); });
    return this.closed;
  }
  close() { try { this.ws.close(); } catch (e) { /* already closed */ } }
}

function sql(db, query) {
  return execFileSync('sqlite3', ['-batch', '-noheader', db, query], { encoding: 'utf8', timeout: 10000 }).trim();
}

module.exports = { ok, test, report, sleep, freePort, tempDir, startServer, stopServer, Client, sql, root, bin, slow, withTimeout };
