// newspush.js: a dependency-free browser client for newspush (SSE or WebSocket).
// Served by every newspush server at /newspush.js; copy it freely.
//
//   import { subscribe } from '/newspush.js';
//   const feed = subscribe({
//     url: 'https://push.example.com',          // default: this page's origin
//     topics: ['economy/**', 'health/**'],
//     transport: 'ws',                          // or 'sse' (the default)
//     persist: true,                            // resume from the last seq after a reload
//     onArticle: (article) => console.log(article.seq, article.title),
//     onStatus: (status) => console.log(status.state, status),
//   });
//   // later: feed.close();
//
// Other options: since (start after this seq instead of live or the persisted one), token (a
// subscriber JWT, or a function returning one, asked again at every reconnect), retryMin and
// retryMax (reconnect delays in ms), fallbackAfter (WebSocket tries before considering SSE),
// pingInterval (ms between WebSocket liveness pings). Needs a browser (EventSource, WebSocket).
//
// Guarantees on top of the server's: onArticle is called at most once per seq and only with
// increasing seqs. Reconnects use exponential backoff with jitter and resume from the last seq
// seen. The one exception is a `reset` from the server (resuming from a position it no longer
// has, e.g. its database was replaced): the position moves to the server's seq, which may be lower.
//
// onStatus receives {state, transport, seq, ...}:
//   connecting   {attempt}                 opening a connection
//   connected    {resumedFrom}             the stream is up; resumedFrom is the seq it resumed after, or null (live)
//   reconnecting {attempt, delay, reason}  the connection was lost; the next try is in `delay` ms
//   reset        {seq, reason}             the server could not resume; continuing live after seq
//   fallback     {from: 'ws', to: 'sse'}   WebSocket cannot connect but HTTP can: using SSE from now on
//   error        {code, message, fatal}    refused by the server (bad pattern, forbidden, ...); fatal ones stop
//   closed                                 close() was called, or a fatal error stopped the subscription

const DEFAULTS = {
  transport: 'sse',
  persist: false,
  retryMin: 500,          // ms, first reconnect delay (before jitter)
  retryMax: 30000,        // ms, the longest delay between two tries
  fallbackAfter: 2,       // WebSocket tries that never opened before checking whether to use SSE
  pingInterval: 25000,    // ms, WebSocket application pings; no answer by the next one means a dead connection
};

/** The key under which a persisting subscription keeps its last seq in localStorage. */
export function storageKey(url, topics) {
  return 'newspush:' + baseUrl(url) + '|' + normaliseTopics(topics).slice().sort().join(',');
}

/**
 * Does `pattern` match `topic`? `*` is exactly one segment, a trailing `**` any number of segments
 * (also none). Both are compared after Unicode NFC normalisation, as the server does.
 */
export function topicMatches(pattern, topic) {
  const p = String(pattern).normalize('NFC').split('/');
  const t = String(topic).normalize('NFC').split('/');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '**' && i === p.length - 1) return true;
    if (i >= t.length) return false;
    if (p[i] !== '*' && p[i] !== t[i]) return false;
  }
  return p.length === t.length;
}

/** Subscribes to articles on `topics`; returns {close(), seq, transport, state}. */
export function subscribe(options) {
  const o = { ...DEFAULTS, ...options };
  const base = baseUrl(o.url);
  const topics = normaliseTopics(o.topics);
  if (topics.length === 0) throw new TypeError('newspush: topics must name at least one pattern');
  if (o.transport !== 'sse' && o.transport !== 'ws') throw new TypeError("newspush: transport must be 'sse' or 'ws'");
  const key = storageKey(base, topics);
  const onArticle = typeof o.onArticle === 'function' ? o.onArticle : () => {};
  const onStatus = typeof o.onStatus === 'function' ? o.onStatus : () => {};

  let transport = o.transport;
  let seq = sinceOption(o.since) ?? (o.persist ? load(key) : null);
  let state = 'idle';
  let closed = false;
  let attempt = 0;          // tries since the last connection that lasted
  let wsNeverOpened = 0;    // consecutive WebSocket tries that did not open
  let timer = null;         // pending reconnect
  let current = null;       // {close()} of the open connection

  function status(s, extra) {
    state = s;
    try {
      onStatus({ state: s, transport, seq, ...extra });
    } catch (e) {
      console.error('newspush: onStatus threw', e);
    }
  }

  function deliver(article) {
    if (closed || !article || !isSeq(article.seq)) return;
    if (seq !== null && article.seq <= seq) return;   // already seen: never twice, never backwards
    seq = article.seq;
    if (o.persist) save(key, seq);
    try {
      onArticle(article);
    } catch (e) {
      console.error('newspush: onArticle threw', e);
    }
  }

  function reset(data) {
    if (closed || !data || !isSeq(data.seq)) return;
    seq = data.seq;
    if (o.persist) save(key, seq);
    status('reset', { seq, reason: data.reason });
  }

  function connect() {
    timer = null;
    if (closed) return;
    attempt++;
    status('connecting', { attempt });
    current = transport === 'ws' ? openWebSocket() : openEventSource();
  }

  // Called by a connection when it ends for any reason but close(). `opened` says whether it got
  // as far as a working stream, `lasted` how long it was up (ms).
  async function lost(reason, { opened = false, lasted = 0, fatal = null } = {}) {
    if (closed) return;
    current = null;
    if (fatal) {
      status('error', { ...fatal, fatal: true });
      stop();
      return;
    }
    if (opened && lasted > 5000) attempt = 0;   // a connection that lasted earns a quick retry
    if (transport === 'ws') {
      wsNeverOpened = opened ? 0 : wsNeverOpened + 1;
      if (wsNeverOpened >= o.fallbackAfter && await httpReachable()) {
        if (closed) return;
        transport = 'sse';
        status('fallback', { from: 'ws', to: 'sse' });
        attempt = 0;
        connect();
        return;
      }
    }
    if (closed) return;
    const ceiling = Math.min(o.retryMax, o.retryMin * 2 ** Math.max(0, attempt - 1));
    const delay = Math.round(ceiling / 2 + Math.random() * ceiling / 2);   // jitter: half to full
    status('reconnecting', { attempt, delay, reason });
    timer = setTimeout(connect, delay);
  }

  // ---- Server-Sent Events ------------------------------------------------------------------

  function openEventSource() {
    const url = streamUrl('/v1/sse');
    const source = new EventSource(url);
    let openedAt = 0;
    let done = false;
    const finish = (reason, fatal) => {
      if (done) return;
      done = true;
      source.close();
      lost(reason, { opened: openedAt > 0, lasted: openedAt ? Date.now() - openedAt : 0, fatal });
    };
    source.onopen = () => {
      if (done) return;
      openedAt = Date.now();
      status('connected', { resumedFrom: startedFrom(url) });
    };
    source.addEventListener('article', (e) => {
      const article = parse(e.data);
      if (article) deliver(article);
    });
    source.addEventListener('reset', (e) => reset(parse(e.data)));
    source.addEventListener('error', (e) => {
      if (done) return;
      // `event: error` from the server carries data; the browser's own error event does not.
      if (typeof e.data === 'string') {
        const err = parse(e.data) || {};
        finish(err.code || 'server_error', null);
        return;
      }
      if (openedAt > 0) {
        finish('connection lost', null);
        return;
      }
      // It never opened: the answer was not a stream. Ask once more to learn why (a 400 for a
      // bad pattern or a 401/403 will not get better by retrying; a 5xx or no answer may).
      done = true;
      source.close();
      explain(url).then((fatal) => lost('could not connect', { fatal }));
    });
    return { close: () => { done = true; source.close(); } };
  }

  async function explain(url) {
    const abort = new AbortController();
    try {
      const response = await fetch(url, { signal: abort.signal, cache: 'no-store', headers: { Accept: 'text/event-stream' } });
      if (response.ok || ![400, 401, 403, 404].includes(response.status)) {
        abort.abort();
        return null;
      }
      const body = await response.json().catch(() => ({}));
      return { code: body.error || 'http_' + response.status, message: body.message || response.statusText, status: response.status };
    } catch {
      return null;   // no answer: the server is down or unreachable; retry
    } finally {
      abort.abort();
    }
  }

  // ---- WebSocket ---------------------------------------------------------------------------

  function openWebSocket() {
    const wsUrl = base.replace(/^http/, 'ws') + '/v1/ws' + tokenQuery('?');
    let socket;
    try {
      socket = new WebSocket(wsUrl);
    } catch (e) {
      queueMicrotask(() => lost('could not connect', { opened: false }));
      return { close() {} };
    }
    let openedAt = 0;
    let subscribed = false;
    let done = false;
    let heardAt = Date.now();
    let pinger = null;
    const resumedFrom = seq;
    const finish = (reason, fatal) => {
      if (done) return;
      done = true;
      clearInterval(pinger);
      try { socket.close(); } catch { /* already closed */ }
      lost(reason, { opened: subscribed, lasted: openedAt ? Date.now() - openedAt : 0, fatal });
    };
    socket.onopen = () => {
      if (done) return;
      openedAt = Date.now();
      const message = { op: 'subscribe', topics };
      if (seq !== null) message.since = seq;
      socket.send(JSON.stringify(message));
      // An application ping each interval; nothing heard since the previous one means the
      // connection is dead (robust to background tabs, whose timers browsers slow down).
      let pingedAt = 0;
      pinger = setInterval(() => {
        if (pingedAt && heardAt < pingedAt) {
          finish('no answer to pings', null);
          return;
        }
        pingedAt = Date.now();
        try { socket.send('{"op":"ping"}'); } catch { /* closing */ }
      }, o.pingInterval);
    };
    socket.onmessage = (e) => {
      if (done) return;
      heardAt = Date.now();
      const message = parse(e.data);
      if (!message) return;
      switch (message.type) {
        case 'article':
          deliver(message.article);
          break;
        case 'subscribed':
          subscribed = true;
          wsNeverOpened = 0;
          // Following live from the server's head: remember it, so a reconnect before the first
          // article still resumes without a gap.
          if (seq === null && isSeq(message.seq)) {
            seq = message.seq;
            if (o.persist) save(key, seq);
          }
          status('connected', { resumedFrom });
          break;
        case 'reset':
          reset(message);
          break;
        case 'error':
          if (message.code === 'rate_limited') {
            status('error', { code: message.code, message: message.message, fatal: false });
          } else if (!subscribed) {
            // The subscription itself was refused (bad pattern, too many, forbidden, unauthorized).
            finish(message.code, { code: message.code, message: message.message });
          } else {
            status('error', { code: message.code, message: message.message, fatal: false });
          }
          break;
        default:
          break;   // pong, authenticated, unsubscribed
      }
    };
    socket.onclose = (e) => {
      if (e.code === 1008 && /token/i.test(e.reason || '') && typeof o.token !== 'function') {
        finish('token expired', { code: 'token_expired', message: e.reason });
      } else {
        finish(e.reason || 'closed (' + e.code + ')', null);
      }
    };
    socket.onerror = () => { /* onclose follows */ };
    return {
      close: () => {
        done = true;
        clearInterval(pinger);
        try { socket.close(1000, 'bye'); } catch { /* already closed */ }
      },
    };
  }

  // ---- helpers -----------------------------------------------------------------------------

  function streamUrl(path) {
    let url = base + path + '?topics=' + encodeURIComponent(topics.join(','));
    if (seq !== null) url += '&since=' + seq;
    return url + tokenQuery('&');
  }

  function tokenQuery(separator) {
    const token = typeof o.token === 'function' ? o.token() : o.token;
    return token ? separator + 'access_token=' + encodeURIComponent(token) : '';
  }

  async function httpReachable() {
    try {
      await fetch(base + '/health/live', { mode: 'no-cors', cache: 'no-store' });
      return true;
    } catch {
      return false;
    }
  }

  function stop() {
    closed = true;
    clearTimeout(timer);
    timer = null;
    if (current) current.close();
    current = null;
    globalThis.removeEventListener?.('online', onOnline);
    status('closed');
  }

  // Back online: do not wait for the rest of a long backoff.
  function onOnline() {
    if (!closed && timer !== null) {
      clearTimeout(timer);
      connect();
    }
  }

  globalThis.addEventListener?.('online', onOnline);
  connect();

  return {
    close() {
      if (!closed) stop();
    },
    get seq() { return seq; },
    get transport() { return transport; },
    get state() { return state; },
  };
}

function baseUrl(url) {
  const href = url ? new URL(url, globalThis.location?.href).href : globalThis.location.origin;
  return href.replace(/\/+$/, '');
}

function normaliseTopics(topics) {
  const list = Array.isArray(topics) ? topics : String(topics ?? '').split(',');
  return [...new Set(list.map((t) => String(t).trim().normalize('NFC')).filter(Boolean))];
}

function isSeq(value) {
  return Number.isSafeInteger(value) && value >= 0;
}

function sinceOption(value) {
  if (value === undefined || value === null || value === '') return null;
  const n = Number(value);
  if (!isSeq(n)) throw new TypeError('newspush: since must be a seq (a whole number >= 0)');
  return n;
}

function startedFrom(url) {
  const since = new URL(url).searchParams.get('since');
  return since === null ? null : Number(since);
}

function parse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function load(key) {
  try {
    const value = globalThis.localStorage?.getItem(key);
    return value !== null && value !== undefined && /^\d{1,15}$/.test(value) ? Number(value) : null;
  } catch {
    return null;   // storage disabled
  }
}

function save(key, seq) {
  try {
    globalThis.localStorage?.setItem(key, String(seq));
  } catch {
    /* storage full or disabled: resuming after a reload is lost, nothing else */
  }
}
