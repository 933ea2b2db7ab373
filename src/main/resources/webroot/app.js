// The live-feed page. All article text goes into the page through textContent: articles come
// from publishers and are never parsed as HTML.
import { subscribe, topicMatches } from './newspush.js';

const MAX_ITEMS = 200;

const form = document.getElementById('controls');
const feed = document.getElementById('feed');
const empty = document.getElementById('empty');
const statusBox = document.getElementById('status');
const statusText = document.getElementById('status-text');
const announce = document.getElementById('announce');
const template = document.getElementById('article-template');
const patternInput = document.getElementById('pattern');

const shown = new Map();   // seq -> <li>
const timeFormat = new Intl.DateTimeFormat('zh-CN', { dateStyle: 'medium', timeStyle: 'short' });
let subscription = null;
let resetNote = '';        // shown next to the state until the next connection attempt
let fallbackNote = '';     // shown for as long as the subscription lives

// ---- settings: the URL's query (?topics=economy/**,义乌/**&transport=ws&since=0) ----------------

const params = new URLSearchParams(location.search);
if (params.has('topics')) {
  const wanted = params.get('topics').split(',').map((t) => t.trim()).filter(Boolean);
  const boxes = [...form.elements.topic];
  boxes.forEach((box) => { box.checked = wanted.includes(box.value); });
  patternInput.value = wanted.filter((t) => !boxes.some((box) => box.value === t)).join(', ');
}
if (params.get('transport') === 'ws' || params.get('transport') === 'sse') {
  form.elements.transport.value = params.get('transport');
}
const sinceParam = /^\d+$/.test(params.get('since') ?? '') ? Number(params.get('since')) : undefined;

function chosenTopics() {
  const checked = [...form.elements.topic].filter((box) => box.checked).map((box) => box.value);
  const free = patternInput.value.split(/[,，\s]+/).map((t) => t.trim()).filter(Boolean);
  return [...new Set([...checked, ...free])];
}

function chosenTransport() {
  return form.elements.transport.value === 'ws' ? 'ws' : 'sse';
}

function rememberInUrl(topics, transport) {
  const query = new URLSearchParams();
  query.set('topics', topics.join(','));
  query.set('transport', transport);
  history.replaceState(null, '', '?' + query.toString().replace(/%2F/g, '/').replace(/%2C/g, ',').replace(/%2A/g, '*'));
}

// ---- subscription ------------------------------------------------------------------------

function start(since) {
  const previous = subscription;
  const resumeFrom = since ?? previous?.seq ?? undefined;
  subscription = null;
  previous?.close();
  resetNote = '';
  fallbackNote = '';
  const topics = chosenTopics();
  const transport = chosenTransport();
  rememberInUrl(topics, transport);
  dropUnmatched(topics);
  if (topics.length === 0) {
    showStatus({ state: 'idle' }, '请至少选择一个主题');
    return;
  }
  try {
    subscription = subscribe({
      topics,
      transport,
      since: resumeFrom ?? undefined,
      persist: true,
      onArticle: show,
      onStatus: (status) => showStatus(status),
    });
  } catch (e) {
    showStatus({ state: 'error' }, String(e.message || e));
  }
}

function showStatus(status, text) {
  if (status.state === 'closed' && statusBox.dataset.state === 'error') return;   // keep the reason in view
  statusBox.dataset.state = status.state;
  statusBox.dataset.transport = status.transport ?? '';
  if (status.resumedFrom !== undefined) {
    statusBox.dataset.resumedFrom = status.resumedFrom ?? '';
  }
  if (status.state === 'reset') {
    resetNote = `已重置到 seq ${status.seq}`;
  } else if (status.state === 'connecting') {
    resetNote = '';
  } else if (status.state === 'fallback') {
    fallbackNote = 'WebSocket 无法连接，已改用 SSE';
  }
  statusText.textContent = text ?? describe(status);
}

function describe(status) {
  const via = status.transport === 'ws' ? 'WebSocket' : 'SSE';
  const note = [fallbackNote, resetNote].filter(Boolean).map((n) => ` · ${n}`).join('');
  switch (status.state) {
    case 'connecting':
      return `正在连接（${via}）…${note}`;
    case 'connected':
      return status.resumedFrom === null || status.resumedFrom === undefined
        ? `已连接 · ${via}${note}`
        : `已连接 · ${via} · 从 seq ${status.resumedFrom} 续传${note}`;
    case 'reconnecting':
      return `连接中断，${Math.max(1, Math.round(status.delay / 1000))} 秒后重连（第 ${status.attempt} 次）${note}`;
    case 'reset':
      return `已连接 · ${via} · 已重置到 seq ${status.seq}（${status.reason ?? '无法续传'}）`;
    case 'fallback':
      return 'WebSocket 无法连接，改用 SSE…';
    case 'error':
      return `错误：${status.message ?? status.code ?? '未知'}${status.code ? `（${status.code}）` : ''}`;
    case 'closed':
      return status.transport ? '已断开' : '未连接';
    default:
      return '未连接';
  }
}

// ---- articles ------------------------------------------------------------------------------

function show(article) {
  if (shown.has(article.seq)) return;
  const item = render(article);
  shown.set(article.seq, item);
  // Newest first: a higher seq goes above every lower one.
  let before = feed.firstElementChild;
  while (before && Number(before.dataset.seq) > article.seq) before = before.nextElementSibling;
  feed.insertBefore(item, before);
  while (feed.childElementCount > MAX_ITEMS) {
    const oldest = feed.lastElementChild;
    shown.delete(Number(oldest.dataset.seq));
    oldest.remove();
  }
  empty.hidden = true;
  announce.textContent = `新文章：${article.title}`;
}

function render(article) {
  const item = template.content.firstElementChild.cloneNode(true);
  item.dataset.seq = String(article.seq);
  item.dataset.topic = article.topic;
  const lang = typeof article.lang === 'string' && article.lang ? article.lang : 'zh-CN';
  item.querySelector('article').lang = lang;
  text(item, '.topic', article.topic);
  text(item, '.seq', `#${article.seq}`);
  const time = item.querySelector('.time');
  const when = new Date(article.published_at);
  if (article.published_at && !Number.isNaN(when.getTime())) {
    time.dateTime = article.published_at;
    time.textContent = timeFormat.format(when);
  } else {
    time.remove();
  }
  text(item, '.title', article.title);
  text(item, '.subtitle', article.subtitle);
  text(item, '.byline', article.author ? `作者：${article.author}` : '');
  text(item, '.summary', article.summary);

  const tags = item.querySelector('.tags');
  for (const tag of Array.isArray(article.tags) ? article.tags : []) {
    const li = document.createElement('li');
    li.textContent = tag;
    tags.append(li);
  }
  if (!tags.childElementCount) tags.remove();

  const body = item.querySelector('.body');
  body.id = `body-${article.seq}`;
  const paragraphs = Array.isArray(article.body) ? article.body : [];
  for (const paragraph of paragraphs) {
    const p = document.createElement('p');
    p.textContent = paragraph;
    body.append(p);
  }
  const link = safeLink(article.url);
  if (link) {
    const p = document.createElement('p');
    const a = document.createElement('a');
    a.href = link;
    a.rel = 'noopener noreferrer';
    a.target = '_blank';
    a.textContent = '阅读原文';
    p.className = 'source';
    p.append(a);
    body.append(p);
  }
  if (!body.childElementCount) {
    const p = document.createElement('p');
    p.className = 'nobody';
    p.textContent = '（无正文）';
    body.append(p);
  }
  const toggle = item.querySelector('.toggle');
  toggle.setAttribute('aria-controls', body.id);
  return item;
}

function text(root, selector, value) {
  const element = root.querySelector(selector);
  if (value === null || value === undefined || value === '') {
    element.remove();
  } else {
    element.textContent = String(value);
  }
}

/** Only http(s) links become clickable: a javascript: URL from a publisher must never run. */
function safeLink(url) {
  if (typeof url !== 'string') return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

function setExpanded(item, expanded) {
  item.querySelector('.toggle').setAttribute('aria-expanded', String(expanded));
  item.querySelector('.body').hidden = !expanded;
  item.classList.toggle('open', expanded);
}

function dropUnmatched(topics) {
  for (const [seq, item] of shown) {
    if (!topics.some((pattern) => topicMatches(pattern, item.dataset.topic))) {
      item.remove();
      shown.delete(seq);
    }
  }
  empty.hidden = shown.size > 0;
}

// ---- wiring --------------------------------------------------------------------------------

feed.addEventListener('click', (event) => {
  if (event.target.closest('a')) return;
  const item = event.target.closest('.item');
  if (!item) return;
  // A click on the card toggles it, unless the reader was selecting text.
  const selection = getSelection();
  if (!event.target.closest('.toggle') && selection && !selection.isCollapsed) return;
  setExpanded(item, item.querySelector('.body').hidden);
});

form.addEventListener('change', (event) => {
  if (event.target.name === 'topic' || event.target.name === 'transport') start();
});
form.addEventListener('submit', (event) => {
  event.preventDefault();
  start();
});

start(sinceParam);
