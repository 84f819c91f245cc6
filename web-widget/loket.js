/* Loket chat widget: one script tag, no build step, no dependencies.
 *
 *   <script src="https://loket.example.go.id/widget/loket.js" defer
 *           data-title="Tanya Dukcapil" data-lang="id" data-color="#0b5cad"
 *           data-position="right"></script>
 *
 * data-server  Loket server (default: where this script came from)
 * data-title   panel title            data-lang      "id" (default) or "en": UI and first language
 * data-color   accent colour (#rgb / #rrggbb; darkened until white text on it meets WCAG AA)
 * data-position "right" (default) or "left"
 *
 * Speaks docs/protocol.md over WebSocket /ws. Everything it shows from the server is
 * text (textContent); only http/https links become anchors. Styles live in a Shadow DOM.
 */
(function () {
  'use strict';

  var script = document.currentScript;
  if (!script || window.__loketWidget) return;
  window.__loketWidget = true;

  var STRINGS = {
    id: {
      open: 'Buka chat layanan', close: 'Tutup chat', send: 'Kirim',
      input: 'Tulis pesan', placeholder: 'Tulis pesan…', title: 'Layanan Chat',
      typing: 'Sedang mengetik…', offline: 'Koneksi terputus. Menyambung lagi…',
      connecting: 'Menyambungkan…', online: 'Terhubung', waiting: 'Menunggu koneksi',
      sent: 'Terkirim', unread: function (n) { return n + ' pesan baru'; },
      welcome: 'Halo! Selamat datang di layanan chat kami. Ketik pertanyaan Anda atau pilih menu di bawah.',
      start: 'Lihat menu layanan', options: 'Pilihan jawaban', you: 'Anda', bot: 'Petugas',
      newMessages: 'Percakapan'
    },
    en: {
      open: 'Open service chat', close: 'Close chat', send: 'Send',
      input: 'Type a message', placeholder: 'Type a message…', title: 'Service Chat',
      typing: 'Typing…', offline: 'Connection lost. Reconnecting…',
      connecting: 'Connecting…', online: 'Connected', waiting: 'Waiting for connection',
      sent: 'Sent', unread: function (n) { return n + ' new ' + (n === 1 ? 'message' : 'messages'); },
      welcome: 'Hello! Welcome to our chat service. Type your question or choose from the menu below.',
      start: 'Show the service menu', options: 'Answer options', you: 'You', bot: 'Officer',
      newMessages: 'Conversation'
    }
  };

  var ds = script.dataset;
  var scriptUrl = new URL(script.src, document.baseURI);
  var server = new URL(ds.server || scriptUrl.origin, document.baseURI);
  var lang = ds.lang === 'en' ? 'en' : 'id';
  var T = STRINGS[lang];
  var title = ds.title || T.title;
  var wsUrl = (server.protocol === 'https:' ? 'wss://' : 'ws://') + server.host + '/ws';
  var storeKey = 'loket:' + server.origin + ':';

  /* ---- storage (localStorage may be unavailable: then memory only) ---- */
  var memory = {};
  function load(key, fallback) {
    try {
      var v = window.localStorage.getItem(storeKey + key);
      return v === null ? fallback : JSON.parse(v);
    } catch (e) { return key in memory ? memory[key] : fallback; }
  }
  function save(key, value) {
    memory[key] = value;
    try { window.localStorage.setItem(storeKey + key, JSON.stringify(value)); } catch (e) { /* memory only */ }
  }

  /* ---- colour: keep white text on the accent at 4.5:1 or better ---- */
  function parseColor(c) {
    var m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(c || '');
    if (!m) return null;
    var h = m[1].length === 3 ? m[1].replace(/./g, '$&$&') : m[1];
    return [0, 2, 4].map(function (i) { return parseInt(h.substr(i, 2), 16); });
  }
  function luminance(rgb) {
    var a = rgb.map(function (v) {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * a[0] + 0.7152 * a[1] + 0.0722 * a[2];
  }
  function accessibleAccent(c) {
    var rgb = parseColor(c) || [11, 92, 173];
    for (var i = 0; i < 40 && 1.05 / (luminance(rgb) + 0.05) < 4.5; i++)
      rgb = rgb.map(function (v) { return Math.floor(v * 0.9); });
    return 'rgb(' + rgb.join(',') + ')';
  }

  /* ---- DOM helpers: text only, never HTML ---- */
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  var LINK = /\bhttps?:\/\/[^\s<>"']+/gi;
  function appendLinkified(parent, text) {
    var last = 0, m;
    LINK.lastIndex = 0;
    while ((m = LINK.exec(text))) {
      var url = m[0].replace(/[.,;:!?)\]]+$/, '');
      var parsed = null;
      try { parsed = new URL(url); } catch (e) { parsed = null; }
      if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) continue;
      parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      var a = el('a', null, url);
      a.href = parsed.href;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      parent.appendChild(a);
      last = m.index + url.length;
      LINK.lastIndex = last;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }
  function timeText(ms) {
    var d = new Date(ms || Date.now());
    return ('0' + d.getHours()).slice(-2) + '.' + ('0' + d.getMinutes()).slice(-2);
  }
  function randomId() {
    var b = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ('0' + x.toString(16)).slice(-2); }).join('');
  }

  /* ---- build the widget ---- */
  var host = el('div');
  host.id = 'loket-chat-widget';
  host.style.visibility = 'hidden';  /* until the stylesheet has loaded */
  var root = host.attachShadow({ mode: 'open' });
  var css = el('link');
  css.rel = 'stylesheet';
  css.href = new URL('loket.css', scriptUrl).href;
  css.onload = css.onerror = function () { host.style.visibility = ''; };
  root.appendChild(css);

  var wrap = el('div', 'loket ' + (ds.position === 'left' ? 'left' : 'right'));
  wrap.style.setProperty('--lk-accent', accessibleAccent(ds.color));
  wrap.lang = lang;
  root.appendChild(wrap);

  var launcher = el('button', 'launcher');
  launcher.type = 'button';
  launcher.setAttribute('aria-expanded', 'false');
  launcher.setAttribute('aria-controls', 'loket-panel');
  launcher.setAttribute('aria-label', T.open);
  var icon = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  icon.setAttribute('viewBox', '0 0 24 24');
  icon.setAttribute('aria-hidden', 'true');
  var path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('d', 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z');
  icon.appendChild(path);
  launcher.appendChild(icon);
  var badge = el('span', 'badge');
  badge.setAttribute('aria-hidden', 'true');
  badge.hidden = true;
  launcher.appendChild(badge);

  var panel = el('div', 'panel');
  panel.id = 'loket-panel';
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-labelledby', 'loket-title');
  panel.hidden = true;

  var header = el('div', 'header');
  var heading = el('h2', 'title', title);
  heading.id = 'loket-title';
  var status = el('span', 'status', T.connecting);
  var closeBtn = el('button', 'close', '×');
  closeBtn.type = 'button';
  closeBtn.setAttribute('aria-label', T.close);
  var headText = el('div', 'headtext');
  headText.appendChild(heading);
  headText.appendChild(status);
  header.appendChild(headText);
  header.appendChild(closeBtn);

  var notice = el('div', 'notice');
  notice.setAttribute('role', 'status');
  notice.hidden = true;

  var log = el('div', 'log');
  log.setAttribute('role', 'log');
  log.setAttribute('aria-live', 'polite');
  log.setAttribute('aria-label', T.newMessages);
  log.tabIndex = 0;

  var typing = el('div', 'typing');
  typing.setAttribute('aria-hidden', 'true');
  typing.appendChild(el('span', 'dots'));
  typing.appendChild(document.createTextNode(T.typing));
  typing.hidden = true;

  var quick = el('div', 'quick');
  quick.setAttribute('role', 'group');
  quick.setAttribute('aria-label', T.options);

  var form = el('form', 'composer');
  var inputId = 'loket-input';
  var label = el('label', 'sr-only', T.input);
  label.htmlFor = inputId;
  var input = el('input', 'input');
  input.id = inputId;
  input.type = 'text';
  input.autocomplete = 'off';
  input.maxLength = 1000;
  input.placeholder = T.placeholder;
  var sendBtn = el('button', 'send', T.send);
  sendBtn.type = 'submit';
  form.appendChild(label);
  form.appendChild(input);
  form.appendChild(sendBtn);

  panel.appendChild(header);
  panel.appendChild(notice);
  panel.appendChild(log);
  panel.appendChild(typing);
  panel.appendChild(quick);
  panel.appendChild(form);
  wrap.appendChild(panel);
  wrap.appendChild(launcher);

  /* ---- state ---- */
  var ws = null, ready = false, retries = 0, retryTimer = null, typingTimer = null;
  var unread = 0, isOpen = false;
  var pending = load('pending', []);           /* [{cid, type, text, id, at}] not yet acked */
  var bubbles = {};                            /* cid -> bubble element of a pending message */

  /* ---- rendering ---- */
  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function addBubble(from, text, at, cid) {
    var item = el('div', 'msg ' + (from === 'user' ? 'user' : 'bot'));
    var who = el('span', 'sr-only', (from === 'user' ? T.you : T.bot) + ': ');
    var body = el('p', 'text');
    body.appendChild(who);
    appendLinkified(body, String(text || ''));
    var meta = el('span', 'meta');
    var time = el('time', null, timeText(at));
    time.dateTime = new Date(at || Date.now()).toISOString();
    meta.appendChild(time);
    if (cid) {
      var st = el('span', 'state', ' · ' + T.waiting);
      meta.appendChild(st);
      bubbles[cid] = st;
    }
    item.appendChild(body);
    item.appendChild(meta);
    log.appendChild(item);
    scrollDown();
    return item;
  }

  function setOptions(options) {
    while (quick.firstChild) quick.removeChild(quick.firstChild);
    (options || []).forEach(function (o) {
      if (!o || typeof o.id !== 'string' || typeof o.title !== 'string') return;
      var b = el('button', 'option', o.title);
      b.type = 'button';
      if (typeof o.description === 'string') b.title = o.description;
      b.addEventListener('click', function () { choose(o); });
      quick.appendChild(b);
    });
    quick.hidden = !quick.firstChild;
  }

  function showTyping(on) {
    clearTimeout(typingTimer);
    typing.hidden = !on;
    if (on) typingTimer = setTimeout(function () { typing.hidden = true; }, 15000);
    scrollDown();
  }

  function showNotice(text) {
    notice.textContent = text || '';
    notice.hidden = !text;
  }

  function setStatus(text, online) {
    status.textContent = text;
    wrap.classList.toggle('offline', !online);
  }

  function bumpUnread() {
    if (isOpen && document.visibilityState !== 'hidden') return;
    unread++;
    badge.textContent = unread > 9 ? '9+' : String(unread);
    badge.hidden = false;
    launcher.setAttribute('aria-label', T.open + ' (' + T.unread(unread) + ')');
  }

  function welcome() {
    if (log.querySelector('.msg')) return;
    addBubble('bot', T.welcome, Date.now());
    setOptions([{ id: '__start', title: T.start }]);
  }

  function renderHistory(messages) {
    log.setAttribute('aria-busy', 'true');
    while (log.firstChild) log.removeChild(log.firstChild);
    bubbles = {};
    var seen = {}, lastBot = null;
    (messages || []).forEach(function (m) {
      if (m.cid) seen[m.cid] = true;
      addBubble(m.from, m.text, m.at);
      lastBot = m.from === 'bot' ? m : null;
    });
    pending = pending.filter(function (p) { return !seen[p.cid]; });
    save('pending', pending);
    pending.forEach(function (p) { addBubble('user', p.text, p.at, p.cid); });
    setOptions(lastBot && !pending.length ? lastBot.options : []);
    log.removeAttribute('aria-busy');
    if (!log.querySelector('.msg')) welcome();
  }

  /* ---- sending: every message has a client id; the server acks it once ---- */
  function frameOf(p) {
    return p.type === 'choice' ? { type: 'choice', id: p.id, cid: p.cid }
                               : { type: 'message', text: p.text, cid: p.cid };
  }

  function flush() {
    if (!ready) return;
    pending.forEach(function (p) { ws.send(JSON.stringify(frameOf(p))); });
  }

  function submit(p) {
    p.cid = randomId();
    p.at = Date.now();
    pending.push(p);
    save('pending', pending);
    addBubble('user', p.text, p.at, p.cid);
    setOptions([]);
    if (ready) ws.send(JSON.stringify(frameOf(p)));
  }

  function choose(o) {
    if (o.id === '__start') submit({ type: 'message', text: 'menu' });
    else submit({ type: 'choice', id: o.id, text: o.title });
    input.focus();
  }

  function acked(cid) {
    pending = pending.filter(function (p) { return p.cid !== cid; });
    save('pending', pending);
    if (bubbles[cid]) {
      bubbles[cid].textContent = ' · ' + T.sent;
      delete bubbles[cid];
    }
  }

  /* ---- the connection ---- */
  function onFrame(ev) {
    var f;
    try { f = JSON.parse(ev.data); } catch (e) { return; }
    if (!f || typeof f.type !== 'string') return;
    switch (f.type) {
      case 'session':
        save('token', f.token);
        if (!f.resumed) {
          ready = true;
          welcome();
          flush();
        }
        break;
      case 'history':
        renderHistory(f.messages);
        ready = true;
        flush();
        break;
      case 'typing':
        showTyping(true);
        break;
      case 'ack':
        acked(f.cid);
        break;
      case 'message':
        showTyping(false);
        addBubble('bot', f.text, f.at);
        setOptions(f.options);
        bumpUnread();
        break;
      case 'error':
        showTyping(false);
        showNotice(lang === 'en' && f.text_en ? f.text_en : f.text);
        if (f.code === 'rate_limited') setTimeout(flush, 5000);
        break;
    }
  }

  function connect() {
    clearTimeout(retryTimer);
    retryTimer = null;
    if (ws) return;
    setStatus(T.connecting, false);
    try { ws = new WebSocket(wsUrl); } catch (e) { ws = null; scheduleRetry(); return; }
    ws.onopen = function () {
      retries = 0;
      setStatus(T.online, true);
      showNotice('');
      ws.send(JSON.stringify({ type: 'hello', token: load('token', null) || undefined,
                               lang: lang, history: 30 }));
    };
    ws.onmessage = onFrame;
    ws.onclose = function (ev) {
      ws = null;
      ready = false;
      showTyping(false);
      setStatus(T.offline, false);
      showNotice(T.offline);
      scheduleRetry(ev && ev.code === 1008 ? 30000 : 0);
    };
    ws.onerror = function () { /* onclose follows */ };
  }

  function scheduleRetry(minDelay) {
    if (retryTimer) return;
    var delay = Math.min(30000, 1000 * Math.pow(2, retries++));
    delay = Math.max(minDelay || 0, delay * (0.75 + Math.random() * 0.5));
    retryTimer = setTimeout(connect, delay);
  }

  window.addEventListener('online', function () { if (!ws) connect(); });

  /* ---- opening, closing, keyboard ---- */
  function open() {
    isOpen = true;
    panel.hidden = false;
    wrap.classList.add('open');
    launcher.setAttribute('aria-expanded', 'true');
    unread = 0;
    badge.hidden = true;
    launcher.setAttribute('aria-label', T.open);
    scrollDown();
    input.focus();
    save('open', true);
  }

  function close() {
    isOpen = false;
    panel.hidden = true;
    wrap.classList.remove('open');
    launcher.setAttribute('aria-expanded', 'false');
    launcher.focus();
    save('open', false);
  }

  launcher.addEventListener('click', function () { isOpen ? close() : open(); });
  closeBtn.addEventListener('click', close);
  panel.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') { e.preventDefault(); close(); }
  });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = '';
    submit({ type: 'message', text: text });
  });

  function mount() {
    document.body.appendChild(host);
    pending.forEach(function (p) { addBubble('user', p.text, p.at, p.cid); });
    if (load('open', false)) open();
    connect();
  }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
