package io.newspush.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.newspush.testing.Await;
import io.newspush.testing.Http;
import io.newspush.testing.Live;
import io.newspush.testing.TestNode;
import io.newspush.testing.TestPostgres;
import io.newspush.testing.reliability.Feeds;
import io.newspush.testing.reliability.Scrape;
import io.newspush.testing.reliability.WireHttp;
import io.newspush.testing.reliability.WireWebSocket;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Connections come and go by the thousand. 2,000 subscribers (half SSE, half WebSocket; half of
 * each closed politely, half reset) are opened, sent an article and dropped, five times over. The
 * node runs in this JVM, so its heap can be weighed: after a warm-up round it must not grow by more
 * than {@link #TOLERANCE_BYTES}, and /metrics must count 0 connections and 0 patterns after every
 * round (8 MB over 8,000 closed connections: about 1 KB each; a GC'd heap here is steady to
 * within ~100 KB). Then the per-address limit: the 4th connection from one address is a JSON 429 before any
 * stream or upgrade, and closing one frees its slot.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConnectionChurnMemoryTest {
  private static final int CONNECTIONS = 2_000;
  private static final int ROUNDS = 5;
  private static final long TOLERANCE_BYTES = 8L * 1024 * 1024;
  private static final String TOPIC = "churn/all";

  private String url;
  private TestNode node;
  private Http http;

  @BeforeAll
  void start(Vertx vertx) {
    url = TestPostgres.newDatabase();
    node = TestNode.start(url, Map.of());
    http = new Http(vertx, node.port());
  }

  @AfterAll
  void stop() {
    node.close();
  }

  @Test
  @Order(1)
  void heapAndConnectionCountReturnToBaselineAfterThousandsOfConnections() {
    long baseline = 0;
    List<String> rounds = new ArrayList<>();
    for (int round = 1; round <= ROUNDS; round++) {
      long started = System.nanoTime();
      churn(round);
      long heap = usedHeapAfterGc();
      rounds.add(String.format("round %d: %d ms, heap after GC %.1f MB", round, (System.nanoTime() - started) / 1_000_000,
          heap / 1048576.0));
      if (round == 1) {
        baseline = heap;
      }
    }
    long growth = usedHeapAfterGc() - baseline;
    System.out.println(String.join("\n", rounds) + "\ngrowth after the warm-up round: " + growth / 1024 + " KB");
    assertTrue(growth < TOLERANCE_BYTES, String.format("the heap grew by %.1f MB over %d rounds of %d connections"
        + " (tolerance %d MB): something is kept per connection after it closed; %s", growth / 1048576.0, ROUNDS - 1,
        CONNECTIONS, TOLERANCE_BYTES / 1048576, rounds));
  }

  /** Opens 2,000 subscribers, checks they are counted and served, then drops them and waits for the count to return to 0. */
  private void churn(int round) {
    List<Socket> sse = new ArrayList<>();
    List<WireWebSocket> ws = new ArrayList<>();
    try {
      for (int i = 0; i < CONNECTIONS / 2; i++) {
        Socket socket = WireHttp.send(node.port(), WireHttp.get(node.port(), Live.sse(TOPIC), "Accept: text/event-stream"), 16 * 1024);
        sse.add(socket);
        WireWebSocket socketWs = WireWebSocket.open(node.port(), Live.ws(TOPIC), 16 * 1024);
        ws.add(socketWs);
        assertEquals(101, socketWs.status(), "round " + round + ": WebSocket " + i + " upgrade: " + socketWs.refusalBody());
      }
      Await.until(() -> Scrape.connections(node.port(), "sse") == CONNECTIONS / 2 && Scrape.connections(node.port(), "ws") == CONNECTIONS / 2,
          Duration.ofSeconds(30), () -> "round " + round + ": /metrics counts " + Scrape.connections(node.port(), "sse")
              + " SSE and " + Scrape.connections(node.port(), "ws") + " WebSocket connections of " + CONNECTIONS / 2 + " each");

      double deliveredBefore = deliveries();
      Feeds.publish(http, Feeds.article(TOPIC, "round " + round));
      Await.until(() -> deliveries() - deliveredBefore >= CONNECTIONS, Duration.ofSeconds(30),
          () -> "round " + round + ": the article was written to " + (deliveries() - deliveredBefore) + " of "
              + CONNECTIONS + " subscribers");
    } finally {
      for (int i = 0; i < sse.size(); i++) {
        closeSse(sse.get(i), i % 2 == 0);
      }
      for (int i = 0; i < ws.size(); i++) {
        if (i % 2 == 0) {
          ws.get(i).tryWrite(WireWebSocket.frame(WireWebSocket.CLOSE, new byte[] {0x03, (byte) 0xe8}, true));
          ws.get(i).close();
        } else {
          ws.get(i).abort();
        }
      }
    }
    Await.until(() -> Scrape.connections(node.port(), "sse") == 0 && Scrape.connections(node.port(), "ws") == 0,
        Duration.ofSeconds(30), () -> "round " + round + ": after every client left /metrics still counts "
            + Scrape.connections(node.port(), "sse") + " SSE and " + Scrape.connections(node.port(), "ws") + " WebSocket connections");
    Await.until(() -> Scrape.value(node.port(), "newspush_subscribed_patterns", "") == 0, Duration.ofSeconds(10),
        () -> "round " + round + ": newspush_subscribed_patterns is " + Scrape.value(node.port(), "newspush_subscribed_patterns", "")
            + " with no connection open");
  }

  private static void closeSse(Socket socket, boolean orderly) {
    try {
      if (!orderly) {
        socket.setSoLinger(true, 0);
      }
      socket.close();
    } catch (IOException ignored) {
      // gone either way
    }
  }

  private double deliveries() {
    return Scrape.value(node.port(), "newspush_deliveries_total", "transport=\"sse\"")
        + Scrape.value(node.port(), "newspush_deliveries_total", "transport=\"ws\"");
  }

  /** The smallest used-heap reading over a few full GCs: the live set, as near as the JVM tells. */
  private static long usedHeapAfterGc() {
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      try {
        Thread.sleep(150);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
      least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return least;
  }

  @Test
  @Order(2)
  void fourthConnectionFromOneAddressIsRefusedWith429BeforeTheStreamAndClosingOneFreesASlot(Vertx vertx) throws IOException {
    try (TestNode limited = TestNode.start(url, Map.of("NEWSPUSH_LIMITS_CONNECTIONS_PER_ADDRESS", "3"))) {
      int port = limited.port();
      List<AutoCloseable> open = new ArrayList<>();
      try {
        Socket firstSse = openSse(port);
        open.add(firstSse);
        open.add(openSse(port));
        WireWebSocket firstWs = WireWebSocket.open(port, Live.ws(TOPIC));
        open.add(firstWs);
        assertEquals(101, firstWs.status(), "the 3rd connection (a WebSocket) is allowed: " + firstWs.refusalBody());
        Await.until(() -> Scrape.connections(port, "sse") == 2 && Scrape.connections(port, "ws") == 1,
            () -> "expected 2 SSE and 1 WebSocket connections");

        assertRefusedSse(port, "the 4th connection (SSE)");
        assertRefusedWs(port, "the 4th connection (WebSocket)");
        assertEquals(2, Scrape.connections(port, "sse"), "refused connections are not counted");
        assertEquals(1, Scrape.connections(port, "ws"), "refused connections are not counted");

        firstSse.close();
        open.remove(firstSse);
        Await.until(() -> Scrape.connections(port, "sse") == 1, () -> "the closed SSE connection is still counted");
        WireWebSocket again = WireWebSocket.open(port, Live.ws(TOPIC));
        open.add(again);
        assertEquals(101, again.status(), "closing one connection frees its slot: " + again.refusalBody());

        assertRefusedSse(port, "with the freed slot taken again, another SSE connection");
        assertRefusedWs(port, "with the freed slot taken again, another WebSocket connection");
        assertTrue(Scrape.value(port, "newspush_limit_rejections_total", "kind=\"connections_per_address\"") >= 4,
            "refusals are counted in newspush_limit_rejections_total{kind=\"connections_per_address\"}");
      } finally {
        for (AutoCloseable closeable : open) {
          try {
            closeable.close();
          } catch (Exception ignored) {
            // closing anyway
          }
        }
      }
    }
  }

  private static Socket openSse(int port) throws IOException {
    Socket socket = WireHttp.send(port, WireHttp.get(port, Live.sse(TOPIC), "Accept: text/event-stream"), 0);
    socket.setSoTimeout(5_000);
    WireHttp.Head head = WireHttp.readHead(socket.getInputStream());
    assertEquals(200, head.status(), "an SSE connection within the limit is accepted");
    return socket;
  }

  private static void assertRefusedSse(int port, String which) throws IOException {
    try (Socket socket = WireHttp.send(port, WireHttp.get(port, Live.sse(TOPIC), "Accept: text/event-stream"), 0)) {
      WireHttp.Stream answer = WireHttp.readToEnd(socket, Duration.ofSeconds(5));
      assertRefusal(which, answer.head(), new String(answer.body(), StandardCharsets.UTF_8));
    }
  }

  private static void assertRefusedWs(int port, String which) {
    try (WireWebSocket ws = WireWebSocket.open(port, Live.ws(TOPIC))) {
      assertRefusal(which, new WireHttp.Head(ws.status(), ws.headers()), ws.refusalBody());
    }
  }

  private static void assertRefusal(String which, WireHttp.Head head, String body) {
    assertEquals(429, head.status(), which + " is refused with 429 before any stream or upgrade; body '" + body + "'");
    assertTrue(head.headers().getOrDefault("Content-Type", "").startsWith("application/json"),
        which + ": the 429 is JSON, not a stream: " + head.headers());
    JsonObject error = new JsonObject(body);
    assertEquals("too_many_connections", error.getString("error"), which + ": error code in " + body);
    assertTrue(error.getString("message") != null && !error.getString("message").isBlank(), which + ": a message in " + body);
  }
}
