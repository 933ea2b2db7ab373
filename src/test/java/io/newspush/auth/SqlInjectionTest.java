package io.newspush.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.newspush.testing.NodeExtension;
import io.newspush.testing.Sql;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every query is prepared: hostile text is stored and read back as text, and nothing else happens. */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqlInjectionTest {
  private static final List<String> HOSTILE = List.of(
      "'; DROP TABLE articles; --",
      "\"; DELETE FROM articles WHERE '1'='1",
      "Robert'); DROP TABLE newspush_migrations;--",
      "$1 $2 $$ \\\\ ; SELECT pg_sleep(10); --",
      "标题'；DROP TABLE articles；--");

  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  @Test
  void hostileTextIsStoredAndReadBackIntact() {
    for (String text : HOSTILE) {
      JsonObject article = new JsonObject().put("topic", "drop.table/x_y-z").put("title", text)
          .put("tags", new JsonArray(List.of(text.substring(0, Math.min(60, text.length())))))
          .put("summary", text).put("body", new JsonArray(List.of(text, text)));
      assertEquals(201, node.http().publish(article).status(), text);
    }
    List<JsonObject> stored = Sql.history(node.http(), "drop.table/**");
    assertEquals(HOSTILE, stored.stream().map(a -> a.getString("title")).toList(), "titles read back byte for byte");
    for (int i = 0; i < HOSTILE.size(); i++) {
      assertEquals(HOSTILE.get(i), stored.get(i).getString("summary"));
      assertEquals(new JsonArray(List.of(HOSTILE.get(i), HOSTILE.get(i))), stored.get(i).getJsonArray("body"));
    }
    assertEquals(HOSTILE.size(), Sql.count(node.sql()), "the table is still there, with exactly these rows");
    assertEquals(400, node.http().get("/v1/articles?topics=" + java.net.URLEncoder.encode("a');DROP TABLE articles;--", java.nio.charset.StandardCharsets.UTF_8)).status(),
        "a hostile pattern is refused before it reaches SQL");
  }
}
