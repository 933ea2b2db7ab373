package io.newspush.testing;

import io.newspush.store.EmbeddedDatabase;
import io.newspush.store.Migrations;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server for the whole test run (the same embedded server the product runs),
 * with a fresh database per test class so tests never see each other's articles.
 */
public final class TestPostgres {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedDatabase server;

  private TestPostgres() {}

  private static synchronized EmbeddedDatabase server() {
    if (server == null) {
      Path dir = ScratchDirectory.create("newspush-test-pg");
      EmbeddedDatabase started = EmbeddedDatabase.start(dir);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        started.close();
        ScratchDirectory.delete(dir);
      }));
      server = started;
    }
    return server;
  }

  /** Creates an empty database and returns its URL. */
  public static String newDatabase() {
    String base = server().url();
    String name = "newspush_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    Vertx vertx = Vertx.vertx();
    try {
      Pool admin = pool(vertx, base);
      Await.result(admin.query("CREATE DATABASE " + name).execute());
      Await.result(admin.close());
    } finally {
      Await.result(vertx.close());
    }
    return base.substring(0, base.lastIndexOf('/') + 1) + name;
  }

  /** A pool for the test's own SQL, the way a CMS or an operator would talk to the database. */
  public static Pool pool(Vertx vertx, String url) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(16))
        .connectingTo(PgConnectOptions.fromUri(url))
        .using(vertx)
        .build();
  }

  /** {@link #pool}, on a database with every bundled migration applied, as newspush leaves it. */
  public static Pool migratedPool(Vertx vertx, String url) {
    Pool pool = pool(vertx, url);
    Await.result(Migrations.apply(pool, Migrations.bundled()));
    return pool;
  }
}
