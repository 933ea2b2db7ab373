package io.newspush.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.newspush.testing.Await;
import io.newspush.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The embedded PostgreSQL flushes every commit to disk before answering it, so a publish answered
 * 201 (and the seq clients were given) survives a crash of the database or the machine.
 */
@ExtendWith(VertxExtension.class)
class DurableCommitTest {

  @Test
  void theEmbeddedDatabaseWaitsForTheDiskAtEveryCommit(Vertx vertx) {
    Pool pool = TestPostgres.pool(vertx, TestPostgres.newDatabase());
    assertEquals("on", setting(pool, "synchronous_commit"), "a commit is answered only once it is on disk");
    assertEquals("on", setting(pool, "fsync"), "PostgreSQL really flushes what it writes");
  }

  private static String setting(Pool pool, String name) {
    return Await.result(pool.query("SHOW " + name).execute()).iterator().next().getString(0);
  }
}
