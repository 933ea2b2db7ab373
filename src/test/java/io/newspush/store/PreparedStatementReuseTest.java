package io.newspush.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.newspush.testing.Await;
import io.newspush.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The store's statements are parsed once per connection and only bound afterwards: the publish
 * path then costs one round trip per statement instead of two.
 */
@ExtendWith(VertxExtension.class)
class PreparedStatementReuseTest {

  @Test
  void aStatementRunTwiceIsPreparedOnceOnItsConnection(Vertx vertx) {
    // One connection, so the session that ran the store's queries is the one asked afterwards.
    Pool pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(1))
        .connectingTo(ConnectOptions.of(TestPostgres.newDatabase()))
        .using(vertx)
        .build();
    Await.result(Migrations.apply(pool, Migrations.bundled()));
    ArticleStore store = new ArticleStore(pool);

    Await.result(store.after(0, 10));
    Await.result(store.after(5, 10));
    Await.result(store.stampAndRead(0, 10));
    Await.result(store.stampAndRead(0, 10));

    List<String> prepared = new ArrayList<>();
    for (Row row : Await.result(pool.query("SELECT statement FROM pg_prepared_statements").execute())) {
      prepared.add(row.getString(0));
    }
    assertEquals(1, prepared.stream().filter(sql -> sql.contains("WHERE seq > $1 ORDER BY seq")).count(),
        "the feed's read is prepared once and reused: " + prepared);
    assertEquals(1, prepared.stream().filter(sql -> sql.contains("newspush_stamp($1)")).count(),
        "the sequencer call is prepared once and reused: " + prepared);
  }
}
