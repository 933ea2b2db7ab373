package io.newspush.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.newspush.testing.Await;
import io.newspush.testing.Live;
import io.newspush.testing.Http;
import io.newspush.testing.SseClient;
import io.newspush.testing.TestNode;
import io.newspush.testing.TestPostgres;
import io.newspush.testing.WsClient;
import io.newspush.testing.reliability.NodeProcess;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node started the way an operator starts it ({@code java ... io.newspush.Main} with environment
 * variables) with {@code NEWSPUSH_LOG_FORMAT=json}: every line it writes to stdout is one JSON
 * object, the access log is among them, and no credential appears anywhere in its output, from
 * start-up to the SIGTERM that stops it.
 */
@ExtendWith(VertxExtension.class)
class JsonLogTest {
  private static final String SUBSCRIBER_SECRET = "SECRET123";
  private static final String DATABASE_PASSWORD = "PgPassword987";

  @Test
  void everyLineIsJsonAndNoSecretIsWritten(Vertx vertx, @TempDir Path dataDir) throws Exception {
    // The test PostgreSQL trusts local connections, so any password works and must be hidden.
    String database = TestPostgres.newDatabase().replace("//postgres@", "//postgres:" + DATABASE_PASSWORD + "@");
    int port = TestNode.freePort();
    Process node = NodeProcess.builder(Map.of(
        "NEWSPUSH_LOG_FORMAT", "json",
        "NEWSPUSH_DB_URL", database,
        "NEWSPUSH_HTTP_HOST", "127.0.0.1",
        "NEWSPUSH_HTTP_PORT", Integer.toString(port),
        "NEWSPUSH_PUBLISHER_TOKEN", TestNode.TOKEN,
        "NEWSPUSH_DATA_DIR", dataDir.toString())).start();
    Output stdout = new Output(node.getInputStream());
    Output stderr = new Output(node.getErrorStream());
    try {
      Http http = new Http(vertx, port);
      Await.until(() -> stdout.lines.stream().anyMatch(line -> line.contains("newspush listening on")),
          () -> "the node did not start; stdout " + stdout.lines + " stderr " + stderr.lines);
      assertEquals(200, http.get("/health/ready").status());

      SseClient sse = SseClient.connect(vertx, port, "/v1/sse?topics=**&access_token=" + SUBSCRIBER_SECRET);
      WsClient ws = WsClient.connect(vertx, port, "/v1/ws?topics=**&access_token=" + SUBSCRIBER_SECRET);
      ws.awaitMessage("subscribed");
      Live.publish(http, Live.article("ops/json", "义乌 \"quoted\" title"));
      sse.awaitArticles(1);
      ws.awaitArticles(1);
      sse.close();
      assertEquals(404, http.get("/no/such/path?token=" + SUBSCRIBER_SECRET).status());
      // The WebSocket stays open: the shutdown closes it with 1001, and its access line follows.
    } finally {
      // SIGTERM, as Kubernetes and docker stop send; Process.destroy() would also close the pipes
      // and lose what the node writes while it shuts down.
      node.toHandle().destroy();
      assertTrue(node.waitFor(60, TimeUnit.SECONDS), "the node did not stop within 60 s of SIGTERM");
    }
    assertEquals(0, node.exitValue(), "a clean shutdown exits with 0; stderr " + stderr.lines);

    List<JsonObject> events = new ArrayList<>();
    for (String line : stdout.all()) {
      events.add(parse(line));
    }
    for (String line : concat(stdout.all(), stderr.all())) {
      for (String secret : List.of(SUBSCRIBER_SECRET, TestNode.TOKEN, DATABASE_PASSWORD)) {
        assertFalse(line.contains(secret), "the output carries a secret: " + line);
      }
    }
    assertTrue(events.stream().allMatch(e -> e.containsKey("timestamp") && e.containsKey("level")
        && e.containsKey("loggerName") && e.containsKey("formattedMessage")), "every event has the common fields");

    String start = message(events, "newspush listening on");
    assertTrue(start.contains("127.0.0.1:" + port) && start.contains("postgresql://postgres:***@"), start);
    assertTrue(message(events, "newspush stopped in").matches("newspush stopped in \\d+ ms"));

    List<JsonObject> access = events.stream().filter(e -> "newspush.access".equals(e.getString("loggerName"))).toList();
    assertEquals("sse", field(accessLine(access, "/v1/sse?topics=**&access_token=***"), "transport"));
    assertEquals("ws", field(accessLine(access, "/v1/ws?topics=**&access_token=***"), "transport"));
    JsonObject publish = accessLine(access, "/v1/articles");
    assertEquals("POST", field(publish, "method"));
    assertEquals("201", field(publish, "status"));
    assertEquals("404", field(accessLine(access, "/no/such/path?token=***"), "status"));
  }

  /** One output stream of the node, read line by line in the background as a container runtime would. */
  private static final class Output {
    final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    Output(InputStream stream) {
      reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            lines.add(line);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }, "node-output");
      reader.setDaemon(true);
      reader.start();
    }

    /** Every line, once the process has exited and the stream is read to its end. */
    List<String> all() throws InterruptedException {
      reader.join(TimeUnit.SECONDS.toMillis(10));
      assertFalse(reader.isAlive(), "the output did not end with the process");
      return List.copyOf(lines);
    }
  }

  private static JsonObject parse(String line) {
    Object value;
    try {
      value = Json.decodeValue(line);
    } catch (DecodeException e) {
      throw new AssertionError("a stdout line is not JSON: " + line, e);
    }
    if (!(value instanceof JsonObject object)) {
      throw new AssertionError("a stdout line is not a JSON object: " + line);
    }
    return object;
  }

  private static String message(List<JsonObject> events, String start) {
    return events.stream().map(e -> e.getString("formattedMessage")).filter(m -> m.startsWith(start)).findFirst()
        .orElseThrow(() -> new AssertionError("no log line starting with '" + start + "' in " + events));
  }

  private static JsonObject accessLine(List<JsonObject> access, String path) {
    return access.stream().filter(e -> path.equals(field(e, "path"))).findFirst()
        .orElseThrow(() -> new AssertionError("no access line for " + path + " in " + access));
  }

  /** A key-value field of an event; logback writes them as a list of one-entry objects. */
  private static String field(JsonObject event, String key) {
    JsonArray pairs = event.getJsonArray("kvpList", new JsonArray());
    for (Object pair : pairs) {
      if (pair instanceof JsonObject object && object.containsKey(key)) {
        return String.valueOf(object.getValue(key));
      }
    }
    return null;
  }

  private static List<String> concat(List<String> first, List<String> second) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }
}
