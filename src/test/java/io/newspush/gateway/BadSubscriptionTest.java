package io.newspush.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.newspush.testing.Await;
import io.newspush.testing.Live;
import io.newspush.testing.Http;
import io.newspush.testing.SseClient;
import io.newspush.testing.TestNode;
import io.newspush.testing.TestPostgres;
import io.newspush.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bad subscriptions are refused with a clear error code, never half-accepted: SSE answers 400 with a
 * JSON body instead of a stream, WebSocket answers an {@code error} message and stays usable, and
 * nobody else notices.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadSubscriptionTest {
  private TestNode node;
  private Http http;

  @BeforeAll
  void start(Vertx vertx) {
    // the per-client message rate limit is not what this class is about; a burst of bad messages must not hit it
    node = TestNode.start(TestPostgres.newDatabase(), Map.of("NEWSPUSH_LIMITS_CLIENT_MESSAGES_PER_SECOND", "1000"));
    http = new Http(vertx, node.port());
  }

  @AfterAll
  void stop() {
    node.close();
  }

  private static String patterns(int count) {
    List<String> patterns = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      patterns.add("many/p" + i);
    }
    return String.join(",", patterns);
  }

  private void assertSseRefused(Vertx vertx, String query, Map<String, String> headers, String code) {
    SseClient sse = SseClient.connect(vertx, node.port(), "/v1/sse" + query, headers);
    try {
      assertEquals(400, sse.status(), () -> "GET /v1/sse" + query + " " + headers + " must be refused, got " + sse.status());
      String type = sse.headers().get("Content-Type");
      assertTrue(type != null && type.startsWith("application/json"), "the refusal is JSON, not a stream: " + type);
      JsonObject body = new JsonObject(sse.errorBody());
      assertEquals(code, body.getString("error"), () -> "error code for /v1/sse" + query + " " + headers + ": " + body);
      assertTrue(body.getValue("message") instanceof String message && !message.isBlank(), "a message explains it: " + body);
    } finally {
      sse.close();
    }
  }

  @Test
  void sseRefusesBadRequestsWith400AndAnErrorCode(Vertx vertx) {
    assertSseRefused(vertx, "", Map.of(), "missing_topics");
    assertSseRefused(vertx, "?topics=", Map.of(), "missing_topics");
    assertSseRefused(vertx, "?" + Live.topics("a/**/b"), Map.of(), "invalid_pattern");
    assertSseRefused(vertx, "?" + Live.topics("economy/**", ""), Map.of(), "invalid_pattern");
    assertSseRefused(vertx, "?" + Live.topics("economy/tr*de"), Map.of(), "invalid_pattern");
    assertSseRefused(vertx, "?topics=" + patterns(65), Map.of(), "too_many_patterns");
    assertSseRefused(vertx, "?topics=**&since=-1", Map.of(), "invalid_since");
    assertSseRefused(vertx, "?topics=**&since=abc", Map.of(), "invalid_since");
    assertSseRefused(vertx, "?topics=**&since=123456789012345678901234567890", Map.of(), "invalid_since");
    assertSseRefused(vertx, "?topics=**&since=9223372036854775808", Map.of(), "invalid_since");
    assertSseRefused(vertx, "?topics=**", Map.of("Last-Event-ID", "abc"), "invalid_since");

    // the limits themselves are allowed
    SseClient exactly64 = SseClient.connect(vertx, node.port(), "/v1/sse?topics=" + patterns(64) + "&since=0");
    assertEquals(200, exactly64.status(), () -> "64 patterns are allowed: " + exactly64.errorBody());
    exactly64.close();
  }

  @Test
  void webSocketUpgradeWithABadQueryIsRefusedBeforeTheUpgrade(Vertx vertx) throws Exception {
    WebSocketClient client = vertx.createWebSocketClient();
    try {
      Throwable failure = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port())
              .setURI("/v1/ws?" + Live.topics("a/**/b")))
          .toCompletionStage().toCompletableFuture().handle((ws, error) -> error).get(20, TimeUnit.SECONDS);
      assertNotNull(failure, "a WebSocket with a bad pattern in its query must not be opened");
      UpgradeRejectedException rejected = assertInstanceOf(UpgradeRejectedException.class,
          failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure);
      assertEquals(400, rejected.getStatus());
      assertEquals("invalid_pattern", new JsonObject(rejected.getBody()).getString("error"), rejected.getBody().toString());
    } finally {
      client.close();
    }
  }

  @Test
  void webSocketUpgradeOfAnUnknownVersionIsAnswered426WithTheVersionWeSpeak() {
    Http.Reply reply = http.request(HttpMethod.GET, "/v1/ws?" + Live.topics("versions/**"), Map.of(
        "Upgrade", "websocket", "Connection", "Upgrade",
        "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version", "99"), null);
    assertEquals(426, reply.status(), reply.toString());
    assertEquals("13", reply.headers().get("sec-websocket-version"), reply.toString());
    assertEquals("websocket_version", reply.json().getString("error"), reply.toString());
  }

  @Test
  void webSocketAnswersBadMessagesWithErrorsAndStaysUsable(Vertx vertx) {
    SseClient bystanderSse = SseClient.connect(vertx, node.port(), Live.sse("bad/**"));
    WsClient bystanderWs = WsClient.connect(vertx, node.port(), Live.ws("bad/**"));
    bystanderWs.awaitMessage("subscribed");
    List<Long> published = new ArrayList<>();

    WsClient ws = WsClient.connect(vertx, node.port(), "/v1/ws");
    int errors = 0;
    record Bad(String what, Runnable send, String code) {}
    List<Bad> bad = List.of(
        new Bad("not JSON", () -> ws.sendText("subscribe economy please"), "invalid_json"),
        new Bad("a JSON array", () -> ws.sendText("[\"subscribe\", \"economy/**\"]"), "invalid_message"),
        new Bad("a JSON string", () -> ws.sendText("\"ping\""), "invalid_message"),
        new Bad("an unknown op", () -> ws.send(new JsonObject().put("op", "publish").put("topics", new JsonArray().add("x"))), "unknown_op"),
        new Bad("no op", () -> ws.send(new JsonObject().put("topics", new JsonArray().add("x"))), "unknown_op"),
        new Bad("subscribe without topics", () -> ws.send(new JsonObject().put("op", "subscribe")), "missing_topics"),
        new Bad("subscribe with an empty list", () -> ws.send(new JsonObject().put("op", "subscribe").put("topics", new JsonArray())), "missing_topics"),
        new Bad("a bad pattern", () -> ws.send(subscribe("a/**/b")), "invalid_pattern"),
        new Bad("a non-string pattern", () -> ws.send(new JsonObject().put("op", "subscribe").put("topics", new JsonArray().add(42))), "invalid_pattern"),
        new Bad("65 patterns", () -> ws.send(subscribe(patterns(65).split(","))), "too_many_patterns"),
        new Bad("a negative since", () -> ws.send(subscribe("bad/**").put("since", -1)), "invalid_since"),
        new Bad("a text since", () -> ws.send(subscribe("bad/**").put("since", "abc")), "invalid_since"),
        new Bad("a fractional since", () -> ws.send(subscribe("bad/**").put("since", 1.5)), "invalid_since"),
        new Bad("a binary frame", () -> ws.sendBinary(Buffer.buffer(new JsonObject().put("op", "ping").encode())), "unsupported_frame"));

    for (Bad message : bad) {
      message.send().run();
      JsonObject error = ws.awaitNth("error", ++errors);
      assertEquals(message.code(), error.getString("code"), () -> "error for " + message.what() + ": " + error);
      assertTrue(error.getValue("message") instanceof String text && !text.isBlank(), "the error explains itself: " + error);
      assertFalse(ws.closed(), () -> "the connection must stay open after " + message.what() + "; closed with "
          + ws.closeStatus() + " " + ws.closeReason());
      // meanwhile, the well-behaved subscribers keep receiving
      published.add(Live.publish(http, Live.article("bad/news", "在错误消息之间发布 " + errors)));
    }
    assertEquals(0, ws.ofType("subscribed").size(), "no bad subscribe was half-accepted: " + ws.messages());

    // still usable: ping answers pong, and a good subscribe works and delivers
    ws.send(new JsonObject().put("op", "ping"));
    assertEquals(new JsonObject().put("type", "pong"), ws.awaitMessage("pong"));
    ws.send(subscribe(patterns(60).split(",")));
    ws.awaitNth("subscribed", 1);
    ws.send(subscribe("many/p60", "many/p61", "many/p62", "many/p63", "many/p64"));
    JsonObject tooMany = ws.awaitNth("error", ++errors);
    assertEquals("too_many_patterns", tooMany.getString("code"), "60 + 5 patterns over two subscribes: " + tooMany);
    ws.send(subscribe("bad/**"));
    ws.awaitNth("subscribed", 2);
    long after = Live.publish(http, Live.article("bad/final", "错误之后仍可订阅"));
    published.add(after);
    ws.awaitSeq(after);
    assertEquals(List.of(after), ws.seqs(), "the subscription made after the errors delivers");
    assertEquals(errors, ws.ofType("error").size(), () -> "exactly one error per bad message: " + ws.ofType("error"));

    Await.until(() -> bystanderSse.seqs().contains(after), () -> "bystander SSE has " + bystanderSse.seqs());
    bystanderWs.awaitSeq(after);
    assertEquals(published, bystanderSse.seqs(), "the SSE subscriber alongside got every article published meanwhile");
    assertEquals(published, bystanderWs.seqs(), "the WebSocket subscriber alongside got every article published meanwhile");
    assertEquals(0, bystanderWs.ofType("error").size(), "nobody else saw an error: " + bystanderWs.ofType("error"));

    ws.close();
    bystanderWs.close();
    bystanderSse.close();
  }

  /** A message over the 64 KiB limit sent as one frame. */
  @Test
  void oversizedSingleFrameClosesOnlyThatConnectionWith1009(Vertx vertx) {
    assertOversizedMessageCloses(vertx, new WebSocketClientOptions().setMaxFrameSize(256 * 1024), "one-frame");
  }

  /**
   * A message over the 64 KiB limit split into frames that are each within it (what the Vert.x client
   * does by default, and any client may do): the limit is on the message, so this closes with 1009 too.
   */
  @Test
  void oversizedMessageInSeveralFramesClosesOnlyThatConnectionWith1009(Vertx vertx) {
    assertOversizedMessageCloses(vertx, new WebSocketClientOptions().setMaxFrameSize(16 * 1024), "multi-frame");
  }

  private void assertOversizedMessageCloses(Vertx vertx, WebSocketClientOptions options, String what) {
    WsClient bystander = WsClient.connect(vertx, node.port(), Live.ws("huge/**"));
    bystander.awaitMessage("subscribed");
    WsClient ws = WsClient.connect(vertx, node.port(), "/v1/ws", options);
    ws.sendText(subscribe("huge/**").put("padding", "x".repeat(70 * 1024)).encode());
    Await.until(ws::closed, Duration.ofSeconds(5), () -> "a " + what + " message of 70 KiB (limit 64 KiB) did not close the"
        + " connection with 1009; it is still open and got " + ws.messages());
    assertEquals((short) 1009, ws.closeStatus(), () -> "a " + what + " message over 64 KiB closes with 1009, got "
        + ws.closeStatus() + " " + ws.closeReason());

    long seq = Live.publish(http, Live.article("huge/after", "超长消息之后"));
    bystander.awaitSeq(seq);
    assertFalse(bystander.closed(), "other connections are untouched");
    bystander.close();
    ws.close();
  }

  private static JsonObject subscribe(String... patterns) {
    JsonArray topics = new JsonArray();
    for (String pattern : patterns) {
      topics.add(pattern);
    }
    return new JsonObject().put("op", "subscribe").put("topics", topics);
  }
}
