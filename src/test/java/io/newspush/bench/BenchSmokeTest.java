package io.newspush.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.newspush.testing.TestNode;
import io.newspush.testing.TestPostgres;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The benchmark tool, run in-process on a small scale against a real node: CI proves it still measures. */
class BenchSmokeTest {

  @Test
  @Timeout(60)
  void everySubscriberGetsEveryArticleOnceInOrder() throws InterruptedException {
    // The node runs in this JVM: its PID exercises the /proc readings, though the figures then
    // include the benchmark's own work.
    Result result = againstANode("--ws", "25", "--sse", "25", "--articles", "20", "--rate", "40", "--size", "600",
        "--server-pid", Long.toString(ProcessHandle.current().pid()));

    assertEquals(50, result.subscribed(), result.text());
    assertEquals(20, result.published(), result.text());
    assertEquals(50 * 20, result.expected(), result.text());
    assertEquals(result.expected(), result.unique(), result.text());
    assertEquals(result.expected(), result.received(), result.text());
    assertEquals(0, result.lost(), result.text());
    assertEquals(0, result.duplicated(), result.text());
    assertEquals(0, result.outOfOrder(), result.text());
    assertEquals(result.expected(), result.latencyMicros().getTotalCount(), result.text());
    assertTrue(result.clean(), result.text());
    Result.PerArticle perArticle = result.perArticle();
    assertEquals(20, perArticle.firstMicros().getTotalCount(), "one first delivery per article: " + result.text());
    assertEquals(20, perArticle.lastMicros().getTotalCount(), "one last delivery per article: " + result.text());
    assertEquals(20, perArticle.publishAnswerMicros().getTotalCount(), "one answer per publish: " + result.text());
    assertEquals(result.latencyMicros().getMinValue(), perArticle.firstMicros().getMinValue(),
        "the quickest delivery is some article's first: " + result.text());
    assertEquals(result.latencyMicros().getMaxValue(), perArticle.lastMicros().getMaxValue(),
        "the slowest delivery is some article's last: " + result.text());
    // This JVM has compiler threads, and a fresh one keeps them busy; their share is part of the whole.
    assertTrue(result.compilerMicrosPerDelivery() >= 0, result.text());
    assertTrue(result.compilerMicrosPerDelivery() <= result.cpuMicrosPerDelivery(), result.text());
    assertTrue(result.json().containsKey("server_jit_cpu_us_per_delivery"), result.json().encode());
    // The client's own compiler threads, likewise a part of the client's CPU.
    assertTrue(result.clientCompilerCpuPercent() >= 0, result.text());
    assertTrue(result.clientCompilerCpuPercent() <= result.clientCpuPercent(), result.text());
    assertTrue(result.json().containsKey("client_jit_cpu_percent"), result.json().encode());
    // newspush sends the published article inside its envelope (type, seq, id and the article's
    // other fields), so what a subscriber reads is larger than what was published.
    assertTrue(result.messageBytes() > 600, "message bytes against a 600-byte article: " + result.text());
    assertEquals(result.messageBytes(), result.json().getLong("message_bytes"), result.json().encode());
  }

  @Test
  @Timeout(60)
  void warmUpArticlesCountForLossButNotForTheFigures() throws InterruptedException {
    Result result = againstANode("--ws", "10", "--sse", "10", "--warmup", "5", "--articles", "10", "--rate", "40");

    assertEquals(5, result.warmup().published(), result.text());
    assertEquals(20 * 5, result.warmup().received(), result.text());
    assertEquals(20 * 5, result.warmup().latencyMicros().getTotalCount(), "warm-up latencies are kept apart");
    assertEquals(10, result.measuredPublished(), result.text());
    assertEquals(20 * 15, result.expected(), "loss is judged over the warm-up too: " + result.text());
    assertEquals(20 * 10, result.measuredReceived(), result.text());
    assertEquals(20 * 10, result.latencyMicros().getTotalCount(), "only measured articles are in the latency");
    assertEquals(10, result.perArticle().lastMicros().getTotalCount(), "only measured articles are timed per article");
    assertEquals(10, result.perArticle().publishAnswerMicros().getTotalCount(), "only measured publishes are timed");
    assertTrue(result.clean(), result.text());
    assertEquals(5, result.json().getInteger("warmup_articles"), result.json().encode());
    assertEquals(10, result.json().getInteger("published"), result.json().encode());
    assertTrue(result.json().getJsonObject("per_article").getJsonObject("last_delivery_ms").getDouble("max") > 0,
        result.json().encode());
  }

  @Test
  @Timeout(60)
  void eachMeasuredArticleGetsALineOfItsOwn() throws InterruptedException {
    Instant start = Instant.now();
    Result result = againstANode("--ws", "5", "--sse", "5", "--warmup", "3", "--articles", "8", "--rate", "40");
    Instant end = Instant.now();

    List<String> lines = result.perArticle().csv().lines().toList();
    assertEquals("counter,published_at,answer_ms,first_delivery_ms,last_delivery_ms", lines.get(0));
    assertEquals(1 + 8, lines.size(), "a header and the measured articles only: " + lines);
    Instant previous = start;
    for (int i = 1; i < lines.size(); i++) {
      String[] fields = lines.get(i).split(",", -1);
      assertEquals(5, fields.length, lines.get(i));
      assertEquals(3 + i - 1, Integer.parseInt(fields[0]), "counters follow the warm-up's: " + lines.get(i));
      Instant published = Instant.parse(fields[1]);
      assertTrue(!published.isBefore(previous) && !published.isAfter(end), "published in order, during the run: " + lines);
      previous = published;
      double answer = Double.parseDouble(fields[2]);
      double first = Double.parseDouble(fields[3]);
      double last = Double.parseDouble(fields[4]);
      assertTrue(answer > 0 && first > 0 && first <= last, "answer, first and last delivery: " + lines.get(i));
    }
    double slowestLast = lines.stream().skip(1).mapToDouble(line -> Double.parseDouble(line.split(",")[4])).max().orElseThrow();
    // The histogram keeps three significant digits; the line keeps the microsecond.
    assertEquals(result.latencyMicros().getMaxValue() / 1000.0, slowestLast, 0.002 + slowestLast / 1000,
        "the slowest delivery is the slowest article's last: " + lines);
  }

  /** Runs the benchmark with these options against a fresh node of this JVM. */
  private static Result againstANode(String... options) throws InterruptedException {
    try (TestNode node = TestNode.start(TestPostgres.newDatabase())) {
      List<String> args = new ArrayList<>(List.of("--url", node.baseUrl(), "--token", TestNode.TOKEN));
      args.addAll(List.of(options));
      return BenchRun.run(BenchOptions.parse(args.toArray(String[]::new)), System.out);
    }
  }
}
