package io.newspush.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.newspush.testing.Await;
import io.newspush.testing.Http;
import io.newspush.testing.SseClient;
import io.newspush.testing.Sql;
import io.newspush.testing.TestNode;
import io.newspush.testing.TestPostgres;
import io.newspush.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Three nodes share one PostgreSQL and nothing else. Every subscriber, on whichever node, sees the
 * same articles with the same seq, and a client can move to another node without losing any.
 */
@ExtendWith(VertxExtension.class)
class SeveralNodesTest {
  private static final int PER_NODE = 100;

  @Test
  void publishersAndSubscribersOnThreeNodesAgreeOnEverySeq(Vertx vertx) throws Exception {
    String url = TestPostgres.newDatabase();
    List<TestNode> nodes = startTogether(url, 3);
    try {
      List<SseClient> sse = new ArrayList<>();
      List<WsClient> ws = new ArrayList<>();
      for (TestNode node : nodes) {
        sse.add(SseClient.connect(vertx, node.port(), "/v1/sse?topics=cluster/**"));
        WsClient client = WsClient.connect(vertx, node.port(), "/v1/ws?topics=cluster/*");
        client.awaitMessage("subscribed");
        ws.add(client);
      }
      ExecutorService publishers = Executors.newFixedThreadPool(3);
      List<Future<List<Long>>> acknowledged = new ArrayList<>();
      for (TestNode node : nodes) {
        Http http = new Http(vertx, node.port());
        Callable<List<Long>> publish = () -> {
          List<Long> seqs = new ArrayList<>();
          for (int i = 0; i < PER_NODE; i++) {
            Http.Reply reply = http.publish(new JsonObject().put("topic", "cluster/" + node.port()).put("title", "from " + node.port() + " #" + i));
            assertEquals(201, reply.status(), reply::toString);
            seqs.add(reply.json().getLong("seq"));
          }
          return seqs;
        };
        acknowledged.add(publishers.submit(publish));
      }
      List<Long> allAcknowledged = new ArrayList<>();
      for (Future<List<Long>> f : acknowledged) {
        allAcknowledged.addAll(f.get());
      }
      publishers.shutdown();
      List<Long> expected = allAcknowledged.stream().sorted().toList();
      assertEquals(3 * PER_NODE, expected.stream().distinct().count(), "every publish got its own seq");

      Map<Long, String> titleBySeq = new HashMap<>();
      for (JsonObject article : Sql.history(new Http(vertx, nodes.get(0).port()), "cluster/**")) {
        titleBySeq.put(article.getLong("seq"), article.getString("title"));
      }
      for (int i = 0; i < nodes.size(); i++) {
        for (List<JsonObject> received : List.of(sse.get(i).awaitArticles(expected.size()), ws.get(i).awaitArticles(expected.size()))) {
          assertEquals(expected, received.stream().map(a -> a.getLong("seq")).toList(),
              "node " + i + ": every article once, in seq order");
          for (JsonObject article : received) {
            assertEquals(titleBySeq.get(article.getLong("seq")), article.getString("title"),
                "node " + i + " agrees on what seq " + article.getLong("seq") + " is");
          }
        }
      }
      sse.forEach(SseClient::close);
      ws.forEach(WsClient::close);
    } finally {
      nodes.forEach(TestNode::close);
    }
  }

  @Test
  void clientsOfAStoppedNodeResumeOnAnotherWithoutLoss(Vertx vertx) throws Exception {
    String url = TestPostgres.newDatabase();
    TestNode doomed = TestNode.start(url);
    TestNode survivor = TestNode.start(url);
    try {
      SseClient sse = SseClient.connect(vertx, doomed.port(), "/v1/sse?topics=move/**");
      WsClient ws = WsClient.connect(vertx, doomed.port(), "/v1/ws?topics=move/**");
      ws.awaitMessage("subscribed");
      Http http = new Http(vertx, survivor.port());
      for (int i = 0; i < 20; i++) {
        assertEquals(201, http.publish(new JsonObject().put("topic", "move/a").put("title", "before " + i)).status());
      }
      sse.awaitArticles(20);
      ws.awaitArticles(20);
      doomed.close();
      Await.until(() -> sse.ended() && ws.closed(), () -> "the stopped node ended its streams");
      for (int i = 0; i < 20; i++) {
        assertEquals(201, http.publish(new JsonObject().put("topic", "move/a").put("title", "while moving " + i)).status());
      }
      long lastSse = sse.seqs().get(sse.seqs().size() - 1);
      long lastWs = ws.seqs().get(ws.seqs().size() - 1);
      try (SseClient resumedSse = SseClient.connect(vertx, survivor.port(), "/v1/sse?topics=move/**", Map.of("Last-Event-ID", Long.toString(lastSse)));
           WsClient resumedWs = WsClient.connect(vertx, survivor.port(), "/v1/ws?topics=move/**&since=" + lastWs)) {
        for (int i = 0; i < 10; i++) {
          assertEquals(201, http.publish(new JsonObject().put("topic", "move/a").put("title", "after " + i)).status());
        }
        List<Long> all = Sql.history(http, "move/**").stream().map(a -> a.getLong("seq")).toList();
        assertEquals(50, all.size());
        List<Long> sseSeen = new ArrayList<>(sse.seqs());
        sseSeen.addAll(resumedSse.awaitArticles(30).stream().map(a -> a.getLong("seq")).toList());
        List<Long> wsSeen = new ArrayList<>(ws.seqs());
        wsSeen.addAll(resumedWs.awaitArticles(30).stream().map(a -> a.getLong("seq")).toList());
        assertEquals(all, sseSeen, "SSE client: nothing lost or repeated across the move");
        assertEquals(all, wsSeen, "WebSocket client: nothing lost or repeated across the move");
      }
      sse.close();
      ws.close();
    } finally {
      survivor.close();
    }
  }

  @Test
  void nodesStartingTogetherOnAnEmptyDatabaseBothComeUp(Vertx vertx) throws Exception {
    String url = TestPostgres.newDatabase();
    List<TestNode> nodes = startTogether(url, 2);
    try {
      for (TestNode node : nodes) {
        Http.Reply ready = new Http(vertx, node.port()).get("/health/ready");
        assertEquals(200, ready.status(), ready::toString);
      }
      Http.Reply published = new Http(vertx, nodes.get(0).port()).publish(new JsonObject().put("topic", "a").put("title", "t"));
      assertEquals(201, published.status());
      assertTrue(new Http(vertx, nodes.get(1).port()).get("/v1/articles?topics=**").json().getJsonArray("articles").size() == 1,
          "the schema was created once and both nodes use it");
    } finally {
      nodes.forEach(TestNode::close);
    }
  }

  private static List<TestNode> startTogether(String url, int count) throws Exception {
    ExecutorService starters = Executors.newFixedThreadPool(count);
    try {
      List<Future<TestNode>> starting = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        starting.add(starters.submit(() -> TestNode.start(url)));
      }
      List<TestNode> nodes = new ArrayList<>();
      for (Future<TestNode> node : starting) {
        nodes.add(node.get());
      }
      return nodes;
    } finally {
      starters.shutdown();
    }
  }
}
