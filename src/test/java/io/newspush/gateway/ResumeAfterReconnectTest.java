package io.newspush.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.newspush.demo.DemoPublisher;
import io.newspush.testing.NodeExtension;
import io.newspush.testing.Await;
import io.newspush.testing.Live;
import io.newspush.testing.SseClient;
import io.newspush.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client that reconnects with the last seq it saw gets exactly the articles it missed, in order,
 * and then the live stream, on both transports and with every way of naming the position.
 * Each test uses its own topic prefix, so articles of one never match another's subscribers.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResumeAfterReconnectTest {
  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  /** Publishes {@code count} sample articles under {@code prefix/...} and returns their seqs. */
  private List<Long> publish(String prefix, int count) {
    List<Long> seqs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      JsonObject sample = DemoPublisher.samples().get(i % DemoPublisher.samples().size());
      seqs.add(Live.publish(node.http(), sample.copy().put("topic", prefix + "/" + sample.getString("topic"))));
    }
    return seqs;
  }

  /** An article nobody in the test follows, published in between to make sure replay filters. */
  private void publishNoise() {
    Live.publish(node.http(), Live.article("noise/elsewhere", "无关新闻"));
  }

  private static List<Long> concat(List<Long> a, List<Long> b) {
    List<Long> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** Connects live, reads two articles, disconnects; returns the seqs read. */
  private List<Long> readLiveThenLeave(Vertx vertx, String prefix) {
    SseClient first = SseClient.connect(vertx, node.port(), Live.sse(prefix + "/**"));
    List<Long> seen = publish(prefix, 2);
    Await.until(() -> first.seqs().equals(seen), () -> "live SSE client expected " + seen + ", has " + first.seqs());
    first.close();
    return seen;
  }

  private void assertStream(SseClient sse, List<Long> expected, String what) {
    long last = expected.get(expected.size() - 1);
    Await.until(() -> sse.seqs().contains(last), () -> what + ": never got seq " + last + "; has " + sse.seqs());
    assertEquals(expected, sse.seqs(), what + ": exactly the missed articles in order, then the live ones");
    for (SseClient.Event event : sse.events()) {
      assertEquals("article", event.event(), what + ": unexpected event " + event);
      assertEquals(Long.toString(new JsonObject(event.data()).getLong("seq")), event.id(), what + ": id line is the seq");
    }
  }

  private void assertStream(WsClient ws, List<Long> expected, String what) {
    ws.awaitSeq(expected.get(expected.size() - 1));
    assertEquals(expected, ws.seqs(), what + ": exactly the missed articles in order, then the live ones");
    assertEquals(0, ws.ofType("reset").size() + ws.ofType("error").size(), what + ": no reset or error: " + ws.messages());
  }

  @Test
  void sseResumesFromLastEventIdHeader(Vertx vertx) {
    String prefix = "sse-header";
    List<Long> seen = readLiveThenLeave(vertx, prefix);
    List<Long> missed = publish(prefix, 3);
    publishNoise();

    SseClient again = SseClient.connect(vertx, node.port(), Live.sse(prefix + "/**"),
        Map.of("Last-Event-ID", Long.toString(seen.get(1))));
    assertReplayedThenLive(again, prefix, missed, "SSE resumed with Last-Event-ID " + seen.get(1));
  }

  /** The resumed stream gets the missed articles, then two published live, each once and in order. */
  private void assertReplayedThenLive(SseClient again, String prefix, List<Long> missed, String what) {
    assertEquals(200, again.status(), what);
    Await.until(() -> again.seqs().size() >= missed.size(), () -> what + ": the replay has only " + again.seqs());
    List<Long> live = publish(prefix, 2);
    assertStream(again, concat(missed, live), what);
    again.close();
  }

  @Test
  void sseResumesFromSinceParameter(Vertx vertx) {
    String prefix = "sse-since";
    List<Long> seen = readLiveThenLeave(vertx, prefix);
    publishNoise();
    List<Long> missed = publish(prefix, 3);

    SseClient again = SseClient.connect(vertx, node.port(), Live.sse(prefix + "/**") + "&since=" + seen.get(1));
    assertReplayedThenLive(again, prefix, missed, "SSE resumed with since=" + seen.get(1));
  }

  @Test
  void sseResumeFromTheNewestSeqReplaysNothing(Vertx vertx) {
    String prefix = "sse-newest";
    List<Long> seen = readLiveThenLeave(vertx, prefix);
    SseClient again = SseClient.connect(vertx, node.port(), Live.sse(prefix + "/**") + "&since=" + seen.get(1));
    List<Long> live = publish(prefix, 2);
    assertStream(again, live, "SSE resumed from the newest seq");
    again.close();
  }

  @Test
  void lastEventIdHeaderWinsOverSinceParameter(Vertx vertx) {
    String prefix = "sse-both";
    List<Long> stored = publish(prefix, 4);

    // header later than since: only what follows the header's seq
    SseClient headerLater = SseClient.connect(vertx, node.port(),
        Live.sse(prefix + "/**") + "&since=" + stored.get(0), Map.of("Last-Event-ID", Long.toString(stored.get(2))));
    // header earlier than since: everything after the header's seq, more than since would give
    SseClient headerEarlier = SseClient.connect(vertx, node.port(),
        Live.sse(prefix + "/**") + "&since=" + stored.get(2), Map.of("Last-Event-ID", Long.toString(stored.get(0))));
    assertEquals(200, headerLater.status());
    assertEquals(200, headerEarlier.status());
    Await.until(() -> headerLater.seqs().size() >= 1 && headerEarlier.seqs().size() >= 3,
        () -> "replays: header later has " + headerLater.seqs() + ", header earlier has " + headerEarlier.seqs());

    List<Long> live = publish(prefix, 1);
    assertStream(headerLater, concat(stored.subList(3, 4), live),
        "SSE with since=" + stored.get(0) + " and Last-Event-ID " + stored.get(2) + " (the header must win)");
    assertStream(headerEarlier, concat(stored.subList(1, 4), live),
        "SSE with since=" + stored.get(2) + " and Last-Event-ID " + stored.get(0) + " (the header must win)");
    headerLater.close();
    headerEarlier.close();
  }

  @Test
  void webSocketResumesFromSinceInQuery(Vertx vertx) {
    String prefix = "ws-query";
    WsClient first = WsClient.connect(vertx, node.port(), Live.ws(prefix + "/**"));
    first.awaitMessage("subscribed");
    List<Long> seen = publish(prefix, 2);
    Await.until(() -> first.seqs().equals(seen), () -> "live WebSocket expected " + seen + ", has " + first.seqs());
    first.close();

    List<Long> missed = publish(prefix, 3);
    publishNoise();
    WsClient again = WsClient.connect(vertx, node.port(), Live.ws(prefix + "/**") + "&since=" + seen.get(1));
    JsonObject subscribed = again.awaitMessage("subscribed");
    assertEquals(new JsonArray().add(prefix + "/**"), subscribed.getJsonArray("topics"), subscribed::encode);
    again.awaitArticles(missed.size());
    List<Long> live = publish(prefix, 2);
    assertStream(again, concat(missed, live), "WebSocket resumed with ?since=" + seen.get(1));
    assertEquals("subscribed", again.messages().get(0).getString("type"),
        "the subscribed answer comes before the replayed articles: " + again.messages());
    again.close();
  }

  @Test
  void webSocketResumesFromSinceInSubscribeOp(Vertx vertx) {
    String prefix = "ws-op";
    WsClient first = WsClient.connect(vertx, node.port(), "/v1/ws");
    first.send(new JsonObject().put("op", "subscribe").put("topics", new JsonArray().add(prefix + "/economy/*").add(prefix + "/politics/*")));
    first.awaitMessage("subscribed");
    List<Long> seen = publish(prefix, 2);
    Await.until(() -> first.seqs().equals(seen), () -> "live WebSocket expected " + seen + ", has " + first.seqs());
    first.close();

    List<Long> missed = publish(prefix, 5); // samples 0-4: politics, economy, economy, politics, health
    publishNoise();
    List<Long> expectedMissed = missed.subList(0, 4); // health/vaccination matches neither pattern

    WsClient again = WsClient.connect(vertx, node.port(), "/v1/ws");
    again.send(new JsonObject().put("op", "subscribe")
        .put("topics", new JsonArray().add(prefix + "/economy/*").add(prefix + "/politics/*"))
        .put("since", seen.get(1)));
    again.awaitMessage("subscribed");
    again.awaitArticles(expectedMissed.size());
    List<Long> live = publish(prefix, 2);
    assertStream(again, concat(expectedMissed, live), "WebSocket resumed with subscribe since=" + seen.get(1));
    assertTrue(again.articles().stream().noneMatch(a -> a.getString("topic").endsWith("/health/vaccination")),
        "replay is filtered by the patterns");
    again.close();
  }
}
