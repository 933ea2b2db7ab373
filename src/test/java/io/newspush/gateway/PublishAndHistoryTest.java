package io.newspush.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.newspush.demo.DemoPublisher;
import io.newspush.testing.NodeExtension;
import io.newspush.testing.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PublishAndHistoryTest {
  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  @Test
  void everyFieldOfEverySampleArticleComesBackByteForByte() {
    List<JsonObject> samples = DemoPublisher.samples();
    List<JsonObject> published = new ArrayList<>();
    long previousSeq = 0;
    for (JsonObject sample : samples) {
      Http.Reply reply = node.http().publish(sample);
      assertEquals(201, reply.status(), () -> "publishing '" + sample.getString("title") + "': " + reply);
      JsonObject answer = reply.json();
      assertNotNull(answer.getString("id"), "201 answer carries the id");
      assertTrue(answer.getLong("seq") > previousSeq, "seq grows with each publish: " + answer);
      previousSeq = answer.getLong("seq");
      published.add(answer);
    }

    Http.Reply history = node.http().get("/v1/articles?topics=**&since=0&limit=100");
    assertEquals(200, history.status(), history::toString);
    JsonArray articles = history.json().getJsonArray("articles");
    assertEquals(samples.size(), articles.size(), "history holds every published article");
    for (int i = 0; i < samples.size(); i++) {
      JsonObject sample = samples.get(i);
      JsonObject stored = articles.getJsonObject(i);
      assertEquals(published.get(i).getString("id"), stored.getString("id"));
      assertEquals(published.get(i).getLong("seq"), stored.getLong("seq"));
      for (String field : sample.fieldNames()) {
        Object expected = sample.getValue(field);
        Object actual = stored.getValue(field);
        assertEquals(expected, actual, "field " + field + " of '" + sample.getString("title") + "'");
        if (expected instanceof String text) {
          assertTrue(java.util.Arrays.equals(text.getBytes(StandardCharsets.UTF_8),
              ((String) actual).getBytes(StandardCharsets.UTF_8)), "UTF-8 bytes of " + field);
        }
      }
    }
    assertEquals(published.get(published.size() - 1).getLong("seq"), history.json().getLong("next"),
        "next is the last seq returned");
  }

  @Test
  void historyFiltersByPatternAndPagesWithNext() {
    for (String topic : List.of("paging/a", "paging/b", "paging/a/deep", "other/a")) {
      assertEquals(201, node.http().publish(new JsonObject().put("topic", topic).put("title", "t " + topic)).status());
    }
    JsonObject star = node.http().get("/v1/articles?topics=paging/*").json();
    assertEquals(List.of("paging/a", "paging/b"), topics(star));
    JsonObject deep = node.http().get("/v1/articles?topics=paging/**").json();
    assertEquals(List.of("paging/a", "paging/b", "paging/a/deep"), topics(deep));

    JsonObject first = node.http().get("/v1/articles?topics=paging/**&limit=2").json();
    assertEquals(List.of("paging/a", "paging/b"), topics(first));
    JsonObject second = node.http().get("/v1/articles?topics=paging/**&limit=2&since=" + first.getLong("next")).json();
    assertEquals(List.of("paging/a/deep"), topics(second), "the second page continues after next");
    JsonObject empty = node.http().get("/v1/articles?topics=paging/**&since=" + second.getLong("next")).json();
    assertEquals(List.of(), topics(empty));
    assertEquals(second.getLong("next"), empty.getLong("next"), "an empty page keeps next where it was");
  }

  @Test
  void historyClampsLimitAndRejectsBadParameters() {
    assertEquals(200, node.http().get("/v1/articles?topics=**&limit=100000").status(), "a huge limit is clamped, not refused");
    assertEquals("invalid_since", node.http().get("/v1/articles?topics=**&since=-1").json().getString("error"));
    assertEquals("invalid_since", node.http().get("/v1/articles?topics=**&since=99999999999999999999999").json().getString("error"));
    assertEquals("invalid_pattern", node.http().get("/v1/articles?topics=a/**/b").json().getString("error"));
    assertEquals("invalid_limit", node.http().get("/v1/articles?limit=ten").json().getString("error"));
  }

  private static List<String> topics(JsonObject page) {
    List<String> topics = new ArrayList<>();
    page.getJsonArray("articles").forEach(a -> topics.add(((JsonObject) a).getString("topic")));
    return topics;
  }
}
