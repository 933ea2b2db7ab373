package io.newspush.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.newspush.testing.Await;
import io.newspush.testing.Live;
import io.newspush.testing.Http;
import io.newspush.testing.SseClient;
import io.newspush.testing.TestNode;
import io.newspush.testing.TestPostgres;
import io.newspush.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Stopping a node tells every client: WebSockets hear 1001 (going away), SSE streams end, and it is quick. */
@ExtendWith(VertxExtension.class)
class GracefulShutdownTest {

  @Test
  void closingANodeTellsEveryClientAndReturnsPromptly(Vertx vertx) {
    TestNode node = TestNode.start(TestPostgres.newDatabase());
    boolean closed = false;
    try {
      Http http = new Http(vertx, node.port());
      WsClient ws = WsClient.connect(vertx, node.port(), Live.ws("**"));
      ws.awaitMessage("subscribed");
      WsClient idleWs = WsClient.connect(vertx, node.port(), "/v1/ws");
      idleWs.sync();
      SseClient sse = SseClient.connect(vertx, node.port(), Live.sse("**"));
      assertEquals(200, sse.status());

      long seq = Live.publish(http, Live.sample(0, "shutdown/notice"));
      ws.awaitSeq(seq);
      Await.until(() -> sse.seqs().contains(seq), () -> "SSE has " + sse.seqs());

      long start = System.nanoTime();
      node.close();
      closed = true;
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      System.out.printf("node closed in %d ms%n", tookMs);
      assertTrue(tookMs < 5_000, "closing a node with open clients took " + tookMs + " ms");

      ws.awaitClosed(Duration.ofSeconds(5));
      assertEquals((short) 1001, ws.closeStatus(), () -> "a subscribed WebSocket is closed with 1001 going away, got "
          + ws.closeStatus() + " " + ws.closeReason());
      idleWs.awaitClosed(Duration.ofSeconds(5));
      assertEquals((short) 1001, idleWs.closeStatus(), () -> "a WebSocket without subscriptions is closed with 1001 too, got "
          + idleWs.closeStatus() + " " + idleWs.closeReason());
      Await.until(sse::ended, Duration.ofSeconds(5), () -> "the SSE stream did not end when the node closed");
      assertEquals(1, sse.seqs().size(), "the SSE stream ended without extra articles: " + sse.seqs());

      assertThrows(IOException.class, () -> new Socket("127.0.0.1", node.port()).close(),
          "the port no longer accepts connections once close returned");
      ws.close();
      idleWs.close();
      sse.close();
    } finally {
      if (!closed) {
        node.close();
      }
    }
  }
}
