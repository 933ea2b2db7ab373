package io.newspush.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A subscriber whose patterns overlap receives each matching article once, however many patterns match it. */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OverlappingPatternsTest {
  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  @Test
  void everyArticleArrivesExactlyOnceDespiteOverlappingPatterns(Vertx vertx) {
    // economy/trade is matched by all four patterns, economy/industry by three, economy by two, the rest by ** only
    String[] patterns = {"economy/trade", "economy/*", "economy/**", "**"};
    SseClient sse = SseClient.connect(vertx, node.port(), Live.sse(patterns));
    assertEquals(200, sse.status(), () -> "SSE subscription refused: " + sse.errorBody());

    // one WebSocket subscribes in a single request, the other in separate subscribe ops
    WsClient wsAtOnce = WsClient.connect(vertx, node.port(), Live.ws(patterns));
    wsAtOnce.awaitMessage("subscribed");
    WsClient wsStepByStep = WsClient.connect(vertx, node.port(), "/v1/ws");
    for (int i = 0; i < patterns.length; i++) {
      wsStepByStep.send(new JsonObject().put("op", "subscribe").put("topics", new JsonArray().add(patterns[i])));
      wsStepByStep.awaitNth("subscribed", i + 1);
    }
    // asking again for a pattern it already has must not double anything either
    wsStepByStep.send(new JsonObject().put("op", "subscribe").put("topics", new JsonArray().add("economy/*").add("**")));
    wsStepByStep.awaitNth("subscribed", patterns.length + 1);

    List<Long> published = new ArrayList<>();
    for (JsonObject sample : DemoPublisher.samples()) {
      published.add(Live.publish(node.http(), sample));
    }
    published.add(Live.publish(node.http(), Live.sample(1, "economy").put("title", "浙江省经济运行情况通报")));
    published.add(Live.publish(node.http(), Live.sample(1, "economy/trade/asia").put("title", "义乌至中亚班列开行量创新高")));
    published.add(Live.publish(node.http(), Live.sample(1, "economy/trade").put("title", "义乌进出口总值同比增长")));
    long last = published.get(published.size() - 1);

    Await.until(() -> sse.seqs().contains(last), () -> "SSE never got seq " + last + "; has " + sse.seqs());
    wsAtOnce.awaitSeq(last);
    wsStepByStep.awaitSeq(last);

    assertEquals(published, sse.seqs(), "SSE with overlapping patterns: every article once, in seq order");
    assertEquals(published, wsAtOnce.seqs(), "WebSocket subscribed to overlapping patterns at once: every article once, in seq order");
    assertEquals(published, wsStepByStep.seqs(),
        "WebSocket that added overlapping patterns one by one: every article once, in seq order");

    sse.close();
    wsAtOnce.close();
    wsStepByStep.close();
  }
}
