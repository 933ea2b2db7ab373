package io.newspush.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.newspush.article.Article;
import io.newspush.testing.Await;
import io.newspush.testing.Sql;
import io.newspush.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The feed's one round trip: the sequencer stamps what has committed and the read that follows
 * already sees those seqs, in commit order, without waiting for anyone's notification.
 */
@ExtendWith(VertxExtension.class)
class StampAndReadTest {
  private Pool pool;
  private ArticleStore store;

  @BeforeEach
  void freshDatabase(Vertx vertx) {
    pool = TestPostgres.migratedPool(vertx, TestPostgres.newDatabase());
    store = new ArticleStore(pool);
  }

  @Test
  void rowsWrittenAroundTheApiAreStampedAndReadInOneCall() {
    for (String title : List.of("一", "二", "三")) {
      Sql.insert(pool, "cms/desk", title);
    }

    Stamped first = Await.result(store.stampAndRead(0, 10));

    assertEquals(List.of("一", "二", "三"), first.articles().stream().map(Article::title).toList(),
        "every committed row, stamped in commit order and read back at once");
    assertFalse(first.morePending(), "three rows fit one sequencer batch");
    long last = first.articles().get(2).seq();
    assertTrue(first.articles().get(0).seq() < first.articles().get(1).seq()
        && first.articles().get(1).seq() < last, "seqs rise with commit order: " + first.articles());

    Sql.insert(pool, "cms/desk", "四");
    Stamped second = Await.result(store.stampAndRead(last, 10));
    assertEquals(List.of("四"), second.articles().stream().map(Article::title).toList(),
        "only what follows the given seq");
    assertTrue(Await.result(store.stampAndRead(second.articles().get(0).seq(), 10)).articles().isEmpty(),
        "nothing new: nothing read");
  }

  @Test
  void aFullBatchSaysMoreMayBePending() {
    Await.result(pool.query("INSERT INTO articles (topic, title) SELECT 'bulk/load', 'row ' || i FROM generate_series(1, 1001) i")
        .execute());

    Stamped first = Await.result(store.stampAndRead(0, 2000));
    assertTrue(first.morePending(), "1,001 rows: the first batch of 1,000 was full");
    assertEquals(1000, first.articles().size(), "the read sees the whole first batch");

    Stamped second = Await.result(store.stampAndRead(first.articles().get(999).seq(), 2000));
    assertFalse(second.morePending());
    assertEquals(List.of("row 1001"), second.articles().stream().map(Article::title).toList());
  }
}
