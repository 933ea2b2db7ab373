package io.newspush.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.newspush.testing.NodeExtension;
import io.newspush.testing.SseClient;
import io.newspush.testing.Sql;
import io.newspush.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A row a CMS inserts with plain SQL is delivered exactly like one published through the API. */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CmsInsertTest {
  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  @Test
  void rowInsertedWithSqlIsPushedAndInHistoryWithASeq(Vertx vertx) {
    try (SseClient live = SseClient.connect(vertx, node.port(), "/v1/sse?topics=%E4%B9%89%E4%B9%8C/**")) {
      // The README's example for CMS teams, topic given in decomposed form to prove NFC happens in the database.
      Await.result(node.sql().preparedQuery("""
              INSERT INTO articles (topic, tags, title, author, summary, body, published_at)
              VALUES ($1, $2, $3, $4, $5, $6, $7)""")
          .execute(Tuple.of("义乌/产业", new String[] {"新能源汽车", "产业链"}, "从“单兵作战”到“链式集聚”", "楼琼",
              "义乌新能源汽车产业链加速成形。", new String[] {"本报讯 第一段。", "第二段。"}, "2026-04-16T07:00:00+08:00")));

      JsonObject pushed = live.awaitArticles(1).get(0);
      assertNotNull(pushed.getLong("seq"), "the pushed article has a seq");
      assertNotNull(pushed.getString("id"), "the database assigned an id");
      assertEquals("义乌/产业", pushed.getString("topic"));
      assertEquals("从“单兵作战”到“链式集聚”", pushed.getString("title"));
      assertEquals(new JsonArray(List.of("本报讯 第一段。", "第二段。")), pushed.getJsonArray("body"));
      assertEquals("2026-04-16T07:00:00+08:00", pushed.getString("published_at"));
      assertEquals("zh-CN", pushed.getString("lang"), "lang defaults like the API's");

      List<JsonObject> history = Sql.history(node.http(), "%E4%B9%89%E4%B9%8C/*");
      assertEquals(List.of(pushed), history, "history returns the same article, byte for byte");
    }
  }

  @Test
  void cmsCannotChooseItsOwnSeq(Vertx vertx) {
    try (SseClient live = SseClient.connect(vertx, node.port(), "/v1/sse?topics=cms/seq")) {
      Await.result(node.sql().preparedQuery("INSERT INTO articles (topic, title, seq) VALUES ('cms/seq', 'forged', 999999)").execute());
      long seq = live.awaitArticles(1).get(0).getLong("seq");
      assertEquals(true, seq < 999999, "the sequencer, not the writer, decides seq (got " + seq + ")");
    }
  }

  @Test
  void aRowWithANullTagOrParagraphIsRefusedAndTheFeedGoesOn(Vertx vertx) {
    try (SseClient live = SseClient.connect(vertx, node.port(), "/v1/sse?topics=cms/nulls")) {
      for (String insert : List.of(
          "INSERT INTO articles (topic, title, tags) VALUES ('cms/nulls', '空标签', ARRAY['产业', NULL])",
          "INSERT INTO articles (topic, title, body) VALUES ('cms/nulls', '空段落', ARRAY[NULL, '第二段。'])")) {
        Throwable refused = Await.result(node.sql().query(insert).execute()
            .map(rows -> (Throwable) null).otherwise(failure -> failure));
        assertNotNull(refused, "refused: " + insert);
        assertTrue(refused.getMessage().contains("articles_no_null_elements"), "names the rule: " + refused.getMessage());
      }
      Sql.insert(node.sql(), "cms/nulls", "完好的稿件");

      assertEquals("完好的稿件", live.awaitArticles(1).get(0).getString("title"), "the feed was not stalled");
    }
  }
}
