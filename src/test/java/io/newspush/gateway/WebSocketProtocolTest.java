package io.newspush.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.newspush.testing.Await;
import io.newspush.testing.History;
import io.newspush.testing.Live;
import io.newspush.testing.RawWebSocket;
import io.newspush.testing.Http;
import io.newspush.testing.TestNode;
import io.newspush.testing.TestPostgres;
import io.newspush.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The WebSocket ops and the server's keep-alive, as a client library would rely on them. */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebSocketProtocolTest {
  private TestNode node;
  private Http http;

  @BeforeAll
  void start(Vertx vertx) {
    node = TestNode.start(TestPostgres.newDatabase(), Map.of(
        "NEWSPUSH_WS_PING_SECONDS", "1",
        "NEWSPUSH_LIMITS_CLIENT_MESSAGES_PER_SECOND", "1000"));
    http = new Http(vertx, node.port());
  }

  @AfterAll
  void stop() {
    node.close();
  }

  private static JsonObject op(String op, String... patterns) {
    JsonArray topics = new JsonArray();
    for (String pattern : patterns) {
      topics.add(pattern);
    }
    return new JsonObject().put("op", op).put("topics", topics);
  }

  @Test
  void subscribeAnswersSubscribedWithItsPatternsAndTheCurrentHead(Vertx vertx) {
    WsClient ws = WsClient.connect(vertx, node.port(), "/v1/ws");
    long headBefore = History.head(http);
    ws.send(op("subscribe", "proto/head/*", "proto/head/**"));
    JsonObject first = ws.awaitNth("subscribed", 1);
    assertEquals(new JsonArray().add("proto/head/*").add("proto/head/**"), first.getJsonArray("topics"),
        "subscribed names the patterns asked for: " + first);
    assertEquals("subscribed", first.getString("type"));
    assertTrue(first.getLong("seq") <= headBefore, "the head cannot be ahead of the store: " + first + " vs " + headBefore);

    long seq = Live.publish(http, Live.article("proto/head/x", "新的头部"));
    ws.awaitSeq(seq);
    // this connection has been sent seq, so its gateway has seen it: the next answer names it as the head
    ws.send(op("subscribe", "proto/other/*"));
    JsonObject second = ws.awaitNth("subscribed", 2);
    assertEquals(new JsonArray().add("proto/other/*"), second.getJsonArray("topics"), second.encode());
    assertEquals(seq, second.getLong("seq"), "subscribed carries the current head seq: " + second);
    ws.close();
  }

  @Test
  void unsubscribeStopsDeliveryForThatPatternOnly(Vertx vertx) {
    WsClient ws = WsClient.connect(vertx, node.port(), "/v1/ws");
    ws.send(op("subscribe", "proto/a/*", "proto/b/*", "proto/c/**", "proto/c/x"));
    ws.awaitMessage("subscribed");
    long a1 = Live.publish(http, Live.article("proto/a/1", "甲一"));
    long b1 = Live.publish(http, Live.article("proto/b/1", "乙一"));
    ws.awaitSeq(b1);
    assertEquals(List.of(a1, b1), ws.seqs());

    ws.send(op("unsubscribe", "proto/a/*", "proto/c/x"));
    ws.sync(); // the pong comes after the unsubscribe took effect

    long a2 = Live.publish(http, Live.article("proto/a/2", "甲二"));
    long b2 = Live.publish(http, Live.article("proto/b/2", "乙二"));
    long cx = Live.publish(http, Live.article("proto/c/x", "丙 x，仍被 proto/c/** 匹配"));
    long a3 = Live.publish(http, Live.article("proto/a/3", "甲三"));
    long b3 = Live.publish(http, Live.article("proto/b/3", "乙三"));
    ws.awaitSeq(b3);
    assertEquals(List.of(a1, b1, b2, cx, b3), ws.seqs(), "after unsubscribing proto/a/* no proto/a article arrives ("
        + a2 + ", " + a3 + "); proto/c/x still arrives through proto/c/**");

    // unsubscribing everything stops everything; subscribing again brings it back
    ws.send(op("unsubscribe", "proto/b/*", "proto/c/**"));
    ws.sync();
    long b4 = Live.publish(http, Live.article("proto/b/4", "乙四"));
    // subscribed answers carry the head of this connection's gateway: once it has passed b4, b4 has been
    // fanned out while this connection followed nothing that matches it
    int answers = ws.ofType("subscribed").size();
    long deadline = System.nanoTime() + Await.DEFAULT.toNanos();
    while (true) {
      ws.send(op("subscribe", "proto/none/*"));
      if (ws.awaitNth("subscribed", ++answers).getLong("seq") >= b4) {
        break;
      }
      assertTrue(System.nanoTime() < deadline, "the gateway never reported head " + b4);
      sleep(20);
    }
    ws.send(op("subscribe", "proto/b/*"));
    ws.awaitNth("subscribed", ++answers);
    long b5 = Live.publish(http, Live.article("proto/b/5", "乙五"));
    ws.awaitSeq(b5);
    assertFalse(ws.seqs().contains(b4), "nothing arrives while following no matching pattern: " + ws.seqs());
    assertEquals(List.of(a1, b1, b2, cx, b3, b5), ws.seqs());
    ws.close();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Test
  void pingOpIsAnsweredWithPong(Vertx vertx) {
    WsClient ws = WsClient.connect(vertx, node.port(), "/v1/ws");
    ws.send(new JsonObject().put("op", "ping"));
    ws.awaitMessage("pong");
    assertEquals(List.of("{\"type\":\"pong\"}"), ws.rawMessages(), "the answer to ping is exactly {\"type\":\"pong\"}");
    ws.send(new JsonObject().put("op", "ping"));
    ws.awaitNth("pong", 2);
    assertEquals(2, ws.messages().size(), "one pong per ping: " + ws.messages());
    ws.close();
  }

  @Test
  void serverPingsKeepAnAnsweringClientConnected(Vertx vertx) {
    WsClient ws = WsClient.connect(vertx, node.port(), Live.ws("proto/ping/**"));
    ws.awaitMessage("subscribed");
    Await.until(() -> ws.pingFrames() >= 2, Duration.ofMillis(3500),
        () -> "fewer than two WebSocket ping frames within 3.5 s at NEWSPUSH_WS_PING_SECONDS=1: " + ws.pingFrames());
    // the Vert.x client answers each ping with a pong, so the server must keep it, well past two intervals
    Await.until(() -> ws.pingFrames() >= 4, Duration.ofSeconds(6), () -> "pings stopped at " + ws.pingFrames());
    assertFalse(ws.closed(), () -> "a client that answers pings must not be closed: " + ws.closeStatus() + " " + ws.closeReason());
    long seq = Live.publish(http, Live.article("proto/ping/still", "仍然在线"));
    ws.awaitSeq(seq);
    ws.close();
  }

  @Test
  void aClientThatStopsAnsweringPingsIsClosed() {
    long start = System.nanoTime();
    try (RawWebSocket quiet = RawWebSocket.connect(node.port(), "/v1/ws?" + Live.topics("proto/quiet/**"))) {
      List<RawWebSocket.Frame> frames = quiet.readUntilClosed(10_000);
      long elapsedMs = (System.nanoTime() - start) / 1_000_000;
      long pings = frames.stream().filter(f -> f.opcode() == RawWebSocket.PING).count();
      RawWebSocket.Frame last = frames.isEmpty() ? null : frames.get(frames.size() - 1);
      System.out.printf("quiet client: %d pings, closed after %d ms with %s%n", pings, elapsedMs,
          last == null ? "nothing" : last.opcode() == RawWebSocket.CLOSE ? last.closeStatus() + " " + last.text() : "opcode " + last.opcode());
      assertTrue(pings >= 1, "the server pinged the quiet client before giving up: " + frames.size() + " frames");
      assertTrue(last != null && last.opcode() == RawWebSocket.CLOSE,
          "the server closes a client that answers no pings, with a close frame; got " + frames.size() + " frames in "
              + elapsedMs + " ms, last " + (last == null ? null : "opcode " + last.opcode()));
      assertTrue(elapsedMs < 8_000, "closed within a few ping intervals, not after " + elapsedMs + " ms");
    }
  }
}
