// Widget end-to-end tests in real headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core) against a real `loket serve` with the default flows plus one test flow
// whose text carries HTML. Saves a screenshot of the open widget under build/.
'use strict';

const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');
const { ok, test, report, sleep, startServer, stopServer, sql, root, tempDir, slow } = require('./lib');

const XSS = '<img src=x onerror="window.__xss=1"> <b>tebal</b>';
const artifacts = path.join(root, 'build', 'web-artifacts');

function flowsWithTestFlow() {
  const dir = tempDir('loket-flows-');
  for (const f of fs.readdirSync(path.join(root, 'flows'))) {
    const src = path.join(root, 'flows', f);
    if (fs.statSync(src).isFile()) fs.copyFileSync(src, path.join(dir, f));
  }
  fs.writeFileSync(path.join(dir, 'uji.lua'), `-- Uji tampilan widget: teks berisi HTML harus tampil apa adanya.
return flow {
  id = "uji",
  title = "Uji tampilan",
  keywords = { "uji tampilan" },
  start = say {
    { ${JSON.stringify(XSS + ' lihat https://contoh.go.id/syarat?a=1 atau javascript:alert(1)')} },
    go = "main.menu",
  },
}
`);
  return dir;
}

// Locators pierce the widget's open shadow root.
const W = {
  launcher: '#loket-chat-widget >> css=button.launcher',
  panel: '#loket-chat-widget >> css=.panel',
  input: '#loket-chat-widget >> css=input.input',
  log: '#loket-chat-widget >> css=.log',
  option: (t) => `#loket-chat-widget >> css=button.option >> text="${t}"`,
  botText: (t) => `#loket-chat-widget >> css=.msg.bot .text >> text=${t}`,
};

// Polls fn (no page-side eval: the demo page's CSP forbids it) until truthy or timeout.
async function poll(fn, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return true;
    await sleep(100);
  }
  return false;
}

async function shadowActive(page) {
  return page.evaluate(() => {
    const host = document.getElementById('loket-chat-widget');
    if (document.activeElement !== host) return (document.activeElement || {}).tagName || null;
    const a = host.shadowRoot.activeElement;
    return a ? a.className || a.tagName : null;
  });
}

async function main() {
  fs.mkdirSync(artifacts, { recursive: true });
  const flows = flowsWithTestFlow();
  let srv = await startServer({ flows });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    timeout: 30000 * slow,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const T = 10000 * slow;
  const errors = [];
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'id-ID' });
  context.setDefaultTimeout(T);
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  // While the test stops the server on purpose, Chromium logs each refused reconnect.
  let serverDown = false;
  const refused = (t) => /^WebSocket connection to .* failed: .*ERR_CONNECTION_REFUSED/.test(t);
  page.on('console', (m) => { if (m.type() === 'error' && !(serverDown && refused(m.text()))) errors.push(m.text()); });
  page.on('dialog', (d) => { errors.push(`dialog: ${d.message()}`); d.dismiss().catch(() => {}); });

  try {
    await test('demo page shows the widget launcher', async () => {
      await page.goto(`${srv.url}/`, { waitUntil: 'load' });
      ok(/Kependudukan/.test(await page.title()), 'page title', await page.title());
      await page.waitForSelector(W.launcher, { state: 'visible' });
      ok(await page.getAttribute(W.launcher, 'aria-expanded') === 'false', 'launcher closed');
      ok(/Buka chat/.test(await page.getAttribute(W.launcher, 'aria-label')), 'launcher label in Indonesian');
    });

    await test('open, click a quick reply, type an answer', async () => {
      await page.click(W.launcher);
      await page.waitForSelector(W.panel, { state: 'visible' });
      ok(await page.getAttribute(W.launcher, 'aria-expanded') === 'true', 'aria-expanded');
      ok(await shadowActive(page) === 'input', 'focus moves to the input', await shadowActive(page));
      ok(await page.getAttribute(W.log, 'role') === 'log', 'message list is a log region');
      await page.click(W.option('Lihat menu layanan'));
      await page.waitForSelector(W.botText('Silakan pilih layanan'));
      await page.click(W.option('KTP-el'));
      await page.waitForSelector(W.botText('Layanan KTP-el'));
      await page.fill(W.input, '1');
      await page.press(W.input, 'Enter');
      await page.waitForSelector(W.botText('Berusia 17 tahun'));
      await page.waitForSelector(W.botText('Ada lagi'));
      await page.waitForSelector('#loket-chat-widget >> css=.msg.user .state >> text=Terkirim');
      const times = await page.$$eval('#loket-chat-widget >> css=.msg time', (els) => els.map((e) => e.textContent));
      ok(times.length >= 4 && times.every((t) => /^\d\d\.\d\d$/.test(t)), 'timestamps', times);
      await sleep(300);
      await page.screenshot({ path: path.join(artifacts, 'widget.png') });
      if (process.env.LOKET_UPDATE_DOCS) await page.screenshot({ path: path.join(root, 'docs', 'widget.png') });
      ok(fs.existsSync(path.join(artifacts, 'widget.png')), 'screenshot saved');
    });

    await test('reload shows the history', async () => {
      await page.reload({ waitUntil: 'load' });
      await page.waitForSelector(W.panel, { state: 'visible' });
      await page.waitForSelector(W.botText('Berusia 17 tahun'));
      const users = await page.$$eval('#loket-chat-widget >> css=.msg.user .text', (els) => els.map((e) => e.textContent));
      ok(users.some((t) => /KTP-el$/.test(t)) && users.some((t) => /1$/.test(t)), 'earlier user messages', users);
      await page.waitForSelector(W.option('Layanan KTP-el lain'));
      ok(await page.isVisible(W.option('Layanan KTP-el lain')), 'last menu buttons are back');
    });

    await test('bot text with HTML is shown as text and runs nothing', async () => {
      await page.fill(W.input, 'uji tampilan');
      await page.press(W.input, 'Enter');
      await page.waitForSelector(W.botText('tebal'));
      const info = await page.evaluate(() => {
        const r = document.getElementById('loket-chat-widget').shadowRoot;
        const bubbles = [...r.querySelectorAll('.msg.bot .text')];
        const b = bubbles.find((x) => x.textContent.includes('onerror'));
        return {
          text: b && b.textContent, imgs: r.querySelectorAll('.log img').length, bold: r.querySelectorAll('.log b').length,
          links: [...r.querySelectorAll('.log a')].map((a) => ({ href: a.getAttribute('href'), rel: a.rel, target: a.target })),
          xss: window.__xss,
        };
      });
      ok(info.text && info.text.includes(XSS), 'literal text', info.text);
      ok(info.imgs === 0 && info.bold === 0, 'no elements made from the text', info);
      ok(info.xss === undefined, 'no script ran');
      ok(info.links.length === 1 && info.links[0].href === 'https://contoh.go.id/syarat?a=1', 'only the https link is a link', info.links);
      ok(info.links[0] && /noopener/.test(info.links[0].rel) && info.links[0].target === '_blank', 'rel=noopener', info.links);
    });

    await test('offline: a message typed while disconnected is sent once on reconnect', async () => {
      const db = srv.db, port = srv.port, dir = srv.dir;
      const before = Number(sql(db, "select count(*) from messages where direction='in' and text='menu'"));
      serverDown = true;
      const res = await stopServer(srv);
      ok(res.code === 0, 'server stopped cleanly', res);
      await page.waitForSelector('#loket-chat-widget >> css=.notice >> text=Koneksi terputus');
      await page.fill(W.input, 'menu');
      await page.press(W.input, 'Enter');
      await page.waitForSelector('#loket-chat-widget >> css=.msg.user .state >> text=Menunggu koneksi');
      await sleep(500);
      srv = await startServer({ flows, port, db, dir });
      await page.waitForSelector('#loket-chat-widget >> css=.msg.user .state >> text=Terkirim', { timeout: 20000 * slow });
      const answered = await poll(() => page.evaluate(() => {
        const r = document.getElementById('loket-chat-widget').shadowRoot;
        const t = [...r.querySelectorAll('.msg .text')].map((e) => e.textContent);
        const i = t.map((x) => x.endsWith('menu')).lastIndexOf(true);
        return i >= 0 && t.slice(i + 1).some((x) => x.includes('Silakan pilih layanan'));
      }), 20000 * slow);
      ok(answered, 'the reply follows the message sent after reconnecting');
      serverDown = false;
      ok(await page.isHidden('#loket-chat-widget >> css=.notice'), 'offline notice gone');
      await sleep(1000);
      const after = Number(sql(db, "select count(*) from messages where direction='in' and text='menu'"));
      ok(after === before + 1, 'stored exactly once', { before, after });
    }, 60000);

    await test('keyboard only', async () => {
      const ctx2 = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      ctx2.setDefaultTimeout(T);
      const p = await ctx2.newPage();
      p.on('pageerror', (e) => errors.push(String(e)));
      await p.goto(`${srv.url}/`, { waitUntil: 'load' });
      await p.waitForSelector(W.launcher, { state: 'visible' });
      let reached = false;
      for (let i = 0; i < 25 && !reached; i++) {
        await p.keyboard.press('Tab');
        reached = (await shadowActive(p)) === 'launcher';
      }
      ok(reached, 'Tab reaches the launcher');
      await p.keyboard.press('Enter');
      await p.waitForSelector(W.panel, { state: 'visible' });
      ok(await shadowActive(p) === 'input', 'Enter opens, focus in the input', await shadowActive(p));
      await p.waitForSelector(W.option('Lihat menu layanan'));
      await p.keyboard.press('Shift+Tab');
      ok(await shadowActive(p) === 'option', 'Shift+Tab reaches the quick reply', await shadowActive(p));
      await p.keyboard.press('Enter');
      await p.waitForSelector(W.botText('Silakan pilih layanan'));
      ok(await shadowActive(p) === 'input', 'focus back in the input after choosing', await shadowActive(p));
      await p.keyboard.type('2');
      await p.keyboard.press('Enter');
      await p.waitForSelector(W.botText('Layanan Kartu Keluarga'));
      await p.keyboard.press('Escape');
      await p.waitForSelector(W.panel, { state: 'hidden' });
      ok(await shadowActive(p) === 'launcher', 'Escape closes, focus back on the launcher', await shadowActive(p));
      await ctx2.close();
    });

    await test('unread badge while closed', async () => {
      await page.click('#loket-chat-widget >> css=button.close');
      await page.waitForSelector(W.panel, { state: 'hidden' });
      await page.evaluate(() => {
        const r = document.getElementById('loket-chat-widget').shadowRoot;
        r.querySelector('input.input').value = 'menu';
        r.querySelector('form').requestSubmit();
      });
      await page.waitForSelector('#loket-chat-widget >> css=.badge', { state: 'visible' });
      ok(/pesan baru/.test(await page.getAttribute(W.launcher, 'aria-label')), 'badge announced in the label');
      await page.click(W.launcher);
      ok(await page.isHidden('#loket-chat-widget >> css=.badge'), 'badge cleared on open');
    });

    await test('small phone: full screen', async () => {
      const ctx3 = await browser.newContext({ viewport: { width: 375, height: 700 }, isMobile: true, hasTouch: true });
      ctx3.setDefaultTimeout(T);
      const p = await ctx3.newPage();
      await p.goto(`${srv.url}/`, { waitUntil: 'load' });
      await p.click(W.launcher);
      await p.waitForSelector(W.panel, { state: 'visible' });
      const box = await (await p.$(W.panel)).boundingBox();
      ok(box && box.x <= 1 && box.y <= 1 && box.width >= 373 && box.height >= 690, 'panel fills the screen', box);
      await p.screenshot({ path: path.join(artifacts, 'widget-phone.png') });
      await ctx3.close();
    });

    await test('data attributes: English, left, light colour kept readable', async () => {
      const ctx4 = await browser.newContext({ viewport: { width: 1024, height: 700 } });
      ctx4.setDefaultTimeout(T);
      const p = await ctx4.newPage();
      await p.route(`${srv.url}/embed-test`, (route) => route.fulfill({
        contentType: 'text/html',
        body: '<!doctype html><html><head><title>x</title><style>button{background:red!important;font-size:40px!important}</style></head><body><p>host page</p>' +
          '<script src="/widget/loket.js" data-lang="en" data-title="Ask us" data-color="#ffd700" data-position="left"></script></body></html>',
      }));
      await p.goto(`${srv.url}/embed-test`, { waitUntil: 'load' });
      await p.waitForSelector(W.launcher, { state: 'visible' });
      ok(await p.getAttribute(W.launcher, 'aria-label') === 'Open service chat', 'English label');
      await p.click(W.launcher);
      ok(await p.textContent('#loket-chat-widget >> css=.title') === 'Ask us', 'title from data-title');
      const r = await p.evaluate(() => {
        const root = document.getElementById('loket-chat-widget').shadowRoot;
        const send = root.querySelector('.send');
        const cs = getComputedStyle(send);
        const rgb = cs.backgroundColor.match(/\d+/g).slice(0, 3).map(Number);
        const lum = rgb.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
        const L = 0.2126 * lum[0] + 0.7152 * lum[1] + 0.0722 * lum[2];
        const box = root.querySelector('.launcher').getBoundingClientRect();
        return { contrast: 1.05 / (L + 0.05), color: cs.color, left: box.left, font: cs.fontSize, bg: cs.backgroundColor };
      });
      ok(r.contrast >= 4.5, 'white text on the accent meets WCAG AA', r);
      ok(r.left < 100, 'on the left', r);
      ok(r.bg !== 'rgb(255, 0, 0)' && r.font !== '40px', 'host page CSS does not reach in', r);
      await ctx4.close();
    });

    await test('no errors in the page', async () => {
      ok(errors.length === 0, 'console and page errors', errors);
    });
  } finally {
    await browser.close().catch(() => {});
    const res = await stopServer(srv);
    ok(res.code === 0, 'server exit 0', { res, err: srv.err.slice(-800) });
  }
}

main().then(() => process.exit(report()), (e) => { console.log(`not ok: ${e.stack}`); report(); process.exit(1); });
