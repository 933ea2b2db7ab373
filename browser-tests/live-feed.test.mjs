// Browser tests of the live-feed page (GET /) and newspush.js, in Debian's headless Chromium.
//
// Run by io.newspush.browser.LiveFeedPageTest (mvn -B verify), which starts a newspush node and
// passes it in the environment:
//   NEWSPUSH_URL          the node, e.g. http://127.0.0.1:41234
//   NEWSPUSH_TOKEN        a publisher token
//   NEWSPUSH_CONTROL_URL  (optional) POST /restart there stops the node, writes the articles in the
//                         JSON body straight into its database, starts it again on the same port
//                         and database, and answers once it serves. Without it the restart test is skipped.
//   NEWSPUSH_ARTIFACTS    (optional) where screenshots go; default ../target/browser
//   NEWSPUSH_CHROMIUM     (optional) the browser; default /usr/bin/chromium
// By hand, against a running server:
//   NEWSPUSH_URL=http://127.0.0.1:8080 NEWSPUSH_TOKEN=$(cat data/publisher-token) node --test browser-tests/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const URL_ = (process.env.NEWSPUSH_URL || '').replace(/\/+$/, '');
const TOKEN = process.env.NEWSPUSH_TOKEN || '';
const CONTROL = process.env.NEWSPUSH_CONTROL_URL || '';
const ARTIFACTS = resolve(process.env.NEWSPUSH_ARTIFACTS || join(here, '..', 'target', 'browser'));
const CHROMIUM = process.env.NEWSPUSH_CHROMIUM || '/usr/bin/chromium';
const SAMPLES = join(here, '..', 'src', 'main', 'resources', 'demo', 'sample-articles.json');
const ARRIVAL_MS = 2000;

assert.ok(URL_ && TOKEN, 'set NEWSPUSH_URL and NEWSPUSH_TOKEN (LiveFeedPageTest does; see the top of this file)');

let browser;
const run = Math.random().toString(36).slice(2, 8);   // keeps titles unique across runs on one server
let counter = 0;

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // playwright gives every launch a fresh, empty --user-data-dir of its own.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
});

// ---- helpers -------------------------------------------------------------------------------

function uniqueTitle(words) {
  return `${words} ${run}-${++counter}`;
}

async function publish(article) {
  const response = await fetch(URL_ + '/v1/articles', {
    method: 'POST',
    headers: { Authorization: 'Bearer ' + TOKEN, 'Content-Type': 'application/json' },
    body: JSON.stringify(article),
  });
  const body = await response.json();
  assert.equal(response.status, 201, 'publish answered ' + JSON.stringify(body));
  return body;
}

function article(topic, title, extra = {}) {
  return {
    topic,
    title,
    subtitle: '副标题：' + title,
    author: '测试记者',
    summary: '摘要：义乌市场今天的消息。',
    body: ['第一段：本报讯 义乌国际商贸城客流持续增长。', '第二段：市场主体信心增强。'],
    ...extra,
  };
}

/** A new browser context (its own localStorage) with the status history recorded in window.__states. */
async function newContext(options = {}) {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...options });
  await context.addInitScript(() => {
    window.__states = [];
    document.addEventListener('DOMContentLoaded', () => {
      const box = document.getElementById('status');
      if (!box) return;
      const record = () => window.__states.push({
        state: box.dataset.state, transport: box.dataset.transport, resumedFrom: box.dataset.resumedFrom,
        text: box.textContent.trim(),
      });
      record();
      new MutationObserver(record).observe(box, { attributes: true, childList: true, subtree: true, characterData: true });
    });
  });
  return context;
}

/** Opens the page with the given query and waits until it is connected (or in `state`). */
async function openPage(context, query = '', state = 'connected') {
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(error.message));
  const response = await page.goto(URL_ + '/' + (query ? '?' + query : ''));
  assert.equal(response.status(), 200);
  await page.locator(`#status[data-state="${state}"]`).waitFor({ timeout: 5000 });
  return page;
}

async function connected(page, timeout = 5000) {
  await page.locator('#status[data-state="connected"]').waitFor({ timeout });
}

function titleLocator(page, title) {
  return page.locator('#feed .item .title', { hasText: title });
}

/** Publishes and asserts the article shows up on every page within ARRIVAL_MS. */
async function publishAndSee(pages, draft) {
  const started = Date.now();
  const published = await publish(draft);
  await Promise.all(pages.map((page) => titleLocator(page, draft.title).waitFor({ timeout: ARRIVAL_MS })));
  return { ...published, ms: Date.now() - started };
}

async function shownSeqs(page) {
  return page.locator('#feed .item').evaluateAll((items) => items.map((item) => Number(item.dataset.seq)));
}

async function shownTitles(page) {
  return page.locator('#feed .item .title').allTextContents();
}

function assertNoPageErrors(page) {
  assert.deepEqual(page.errors, [], 'uncaught errors in the page');
}

// ---- tests ---------------------------------------------------------------------------------

test('the page loads: Chinese, connected, with the topic and transport controls', async () => {
  const context = await newContext();
  const page = await openPage(context);
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.equal(await page.title(), 'newspush · 实时新闻');
  const boxes = await page.locator('input[name="topic"]').evaluateAll((inputs) => inputs.map((i) => [i.value, i.checked]));
  assert.deepEqual(boxes, [['economy/**', true], ['politics/**', true], ['health/**', true]]);
  assert.equal(await page.locator('input[name="transport"]:checked').getAttribute('value'), 'sse');
  assert.equal(await page.locator('#status').getAttribute('data-transport'), 'sse');
  const fonts = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
  assert.match(fonts, /Noto Sans CJK SC/);
  assert.match(fonts, /Microsoft YaHei/);
  const js = await page.request.get(URL_ + '/newspush.js');
  assert.equal(js.status(), 200);
  assert.match(js.headers()['content-type'], /javascript/);
  assertNoPageErrors(page);
  await context.close();
});

test('the five sample articles appear newest first, expand on click, and are saved as a screenshot', async () => {
  const samples = JSON.parse(readFileSync(SAMPLES, 'utf8')).map(({ slug, ...sample }) => sample);
  const context = await newContext({ viewport: { width: 1000, height: 800 } });
  const page = await openPage(context);
  for (const sample of samples) {
    await publishAndSee([page], sample);
  }
  const titles = await shownTitles(page);
  assert.deepEqual(titles, samples.map((s) => s.title).reverse(), 'newest first');
  const seqs = await shownSeqs(page);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => b - a));

  // Chinese text arrives byte for byte and is laid out with a CJK font (not as empty boxes).
  const first = page.locator('#feed .item').first();
  const newest = samples[samples.length - 1];
  assert.equal(await first.locator('.subtitle').textContent(), newest.subtitle);
  assert.equal(await first.locator('.byline').textContent(), '作者：' + newest.author);
  assert.equal(await first.locator('.summary').textContent(), newest.summary);
  assert.equal(await first.locator('.topic').textContent(), newest.topic);
  assert.equal(await first.locator('time').getAttribute('datetime'), newest.published_at);
  assert.equal(await first.locator('time').textContent(), '2026年4月16日 07:00');
  const cjkFontCount = await page.evaluate(() => document.fonts.check('16px "Noto Sans CJK SC"', '义乌'));
  assert.ok(cjkFontCount, 'a CJK font is available to the page');

  await page.screenshot({ path: join(ARTIFACTS, 'live-feed.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(ARTIFACTS, 'live-feed-phone.png') });
  await page.setViewportSize({ width: 1000, height: 800 });

  // Click to expand: the body paragraphs, in order.
  const body = first.locator('.body');
  assert.equal(await body.isHidden(), true);
  await first.locator('.toggle').click();
  await body.waitFor({ state: 'visible' });
  assert.equal(await first.locator('.toggle').getAttribute('aria-expanded'), 'true');
  assert.deepEqual(await body.locator('p').allTextContents(), newest.body);
  await first.locator('.toggle').click();
  assert.equal(await body.isHidden(), true);
  assertNoPageErrors(page);
  await context.close();
});

for (const transport of ['sse', 'ws']) {
  test(`${transport}: a published article appears within ${ARRIVAL_MS} ms`, async () => {
    const context = await newContext();
    const page = await openPage(context, 'transport=' + transport);
    assert.equal(await page.locator('#status').getAttribute('data-transport'), transport);
    assert.equal(await page.locator(`input[name="transport"][value="${transport}"]`).isChecked(), true);
    for (let i = 0; i < 3; i++) {
      const seen = await publishAndSee([page], article('economy/trade', uniqueTitle('义乌小商品出口增长')));
      assert.ok(seen.ms < ARRIVAL_MS, `${transport} took ${seen.ms} ms`);
    }
    assert.equal(new Set(await shownSeqs(page)).size, 3);
    assertNoPageErrors(page);
    await context.close();
  });
}

test('topic filters: unchecked topics do not appear, a free pattern does', async () => {
  const context = await newContext();
  const page = await openPage(context, 'transport=ws');
  const shownBefore = article('economy/industry', uniqueTitle('新能源汽车产业链'));
  await publishAndSee([page], shownBefore);

  // Keep only health/**: the economy article already shown goes, later ones do not come.
  await page.locator('input[name="topic"][value="economy/**"]').uncheck();
  await connected(page);
  await page.locator('input[name="topic"][value="politics/**"]').uncheck();
  await connected(page);
  assert.equal(await titleLocator(page, shownBefore.title).count(), 0, 'unmatched articles are removed');
  assert.match(page.url(), /topics=health\/\*\*&transport=ws/);

  const economy = article('economy/trade', uniqueTitle('经济新闻不应出现'));
  const politics = article('politics/party', uniqueTitle('时政新闻不应出现'));
  const health = article('health/vaccination', uniqueTitle('疫苗接种新闻'));
  await publish(economy);
  await publish(politics);
  await publishAndSee([page], health);   // seq order: had the others come, they would be here by now
  assert.equal(await titleLocator(page, economy.title).count(), 0);
  assert.equal(await titleLocator(page, politics.title).count(), 0);

  // A free pattern, in Chinese.
  await page.locator('#pattern').fill('义乌/**');
  await page.locator('#pattern').press('Enter');
  await connected(page);
  const local = await publishAndSee([page], article('义乌/产业', uniqueTitle('义乌产业新闻')));
  assert.ok(local.ms < ARRIVAL_MS);
  assert.equal(await titleLocator(page, health.title).count(), 1, 'matching articles stay when topics change');

  // A bad pattern is explained, not retried forever.
  await page.locator('#pattern').fill('a/**/b');
  await page.locator('#pattern').press('Enter');
  await page.locator('#status[data-state="error"]').waitFor({ timeout: 5000 });
  assert.match(await page.locator('#status').textContent(), /invalid_pattern|pattern/);
  assertNoPageErrors(page);
  await context.close();
});

test('article text is never parsed as HTML, and only http(s) links are links', async () => {
  const context = await newContext();
  const page = await openPage(context);
  const title = uniqueTitle('<img src=x onerror="window.__pwned=1">标题');
  await publishAndSee([page], article('economy/trade', title, {
    subtitle: '<b>粗体</b>',
    summary: '<script>window.__pwned=2</script>',
    body: ['<iframe src="javascript:alert(1)"></iframe>'],
    url: 'javascript:window.__pwned=3',
  }));
  const item = page.locator('#feed .item').first();
  assert.equal(await item.locator('.title').textContent(), title);
  assert.equal(await item.locator('.subtitle').textContent(), '<b>粗体</b>');
  assert.equal(await item.locator('img, b, script, iframe').count(), 0);
  await item.locator('.toggle').click();
  assert.equal(await item.locator('.body a').count(), 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);

  const linked = uniqueTitle('带原文链接');
  await publishAndSee([page], article('economy/trade', linked, { url: 'https://www.example.com/a?b=1' }));
  const second = page.locator('#feed .item').first();
  await second.locator('.toggle').click();
  assert.equal(await second.locator('.body a').getAttribute('href'), 'https://www.example.com/a?b=1');
  assertNoPageErrors(page);
  await context.close();
});

test('a reload resumes from the last seq it saw (localStorage) without duplicates', async () => {
  const context = await newContext();
  let page = await openPage(context);
  const seen = await publishAndSee([page], article('health/policy', uniqueTitle('医保政策解读')));
  await page.close();
  const missed = article('health/policy', uniqueTitle('关闭期间发布的新闻'));
  const missedSeq = (await publish(missed)).seq;

  page = await openPage(context);
  assert.equal(await page.locator('#status').getAttribute('data-resumed-from'), String(seen.seq));
  assert.match(await page.locator('#status').textContent(), new RegExp(`从 seq ${seen.seq} 续传`));
  await titleLocator(page, missed.title).waitFor({ timeout: ARRIVAL_MS });
  assert.deepEqual(await shownSeqs(page), [missedSeq], 'only what was missed, once');
  assertNoPageErrors(page);
  await context.close();
});

test('resuming from an unknown position shows the reset and continues live', async () => {
  const context = await newContext();
  const page = await openPage(context, 'topics=**&transport=ws&since=999999999', 'reset');
  assert.match(await page.locator('#status').textContent(), /已重置到 seq \d+/);
  await publishAndSee([page], article('sports/football', uniqueTitle('重置之后的新闻')));
  assertNoPageErrors(page);
  await context.close();
});

test('newspush.js: WebSocket blocked (e.g. by a proxy) falls back to SSE', async () => {
  const context = await newContext();
  await context.addInitScript(() => {
    // A WebSocket that can never connect, as behind a proxy that refuses upgrades.
    window.WebSocket = class {
      constructor() {
        setTimeout(() => {
          this.onerror?.(new Event('error'));
          this.onclose?.({ code: 1006, reason: '', wasClean: false });
        }, 20);
      }
      send() { throw new Error('not open'); }
      close() {}
    };
  });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(error.message));
  await page.goto(URL_ + '/?transport=ws');
  await page.locator('#status[data-state="connected"][data-transport="sse"]').waitFor({ timeout: 8000 });
  assert.match(await page.locator('#status').textContent(), /改用 SSE/);
  const states = await page.evaluate(() => window.__states);
  assert.ok(states.some((s) => s.state === 'reconnecting' && s.transport === 'ws'), 'tried WebSocket first: ' + JSON.stringify(states));
  await publishAndSee([page], article('politics/government', uniqueTitle('市政府常务会议')));
  assertNoPageErrors(page);
  await context.close();
});

test('newspush.js: seq de-duplication, order and persistence, used directly', async () => {
  const context = await newContext();
  const page = await openPage(context);
  const first = await publish(article('economy/trade', uniqueTitle('直接使用一')));
  const drafts = [uniqueTitle('直接使用二'), uniqueTitle('直接使用三')].map((t) => article('economy/trade', t));
  for (const draft of drafts) await publish(draft);
  const result = await page.evaluate(async ({ since }) => {
    const { subscribe, storageKey, topicMatches } = await import('/newspush.js');
    const got = [];
    const statuses = [];
    // Two subscriptions with the same key: the second resumes from what the first persisted.
    await new Promise((done) => {
      const feed = subscribe({
        topics: ['economy/**'], transport: 'ws', since, persist: true,
        onArticle: (a) => { got.push(a.seq); if (got.length === 2) { feed.close(); done(); } },
        onStatus: (s) => statuses.push(s.state),
      });
    });
    const key = storageKey(location.origin, ['economy/**']);
    const persisted = localStorage.getItem(key);
    const again = [];
    const resumed = await new Promise((done) => {
      const feed = subscribe({
        topics: 'economy/**', transport: 'sse', persist: true,
        onArticle: (a) => again.push(a.seq),
        onStatus: (s) => { if (s.state === 'connected') { setTimeout(() => { feed.close(); done(s.resumedFrom); }, 500); } },
      });
    });
    return {
      got, statuses, persisted, again, resumed,
      matches: [topicMatches('economy/**', 'economy'), topicMatches('economy/*', 'economy/trade/asia'),
        topicMatches('*/trade', 'economy/trade'), topicMatches('义乌/**', '义乌/产业')],
    };
  }, { since: first.seq });
  assert.equal(result.got.length, 2);
  assert.ok(result.got[0] > first.seq && result.got[1] > result.got[0], 'increasing, after since: ' + result.got);
  assert.deepEqual(result.statuses.slice(0, 2), ['connecting', 'connected']);
  assert.equal(result.statuses.at(-1), 'closed');
  assert.equal(result.persisted, String(result.got[1]));
  assert.equal(result.resumed, result.got[1], 'resumed from the persisted seq');
  assert.deepEqual(result.again, [], 'nothing delivered twice');
  assert.deepEqual(result.matches, [true, false, true, true]);
  assertNoPageErrors(page);
  await context.close();
});

test('newspush.js: WebSocket liveness pings are answered, so a quiet connection stays up', async () => {
  const context = await newContext();
  const page = await openPage(context);
  const states = await page.evaluate(async () => {
    const { subscribe } = await import('/newspush.js');
    const seen = [];
    const feed = subscribe({ topics: ['nothing/here'], transport: 'ws', pingInterval: 200, onStatus: (s) => seen.push(s.state) });
    await new Promise((done) => setTimeout(done, 1500));
    feed.close();
    return seen;
  });
  assert.deepEqual(states, ['connecting', 'connected', 'closed']);
  assertNoPageErrors(page);
  await context.close();
});

test('after a server restart both transports reconnect and show what was published meanwhile, once', { skip: !CONTROL && 'NEWSPUSH_CONTROL_URL not set' }, async () => {
  const contexts = [await newContext(), await newContext()];
  const pages = [await openPage(contexts[0], 'transport=sse'), await openPage(contexts[1], 'transport=ws')];
  const before = await publishAndSee(pages, article('economy/trade', uniqueTitle('重启之前')));

  // Written straight into the database while the server is down, as a CMS would.
  const whileDown = [
    article('economy/trade', uniqueTitle('停机期间一')),
    article('health/vaccination', uniqueTitle('停机期间二')),
  ];
  const unmatched = article('sports/football', uniqueTitle('不匹配的主题'));
  const response = await fetch(CONTROL + '/restart', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ articles: [whileDown[0], unmatched, whileDown[1]] }),
  });
  assert.equal(response.status, 200, 'restart: ' + await response.text());

  for (const page of pages) {
    for (const draft of whileDown) {
      await titleLocator(page, draft.title).waitFor({ timeout: 20000 });
    }
    await connected(page);
  }
  const afterRestart = await publishAndSee(pages, article('politics/party', uniqueTitle('重启之后')));
  assert.ok(afterRestart.ms < ARRIVAL_MS);

  for (const page of pages) {
    const states = await page.evaluate(() => window.__states);
    const transport = await page.locator('#status').getAttribute('data-transport');
    assert.ok(states.some((s) => s.state === 'reconnecting'), transport + ' showed reconnecting: ' + JSON.stringify(states));
    assert.equal(await page.locator('#status').getAttribute('data-resumed-from'), String(before.seq),
      transport + ' resumed from the last seq it saw');
    assert.match(await page.locator('#status').textContent(), new RegExp(`从 seq ${before.seq} 续传`));
    const titles = await shownTitles(page);
    const seqs = await shownSeqs(page);
    assert.equal(new Set(titles).size, titles.length, transport + ' no duplicate titles: ' + titles);
    assert.equal(new Set(seqs).size, seqs.length, transport + ' no duplicate seqs: ' + seqs);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => b - a), transport + ' newest first');
    assert.equal(seqs.length, 4, transport + ' shows before, two written while down, after: ' + titles);
    assert.equal(await titleLocator(page, unmatched.title).count(), 0);
    assertNoPageErrors(page);
  }
  for (const context of contexts) await context.close();
});
