package io.newspush.testing;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/** Writes articles the way a CMS does: a plain INSERT into the articles table, no API involved. */
public final class Sql {
  private Sql() {}

  public static final String INSERT = "INSERT INTO articles (topic, title, body) VALUES ($1, $2, $3)";

  public static void insert(SqlClient client, String topic, String title) {
    Await.result(client.preparedQuery(INSERT).execute(Tuple.of(topic, title, new String[] {"正文 " + title})));
  }

  public static long count(Pool pool) {
    return Await.result(pool.query("SELECT count(*) FROM articles").execute()).iterator().next().getLong(0);
  }

  /** Every stored article (via history, paging with next), as JSON objects in seq order. */
  public static java.util.List<JsonObject> history(Http http, String topics) {
    java.util.List<JsonObject> all = new java.util.ArrayList<>();
    long since = 0;
    while (true) {
      JsonObject page = http.get("/v1/articles?limit=1000&topics=" + topics + "&since=" + since).json();
      page.getJsonArray("articles").forEach(a -> all.add((JsonObject) a));
      if (page.getJsonArray("articles").isEmpty()) {
        return all;
      }
      since = page.getLong("next");
    }
  }
}
