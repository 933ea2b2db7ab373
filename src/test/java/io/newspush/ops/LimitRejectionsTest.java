package io.newspush.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.newspush.testing.Await;
import io.newspush.testing.Http;
import io.newspush.testing.SseClient;
import io.newspush.testing.TestNode;
import io.newspush.testing.TestPostgres;
import io.newspush.testing.WsClient;
import io.newspush.testing.reliability.Scrape;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every limit a client hits is counted by kind in newspush_limit_rejections_total. */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LimitRejectionsTest {
  private TestNode node;
  private Http http;

  @BeforeAll
  void start(Vertx vertx) {
    node = TestNode.start(TestPostgres.newDatabase(), Map.of(
        "NEWSPUSH_LIMITS_PATTERNS", "2",
        "NEWSPUSH_LIMITS_PUBLISH_BYTES", "2048",
        "NEWSPUSH_WS_MAX_MESSAGE_BYTES", "1024",
        "NEWSPUSH_LIMITS_CONNECTIONS_PER_ADDRESS", "4"));
    http = new Http(vertx, node.port());
  }

  @AfterAll
  void stop() {
    node.close();
  }

  private double rejections(String kind) {
    double value = Scrape.value(node.port(), "newspush_limit_rejections_total", "kind=\"" + kind + "\"");
    return Double.isNaN(value) ? 0 : value;
  }

  @Test
  void eachLimitIsCountedByKind(Vertx vertx) {
    try (SseClient refused = SseClient.connect(vertx, node.port(), "/v1/sse?topics=a,b,c")) {
      assertEquals(400, refused.status());
    }
    assertEquals(1.0, rejections("patterns"), "too many patterns over SSE");

    try (WsClient ws = WsClient.connect(vertx, node.port(), "/v1/ws")) {
      ws.send(new JsonObject().put("op", "subscribe").put("topics", List.of("a", "b", "c")));
      assertEquals("too_many_patterns", ws.awaitMessage("error").getString("code"));
    }
    assertEquals(2.0, rejections("patterns"), "too many patterns over WebSocket");

    Http.Reply tooLarge = http.publish(new JsonObject().put("topic", "a").put("title", "x".repeat(4096)));
    assertEquals(413, tooLarge.status());
    assertEquals(1.0, rejections("publish_body"));

    try (WsClient ws = WsClient.connect(vertx, node.port(), "/v1/ws", new WebSocketClientOptions().setMaxFrameSize(64 * 1024))) {
      ws.sendText("{\"op\":\"ping\",\"pad\":\"" + "x".repeat(4096) + "\"}");
      ws.awaitClosed();
      assertEquals((short) 1009, ws.closeStatus());
    }
    assertEquals(1.0, rejections("message_size"));

    List<SseClient> open = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      open.add(SseClient.connect(vertx, node.port(), "/v1/sse?topics=a"));
    }
    try (SseClient fifth = SseClient.connect(vertx, node.port(), "/v1/sse?topics=a")) {
      assertEquals(429, fifth.status());
    }
    open.forEach(SseClient::close);
    assertEquals(1.0, rejections("connections_per_address"));
    Await.until(() -> Scrape.connections(node.port(), "sse") == 0, () -> "the four streams were released");
  }
}
