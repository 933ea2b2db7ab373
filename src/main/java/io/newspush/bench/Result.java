package io.newspush.bench;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.HdrHistogram.Histogram;

/** What one run measured, with the figures derived from it, as text and as JSON. */
public record Result(
    BenchOptions options,
    long subscribed,
    long connectFailures,
    String firstConnectError,
    boolean fileLimitHit,
    double connectSeconds,
    long published,
    double publishSeconds,
    long publishFailures,
    String firstPublishError,
    long expected,
    long received,
    long receivedBytes,
    long unique,
    long duplicated,
    long outOfOrder,
    long disconnected,
    Map<String, Long> disconnectReasons,
    long otherMessages,
    String firstOtherMessage,
    Histogram latencyMicros,
    double deliverySeconds,
    long rssBeforeBytes,
    long rssConnectedBytes,
    long cpuTicks,
    long compilerCpuTicks,
    long clientCpuTicks,
    long clientCompilerCpuTicks,
    Warmup warmup,
    PerArticle perArticle) {

  /** What the unmeasured warm-up articles came to; their deliveries still count for loss and order. */
  public record Warmup(long published, long received, Histogram latencyMicros) {
    static final Warmup NONE = new Warmup(0, 0, new Histogram(3));
  }

  /**
   * One measured article: when its publish request was sent (µs since the epoch), how long the
   * server took to answer it (for newspush, until the article was committed), and the latency of
   * its first and of its last delivery (µs). {@link #NONE} where it was not sent, not answered or
   * not delivered.
   */
  public record ArticleTiming(int counter, long sentMicros, long answerMicros, long firstMicros, long lastMicros) {
    static final long NONE = -1;

    String csvLine() {
      String sentAt = sentMicros == NONE ? "" : Instant.EPOCH.plus(sentMicros, ChronoUnit.MICROS).toString();
      return counter + "," + sentAt + "," + millis(answerMicros) + "," + millis(firstMicros) + "," + millis(lastMicros) + "\n";
    }

    private static String millis(long micros) {
      return micros == NONE ? "" : String.format(Locale.ROOT, "%.3f", micros / 1000.0);
    }
  }

  /** The measured articles' timings; the distributions of their answers, first and last deliveries are drawn from them. */
  public record PerArticle(List<ArticleTiming> articles) {
    public PerArticle {
      articles = List.copyOf(articles);
    }

    public Histogram firstMicros() {
      return histogramOf(ArticleTiming::firstMicros);
    }

    public Histogram lastMicros() {
      return histogramOf(ArticleTiming::lastMicros);
    }

    public Histogram publishAnswerMicros() {
      return histogramOf(ArticleTiming::answerMicros);
    }

    private Histogram histogramOf(ToLongFunction<ArticleTiming> micros) {
      Histogram histogram = new Histogram(3);
      for (ArticleTiming article : articles) {
        long value = micros.applyAsLong(article);
        if (value != ArticleTiming.NONE) {
          histogram.recordValue(value);
        }
      }
      return histogram;
    }

    JsonObject json() {
      return new JsonObject().put("first_delivery_ms", percentiles(firstMicros()))
          .put("last_delivery_ms", percentiles(lastMicros())).put("publish_answer_ms", percentiles(publishAnswerMicros()));
    }

    /** One line per article, oldest first; an empty field for what did not happen. */
    String csv() {
      StringBuilder out = new StringBuilder("counter,published_at,answer_ms,first_delivery_ms,last_delivery_ms\n");
      articles.forEach(article -> out.append(article.csvLine()));
      return out.toString();
    }
  }

  public long lost() {
    return expected - unique;
  }

  /** Every subscriber asked for connected, stayed, and got every article once, in order. */
  public boolean clean() {
    return lost() == 0 && duplicated == 0 && outOfOrder == 0 && subscribed == options.subscribers()
        && publishFailures == 0 && disconnected == 0;
  }

  /**
   * The average size of a received article as the subscriber saw it: a WebSocket frame's payload
   * or an SSE event's lines. What the client has to read and parse per delivery, which differs
   * between the servers for the same published article (newspush sends it in its envelope).
   */
  public long messageBytes() {
    return received == 0 ? 0 : Math.round((double) receivedBytes / received);
  }

  /** Deliveries of the measured articles, the warm-up's left out. */
  long measuredReceived() {
    return received - warmup.received();
  }

  long measuredPublished() {
    return published - warmup.published();
  }

  double deliveriesPerSecond() {
    return deliverySeconds > 0 ? measuredReceived() / deliverySeconds : 0;
  }

  double publishRate() {
    return publishSeconds > 0 ? measuredPublished() / publishSeconds : 0;
  }

  double cpuSeconds() {
    return cpuTicks < 0 ? -1 : cpuTicks / ProcStats.CLOCK_TICKS_PER_SECOND;
  }

  double cpuMicrosPerDelivery() {
    return cpuTicks < 0 || measuredReceived() == 0 ? -1 : cpuSeconds() * 1e6 / measuredReceived();
  }

  /** The part of {@link #cpuMicrosPerDelivery()} spent by the server's JIT compiler threads (0 for nginx). */
  double compilerMicrosPerDelivery() {
    return compilerCpuTicks < 0 || measuredReceived() == 0
        ? -1 : compilerCpuTicks / ProcStats.CLOCK_TICKS_PER_SECOND * 1e6 / measuredReceived();
  }

  /** The benchmark's own CPU use while delivering, in percent of all cores. */
  double clientCpuPercent() {
    return shareOfMachineWhileDelivering(clientCpuTicks);
  }

  /**
   * The part of {@link #clientCpuPercent()} spent by this process's own JIT compiler threads: a
   * client still compiling while it measures takes the cores from the server it measures, and
   * the two servers' runs are only comparable when this is about equal.
   */
  double clientCompilerCpuPercent() {
    return shareOfMachineWhileDelivering(clientCompilerCpuTicks);
  }

  /** CPU ticks as a percentage of all cores over the delivery phase; -1 without one. */
  private double shareOfMachineWhileDelivering(long ticks) {
    if (deliverySeconds <= 0) {
      return -1;
    }
    double seconds = ticks / ProcStats.CLOCK_TICKS_PER_SECOND;
    return 100 * seconds / deliverySeconds / Runtime.getRuntime().availableProcessors();
  }

  long rssBytesPerConnection() {
    return rssBeforeBytes < 0 || subscribed == 0 ? -1 : (rssConnectedBytes - rssBeforeBytes) / subscribed;
  }

  double latencyMillis(double percentile) {
    return millisAt(latencyMicros, percentile);
  }

  private static double millisAt(Histogram micros, double percentile) {
    return micros.getTotalCount() == 0 ? -1 : micros.getValueAtPercentile(percentile) / 1000.0;
  }

  String text() {
    StringBuilder out = new StringBuilder();
    line(out, "%s at %s, topic %s%n", options.target().name().toLowerCase(Locale.ROOT), options.url(), options.topic());
    line(out, "connections   %d WS + %d SSE: %d subscribed in %.2f s, %d failed%n",
        options.webSockets(), options.sseStreams(), subscribed, connectSeconds, connectFailures);
    if (fileLimitHit) {
      line(out, "OPEN-FILES LIMIT: stopped at %d connections of %d: this process may open %d files (ulimit -n)%n"
          + "              and keeps %d of them for publishing and measuring. Run fewer connections per process.%n",
          subscribed + connectFailures, options.subscribers(), ProcStats.openFilesLimit(), BenchRun.SPARE_FILES);
    } else if (firstConnectError != null) {
      line(out, "              first connect error: %s%n", firstConnectError);
    }
    if (options.warmupArticles() > 0) {
      line(out, "warm-up       %d articles first, not in the figures below but loss and order: latency p50 %.2f  p99 %.2f  max %.2f ms%n",
          warmup.published(), millisAt(warmup.latencyMicros(), 50), millisAt(warmup.latencyMicros(), 99),
          millisAt(warmup.latencyMicros(), 100));
    }
    if (options.articles() > 0) {
      line(out, "articles      %d of %d published (%d bytes) at %.1f/s, asked for %.1f/s; %d failed%s%n", measuredPublished(),
          options.articles(), options.articleBytes(), publishRate(), options.rate(), publishFailures,
          firstPublishError == null ? "" : ": " + firstPublishError);
      line(out, "deliveries    expected %d, received %d, lost %d, duplicated %d, out of order %d; %d disconnected %s%s%n",
          expected, received, lost(), duplicated, outOfOrder, disconnected, disconnected == 0 ? "" : disconnectReasons,
          options.warmupArticles() > 0 ? "(warm-up included)" : "");
      line(out, "messages      %d bytes each on average, as received (WebSocket frame payload, SSE event)%n", messageBytes());
      line(out, "latency (ms)  p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f  (publish -> receipt)%n",
          latencyMillis(50), latencyMillis(90), latencyMillis(99), latencyMillis(99.9), latencyMillis(100));
      Histogram first = perArticle.firstMicros();
      Histogram last = perArticle.lastMicros();
      Histogram answer = perArticle.publishAnswerMicros();
      line(out, "per article   first delivery p50 %.2f  p99 %.2f  max %.2f;  last delivery p50 %.2f  p99 %.2f  max %.2f ms%n",
          millisAt(first, 50), millisAt(first, 99), millisAt(first, 100),
          millisAt(last, 50), millisAt(last, 99), millisAt(last, 100));
      line(out, "publishing    answered p50 %.2f  p99 %.2f  max %.2f ms after the request was sent%n",
          millisAt(answer, 50), millisAt(answer, 99), millisAt(answer, 100));
      line(out, "throughput    %.0f deliveries/s over %.2f s; this client used %.0f%% of the machine's CPU meanwhile"
          + " (%.1f%% its JIT compiler)%n", deliveriesPerSecond(), deliverySeconds, clientCpuPercent(), clientCompilerCpuPercent());
    }
    if (otherMessages > 0) {
      line(out, "unexpected    %d other messages, the first: %s%n", otherMessages, firstOtherMessage);
    }
    if (rssBeforeBytes >= 0) {
      line(out, "server        RSS %.1f MiB idle, %.1f MiB with all connected: %d bytes per connection%n",
          rssBeforeBytes / 1048576.0, rssConnectedBytes / 1048576.0, rssBytesPerConnection());
      if (options.articles() > 0) {
        line(out, "              CPU %.2f s while delivering: %.3f us per delivery (JIT compiler threads: %.3f us)%n",
            cpuSeconds(), cpuMicrosPerDelivery(), compilerMicrosPerDelivery());
      }
    }
    line(out, "result        %s%n", clean() ? "OK: no loss, duplicate or reordering" : "NOT CLEAN (see above)");
    return out.toString();
  }

  private static JsonObject percentiles(Histogram micros) {
    return new JsonObject()
        .put("p50", millisAt(micros, 50)).put("p90", millisAt(micros, 90)).put("p99", millisAt(micros, 99))
        .put("p99_9", millisAt(micros, 99.9)).put("max", millisAt(micros, 100));
  }

  JsonObject json() {
    return new JsonObject()
        .put("target", options.target().name().toLowerCase(Locale.ROOT))
        .put("url", options.url().toString())
        .put("topic", options.topic())
        .put("ws", options.webSockets())
        .put("sse", options.sseStreams())
        .put("articles", options.articles())
        .put("warmup_articles", options.warmupArticles())
        .put("warmup_latency_ms", percentiles(warmup.latencyMicros()))
        .put("rate", options.rate())
        .put("article_bytes", options.articleBytes())
        .put("subscribed", subscribed)
        .put("connect_failures", connectFailures)
        .put("first_connect_error", firstConnectError)
        .put("open_files_limit_hit", fileLimitHit)
        .put("connect_seconds", connectSeconds)
        .put("published", measuredPublished())
        .put("publish_rate_achieved", publishRate())
        .put("publish_failures", publishFailures)
        .put("first_publish_error", firstPublishError)
        .put("expected", expected)
        .put("received", received)
        .put("message_bytes", messageBytes())
        .put("lost", lost())
        .put("duplicated", duplicated)
        .put("out_of_order", outOfOrder)
        .put("disconnected", disconnected)
        .put("disconnect_reasons", new JsonObject(new LinkedHashMap<String, Object>(disconnectReasons)))
        .put("other_messages", otherMessages)
        .put("first_other_message", firstOtherMessage)
        .put("latency_ms", percentiles(latencyMicros))
        .put("per_article", perArticle.json())
        .put("delivery_seconds", deliverySeconds)
        .put("deliveries_per_second", deliveriesPerSecond())
        .put("client_cpu_percent", clientCpuPercent())
        .put("client_jit_cpu_percent", clientCompilerCpuPercent())
        .put("server_pids", options.serverPids())
        .put("server_rss_before_bytes", rssBeforeBytes)
        .put("server_rss_connected_bytes", rssConnectedBytes)
        .put("server_rss_bytes_per_connection", rssBytesPerConnection())
        .put("server_cpu_seconds", cpuSeconds())
        .put("server_cpu_us_per_delivery", cpuMicrosPerDelivery())
        .put("server_jit_cpu_us_per_delivery", compilerMicrosPerDelivery())
        .put("clean", clean());
  }

  private static void line(StringBuilder out, String format, Object... args) {
    out.append(String.format(Locale.ROOT, format, args));
  }
}
