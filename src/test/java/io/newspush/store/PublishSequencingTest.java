package io.newspush.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.newspush.article.Draft;
import io.newspush.testing.Await;
import io.newspush.testing.Notifications;
import io.newspush.testing.Sql;
import io.newspush.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A publish through the API writes its article once, seq included, after every row a CMS
 * committed before it; and only the publish itself may write a seq (a CMS cannot: CmsInsertTest),
 * not even in a transaction that published first.
 */
@ExtendWith(VertxExtension.class)
class PublishSequencingTest {
  private static final String PUBLISH = "SELECT article_id, article_seq FROM newspush_publish("
      + "'义乌/产业', '{}', '标题', NULL, NULL, NULL, '{第一段。}', NULL, 'zh-CN', '2026-11-29T08:00:00Z')";

  private Pool pool;
  private Notifications heard;

  @BeforeEach
  void freshDatabaseAndAListener(Vertx vertx) {
    String url = TestPostgres.newDatabase();
    pool = TestPostgres.migratedPool(vertx, url);
    heard = Notifications.listen(vertx, url, "newspush_pending", "newspush_seq");
  }

  @Test
  void aPublishInsertsItsRowWithItsSeqAndUpdatesNothing() {
    Row row = Await.result(pool.withTransaction(connection -> connection.query(PUBLISH).execute()
        .compose(published -> connection.preparedQuery("SELECT $1::bigint AS answered, a.seq AS stored, n_tup_ins, n_tup_upd "
                + "FROM articles a, pg_stat_xact_user_tables s WHERE a.id = $2 AND s.relname = 'articles'")
            .execute(Tuple.of(published.iterator().next().getLong("article_seq"),
                published.iterator().next().getString("article_id"))))))
        .iterator().next();

    assertEquals(1, row.getLong("n_tup_ins"), "one row inserted");
    assertEquals(0, row.getLong("n_tup_upd"), "and not written a second time to give it its seq");
    assertEquals(1L, row.getLong("stored"), "the first article of a fresh database is stored with seq 1");
    assertEquals(row.getLong("stored"), row.getLong("answered"), "the answer carries the stored seq");
  }

  @Test
  void aCmsRowWaitingForTheSequencerGetsTheLowerSeqAndIsAnnouncedFirst() throws InterruptedException {
    Sql.insert(pool, "cms/desk", "先写入的稿件");
    assertEquals("newspush_pending", heard.next().getChannel(), "the CMS row waits for the sequencer");

    Published published = Await.result(new ArticleStore(pool).publish(new Draft("api/desk", List.of(), "后发布的稿件",
        null, null, null, List.of("正文"), null, "zh-CN", "2026-11-29T08:00:00Z")));

    long cmsSeq = Await.result(pool.query("SELECT seq FROM articles WHERE topic = 'cms/desk'").execute())
        .iterator().next().getLong(0);
    assertTrue(cmsSeq < published.seq(), "committed first, sequenced first: " + cmsSeq + " before " + published.seq());
    assertEquals(cmsSeq, StampNotice.parse(heard.next().getPayload()).highestSeq(), "the CMS row's notice comes first");
    StampNotice own = StampNotice.parse(heard.next().getPayload());
    assertEquals(published.seq(), own.highestSeq(), "then the publish's");
    assertTrue(own.article().isPresent(), "with the published article in it, so no node has to read it");
  }

  @Test
  void aCmsInsertAfterAPublishInTheSameTransactionCannotWriteItsOwnSeq() {
    Object seq = Await.result(pool.withTransaction(connection -> connection.query(PUBLISH).execute()
        .compose(published -> insertWithSeq(connection, 999_999))
        .compose(inserted -> connection.query("SELECT seq FROM articles WHERE topic = 'cms/forged'").execute())))
        .iterator().next().getValue(0);

    assertNull(seq, "the sequencer gives out seqs, not the writer of the row");
  }

  private static Future<?> insertWithSeq(SqlConnection connection, long seq) {
    return connection.preparedQuery("INSERT INTO articles (seq, topic, title) VALUES ($1, 'cms/forged', '伪造')")
        .execute(Tuple.of(seq));
  }
}
