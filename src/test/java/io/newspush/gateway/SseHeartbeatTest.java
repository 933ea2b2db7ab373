package io.newspush.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.newspush.testing.Await;
import io.newspush.testing.Live;
import io.newspush.testing.SseClient;
import io.newspush.testing.TestNode;
import io.newspush.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An SSE stream announces itself at once (retry line and a comment) with the headers proxies and
 * browsers need, and keeps an idle connection alive with {@code : ping} comments.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SseHeartbeatTest {
  private static final String ORIGIN = "https://news.example.org";

  private TestNode node;

  @BeforeAll
  void start() {
    node = TestNode.start(TestPostgres.newDatabase(), Map.of(
        "NEWSPUSH_SSE_PING_SECONDS", "1",
        "NEWSPUSH_SSE_RETRY_MS", "1500",
        "NEWSPUSH_HTTP_CORS_ORIGINS", ORIGIN));
  }

  @AfterAll
  void stop() {
    node.close();
  }

  @Test
  void streamStartsAtOnceWithTheRightHeaders(Vertx vertx) {
    long before = System.nanoTime();
    SseClient sse = SseClient.connect(vertx, node.port(), Live.sse("heartbeat/**"), Map.of("Origin", ORIGIN));
    assertEquals(200, sse.status(), () -> "SSE refused: " + sse.errorBody());

    Map<String, String> headers = sse.headers();
    assertEquals("text/event-stream; charset=utf-8", lower(headers.get("Content-Type")), "Content-Type of " + headers);
    assertEquals("no-cache", lower(headers.get("Cache-Control")), "Cache-Control of " + headers);
    assertEquals("no", lower(headers.get("X-Accel-Buffering")), "X-Accel-Buffering of " + headers);
    assertEquals(ORIGIN, headers.get("Access-Control-Allow-Origin"),
        "a browser page from an allowed origin may read the stream: " + headers);

    // the retry line and a comment are flushed with the head, long before the first ping is due
    Await.until(() -> !sse.retries().isEmpty() && !sse.comments().isEmpty(), Duration.ofMillis(900),
        () -> "no retry line and comment right after the head; retries " + sse.retries() + ", comments " + sse.comments());
    assertTrue(System.nanoTime() - before < Duration.ofSeconds(5).toNanos(), "the stream opened promptly");
    assertEquals("1500", sse.retries().get(0), "the retry line announces the configured reconnect delay");
    assertEquals(1, sse.retries().size(), "one retry line: " + sse.retries());
    assertTrue(sse.events().isEmpty(), "nothing published, so no events: " + sse.events());
    sse.close();
  }

  @Test
  void idleStreamReceivesPingComments(Vertx vertx) {
    SseClient sse = SseClient.connect(vertx, node.port(), Live.sse("heartbeat/idle"));
    assertEquals(200, sse.status(), () -> "SSE refused: " + sse.errorBody());
    long start = System.nanoTime();
    Await.until(() -> pings(sse) >= 2, Duration.ofMillis(3500),
        () -> "fewer than two ': ping' comments within 3.5 s on an idle stream; comments " + sse.comments());
    System.out.printf("two pings after %d ms%n", (System.nanoTime() - start) / 1_000_000);
    assertFalse(sse.ended(), "an idle stream stays open");
    assertTrue(sse.events().isEmpty(), "pings are comments, not events: " + sse.events());
    sse.close();
  }

  private static long pings(SseClient sse) {
    return sse.comments().stream().filter("ping"::equals).count();
  }

  private static String lower(String value) {
    return value == null ? null : value.toLowerCase(Locale.ROOT);
  }
}
