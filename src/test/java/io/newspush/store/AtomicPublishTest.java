package io.newspush.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.newspush.article.Draft;
import io.newspush.testing.Await;
import io.newspush.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A publish stores and sequences its article in one transaction: no reader ever sees a published
 * article without its seq, and each one's answer carries a seq of its own.
 */
@ExtendWith(VertxExtension.class)
class AtomicPublishTest {

  @Test
  void noReaderSeesAPublishedArticleWithoutItsSeq(Vertx vertx) throws InterruptedException {
    String url = TestPostgres.newDatabase();
    Pool pool = TestPostgres.migratedPool(vertx, url);
    ArticleStore store = new ArticleStore(pool);
    AtomicBoolean publishing = new AtomicBoolean(true);
    long[] unsequencedSeen = {0};
    int[] looks = {0};
    Thread reader = new Thread(() -> {
      while (publishing.get()) {
        long unsequenced = Await.result(pool.query("SELECT count(*) FROM articles WHERE seq IS NULL").execute())
            .iterator().next().getLong(0);
        unsequencedSeen[0] = Math.max(unsequencedSeen[0], unsequenced);
        looks[0]++;
      }
    });
    reader.start();

    Set<Long> seqs = new HashSet<>();
    for (int round = 0; round < 20; round++) {
      List<Future<Published>> answers = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        answers.add(store.publish(new Draft("atomic/desk", List.of("并发"), "稿件 " + round + "-" + i, null, null,
            null, List.of("正文"), null, "zh-CN", "2026-11-28T12:00:00Z")));
      }
      for (Future<Published> answer : answers) {
        seqs.add(Await.result(answer).seq());
      }
    }
    publishing.set(false);
    reader.join();

    assertEquals(100, seqs.size(), "every publish answered with a seq of its own");
    assertTrue(looks[0] > 20, "the reader looked while publishing went on (" + looks[0] + " times)");
    assertEquals(0, unsequencedSeen[0], "a published article was visible before it had its seq");
  }
}
