package io.newspush.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.newspush.article.Article;
import io.newspush.testing.Await;
import io.newspush.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upgrading a database that already holds a row with NULL tags or paragraphs (written by a CMS
 * before V5) repairs the row instead of failing the migration, and the row becomes readable.
 */
@ExtendWith(VertxExtension.class)
class NullElementsMigrationTest {

  @Test
  void storedNullElementsAreDroppedWhenTheRuleArrives(Vertx vertx) {
    Pool pool = TestPostgres.pool(vertx, TestPostgres.newDatabase());
    List<Migrations.Migration> all = Migrations.bundled();
    List<Migrations.Migration> beforeTheRule = all.stream().filter(m -> !m.name().startsWith("V5__")).toList();
    Await.result(Migrations.apply(pool, beforeTheRule));
    Await.result(pool.query("INSERT INTO articles (topic, title, tags, body) "
        + "VALUES ('cms/old', '旧稿', ARRAY['产业', NULL], ARRAY[NULL, '第二段。', NULL])").execute());

    Await.result(Migrations.apply(pool, all));

    List<Article> read = Await.result(new ArticleStore(pool).stampAndRead(0, 10)).articles();
    assertEquals(List.of("产业"), read.get(0).tags());
    assertEquals(List.of("第二段。"), read.get(0).body());
  }
}
