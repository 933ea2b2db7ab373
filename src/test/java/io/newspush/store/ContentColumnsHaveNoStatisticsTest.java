package io.newspush.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.newspush.testing.Await;
import io.newspush.testing.Sql;
import io.newspush.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * ANALYZE (autovacuum's, in the background of a busy server) gathers statistics only for the
 * columns queries select by, not for the articles' text.
 */
@ExtendWith(VertxExtension.class)
class ContentColumnsHaveNoStatisticsTest {

  @Test
  void analyzeKeepsStatisticsForTheSelectingColumnsOnly(Vertx vertx) {
    String url = TestPostgres.newDatabase();
    Pool pool = TestPostgres.migratedPool(vertx, url);
    for (int i = 0; i < 20; i++) {
      Sql.insert(pool, "stats/" + (i % 3), "第" + i + "条");
    }
    Await.result(pool.query("ANALYZE articles").execute());

    Set<String> withStatistics = new HashSet<>();
    for (Row row : Await.result(pool.query(
        "SELECT attname FROM pg_stats WHERE schemaname = 'public' AND tablename = 'articles'").execute())) {
      withStatistics.add(row.getString("attname"));
    }
    assertEquals(Set.of("id", "seq", "topic", "inserted_at"), withStatistics,
        "columns ANALYZE gathered statistics for");
  }
}
