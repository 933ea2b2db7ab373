package io.newspush.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.newspush.testing.Await;
import io.newspush.testing.Http;
import io.newspush.testing.SseClient;
import io.newspush.testing.TestNode;
import io.newspush.testing.TestPostgres;
import io.newspush.testing.WsClient;
import io.newspush.testing.reliability.NodeProcess;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs after {@code mvn package}: the jar the Dockerfile copies into the image is the jar Maven
 * built, and that very jar (shaded, with its merged service files) serves, publishes and shuts
 * down cleanly, as the container will run it.
 */
@ExtendWith(VertxExtension.class)
class PackagedJarIT {

  @Test
  void theJarTheImageRunsServesAndStopsCleanly(Vertx vertx, @TempDir Path dataDir) throws Exception {
    Matcher copy = java.util.regex.Pattern.compile("COPY --from=build /src/(\\S+) (\\S+)").matcher(Files.readString(Path.of("Dockerfile")));
    assertTrue(copy.find(), "the Dockerfile copies the jar from the build stage");
    Path jar = Path.of(copy.group(1));
    assertTrue(Files.isRegularFile(jar), jar + " (what the image copies) was built by mvn package");

    int port = TestNode.freePort();
    Process server = start(jar, port, dataDir, dataDir.resolve("server.log"));
    try {
      Http http = new Http(vertx, port);
      Await.until(http::ready, Duration.ofSeconds(60), () -> "the packaged server did not become ready");
      try (SseClient sse = SseClient.connect(vertx, port, "/v1/sse?topics=**")) {
        Http.Reply published = http.publish(new JsonObject().put("topic", "packaging/jar").put("title", "打包测试"));
        assertEquals(201, published.status(), published::toString);
        assertEquals("打包测试", sse.awaitArticles(1).get(0).getString("title"));
      }
      assertEquals(200, http.get("/").status(), "the live-feed page is inside the jar");
      server.toHandle().destroy();
      assertTrue(server.waitFor(20, TimeUnit.SECONDS), "SIGTERM stops the server");
      assertEquals(0, server.exitValue(), "a clean shutdown exits 0");
    } finally {
      server.destroyForcibly();
    }
  }

  /**
   * Where Netty's epoll transport is missing (macOS, Windows, other CPUs), streams never write to
   * the socket directly: every delivery takes the pipeline. Epoll is switched off here to run
   * that path, which the in-process tests on Linux do not.
   */
  @Test
  void withoutTheNativeTransportEveryDeliveryTakesThePipelineAndArrives(Vertx vertx, @TempDir Path dataDir) throws Exception {
    int port = TestNode.freePort();
    Path log = dataDir.resolve("server.log");
    Process server = start(Path.of("target/newspush.jar"), port, dataDir, log, "-Dio.netty.transport.noNative=true");
    try {
      Http http = new Http(vertx, port);
      Await.until(http::ready, Duration.ofSeconds(60), () -> "the server without epoll did not become ready");
      String startUp = Files.readString(log);
      assertTrue(startUp.contains("transport: NIO"), "the server runs on NIO, as this test needs; its log:\n" + startUp);
      try (SseClient sse = SseClient.connect(vertx, port, "/v1/sse?topics=nio/**");
           WsClient ws = WsClient.connect(vertx, port, "/v1/ws?topics=nio/**")) {
        ws.awaitMessage("subscribed");
        for (int i = 0; i < 20; i++) {
          Http.Reply published = http.publish(new JsonObject().put("topic", "nio/" + i).put("title", "第" + i + "条"));
          assertEquals(201, published.status(), published::toString);
        }
        List<String> expected = IntStream.range(0, 20).mapToObj(i -> "第" + i + "条").toList();
        assertEquals(expected, sse.awaitArticles(20).stream().map(a -> a.getString("title")).toList(), "SSE, in order");
        assertEquals(expected, ws.awaitArticles(20).stream().map(a -> a.getString("title")).toList(), "WebSocket, in order");
      }
    } finally {
      server.destroyForcibly();
    }
  }

  private static Process start(Path jar, int port, Path dataDir, Path log, String... jvmOptions) throws IOException {
    List<String> command = new ArrayList<>(List.of("java", NodeProcess.VERTX_CACHE_IN_BUILD_DIRECTORY));
    command.addAll(List.of(jvmOptions));
    command.addAll(List.of("-jar", jar.toString()));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().put("NEWSPUSH_DB_URL", TestPostgres.newDatabase());
    builder.environment().put("NEWSPUSH_HTTP_HOST", "127.0.0.1");
    builder.environment().put("NEWSPUSH_HTTP_PORT", Integer.toString(port));
    builder.environment().put("NEWSPUSH_PUBLISHER_TOKEN", TestNode.TOKEN);
    builder.environment().put("NEWSPUSH_DATA_DIR", dataDir.toString());
    return builder.start();
  }
}
