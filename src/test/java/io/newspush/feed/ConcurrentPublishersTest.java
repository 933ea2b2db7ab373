package io.newspush.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.newspush.testing.NodeExtension;
import io.newspush.testing.Await;
import io.newspush.testing.SseClient;
import io.newspush.testing.Sql;
import io.newspush.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 8 writers x 200 articles, each transaction held open for a random moment so commits overtake
 * each other constantly: the feed still emits every article once, in strictly increasing seq.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConcurrentPublishersTest {
  private static final int WRITERS = 8;
  private static final int PER_WRITER = 200;

  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  @Test
  void everyArticleOnceInIncreasingSeqWithNoGapAgainstHistory(Vertx vertx) throws Exception {
    int total = WRITERS * PER_WRITER;
    try (SseClient sse = SseClient.connect(vertx, node.port(), "/v1/sse?topics=**");
         WsClient ws = WsClient.connect(vertx, node.port(), "/v1/ws?topics=load/**")) {
      ws.awaitMessage("subscribed");
      ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        done.add(writers.submit(() -> write(writer)));
      }
      for (Future<?> f : done) {
        f.get();
      }
      writers.shutdown();

      // CMS rows are sequenced by the feed after they commit: wait for them to be pushed.
      sse.awaitArticles(total);
      ws.awaitArticles(total);
      List<JsonObject> history = Sql.history(node.http(), "**");
      assertEquals(total, history.size(), "history holds every committed article");
      List<Long> expected = history.stream().map(a -> a.getLong("seq")).toList();
      for (int i = 1; i < expected.size(); i++) {
        assertEquals(true, expected.get(i) > expected.get(i - 1), "history is in strictly increasing seq");
      }
      assertEquals(expected, sse.seqs(), "SSE received exactly the stored articles, once each, in seq order");
      assertEquals(expected, ws.seqs(), "WebSocket received exactly the stored articles, once each, in seq order");
    }
  }

  private void write(int writer) {
    Random random = new Random(writer);
    SqlConnection connection = Await.result(node.sql().getConnection());
    try {
      for (int i = 0; i < PER_WRITER; i++) {
        Transaction tx = Await.result(connection.begin());
        Sql.insert(connection, "load/w" + writer, "writer " + writer + " article " + i);
        if (random.nextInt(4) == 0) {
          Thread.sleep(random.nextInt(5));
        }
        Await.result(tx.commit());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      connection.close();
    }
  }
}
