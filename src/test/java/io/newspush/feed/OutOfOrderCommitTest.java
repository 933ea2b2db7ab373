package io.newspush.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.newspush.testing.Await;
import io.newspush.testing.SseClient;
import io.newspush.testing.Sql;
import io.newspush.testing.TestNode;
import io.newspush.testing.TestPostgres;
import io.newspush.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Transaction A inserts first but commits last. A feed that numbered rows at insert time, or read
 * "id > last", would emit B and then never see A; ours stamps seq at visibility.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutOfOrderCommitTest {
  private TestNode node;
  private Pool cms;

  @BeforeAll
  void start(Vertx vertx) {
    String url = TestPostgres.newDatabase();
    node = TestNode.start(url);
    cms = TestPostgres.pool(vertx, url);
  }

  @AfterAll
  void stop() {
    node.close();
  }

  @Test
  void laterCommitGetsLaterSeqAndNobodyMissesIt(Vertx vertx) {
    try (SseClient sse = SseClient.connect(vertx, node.port(), "/v1/sse?topics=ooo/**");
         WsClient ws = WsClient.connect(vertx, node.port(), "/v1/ws?topics=ooo/**")) {
      ws.awaitMessage("subscribed");
      SqlConnection a = Await.result(cms.getConnection());
      SqlConnection b = Await.result(cms.getConnection());
      Transaction txA = Await.result(a.begin());
      Sql.insert(a, "ooo/a", "A inserted first");
      Transaction txB = Await.result(b.begin());
      Sql.insert(b, "ooo/b", "B inserted second");
      Await.result(txB.commit());

      JsonObject first = sse.awaitArticles(1).get(0);
      assertEquals("B inserted second", first.getString("title"), "B is visible first, so it is delivered first");
      Await.result(txA.commit());
      a.close();
      b.close();

      for (List<JsonObject> received : List.of(sse.awaitArticles(2), ws.awaitArticles(2))) {
        assertEquals(List.of("B inserted second", "A inserted first"),
            received.stream().map(x -> x.getString("title")).toList(), "each article once, in commit order");
        assertTrue(received.get(1).getLong("seq") > received.get(0).getLong("seq"), "seq follows commit order: " + received);
      }
      long seqOfB = first.getLong("seq");

      try (SseClient resumed = SseClient.connect(vertx, node.port(), "/v1/sse?topics=ooo/**&since=" + seqOfB)) {
        assertEquals("A inserted first", resumed.awaitArticles(1).get(0).getString("title"),
            "a reader resuming from B's seq still receives A");
      }
      Sql.insert(cms, "ooo/z", "sentinel");
      for (List<JsonObject> received : List.of(sse.awaitArticles(3), ws.awaitArticles(3))) {
        assertEquals(List.of("B inserted second", "A inserted first", "sentinel"),
            received.stream().map(x -> x.getString("title")).toList(), "nothing was delivered twice");
      }
    }
  }
}
