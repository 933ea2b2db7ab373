package io.newspush.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.newspush.testing.Await;
import io.newspush.testing.Sql;
import io.newspush.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A row written around the API (a CMS's own INSERT) is held to the topic's shape by the database:
 * 1 to 8 segments of 1 to 64 characters, none of them blank, control or wildcard characters.
 */
@ExtendWith(VertxExtension.class)
class TopicShapeConstraintTest {
  private static final String CHECK_VIOLATION = "23514";

  private static Pool pool;

  @BeforeAll
  static void migrate(Vertx vertx) {
    pool = TestPostgres.migratedPool(vertx, TestPostgres.newDatabase());
  }

  @Test
  void wellShapedTopicsAreStored() {
    for (String topic : List.of("a", "义乌/产业", "economy/industry/textiles", "a/b/c/d/e/f/g/h",
        "义".repeat(64), "x/" + "é".repeat(64), "v1.2/a-b_c")) {
      assertNull(refusal(topic), "stored: " + topic);
    }
  }

  @Test
  void misshapenTopicsAreRefusedByTheTopicRule() {
    for (String topic : List.of("", "/a", "a/", "a//b", "/", "a/b/c/d/e/f/g/h/i", "义".repeat(65),
        "x/" + "a".repeat(65), "a b", "a\tb", "a\nb", "a\u0001b", "a\u007fb", "a*", "news/#", "a+b", "a?b",
        "a/*/b")) {
      PgException refused = refusal(topic);
      String shown = topic.replace("\n", "\\n").replace("\t", "\\t");
      assertEquals(CHECK_VIOLATION, refused == null ? "stored" : refused.getSqlState(), "refused: " + shown);
      assertEquals("articles_topic_shape", refused.getConstraint(), "names the rule for " + shown);
    }
  }

  private static PgException refusal(String topic) {
    return Await.result(pool.preparedQuery(Sql.INSERT).execute(Tuple.of(topic, "标题", new String[] {"正文。"}))
        .map(rows -> (PgException) null)
        .recover(failure -> failure instanceof PgException pg
            ? Future.succeededFuture(pg)
            : Future.failedFuture(failure)));
  }
}
