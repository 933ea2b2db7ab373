package io.newspush.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Applies the plain SQL files under {@code db/migration} (listed in order in {@code index.txt})
 * that the database has not seen yet. Nodes starting together serialise on an advisory lock, so
 * each migration runs once.
 */
public final class Migrations {
  private static final String DIRECTORY = "/db/migration/";
  private static final long LOCK = 7375209713330040834L;

  private Migrations() {}

  public record Migration(String name, String sql) {}

  public static List<Migration> bundled() {
    List<Migration> migrations = new ArrayList<>();
    for (String name : resource("index.txt").split("\n")) {
      if (!name.isBlank()) {
        migrations.add(new Migration(name.trim(), resource(name.trim())));
      }
    }
    return migrations;
  }

  /** Returns the names of the migrations it applied. */
  public static Future<List<String>> apply(Pool pool, List<Migration> migrations) {
    return pool.withConnection(conn -> conn.query("SELECT pg_advisory_lock(" + LOCK + ")").execute()
        .compose(locked -> applyLocked(conn, migrations))
        .eventually(() -> conn.query("SELECT pg_advisory_unlock(" + LOCK + ")").execute()));
  }

  private static Future<List<String>> applyLocked(SqlConnection conn, List<Migration> migrations) {
    return conn.query("SET client_min_messages = warning").execute()
        .compose(quiet -> conn.query("""
            CREATE TABLE IF NOT EXISTS newspush_migrations (
              name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())""").execute())
        .compose(created -> conn.query("SELECT name FROM newspush_migrations").execute())
        .compose(rows -> {
          Set<String> applied = new HashSet<>();
          for (Row row : rows) {
            applied.add(row.getString(0));
          }
          Future<List<String>> chain = Future.succeededFuture(new ArrayList<>());
          for (Migration migration : migrations) {
            if (!applied.contains(migration.name())) {
              chain = chain.compose(done -> applyOne(conn, migration).map(v -> {
                done.add(migration.name());
                return done;
              }));
            }
          }
          return chain;
        });
  }

  private static Future<Void> applyOne(SqlConnection conn, Migration migration) {
    return conn.query("BEGIN").execute()
        .compose(begun -> conn.query(migration.sql()).execute())
        .compose(ran -> conn.preparedQuery("INSERT INTO newspush_migrations (name) VALUES ($1)")
            .execute(Tuple.of(migration.name())))
        .compose(recorded -> conn.query("COMMIT").execute())
        .<Void>mapEmpty()
        .recover(failure -> conn.query("ROLLBACK").execute().transform(rolledBack ->
            Future.failedFuture(new IllegalStateException(
                "migration " + migration.name() + " failed: " + failure.getMessage(), failure))));
  }

  private static String resource(String name) {
    try (InputStream in = Migrations.class.getResourceAsStream(DIRECTORY + name)) {
      if (in == null) {
        throw new IllegalStateException("missing migration resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
