package io.newspush.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.newspush.testing.Live;
import io.newspush.testing.NodeExtension;
import io.newspush.testing.PrometheusText;
import io.newspush.testing.Sql;
import io.newspush.testing.SseClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An article published through the API is pushed from its stamping's notification, without the
 * feed reading it back; one too large for a notification is read, and arrives all the same.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PushFromNotificationTest {
  /** No safety poll: only notifications make the feed act, so what it did is known exactly. */
  @RegisterExtension
  static final NodeExtension node = new NodeExtension(Map.of("NEWSPUSH_FEED_POLL_MS", "3600000"));

  @Test
  void articlesPublishedOneByOneArePushedFromTheirNotifications(Vertx vertx) {
    try (SseClient live = SseClient.connect(vertx, node.port(), Live.sse("notice/**"))) {
      List<PrometheusText.Sample> before = scrape();
      List<Long> published = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        published.add(Live.publish(node.http(), Live.sample(i, "notice/desk")));
        live.awaitArticles(i + 1);
      }
      List<PrometheusText.Sample> after = scrape();

      assertEquals(published, live.seqs(), "every article once, in seq order");
      assertEquals(5, PrometheusText.delta(before, after, "newspush_feed_articles_from_notifications_total"),
          "each was emitted from its notification");
      assertEquals(5, PrometheusText.delta(before, after, "newspush_feed_articles_total"));
      assertEquals(Sql.history(node.http(), "notice/desk"), live.articles(),
          "the pushed articles equal the stored ones, byte for byte");
    }
  }

  @Test
  void anArticleTooLargeForANotificationIsReadAndPushed(Vertx vertx) {
    try (SseClient live = SseClient.connect(vertx, node.port(), Live.sse("notice/long"))) {
      String paragraph = "义乌小商品市场今天迎来新一轮采购高峰，各国客商往来不绝。".repeat(100);
      JsonObject article = Live.article("notice/long", "长文").put("body", new JsonArray().add(paragraph));
      List<PrometheusText.Sample> before = scrape();

      long seq = Live.publish(node.http(), article);
      JsonObject pushed = live.awaitArticles(1).get(0);
      List<PrometheusText.Sample> after = scrape();

      assertEquals(seq, pushed.getLong("seq"));
      assertEquals(paragraph, pushed.getJsonArray("body").getString(0));
      assertEquals(0, PrometheusText.delta(before, after, "newspush_feed_articles_from_notifications_total"),
          "over 8,000 bytes, the notification names only the seq");
      assertEquals(1, PrometheusText.delta(before, after, "newspush_feed_articles_total"));
    }
  }

  private static List<PrometheusText.Sample> scrape() {
    return PrometheusText.parse(node.http().get("/metrics").body().toString(StandardCharsets.UTF_8));
  }
}
