package io.newspush.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.newspush.testing.Http;
import io.newspush.testing.SseClient;
import io.newspush.testing.TestNode;
import io.newspush.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A connection that sends half a request and then nothing is closed once it has been idle for
 * four ping intervals (at least 10 s); a live stream, which carries pings, is not.
 */
@ExtendWith(VertxExtension.class)
class HalfOpenConnectionTest {

  @Test
  void silentHalfRequestIsClosedWhileLiveStreamStays(Vertx vertx) throws Exception {
    try (TestNode node = TestNode.start(TestPostgres.newDatabase(), Map.of(
            "NEWSPUSH_SSE_PING_SECONDS", "1", "NEWSPUSH_WS_PING_SECONDS", "1"));
         SseClient live = SseClient.connect(vertx, node.port(), "/v1/sse?topics=**");
         Socket halfOpen = new Socket("127.0.0.1", node.port())) {
      halfOpen.getOutputStream().write("GET /v1/sse?topics=** HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
      halfOpen.setSoTimeout(20_000);
      long started = System.nanoTime();
      InputStream in = halfOpen.getInputStream();
      int read;
      try {
        read = in.read();
      } catch (SocketTimeoutException e) {
        throw new AssertionError("the server kept a silent half request open for 20 s");
      }
      long waitedMs = (System.nanoTime() - started) / 1_000_000;
      assertEquals(-1, read, "the server closed the connection without answering");
      assertEquals(true, waitedMs >= 8_000, "closed for idleness, not at once (" + waitedMs + " ms)");

      assertFalse(live.ended(), "the live stream outlived the idle timeout: its pings keep it busy");
      Http.Reply published = new Http(vertx, node.port()).publish(new JsonObject().put("topic", "idle/x").put("title", "still here"));
      assertEquals(201, published.status());
      assertEquals("still here", live.awaitArticles(1).get(0).getString("title"));
    }
  }
}
