package io.newspush.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.newspush.testing.Await;
import io.newspush.testing.TestNode;
import io.newspush.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The live-feed page ({@code GET /}) and {@code newspush.js} in a real browser: runs
 * {@code node --test browser-tests/} (playwright-core driving Debian's headless Chromium) against a
 * node started here. The node tests call back {@code POST /restart} on a small control server to
 * have this side stop the node, write articles straight into its database while it is down, and
 * start it again on the same port and database.
 *
 * <p>Needs /usr/bin/chromium, node and browser-tests/node_modules ({@code .ci/run} installs them).
 * Without them this test fails, unless NEWSPUSH_SKIP_BROWSER_TESTS=1.
 */
class LiveFeedPageTest {
  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final Path TESTS = ROOT.resolve("browser-tests");
  private static final Path ARTIFACTS = ROOT.resolve("target").resolve("browser");
  private static final long TIMEOUT_SECONDS = 180;
  private static final String INSERT =
      "INSERT INTO articles (topic, title, subtitle, author, summary, body) VALUES ($1, $2, $3, $4, $5, $6)";

  @Test
  void liveFeedPageInHeadlessChromium() throws Exception {
    if ("1".equals(System.getenv("NEWSPUSH_SKIP_BROWSER_TESTS"))) {
      Assumptions.abort("NEWSPUSH_SKIP_BROWSER_TESTS=1: browser tests skipped");
    }
    List<String> missing = missingPrerequisites();
    if (!missing.isEmpty()) {
      fail("The browser tests need " + String.join(" and ", missing) + ". Run .ci/run (it installs them), or by hand: "
          + "apt-get install -y chromium fonts-noto-cjk && (cd browser-tests && npm ci). "
          + "To skip these tests on purpose, set NEWSPUSH_SKIP_BROWSER_TESTS=1.");
    }

    String database = TestPostgres.newDatabase();
    Map<String, String> settings = Map.of("NEWSPUSH_HTTP_PORT", Integer.toString(TestNode.freePort()));
    AtomicReference<TestNode> node = new AtomicReference<>(TestNode.start(database, settings));
    Vertx vertx = Vertx.vertx();
    Pool pool = TestPostgres.pool(vertx, database);
    HttpServer control = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    control.createContext("/restart", exchange -> restart(exchange, node, database, settings, pool));
    control.start();
    try {
      Files.createDirectories(ARTIFACTS);
      ProcessBuilder builder = new ProcessBuilder("node", "--test", "browser-tests/")
          .directory(ROOT.toFile())
          .redirectErrorStream(true);
      builder.environment().put("NEWSPUSH_URL", node.get().baseUrl());
      builder.environment().put("NEWSPUSH_TOKEN", TestNode.TOKEN);
      builder.environment().put("NEWSPUSH_CONTROL_URL", "http://127.0.0.1:" + control.getAddress().getPort());
      builder.environment().put("NEWSPUSH_ARTIFACTS", ARTIFACTS.toString());
      long started = System.nanoTime();
      Process process = builder.start();
      StringBuilder output = new StringBuilder();
      Thread reader = new Thread(() -> copy(process, output), "browser-tests-output");
      reader.start();
      boolean finished = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (!finished) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
      reader.join(TimeUnit.SECONDS.toMillis(10));
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
      System.out.println("browser tests took " + seconds + " s; screenshots in " + ARTIFACTS);
      if (!finished) {
        fail("node --test browser-tests/ did not finish within " + TIMEOUT_SECONDS + " s:\n" + output);
      }
      assertEquals(0, process.exitValue(), "node --test browser-tests/ failed:\n" + output);
    } finally {
      control.stop(0);
      TestNode last = node.get();
      if (last != null) {
        last.close();
      }
      Await.result(pool.close());
      Await.result(vertx.close());
    }
  }

  /** What is missing to run the browser tests here, in words; empty when nothing is. */
  private static List<String> missingPrerequisites() {
    List<String> missing = new ArrayList<>();
    String chromium = System.getenv().getOrDefault("NEWSPUSH_CHROMIUM", "/usr/bin/chromium");
    if (!Files.isExecutable(Path.of(chromium))) {
      missing.add("Chromium at " + chromium + " (Debian package chromium)");
    }
    try {
      Process version = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      if (!version.waitFor(20, TimeUnit.SECONDS) || version.exitValue() != 0) {
        missing.add("a working node (Node.js 20 or later)");
      }
    } catch (IOException e) {
      missing.add("node (Node.js 20 or later) on the PATH");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      missing.add("node (interrupted while checking it)");
    }
    if (!Files.isRegularFile(TESTS.resolve("node_modules/playwright-core/package.json"))) {
      missing.add("browser-tests/node_modules with playwright-core (npm ci in browser-tests/)");
    }
    return missing;
  }

  /** Stops the node, writes the articles of the request body into its database, starts it again on the same port. */
  private static void restart(HttpExchange exchange, AtomicReference<TestNode> node, String database,
                              Map<String, String> settings, Pool pool) throws IOException {
    int status = 200;
    String answer;
    try {
      JsonArray articles = new JsonObject(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))
          .getJsonArray("articles", new JsonArray());
      long started = System.nanoTime();
      node.getAndSet(null).close();
      for (int i = 0; i < articles.size(); i++) {
        JsonObject article = articles.getJsonObject(i);
        JsonArray body = article.getJsonArray("body", new JsonArray());
        Await.result(pool.preparedQuery(INSERT).execute(Tuple.of(
            article.getString("topic"), article.getString("title"), article.getString("subtitle"),
            article.getString("author"), article.getString("summary"),
            body.stream().map(String::valueOf).toArray(String[]::new))));
      }
      node.set(TestNode.start(database, settings));
      answer = "restarted with " + articles.size() + " articles written while down, in "
          + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms";
      System.out.println("control: " + answer);
    } catch (RuntimeException | AssertionError e) {
      status = 500;
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      answer = "restart failed: " + trace;
      System.out.println("control: " + answer);
    }
    byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void copy(Process process, StringBuilder output) {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        System.out.println(line);
        synchronized (output) {
          output.append(line).append('\n');
        }
      }
    } catch (IOException e) {
      System.out.println("(reading the browser tests' output failed: " + e + ")");
    }
  }
}
