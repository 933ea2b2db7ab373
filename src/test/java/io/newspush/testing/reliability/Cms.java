package io.newspush.testing.reliability;

import io.newspush.demo.DemoPublisher;
import io.newspush.testing.Await;
import io.newspush.testing.Sql;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Bulk writes the way a CMS does them (plain INSERTs into articles), and realistic Chinese article text. */
public final class Cms {
  private Cms() {}

  /**
   * A pool whose connections carry {@code application_name}, so a test can tell them apart from
   * newspush's own in {@code pg_stat_activity} (e.g. to terminate every connection but its own).
   */
  public static Pool pool(Vertx vertx, String url, String applicationName, int size) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(size))
        .connectingTo(PgConnectOptions.fromUri(url).addProperty("application_name", applicationName))
        .using(vertx)
        .build();
  }

  /**
   * One paragraph of real Chinese news text (from the bundled samples) of about {@code bytes}
   * bytes of UTF-8, cut at a character boundary.
   */
  public static String chineseText(int bytes) {
    StringBuilder all = new StringBuilder();
    for (JsonObject sample : DemoPublisher.samples()) {
      sample.getJsonArray("body").forEach(p -> all.append(p));
    }
    StringBuilder text = new StringBuilder();
    int length = 0;
    int i = 0;
    while (true) {
      String c = all.substring(i % all.length(), i % all.length() + 1);
      int size = c.getBytes(StandardCharsets.UTF_8).length;
      if (length + size > bytes) {
        return text.toString();
      }
      text.append(c);
      length += size;
      i++;
    }
  }

  /** Inserts one row per title in a single batch (one round trip, one transaction); every row gets {@code body}. */
  public static void insertBatch(SqlClient client, String topic, List<String> titles, String body) {
    List<Tuple> rows = new ArrayList<>(titles.size());
    for (String title : titles) {
      rows.add(Tuple.of(topic, title, new String[] {body}));
    }
    Await.result(client.preparedQuery(Sql.INSERT).executeBatch(rows));
  }

  /**
   * Waits until every committed row has its seq (the feed stamps rows a moment after their commit),
   * so that history, which lists only sequenced articles, shows everything stored.
   */
  public static void awaitAllSequenced(SqlClient client, java.time.Duration timeout) {
    Await.until(() -> unsequenced(client) == 0, timeout, () -> unsequenced(client) + " committed rows still have no seq");
  }

  private static long unsequenced(SqlClient client) {
    return Await.result(client.query("SELECT count(*) FROM articles WHERE seq IS NULL").execute()).iterator().next().getLong(0);
  }

  /** Titles {@code prefix 0000} ... for {@code count} articles starting at {@code from}. */
  public static List<String> titles(String prefix, int from, int count) {
    List<String> titles = new ArrayList<>(count);
    for (int i = from; i < from + count; i++) {
      titles.add(String.format("%s %04d", prefix, i));
    }
    return titles;
  }
}
