package io.newspush.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.newspush.demo.DemoPublisher;
import io.newspush.testing.NodeExtension;
import io.newspush.testing.Await;
import io.newspush.testing.History;
import io.newspush.testing.Live;
import io.newspush.testing.SseClient;
import io.newspush.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Many SSE and WebSocket subscribers with different pattern shapes, all connected at once: each
 * receives exactly the articles its patterns match, in seq order, byte for byte as history has them.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TopicFilteringTest {
  /** Every subscriber also follows this, so its article tells each one that nothing else is coming. */
  private static final String SENTINEL = "sentinel/end";
  private static final String CAFE_NFC = "culture/caf\u00e9";
  private static final String CAFE_NFD = "culture/cafe\u0301";

  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  private record Subscriber(String pattern, List<String> expectedTopics, SseClient sse, WsClient ws) {}

  @Test
  void eachSubscriberReceivesExactlyTheArticlesItsPatternMatches(Vertx vertx) {
    // pattern -> the topics it must receive, in publishing (= seq) order; the sentinel comes on top
    Map<String, List<String>> cases = new LinkedHashMap<>();
    cases.put("economy/trade", List.of("economy/trade"));
    cases.put("economy/*", List.of("economy/trade", "economy/industry"));
    cases.put("economy/**", List.of("economy/trade", "economy/industry", "economy", "economy/trade/asia"));
    cases.put("politics/*", List.of("politics/party", "politics/government"));
    cases.put("**", List.of("politics/party", "economy/trade", "economy/industry", "politics/government",
        "health/vaccination", "economy", "economy/trade/asia", "义乌/产业", CAFE_NFC));
    cases.put("*/vaccination", List.of("health/vaccination"));
    cases.put("义乌/*", List.of("义乌/产业"));
    cases.put(CAFE_NFC, List.of(CAFE_NFC));
    cases.put("sports/**", List.of());

    List<Subscriber> subscribers = new ArrayList<>();
    int index = 0;
    for (Map.Entry<String, List<String>> c : cases.entrySet()) {
      String pattern = c.getKey();
      SseClient sse = SseClient.connect(vertx, node.port(), Live.sse(pattern, SENTINEL));
      assertEquals(200, sse.status(), () -> "SSE subscription to " + pattern + " was refused: " + sse.errorBody());
      WsClient ws;
      if (index++ % 2 == 0) {
        ws = WsClient.connect(vertx, node.port(), Live.ws(pattern, SENTINEL));
      } else {
        ws = WsClient.connect(vertx, node.port(), "/v1/ws");
        ws.send(new JsonObject().put("op", "subscribe").put("topics", new JsonArray().add(pattern).add(SENTINEL)));
      }
      JsonObject subscribed = ws.awaitMessage("subscribed");
      assertEquals(new JsonArray().add(pattern).add(SENTINEL), subscribed.getJsonArray("topics"),
          "the subscribed answer names the patterns asked for: " + subscribed);
      subscribers.add(new Subscriber(pattern, c.getValue(), sse, ws));
    }

    // The five sample articles, then articles that tell the pattern shapes apart.
    List<JsonObject> published = new ArrayList<>(DemoPublisher.samples());
    published.add(Live.sample(1, "economy").put("title", "浙江省经济运行情况通报"));
    published.add(Live.sample(1, "economy/trade/asia").put("title", "义乌至中亚班列开行量创新高"));
    published.add(Live.sample(2, "义乌/产业").put("title", "义乌小商品产业带数字化转型提速"));
    published.add(Live.article(CAFE_NFD, "咖啡文化节在义乌开幕"));
    Map<String, Long> seqByTopic = new LinkedHashMap<>();
    for (JsonObject article : published) {
      long seq = Live.publish(node.http(), article);
      seqByTopic.put(Normalizer.normalize(article.getString("topic"), Normalizer.Form.NFC), seq);
    }
    long sentinelSeq = Live.publish(node.http(), Live.article(SENTINEL, "全部送达"));

    for (Subscriber s : subscribers) {
      Await.until(() -> s.sse().seqs().contains(sentinelSeq),
          () -> "SSE " + s.pattern() + " never got the sentinel seq " + sentinelSeq + "; has " + s.sse().seqs());
      s.ws().awaitSeq(sentinelSeq);
    }

    LinkedHashMap<Long, String> history = History.raw(node.http(), "**", 0);
    assertEquals(published.size() + 1, history.size(), "history holds every published article: " + history.keySet());
    Map<Long, JsonObject> publishedBySeq = new LinkedHashMap<>();
    for (JsonObject article : published) {
      publishedBySeq.put(seqByTopic.get(Normalizer.normalize(article.getString("topic"), Normalizer.Form.NFC)), article);
    }

    for (Subscriber s : subscribers) {
      List<Long> expected = new ArrayList<>();
      s.expectedTopics().forEach(topic -> expected.add(seqByTopic.get(topic)));
      expected.add(sentinelSeq);
      expected.sort(null);

      List<SseClient.Event> events = s.sse().events();
      List<Long> sseSeqs = s.sse().seqs();
      assertEquals(expected, sseSeqs, () -> "SSE subscriber to '" + s.pattern() + "' must get exactly the topics "
          + s.expectedTopics() + " + sentinel in seq order; got topics "
          + s.sse().articles().stream().map(a -> a.getString("topic")).toList());
      for (SseClient.Event event : events) {
        assertEquals("article", event.event(), () -> "SSE " + s.pattern() + " got an unexpected event " + event);
        long seq = new JsonObject(event.data()).getLong("seq");
        assertEquals(Long.toString(seq), event.id(), "the SSE id line is the article's seq");
        assertNotNull(history.get(seq), "history has seq " + seq);
        assertArrayEquals(history.get(seq).getBytes(StandardCharsets.UTF_8), event.data().getBytes(StandardCharsets.UTF_8),
            () -> "SSE data of seq " + seq + " for '" + s.pattern() + "' differs from history:\n SSE:     "
                + event.data() + "\n history: " + history.get(seq));
      }

      assertEquals(expected, s.ws().seqs(), () -> "WebSocket subscriber to '" + s.pattern()
          + "' must get exactly the topics " + s.expectedTopics() + " + sentinel in seq order; got topics "
          + s.ws().articles().stream().map(a -> a.getString("topic")).toList());
      assertEquals(1 + expected.size(), s.ws().messages().size(),
          () -> "WebSocket " + s.pattern() + " gets one subscribed answer and its articles, nothing else: " + s.ws().messages());
      List<String> wsRaw = s.ws().rawArticles();
      for (int i = 0; i < wsRaw.size(); i++) {
        String sseData = events.get(i).data();
        String wsArticle = wsRaw.get(i);
        long seq = expected.get(i);
        assertArrayEquals(sseData.getBytes(StandardCharsets.UTF_8), wsArticle.getBytes(StandardCharsets.UTF_8),
            () -> "the WebSocket article JSON of seq " + seq + " for '" + s.pattern() + "' is not byte-identical to the SSE data:\n WS:  "
                + wsArticle + "\n SSE: " + sseData);
      }
    }

    // What was delivered is what was published: every field of every article, Chinese text included.
    Subscriber everything = subscribers.stream().filter(s -> s.pattern().equals("**")).findFirst().orElseThrow();
    for (JsonObject delivered : everything.sse().articles()) {
      JsonObject original = publishedBySeq.get(delivered.getLong("seq"));
      if (original == null) {
        continue; // the sentinel
      }
      for (String field : original.fieldNames()) {
        Object expectedValue = field.equals("topic")
            ? Normalizer.normalize(original.getString("topic"), Normalizer.Form.NFC) : original.getValue(field);
        assertEquals(expectedValue, delivered.getValue(field),
            () -> "field " + field + " of '" + original.getString("title") + "' as delivered");
      }
    }

    for (Subscriber s : subscribers) {
      s.sse().close();
      s.ws().close();
    }
  }
}
