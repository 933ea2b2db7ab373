package io.newspush.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.newspush.testing.Await;
import io.newspush.testing.Http;
import io.newspush.testing.Live;
import io.newspush.testing.SseClient;
import io.newspush.testing.TestNode;
import io.newspush.testing.TestPostgres;
import io.newspush.testing.WsClient;
import io.newspush.testing.reliability.Cms;
import io.newspush.testing.reliability.Feeds;
import io.newspush.testing.reliability.Scrape;
import io.newspush.testing.reliability.ServerLog;
import io.newspush.testing.reliability.WireHttp;
import io.newspush.testing.reliability.WireWebSocket;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A subscriber that stops reading must not hold anything up: the server bounds what it queues for
 * that one connection, closes it (WebSocket 1008 "slow consumer", SSE stream ended), and everyone
 * else keeps receiving. The slow client then resumes from the last seq it really got and receives
 * the rest exactly once.
 *
 * <p>The slow client is a raw socket with a 4 KiB receive buffer that never reads; the node's queue
 * limits are small (256 KiB / 100 articles) so the bound is reached despite the kernel's buffers.
 * 1,000 articles of about 4 KB of Chinese text are written by a CMS in ten batches. The node has a
 * single gateway, so the slow client shares its fan-out with the well-behaved ones.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowConsumerTest {
  private static final int ARTICLES = 1_000;
  private static final int BATCH = 100;
  private static final Duration DELIVERY = Duration.ofSeconds(60);

  private TestNode node;
  private Pool cms;
  private Http http;
  private String body;

  @BeforeAll
  void start(Vertx vertx) {
    String url = TestPostgres.newDatabase();
    // One gateway (as on a one-core node): every subscriber of a topic shares one fan-out, so a slow
    // client is cut off while the article that overflowed its queue is being delivered to the others.
    node = TestNode.start(url, Map.of(
        "NEWSPUSH_LIMITS_QUEUE_BYTES", "262144",
        "NEWSPUSH_LIMITS_QUEUE_ARTICLES", "100",
        "NEWSPUSH_HTTP_GATEWAYS", "1"));
    cms = TestPostgres.pool(vertx, url);
    http = new Http(vertx, node.port());
    body = Cms.chineseText(4_000);
  }

  @AfterAll
  void stop() {
    node.close();
  }

  @Test
  void webSocketClientThatNeverReadsIsClosedWith1008AndResumesWithoutLossOrDuplicates(Vertx vertx) {
    String topic = "slow/ws";
    try (ServerLog log = ServerLog.capture();
         SseClient goodSse = SseClient.connect(vertx, node.port(), Live.sse(topic));
         WsClient goodWs = Feeds.subscribedWs(vertx, node.port(), null, topic)) {
      WireWebSocket slow = WireWebSocket.open(node.port(), Live.ws(topic), 4096);
      try {
        assertEquals(101, slow.status(), "the slow client's WebSocket handshake");
        awaitConnections(1, 2);
        List<JsonObject> history = burstUntilCutOff(topic, "ws", goodSse, goodWs, log);

        // Only now does the slow client read: whatever the kernel still held, then how the server ended it.
        WireWebSocket.Drained drained = slow.drain(Duration.ofSeconds(30));
        List<Long> received = new ArrayList<>();
        for (String text : drained.texts()) {
          JsonObject message = new JsonObject(text);
          if ("article".equals(message.getString("type"))) {
            received.add(message.getJsonObject("article").getLong("seq"));
          }
        }
        System.out.println("slow WebSocket client received " + received.size() + " articles, then " + drained.ending());
        assertTrue(drained.ending().closeFrame(), "the slow WebSocket client must find a close frame after the articles"
            + " it was sent (protocol: close 1008 'slow consumer'); it found " + drained.ending() + " after "
            + received.size() + " articles");
        assertEquals(1008, drained.ending().closeCode(), "close code for a slow consumer; " + drained.ending());
        assertEquals("slow consumer", drained.ending().closeReason(), "close reason; " + drained.ending());
        long last = assertPrefixOfHistory(received, history, "slow WebSocket client");

        try (WsClient resumed = Feeds.subscribedWs(vertx, node.port(), last, topic)) {
          int missing = ARTICLES - received.size();
          resumed.awaitArticles(missing);
          Feeds.sync(resumed);
          Feeds.assertSameArticles(after(history, last), resumed.articles(),
              "resuming with since=" + last + " returns every missed article exactly once, in order");
        }
        assertEquals(List.of(), log.errors(), "the node logged errors while cutting off the slow client");
      } finally {
        slow.close();
      }
    }
  }

  @Test
  void sseClientThatNeverReadsHasItsStreamEndedAndResumesWithoutLossOrDuplicates(Vertx vertx) {
    String topic = "slow/sse";
    try (ServerLog log = ServerLog.capture();
         SseClient goodSse = SseClient.connect(vertx, node.port(), Live.sse(topic));
         WsClient goodWs = Feeds.subscribedWs(vertx, node.port(), null, topic)) {
      Socket slow = WireHttp.send(node.port(), WireHttp.get(node.port(), Live.sse(topic), "Accept: text/event-stream"), 4096);
      try {
        awaitConnections(2, 1);
        List<JsonObject> history = burstUntilCutOff(topic, "sse", goodSse, goodWs, log);

        WireHttp.Stream stream = WireHttp.readToEnd(slow, Duration.ofSeconds(30));
        assertEquals(200, stream.head().status(), "the slow client's stream had started");
        List<Long> received = new ArrayList<>();
        for (WireHttp.SseEvent event : stream.events()) {
          if (event.event().equals("article")) {
            received.add(Long.parseLong(event.id()));
          }
        }
        System.out.println("slow SSE client received " + received.size() + " articles, then " + stream.ending());
        assertTrue(received.size() < ARTICLES, "the stream was ended before the slow client got all " + ARTICLES
            + " articles (it got " + received.size() + ", ended by " + stream.ending() + ")");
        long last = assertPrefixOfHistory(received, history, "slow SSE client");

        // An EventSource reconnects with Last-Event-ID: the last id it saw (0 if none).
        try (SseClient resumed = SseClient.connect(vertx, node.port(), Live.sse(topic), Map.of("Last-Event-ID", Long.toString(last)))) {
          int missing = ARTICLES - received.size();
          resumed.awaitArticles(missing);
          long live = Feeds.publish(http, Feeds.article(topic, "after the resume"));
          resumed.awaitArticles(missing + 1);
          List<Long> expected = new ArrayList<>(Feeds.seqs(after(history, last)));
          expected.add(live);
          Feeds.assertSameSeqs(expected, resumed.seqs(), "resuming with Last-Event-ID: " + last
              + " returns every missed article exactly once, in order, then the live stream");
          Feeds.assertSameArticles(after(history, last), resumed.articles().subList(0, missing), "the missed articles are intact");
        }
        assertEquals(List.of(), log.errors(), "the node logged errors while cutting off the slow client");
      } finally {
        try {
          slow.close();
        } catch (java.io.IOException ignored) {
          // closing anyway
        }
      }
    }
  }

  /**
   * Ten clients that never read (five WebSocket, five SSE) among two well-behaved ones, all on one
   * pattern: each slow one is cut off at some article, in the middle of that article's fan-out,
   * and the well-behaved ones must still get that article and every other.
   */
  @Test
  void tenSlowClientsAreCutOffWithoutCostingTheWellBehavedOnesAnyArticle(Vertx vertx) {
    String topic = "slow/crowd";
    List<WireWebSocket> slowWs = new ArrayList<>();
    List<Socket> slowSse = new ArrayList<>();
    try (ServerLog log = ServerLog.capture();
         SseClient goodSse = SseClient.connect(vertx, node.port(), Live.sse(topic));
         WsClient goodWs = Feeds.subscribedWs(vertx, node.port(), null, topic)) {
      try {
        for (int i = 0; i < 5; i++) {
          slowWs.add(WireWebSocket.open(node.port(), Live.ws(topic), 4096));
          slowSse.add(WireHttp.send(node.port(), WireHttp.get(node.port(), Live.sse(topic), "Accept: text/event-stream"), 4096));
        }
        awaitConnections(6, 6);
        double wsClosesBefore = slowConsumerCloses("ws");
        double sseClosesBefore = slowConsumerCloses("sse");

        publishBurst(topic);
        Cms.awaitAllSequenced(cms, DELIVERY);
        List<JsonObject> history = Feeds.history(node.port(), topic);
        assertEquals(ARTICLES, history.size(), "every inserted row is stored and sequenced");
        assertGoodClientsGotEverything(goodSse, goodWs, history, log);
        Await.until(() -> slowConsumerCloses("ws") - wsClosesBefore >= 5 && slowConsumerCloses("sse") - sseClosesBefore >= 5,
            () -> "slow-consumer closes counted: " + (slowConsumerCloses("ws") - wsClosesBefore) + " WebSocket and "
                + (slowConsumerCloses("sse") - sseClosesBefore) + " SSE of 5 each");
        awaitConnections(1, 1);
        assertEquals(List.of(), log.errors(), "the node logged errors while cutting off slow clients");
      } finally {
        slowWs.forEach(WireWebSocket::abort);
        for (Socket socket : slowSse) {
          try {
            socket.close();
          } catch (java.io.IOException ignored) {
            // closing anyway
          }
        }
      }
    }
  }

  /** 1,000 rows of ~4 KB, ten CMS batches of 100 written back to back. */
  /**
   * Publishes the burst while the slow client does not read; checks that the good clients got all
   * of it and that the server cut off one client of {@code transport} as a slow consumer.
   * Returns the stored articles of the topic.
   */
  private List<JsonObject> burstUntilCutOff(String topic, String transport, SseClient goodSse, WsClient goodWs,
                                            ServerLog log) {
    double closesBefore = slowConsumerCloses(transport);
    publishBurst(topic);
    Cms.awaitAllSequenced(cms, DELIVERY);
    List<JsonObject> history = Feeds.history(node.port(), topic);
    assertEquals(ARTICLES, history.size(), "every inserted row is stored and sequenced");
    assertGoodClientsGotEverything(goodSse, goodWs, history, log);
    Await.until(() -> slowConsumerCloses(transport) > closesBefore, () -> "the server never counted a slow-consumer"
        + " close for the " + transport + " client that does not read (newspush_slow_consumer_closes_total{transport=\""
        + transport + "\"}); if the kernel's socket buffers (net.ipv4.tcp_wmem) held the whole burst, the queue limit"
        + " was never reached");
    return history;
  }

  private void publishBurst(String topic) {
    for (int from = 0; from < ARTICLES; from += BATCH) {
      Cms.insertBatch(cms, topic, Cms.titles(topic, from, BATCH), body);
    }
  }

  private void assertGoodClientsGotEverything(SseClient sse, WsClient ws, List<JsonObject> history, ServerLog log) {
    List<Long> seqs = Feeds.seqs(history);
    // Articles arrive in seq order, so once the last one is there everything that will come has come.
    long lastSeq = seqs.get(seqs.size() - 1);
    Await.until(() -> sse.seqs().contains(lastSeq) || sse.ended(), DELIVERY,
        () -> "the well-behaved SSE client has " + sse.articles().size() + " of " + ARTICLES + " articles; missing seqs "
            + missing(seqs, sse.seqs()) + "; the node logged " + log.errors().size() + " errors " + firstOf(log.errors()));
    Await.until(() -> ws.seqs().contains(lastSeq) || ws.closed(), DELIVERY,
        () -> "the well-behaved WebSocket client has " + ws.articles().size() + " of " + ARTICLES + " articles; missing seqs "
            + missing(seqs, ws.seqs()) + "; the node logged " + log.errors().size() + " errors " + firstOf(log.errors()));
    String logged = log.errors().isEmpty() ? "" : " (the node logged " + log.errors().size() + " errors, the first: "
        + log.errors().get(0) + ")";
    assertFalse(sse.ended(), "the well-behaved SSE client's stream was ended (after " + sse.articles().size()
        + " articles): a slow client's limit was felt by another client");
    assertFalse(ws.closed(), "the well-behaved WebSocket client was closed with " + ws.closeStatus() + " '"
        + ws.closeReason() + "' after " + ws.articles().size() + " articles: a slow client's limit was felt by another client");
    try {
      Feeds.assertSameSeqs(seqs, sse.seqs(), "the well-behaved SSE client must get every article exactly once, in seq order");
      Feeds.assertSameSeqs(seqs, ws.seqs(), "the well-behaved WebSocket client must get every article exactly once, in seq order");
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + logged, e);
    }
    Feeds.assertSameArticles(history, sse.articles(), "SSE articles are what history holds (4 KB of Chinese text each, intact)");
    Feeds.assertSameArticles(history, ws.articles(), "WebSocket articles are what history holds (4 KB of Chinese text each, intact)");
  }

  private static String firstOf(List<String> errors) {
    return errors.isEmpty() ? "" : "(the first: " + errors.get(0) + ")";
  }

  private static List<Long> missing(List<Long> expected, List<Long> got) {
    List<Long> missing = new ArrayList<>(expected);
    missing.removeAll(got);
    return missing.size() > 20 ? missing.subList(0, 20) : missing;
  }

  /** The slow client got the first n articles of the feed, each once, in order; returns the last seq (0 if none). */
  private static long assertPrefixOfHistory(List<Long> received, List<JsonObject> history, String who) {
    List<Long> seqs = Feeds.seqs(history);
    assertTrue(received.size() <= seqs.size(), who + " got more articles than exist: " + received.size());
    Feeds.assertSameSeqs(seqs.subList(0, received.size()), received,
        who + " must have got, before it was cut off, a gap-free, duplicate-free prefix of the feed");
    return received.isEmpty() ? 0 : received.get(received.size() - 1);
  }

  private static List<JsonObject> after(List<JsonObject> history, long last) {
    return history.stream().filter(article -> article.getLong("seq") > last).toList();
  }

  private void awaitConnections(long sse, long ws) {
    Await.until(() -> Scrape.connections(node.port(), "sse") == sse && Scrape.connections(node.port(), "ws") == ws,
        () -> "expected " + sse + " SSE and " + ws + " WebSocket connections; /metrics says "
            + Scrape.connections(node.port(), "sse") + " and " + Scrape.connections(node.port(), "ws"));
  }

  private double slowConsumerCloses(String transport) {
    double value = Scrape.value(node.port(), "newspush_slow_consumer_closes_total", "transport=\"" + transport + "\"");
    return Double.isNaN(value) ? 0 : value;
  }
}
