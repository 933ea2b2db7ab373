package io.newspush.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.newspush.testing.Await;
import io.newspush.testing.Http;
import io.newspush.testing.Live;
import io.newspush.testing.SseClient;
import io.newspush.testing.TestNode;
import io.newspush.testing.TestPostgres;
import io.newspush.testing.WsClient;
import io.newspush.testing.reliability.Cms;
import io.newspush.testing.reliability.Feeds;
import io.newspush.testing.reliability.Fetch;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every database connection newspush holds (the query pool and the LISTEN connection) is terminated
 * again and again by {@code pg_terminate_backend} while a CMS writes 500 rows and a publisher posts
 * through the API. Afterwards every subscriber has every article exactly once, in order, equal to
 * history; the API answered each publish with 201 or a JSON 503 (never a 500), and what is stored is
 * exactly the CMS rows plus the acknowledged publishes, so a 503 never hid a stored article that a
 * retrying publisher would then duplicate.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatabaseConnectionsKilledTest {
  private static final String TOPIC = "kill/burst";
  private static final int CMS_ROWS = 500;
  private static final String APPLICATION = "cms-test";
  private static final String KILL = """
      SELECT pid, application_name, coalesce(query, '') AS query, pg_terminate_backend(pid) AS killed
      FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name <> $1""";

  private TestNode node;
  private Pool cms;
  private Http http;

  @BeforeAll
  void start(Vertx vertx) {
    String url = TestPostgres.newDatabase();
    node = TestNode.start(url);
    cms = Cms.pool(vertx, url, APPLICATION, 4);
    http = new Http(vertx, node.port());
  }

  @AfterAll
  void stop() {
    node.close();
  }

  @Test
  void everyArticleExactlyOnceWhileAllNewspushConnectionsAreKilledRepeatedly(Vertx vertx) throws Exception {
    try (SseClient sse = SseClient.connect(vertx, node.port(), Live.sse("kill/**"));
         WsClient ws = Feeds.subscribedWs(vertx, node.port(), null, "kill/**")) {
      long reconnectsBefore = node.server().feedStatus().reconnects();

      AtomicBoolean bursting = new AtomicBoolean(true);
      Set<Integer> killedPids = ConcurrentHashMap.newKeySet();
      AtomicInteger killedListeners = new AtomicInteger();
      AtomicInteger killedOthers = new AtomicInteger();
      List<Throwable> failures = new CopyOnWriteArrayList<>();
      Thread killer = new Thread(() -> {
        try {
          while (bursting.get()) {
            for (Row row : Await.result(cms.preparedQuery(KILL).execute(Tuple.of(APPLICATION)))) {
              if (row.getBoolean("killed") && killedPids.add(row.getInteger("pid"))) {
                if (row.getString("query").toUpperCase(java.util.Locale.ROOT).startsWith("LISTEN")) {
                  killedListeners.incrementAndGet();
                } else {
                  killedOthers.incrementAndGet();
                }
              }
            }
            Thread.sleep(120);
          }
        } catch (Throwable t) {
          failures.add(t);
        }
      }, "connection-killer");

      // The API publisher: 201 or 503 with a JSON error, nothing else.
      List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
      List<String> refused = Collections.synchronizedList(new ArrayList<>());
      List<String> unexpected = new CopyOnWriteArrayList<>();
      Thread publisher = new Thread(() -> {
        try {
          for (int i = 0; bursting.get(); i++) {
            String title = String.format("api %04d", i);
            Http.Reply reply = http.publish(Feeds.article(TOPIC, title));
            if (reply.status() == 201) {
              acknowledged.add(title);
            } else if (reply.status() == 503 && isJsonError(reply)) {
              refused.add(title);
            } else {
              unexpected.add(title + ": " + reply);
            }
            Thread.sleep(5);
          }
        } catch (Throwable t) {
          failures.add(t);
        }
      }, "api-publisher");

      killer.start();
      publisher.start();
      try {
        // The CMS writes its rows one by one, spread over a few seconds so many kills land in between.
        for (String title : Cms.titles("cms", 0, CMS_ROWS)) {
          Await.result(cms.preparedQuery(io.newspush.testing.Sql.INSERT)
              .execute(Tuple.of(TOPIC, title, new String[] {"正文 " + title})));
          Thread.sleep(6);
        }
      } finally {
        bursting.set(false);
        killer.join(30_000);
        publisher.join(30_000);
      }
      System.out.println("killed " + killedListeners + " LISTEN and " + killedOthers + " other connections; API: "
          + acknowledged.size() + " acknowledged, " + refused.size() + " refused");
      assertTrue(failures.isEmpty(), "the killer or publisher thread failed: " + failures);
      assertTrue(unexpected.isEmpty(), "publishing during the outages must answer 201 or 503 with {\"error\":...}; got " + unexpected);
      assertTrue(killedListeners.get() >= 3, "the LISTEN connection was killed several times (" + killedListeners
          + "); killed pids " + killedPids.size());
      assertTrue(killedOthers.get() >= 3, "pool connections were killed several times (" + killedOthers + ")");

      Await.until(() -> Fetch.get(node.port(), "/health/ready").status() == 200, Duration.ofSeconds(30),
          () -> "/health/ready did not return to 200 after the kills: " + Fetch.get(node.port(), "/health/ready"));
      assertTrue(node.server().feedStatus().reconnects() - reconnectsBefore >= 3,
          "the feed re-established its LISTEN connection after each kill (reconnects: "
              + (node.server().feedStatus().reconnects() - reconnectsBefore) + ")");

      Cms.awaitAllSequenced(cms, Duration.ofSeconds(30));
      List<JsonObject> history = Feeds.history(node.port(), "kill/**");
      Set<String> storedTitles = new HashSet<>();
      List<String> storedApiTitles = new ArrayList<>();
      for (JsonObject article : history) {
        String title = article.getString("title");
        assertTrue(storedTitles.add(title), "article '" + title + "' is stored twice");
        if (title.startsWith("api ")) {
          storedApiTitles.add(title);
        }
      }
      List<Long> seqs = Feeds.seqs(history);
      int total = seqs.size();
      long lastSeq = seqs.get(total - 1);
      // Articles arrive in seq order: once the last one is there, everything that will come has come.
      Await.until(() -> sse.seqs().contains(lastSeq) && ws.seqs().contains(lastSeq), Duration.ofSeconds(30),
          () -> "after the kills SSE has " + sse.articles().size() + " and WebSocket " + ws.articles().size()
              + " of " + total + " articles");
      Feeds.sync(ws);
      assertFalse(sse.ended(), "the SSE stream survived the database outages");
      assertFalse(ws.closed(), "the WebSocket survived the database outages");
      Feeds.assertSameSeqs(seqs, sse.seqs(), "SSE: every article exactly once, in seq order, equal to history");
      Feeds.assertSameSeqs(seqs, ws.seqs(), "WebSocket: every article exactly once, in seq order, equal to history");
      Feeds.assertSameArticles(history, sse.articles(), "SSE articles are what history holds");
      Feeds.assertSameArticles(history, ws.articles(), "WebSocket articles are what history holds");

      // Last, the publisher's view: a 503 must mean "not stored", or retrying (as the 503 says to) duplicates.
      assertTrue(storedTitles.containsAll(acknowledged), "every acknowledged publish is stored");
      assertTrue(storedTitles.containsAll(Cms.titles("cms", 0, CMS_ROWS)), "every CMS row is stored");
      List<String> storedButRefused = new ArrayList<>(refused);
      storedButRefused.retainAll(storedTitles);
      assertEquals(List.of(), storedButRefused, "publishes answered 503 ('nothing was published, retry shortly') whose"
          + " article was nevertheless stored and pushed: a publisher that retries, as told, publishes them twice ("
          + acknowledged.size() + " acknowledged, " + refused.size() + " refused)");
      assertEquals(CMS_ROWS + acknowledged.size(), history.size(),
          "stored articles = CMS rows + acknowledged publishes; acknowledged " + acknowledged.size() + ", refused "
              + refused.size() + ", stored API articles " + storedApiTitles.size());
    }
  }

  private static boolean isJsonError(Http.Reply reply) {
    try {
      JsonObject body = reply.json();
      return body.getString("error") != null && body.getString("message") != null;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
