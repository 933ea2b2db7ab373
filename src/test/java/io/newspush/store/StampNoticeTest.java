package io.newspush.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.newspush.article.Article;
import io.newspush.article.Draft;
import io.newspush.testing.Await;
import io.newspush.testing.Notifications;
import io.newspush.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgNotification;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A stamping's notification carries what it stamped: the one article, exactly as a read returns
 * it, when it fits; otherwise the highest seq. A publish through the API wakes nobody to stamp.
 */
@ExtendWith(VertxExtension.class)
class StampNoticeTest {
  private static final String AWKWARD_TEXT = "“引号”、反斜杠 \\ 、\"双引号\"、换行\n、制表\t、表情 🗞️ 与 NUL 之外的一切";

  private Pool pool;
  private ArticleStore store;
  private Notifications heard;

  @BeforeEach
  void freshDatabaseAndAListener(Vertx vertx) {
    String url = TestPostgres.newDatabase();
    pool = TestPostgres.migratedPool(vertx, url);
    store = new ArticleStore(pool);
    heard = Notifications.listen(vertx, url, "newspush_pending", "newspush_seq");
  }

  @Test
  void aPublishedArticleArrivesInItsNotificationExactlyAsReadAndWakesNoStamper() throws InterruptedException {
    Published published = Await.result(store.publish(new Draft("义乌/产业", List.of("新能源汽车", AWKWARD_TEXT),
        AWKWARD_TEXT, null, "楼琼", "摘要", List.of("第一段。", AWKWARD_TEXT, ""), null, "zh-CN",
        "2026-04-16T07:00:00+08:00")));

    PgNotification first = heard.next();
    assertEquals("newspush_seq", first.getChannel(),
        "the publish stamped its own row, so no newspush_pending comes first: " + first.getPayload());
    StampNotice notice = StampNotice.parse(first.getPayload());
    Article read = Await.result(store.after(published.seq() - 1, 1)).get(0);
    assertEquals(Optional.of(read), notice.article(), "the notified article equals the stored row, field by field");
    assertEquals(published.seq(), notice.highestSeq());
  }

  @Test
  void aCmsRowStampedAloneArrivesInItsNotificationExactlyAsRead() throws InterruptedException {
    Await.result(pool.preparedQuery("INSERT INTO articles (topic, tags, title, author, body, published_at) "
            + "VALUES ('cms/desk', $1, $2, '楼琼', $3, '2026-04-16T07:00:00+08:00')")
        .execute(Tuple.of(new String[] {AWKWARD_TEXT}, AWKWARD_TEXT, new String[] {"第一段。", AWKWARD_TEXT})));
    assertEquals("newspush_pending", heard.next().getChannel(), "a CMS row wakes the sequencer");

    Article read = Await.result(store.stampAndRead(0, 10)).articles().get(0);

    StampNotice notice = StampNotice.parse(heard.next().getPayload());
    assertEquals(Optional.of(read), notice.article(), "the notified article equals the stored row, field by field");
  }

  @Test
  void anArticleTooLargeForANotificationIsNamedByItsSeq() throws InterruptedException {
    String paragraph = "义乌小商品市场今天迎来新一轮采购高峰。".repeat(200);
    Await.result(pool.preparedQuery("INSERT INTO articles (topic, title, body) VALUES ('cms/long', '长文', $1)")
        .execute(Tuple.of((Object) new String[] {paragraph})));
    assertEquals("newspush_pending", heard.next().getChannel(), "a CMS row still wakes the sequencer");

    long seq = Await.result(store.stampAndRead(0, 10)).articles().get(0).seq();

    StampNotice notice = StampNotice.parse(heard.next().getPayload());
    assertEquals(new StampNotice(seq, Optional.empty()), notice, "more than 8,000 bytes: only the seq");
  }

  @Test
  void severalRowsStampedTogetherAreNamedByTheHighestSeq() throws InterruptedException {
    Await.result(pool.query("INSERT INTO articles (topic, title) VALUES ('cms/a', '甲'), ('cms/b', '乙')").execute());
    heard.next();

    List<Article> stamped = Await.result(store.stampAndRead(0, 10)).articles();

    assertEquals(new StampNotice(stamped.get(1).seq(), Optional.empty()), StampNotice.parse(heard.next().getPayload()));
  }

  @Test
  void aPayloadItCannotReadSaysNothingSoTheTableIsRead() {
    for (String payload : new String[] {"", null, "garbage", "{\"seq\":\"x\"}", "{\"seq\":5,\"tags\":[1]}", "{"}) {
      assertEquals(Long.MAX_VALUE, StampNotice.parse(payload).highestSeq(), "payload " + payload);
      assertTrue(StampNotice.parse(payload).article().isEmpty(), "payload " + payload);
    }
  }
}
