package io.newspush.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.newspush.testing.Await;
import io.newspush.testing.Http;
import io.newspush.testing.Live;
import io.newspush.testing.Sql;
import io.newspush.testing.SseClient;
import io.newspush.testing.TestNode;
import io.newspush.testing.TestPostgres;
import io.newspush.testing.WsClient;
import io.newspush.testing.reliability.Cms;
import io.newspush.testing.reliability.ControlledPostgres;
import io.newspush.testing.reliability.Feeds;
import io.newspush.testing.reliability.Fetch;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PostgreSQL itself goes away (pg_ctl stop) and comes back on the same port with the same data.
 * While it is down, connected clients stay connected, readiness says 503 and publishing is a JSON
 * 503. Rows written the moment it is back, before newspush has noticed, and everything after, reach
 * every subscriber exactly once, in order, and readiness returns to 200.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresRestartTest {
  private static final String TOPIC = "restart/pg";
  private static final Duration RECOVERY = Duration.ofSeconds(30);

  private ControlledPostgres postgres;
  private TestNode node;
  private Http http;

  @BeforeAll
  void start() {
    postgres = ControlledPostgres.start();
    node = TestNode.start(postgres.url(), Map.of());
  }

  @AfterAll
  void stop() {
    try {
      if (node != null) {
        node.close();
      }
    } finally {
      postgres.close();
    }
  }

  @Test
  void clientsSurviveADatabaseRestartAndMissNothing(Vertx vertx) throws Exception {
    http = new Http(vertx, node.port());
    try (SseClient sse = SseClient.connect(vertx, node.port(), Live.sse("restart/**"));
         WsClient ws = Feeds.subscribedWs(vertx, node.port(), null, "restart/**")) {
      for (int i = 0; i < 5; i++) {
        Feeds.publish(http, Feeds.article(TOPIC, "before " + i));
      }
      sse.awaitArticles(5);
      ws.awaitArticles(5);
      assertEquals(200, Fetch.get(node.port(), "/health/ready").status(), "ready before the outage");

      postgres.stop();

      Await.until(() -> Fetch.get(node.port(), "/health/ready").status() == 503, Duration.ofSeconds(10),
          () -> "/health/ready while PostgreSQL is down: " + Fetch.get(node.port(), "/health/ready"));
      Fetch.Reply ready = Fetch.get(node.port(), "/health/ready");
      assertEquals("down", ready.json().getString("database"), "readiness names the database as the problem: " + ready);
      assertEquals(200, Fetch.get(node.port(), "/health/live").status(), "the process is alive while the database is down");

      Http.Reply refused = http.publish(Feeds.article(TOPIC, "during the outage"));
      assertEquals(503, refused.status(), "publishing while PostgreSQL is down: " + refused);
      assertTrue(refused.headers().getOrDefault("Content-Type", "").startsWith("application/json"),
          "the 503 is JSON: " + refused.headers());
      assertNotNull(refused.json().getString("error"), "the 503 body is {\"error\":...}: " + refused);
      assertNotNull(refused.json().getString("message"), "the 503 body has a message: " + refused);

      // Longer than the feed's poll interval and the first LISTEN retries: nobody gives up on the clients.
      Thread.sleep(2_500);
      assertFalse(sse.ended(), "the SSE stream stays open while PostgreSQL is down");
      assertFalse(ws.closed(), "the WebSocket stays open while PostgreSQL is down (closed with " + ws.closeStatus()
          + " '" + ws.closeReason() + "')");
      Feeds.sync(ws);
      assertEquals(503, Fetch.get(node.port(), "/health/ready").status(), "still not ready while PostgreSQL is down");

      postgres.startAgain();
      // A CMS writes the moment the database is back, before newspush has reconnected.
      Pool cms = TestPostgres.pool(vertx, postgres.url());
      try {
        boolean nodeAlreadyReady = Fetch.get(node.port(), "/health/ready").status() == 200;
        for (int i = 0; i < 5; i++) {
          Sql.insert(cms, TOPIC, "right after restart " + i);
        }
        System.out.println("rows inserted right after the restart; node already ready: " + nodeAlreadyReady);

        Await.until(() -> Fetch.get(node.port(), "/health/ready").status() == 200, RECOVERY,
            () -> "/health/ready after PostgreSQL came back: " + Fetch.get(node.port(), "/health/ready"));
        for (int i = 0; i < 5; i++) {
          Feeds.publish(http, Feeds.article(TOPIC, "after " + i));
          Sql.insert(cms, TOPIC, "cms after " + i);
        }

        // A CMS row shows in history once the feed has sequenced it, a moment after its commit.
        Cms.awaitAllSequenced(cms, RECOVERY);
        List<JsonObject> history = Feeds.history(node.port(), "restart/**");
        assertEquals(20, history.size(), "stored: 5 before, 5 right after the restart, 10 after; none during the"
            + " outage; titles " + history.stream().map(a -> a.getString("title")).toList());
        long lastSeq = history.get(history.size() - 1).getLong("seq");
        Await.until(() -> sse.seqs().contains(lastSeq) && ws.seqs().contains(lastSeq), RECOVERY,
            () -> "after the restart SSE has " + sse.articles().size() + " and WebSocket " + ws.articles().size() + " of 20");
        Feeds.sync(ws);
        assertFalse(sse.ended(), "the SSE stream survived the restart");
        assertFalse(ws.closed(), "the WebSocket survived the restart");
        List<Long> seqs = Feeds.seqs(history);
        Feeds.assertSameSeqs(seqs, sse.seqs(), "SSE: every article exactly once, in seq order");
        Feeds.assertSameSeqs(seqs, ws.seqs(), "WebSocket: every article exactly once, in seq order");
        Feeds.assertSameArticles(history, sse.articles(), "SSE articles are what history holds");
        Feeds.assertSameArticles(history, ws.articles(), "WebSocket articles are what history holds");
        List<String> titles = new ArrayList<>();
        history.forEach(a -> titles.add(a.getString("title")));
        assertFalse(titles.contains("during the outage"), "the refused publish was not stored");
      } finally {
        Await.result(cms.close());
      }
    }
  }
}
