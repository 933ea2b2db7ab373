package io.newspush.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.newspush.testing.Await;
import io.newspush.testing.Http;
import io.newspush.testing.SseClient;
import io.newspush.testing.Sql;
import io.newspush.testing.TestNode;
import io.newspush.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The LISTEN connection is killed again and again while articles keep arriving. Notifications sent
 * while it is down are lost for good; the catch-up after each reconnect must cover them. The slow
 * safety poll is set to a minute so it cannot be what saves the day.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ListenConnectionLossTest {
  private static final int ARTICLES = 300;

  private TestNode node;
  private Pool admin;
  private Http http;

  @BeforeAll
  void start(Vertx vertx) {
    String url = TestPostgres.newDatabase();
    node = TestNode.start(url, Map.of("NEWSPUSH_FEED_POLL_MS", "60000"));
    admin = TestPostgres.pool(vertx, url);
    http = new Http(vertx, node.port());
  }

  @AfterAll
  void stop() {
    node.close();
  }

  @Test
  void nothingMissedOrDuplicatedWhenListenConnectionIsKilled(Vertx vertx) throws InterruptedException {
    try (SseClient sse = SseClient.connect(vertx, node.port(), "/v1/sse?topics=**")) {
      long reconnectsBefore = node.server().feedStatus().reconnects();
      int killed = 0;
      for (int i = 0; i < ARTICLES; i++) {
        Sql.insert(admin, "listen/loss", "article " + i);
        if (i % 60 == 30) {
          killed += killListener();
        }
      }
      assertTrue(killed >= 4, "the LISTEN connection was found and killed (" + killed + " times)");
      sse.awaitArticles(ARTICLES);
      List<JsonObject> history = Sql.history(http, "**");
      assertEquals(ARTICLES, history.size(), "every inserted row was sequenced");
      assertEquals(history.stream().map(a -> a.getLong("seq")).toList(), sse.seqs(),
          "every article exactly once, in seq order, despite the lost notifications");
      assertTrue(node.server().feedStatus().reconnects() > reconnectsBefore, "the feed noticed and reconnected");
    }
  }

  /** Kills the backend that is LISTENing, waiting for it to be back first so every kill counts. */
  private int killListener() {
    Await.until(() -> listeners() > 0, () -> "the feed did not LISTEN again");
    return Await.result(admin.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query ILIKE 'LISTEN%' AND pid <> pg_backend_pid()")
        .execute()).size();
  }

  private long listeners() {
    return Await.result(admin.query("SELECT count(*) FROM pg_stat_activity WHERE query ILIKE 'LISTEN%'").execute())
        .iterator().next().getLong(0);
  }
}
