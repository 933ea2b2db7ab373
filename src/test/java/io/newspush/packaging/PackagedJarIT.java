package io.newspush.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.newspush.testing.Await;
import io.newspush.testing.Http;
import io.newspush.testing.SseClient;
import io.newspush.testing.TestNode;
import io.newspush.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs after {@code mvn package}: the jar the Dockerfile copies into the image is the jar Maven
 * built, and that very jar (shaded, with its merged service files) serves, publishes and shuts
 * down cleanly, as the container will run it.
 */
@ExtendWith(VertxExtension.class)
class PackagedJarIT {

  @Test
  void theJarTheImageRunsServesAndStopsCleanly(Vertx vertx) throws Exception {
    Matcher copy = java.util.regex.Pattern.compile("COPY --from=build /src/(\\S+) (\\S+)").matcher(Files.readString(Path.of("Dockerfile")));
    assertTrue(copy.find(), "the Dockerfile copies the jar from the build stage");
    Path jar = Path.of(copy.group(1));
    assertTrue(Files.isRegularFile(jar), jar + " (what the image copies) was built by mvn package");

    int port = TestNode.freePort();
    ProcessBuilder builder = new ProcessBuilder("java", "-jar", jar.toString())
        .redirectErrorStream(true)
        .redirectOutput(Files.createTempFile("newspush-jar", ".log").toFile());
    builder.environment().put("NEWSPUSH_DB_URL", TestPostgres.newDatabase());
    builder.environment().put("NEWSPUSH_HTTP_HOST", "127.0.0.1");
    builder.environment().put("NEWSPUSH_HTTP_PORT", Integer.toString(port));
    builder.environment().put("NEWSPUSH_PUBLISHER_TOKEN", TestNode.TOKEN);
    builder.environment().put("NEWSPUSH_DATA_DIR", Files.createTempDirectory("newspush-jar").toString());
    Process server = builder.start();
    try {
      Http http = new Http(vertx, port);
      Await.until(() -> ready(http), Duration.ofSeconds(60), () -> "the packaged server did not become ready");
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

  private static boolean ready(Http http) {
    try {
      return http.get("/health/ready").status() == 200;
    } catch (AssertionError notYet) {
      return false;
    }
  }
}
