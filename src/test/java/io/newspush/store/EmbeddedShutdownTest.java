package io.newspush.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.newspush.testing.Await;
import io.newspush.testing.Http;
import io.newspush.testing.Live;
import io.newspush.testing.PrometheusText;
import io.newspush.testing.TestNode;
import io.newspush.testing.reliability.NodeProcess;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node with its embedded PostgreSQL (no database configured) stops it last on SIGTERM or Ctrl-C,
 * after its own connections, and never leaves it running, not even when it is stopped in the
 * middle of starting; a second SIGTERM during the shutdown does not cut it short.
 */
@ExtendWith(VertxExtension.class)
class EmbeddedShutdownTest {
  private static final int STREAMS = 2_000;

  @Test
  void sigtermClosesTheServerBeforePostgres(Vertx vertx, @TempDir Path dataDir) throws Exception {
    int port = TestNode.freePort();
    Path log = dataDir.resolve("node.log");
    try (NodeProcess node = NodeProcess.start(embedded(dataDir, port), log)) {
      long postgres = readyWithOneArticle(node, new Http(vertx, port), port, dataDir, "关机 shutdown");
      // Articles keep coming while the node stops, from several publishers at once.
      List<Thread> publishers = IntStream.range(0, 4).mapToObj(i -> new Thread(() -> {
        Http own = new Http(vertx, port);
        try {
          while (true) {
            own.publish(Live.article("ops/shutdown", "发布中 publishing"));
          }
        } catch (AssertionError nodeGone) {
          // refused or cut off: the node has stopped listening
        }
      }, "publisher-" + i)).toList();
      publishers.forEach(Thread::start);
      Thread.sleep(500);

      assertEquals(0, node.terminate(Duration.ofSeconds(60)), node.logTail());
      for (Thread publisher : publishers) {
        publisher.join(Duration.ofSeconds(30).toMillis());
      }
      String output = assertStoppedInOrder(log, postgres);
      assertFalse(output.contains("LISTEN connection to PostgreSQL lost"), "PostgreSQL stopped under the feed:\n" + output);
      assertFalse(output.contains("Discarding message"), "an article was in flight to a gateway already gone:\n" + output);
    }
  }

  @Test
  void ctrlCStopsTheServerThenPostgresAndExitsWith130(Vertx vertx, @TempDir Path dataDir) throws Exception {
    int port = TestNode.freePort();
    Path log = dataDir.resolve("node.log");
    try (NodeProcess node = NodeProcess.start(embedded(dataDir, port), log)) {
      long postgres = readyWithOneArticle(node, new Http(vertx, port), port, dataDir, "中断 interrupted");
      assumeFalse(node.ignoresSigint(), "SIGINT is ignored by whatever started this test run, so Ctrl-C cannot reach the node");

      assertEquals(130, node.interrupt(Duration.ofSeconds(60)), "Ctrl-C exits with 130, as the README says\n" + node.logTail());
      assertStoppedInOrder(log, postgres);
    }
  }

  @Test
  void aSecondSigtermDuringTheShutdownLetsItFinish(Vertx vertx, @TempDir Path dataDir) throws Exception {
    int port = TestNode.freePort();
    Path log = dataDir.resolve("node.log");
    try (NodeProcess node = NodeProcess.start(embedded(dataDir, port), log)) {
      Http http = new Http(vertx, port);
      long postgres = readyWithOneArticle(node, http, port, dataDir, "再次 again");
      // Enough open streams that closing them keeps the shutdown busy for a few hundred
      // milliseconds, long enough for the second signal to arrive in the middle of it.
      NetClient tcp = vertx.createNetClient();
      for (int i = 0; i < STREAMS; i++) {
        NetSocket socket = tcp.connect(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        socket.write("GET /v1/sse?topics=ops/** HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      }
      Await.until(() -> openStreams(http) >= STREAMS, Duration.ofSeconds(30), () -> "the node did not open all " + STREAMS + " streams");

      node.sigterm();
      Await.until(() -> logContains(log, "newspush shutting down"), Duration.ofSeconds(30),
          () -> "the first SIGTERM did not start the shutdown:\n" + node.logTail());
      node.sigterm();

      assertEquals(0, node.exitValue(Duration.ofSeconds(60)), node.logTail());
      assertStoppedInOrder(log, postgres);
    }
  }

  @Test
  void sigtermDuringStartUpLeavesNoPostgresBehind(@TempDir Path dataDir) throws Exception {
    int port = TestNode.freePort();
    try (NodeProcess node = NodeProcess.start(embedded(dataDir, port), dataDir.resolve("node.log"))) {
      // PostgreSQL has started (its postmaster.pid exists) and the node is still starting: waiting
      // for PostgreSQL to accept connections, migrating, deploying. Main's shutdown hook is not
      // registered yet; only the embedded database's own hook can stop PostgreSQL now.
      Await.until(() -> Files.exists(postmasterFile(dataDir)), Duration.ofSeconds(120),
          () -> "the embedded PostgreSQL did not start:\n" + node.logTail());
      long postgres = postmasterPid(dataDir);
      node.terminate(Duration.ofSeconds(60));
      assertFalse(Files.readString(dataDir.resolve("node.log")).contains("newspush listening on"),
          "the node had finished starting before the SIGTERM, so this run did not test the start-up");
      assertStopped(postgres);
    }
  }

  private static Map<String, String> embedded(Path dataDir, int port) {
    return Map.of(
        "NEWSPUSH_HTTP_HOST", "127.0.0.1",
        "NEWSPUSH_HTTP_PORT", Integer.toString(port),
        "NEWSPUSH_PUBLISHER_TOKEN", TestNode.TOKEN,
        "NEWSPUSH_DATA_DIR", dataDir.toString());
  }

  /** Waits until the node is ready, publishes one article through it and returns its PostgreSQL's pid. */
  private static long readyWithOneArticle(NodeProcess node, Http http, int port, Path dataDir, String title) throws IOException {
    node.awaitReady(port, Duration.ofSeconds(120));
    Live.publish(http, Live.article("ops/shutdown", title));
    return postmasterPid(dataDir);
  }

  /**
   * The shutdown ran to its end, PostgreSQL did not end the node's connections (it stopped after
   * them) and is gone. Returns the node's log.
   */
  private static String assertStoppedInOrder(Path log, long postgres) throws IOException {
    String output = Files.readString(log);
    assertTrue(output.contains("newspush stopped in"), "the shutdown did not run to its end:\n" + output);
    assertFalse(output.contains("57P01"), "PostgreSQL terminated the node's connections:\n" + output);
    assertStopped(postgres);
    return output;
  }

  private static double openStreams(Http http) {
    return PrometheusText.value(PrometheusText.parse(http.get("/metrics").body().toString(StandardCharsets.UTF_8)),
        "newspush_connections", Map.of("transport", "sse"));
  }

  private static boolean logContains(Path log, String text) {
    try {
      return Files.readString(log).contains(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path postmasterFile(Path dataDir) {
    return dataDir.resolve("postgres").resolve("postmaster.pid");
  }

  /** The first line of postmaster.pid; read while the file may still be being written. */
  private static long postmasterPid(Path dataDir) throws IOException {
    Await.until(() -> {
      try {
        return Files.readString(postmasterFile(dataDir)).lines().findFirst().filter(l -> l.matches("\\d+")).isPresent();
      } catch (IOException gone) {
        return false;
      }
    }, Duration.ofSeconds(10), () -> "postmaster.pid holds no pid");
    return Long.parseLong(Files.readString(postmasterFile(dataDir)).lines().findFirst().orElseThrow());
  }

  private static void assertStopped(long postgresPid) {
    try {
      Await.until(() -> ProcessHandle.of(postgresPid).map(p -> !p.isAlive()).orElse(true), Duration.ofSeconds(20),
          () -> "PostgreSQL (pid " + postgresPid + ") outlived the node");
    } catch (AssertionError orphan) {
      // Not left running for the rest of the test run: a smart shutdown, as nobody is connected.
      ProcessHandle.of(postgresPid).ifPresent(ProcessHandle::destroy);
      throw orphan;
    }
  }
}
