package io.newspush.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.newspush.testing.Await;
import io.newspush.testing.Http;
import io.newspush.testing.Live;
import io.newspush.testing.PrometheusText;
import io.newspush.testing.SseClient;
import io.newspush.testing.TestNode;
import io.newspush.testing.TestPostgres;
import io.newspush.testing.reliability.NodeProcess;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose stdout nobody reads (a log collector that has stalled, a full pipe) keeps serving:
 * the event loops log without waiting for stdout, and the lines that did not fit are counted on
 * {@code /metrics}. Once stdout is read again, the shutdown's own lines still come out.
 */
@ExtendWith(VertxExtension.class)
class UnreadStdoutTest {
  /**
   * Each request is one access-log line of about 150 bytes: far more than a pipe holds (64 KiB on
   * Linux) and the log queue holds (8,192 lines) together, so both fill up before the last one.
   */
  private static final int REQUESTS = 10_000;
  private static final int LOG_QUEUE = 8_192;
  /**
   * More lines than a pipe holds: 64 KiB (16 pages of 4 KiB, Linux's default on x86-64) and a line
   * longer than 100 bytes. With larger pages the pipe would hold more than this test writes.
   */
  private static final int PIPE_LINES = 656;

  @Test
  void theNodeServesWhileNobodyReadsItsLog(Vertx vertx, @TempDir Path dataDir) throws Exception {
    int port = TestNode.freePort();
    Process node = NodeProcess.builder(Map.of(
        "NEWSPUSH_DB_URL", TestPostgres.newDatabase(),
        "NEWSPUSH_HTTP_HOST", "127.0.0.1",
        "NEWSPUSH_HTTP_PORT", Integer.toString(port),
        "NEWSPUSH_PUBLISHER_TOKEN", TestNode.TOKEN,
        "NEWSPUSH_DATA_DIR", dataDir.toString()))
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    try {
      Http http = new Http(vertx, port);
      Await.until(http::ready, Duration.ofSeconds(60), () -> "the node did not start");
      String padding = "x".repeat(100);
      for (int i = 0; i < REQUESTS; i++) {
        Http.Reply reply;
        try {
          reply = http.get("/health/live?request=" + i + "&padding=" + padding);
        } catch (AssertionError stalled) {
          throw new AssertionError("request " + i + " got no answer while stdout was not read", stalled);
        }
        assertEquals(200, reply.status(), "request " + i + " while stdout is not read");
      }
      try (SseClient sse = SseClient.connect(vertx, port, "/v1/sse?topics=**")) {
        Live.publish(http, Live.article("ops/stdout", "日志未读 still serving"));
        assertEquals("日志未读 still serving", sse.awaitArticles(1).get(0).getString("title"));
      }
      String metrics = http.get("/metrics").body().toString(StandardCharsets.UTF_8);
      double dropped = PrometheusText.sum(PrometheusText.parse(metrics), "newspush_log_lines_dropped_total");
      assertTrue(dropped >= REQUESTS - LOG_QUEUE - PIPE_LINES,
          "at least the lines that fitted neither the pipe nor the queue are counted as dropped, but only " + dropped + " were");

      CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> readAll(node.getInputStream()));
      node.toHandle().destroy();
      assertTrue(node.waitFor(60, TimeUnit.SECONDS), "the node did not stop within 60 s of SIGTERM");
      assertEquals(0, node.exitValue(), "a clean shutdown exits with 0");
      String output = stdout.get(10, TimeUnit.SECONDS);
      assertTrue(output.contains("newspush stopped in"), "the shutdown's last line is written before the JVM exits");
    } finally {
      node.destroyForcibly();
    }
  }

  private static String readAll(InputStream stream) {
    try (stream) {
      return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
