package io.newspush.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.newspush.testing.Await;
import io.newspush.testing.Http;
import io.newspush.testing.Live;
import io.newspush.testing.ScratchDirectory;
import io.newspush.testing.Sql;
import io.newspush.testing.SseClient;
import io.newspush.testing.TestNode;
import io.newspush.testing.TestPostgres;
import io.newspush.testing.WsClient;
import io.newspush.testing.reliability.Cms;
import io.newspush.testing.reliability.Feeds;
import io.newspush.testing.reliability.NodeProcess;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * newspush runs as its own OS process and is killed with SIGKILL right after a publish burst: no
 * shutdown hook, no close frames, notifications in flight lost. A CMS keeps writing while it is
 * down. Started again on the same database and port, it serves every client that resumes from the
 * last seq it saw (SSE {@code Last-Event-ID} or {@code since}, WebSocket {@code since}) everything it
 * missed, exactly once, in order.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerKilledTest {
  private static final String TOPIC = "killed/node";
  private static final Duration START = Duration.ofSeconds(60);

  private final List<NodeProcess> processes = new ArrayList<>();
  private Map<String, String> environment;
  private Path log;
  private Pool cms;
  private Http http;
  private int port;

  @BeforeAll
  void start(Vertx vertx) throws IOException {
    String url = TestPostgres.newDatabase();
    port = TestNode.freePort();
    environment = Map.of(
        "NEWSPUSH_DB_URL", url,
        "NEWSPUSH_HTTP_HOST", "127.0.0.1",
        "NEWSPUSH_HTTP_PORT", Integer.toString(port),
        "NEWSPUSH_PUBLISHER_TOKEN", TestNode.TOKEN,
        "NEWSPUSH_DATA_DIR", ScratchDirectory.create("newspush-process").toString(),
        "NEWSPUSH_FEED_POLL_MS", "500");
    // Next to the surefire reports when run by Maven, so a failure's full node log is at hand.
    Path logs = Files.isDirectory(Path.of("target")) ? Path.of("target") : Path.of(System.getProperty("java.io.tmpdir"));
    log = Files.createTempFile(logs, "ServerKilledTest-node-", ".log");
    cms = TestPostgres.pool(vertx, url);
    http = new Http(vertx, port);
  }

  @AfterAll
  void stop() throws IOException {
    for (NodeProcess process : processes) {
      process.close();
    }
    ScratchDirectory.delete(Path.of(environment.get("NEWSPUSH_DATA_DIR")));
  }

  private NodeProcess launch() {
    NodeProcess process = NodeProcess.start(environment, log);
    processes.add(process);
    process.awaitReady(port, START);
    return process;
  }

  @Test
  void clientsResumeAfterSigkillAndGetEverythingMissedExactlyOnce(Vertx vertx) {
    NodeProcess first = launch();
    assertNotEquals(ProcessHandle.current().pid(), first.pid(), "newspush runs in its own process");

    SseClient sseLastEventId = SseClient.connect(vertx, port, Live.sse("killed/**"));
    SseClient sseSince = SseClient.connect(vertx, port, Live.sse("killed/**"));
    WsClient ws = Feeds.subscribedWs(vertx, port, null, "killed/**");
    try {
      for (int i = 0; i < 10; i++) {
        Feeds.publish(http, Feeds.article(TOPIC, "before the kill " + i));
      }
      // No waiting for delivery: the kill lands while the last articles may still be on their way.
      int exit = first.kill();
      assertEquals(137, exit, "the first node died of SIGKILL (exit 128 + 9)");

      Await.until(() -> sseLastEventId.ended() && sseSince.ended() && ws.closed(), Duration.ofSeconds(10),
          () -> "the clients did not notice the node was gone");
      List<JsonObject> beforeSseA = sseLastEventId.articles();
      List<JsonObject> beforeSseB = sseSince.articles();
      List<JsonObject> beforeWs = ws.articles();
      System.out.println("before the kill the clients had " + beforeSseA.size() + ", " + beforeSseB.size() + " and "
          + beforeWs.size() + " of 10 articles");

      for (int i = 0; i < 10; i++) {
        Sql.insert(cms, TOPIC, "while the node is down " + i);
      }

      NodeProcess second = launch();
      for (int i = 0; i < 5; i++) {
        Feeds.publish(http, Feeds.article(TOPIC, "after the restart " + i));
      }

      Cms.awaitAllSequenced(cms, Duration.ofSeconds(30));
      List<JsonObject> history = Feeds.history(port, "killed/**");
      assertEquals(25, history.size(), "stored: 10 published before the kill, 10 written by the CMS while the node"
          + " was down, 5 published after; titles " + history.stream().map(a -> a.getString("title")).toList());
      assertTrue(history.stream().allMatch(a -> a.getLong("seq") != null), "every row got a seq");

      long lastA = lastSeq(beforeSseA);
      long lastB = lastSeq(beforeSseB);
      long lastWs = lastSeq(beforeWs);
      try (SseClient resumedA = SseClient.connect(vertx, port, Live.sse("killed/**"), Map.of("Last-Event-ID", Long.toString(lastA)));
           SseClient resumedB = SseClient.connect(vertx, port, Live.sse("killed/**") + "&since=" + lastB);
           WsClient resumedWs = Feeds.subscribedWs(vertx, port, lastWs, "killed/**")) {
        assertResumed("SSE (Last-Event-ID: " + lastA + ")", beforeSseA, resumedA::articles, history);
        assertResumed("SSE (since=" + lastB + ")", beforeSseB, resumedB::articles, history);
        assertResumed("WebSocket (since " + lastWs + ")", beforeWs, resumedWs::articles, history);
        Feeds.sync(resumedWs);
        assertEquals(25 - beforeWs.size(), resumedWs.articles().size(), "WebSocket: nothing beyond what it missed");
      }
      assertTrue(second.alive(), "the restarted node is still running");
    } finally {
      sseLastEventId.close();
      sseSince.close();
      ws.close();
    }
  }

  private static long lastSeq(List<JsonObject> articles) {
    return articles.isEmpty() ? 0 : articles.get(articles.size() - 1).getLong("seq");
  }

  /** What the client had before the kill plus what it got after resuming is the whole feed, each article once, in order. */
  private static void assertResumed(String who, List<JsonObject> before, java.util.function.Supplier<List<JsonObject>> after,
                                    List<JsonObject> history) {
    Feeds.assertSameArticles(history.subList(0, before.size()), before,
        who + ": before the kill the client had a gap-free, duplicate-free prefix of the feed");
    int missed = history.size() - before.size();
    Await.until(() -> after.get().size() >= missed, () -> who + " got " + after.get().size() + " of the " + missed
        + " articles it missed; seqs " + Feeds.seqs(after.get()));
    List<JsonObject> combined = new ArrayList<>(before);
    combined.addAll(after.get());
    Feeds.assertSameSeqs(Feeds.seqs(history), Feeds.seqs(combined), who + ": every article exactly once, in order, across the kill");
    Feeds.assertSameArticles(history, combined, who + ": the articles are what history holds");
  }
}
