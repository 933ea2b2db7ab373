package io.newspush.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** What one benchmark run does; parsed from {@code --name value} pairs. */
public record BenchOptions(
    Target target,
    URI url,
    String token,
    String topic,
    int webSockets,
    int sseStreams,
    int articles,
    int warmupArticles,
    double rate,
    int articleBytes,
    int localAddresses,
    int eventLoops,
    int connectConcurrency,
    int holdSeconds,
    int drainSeconds,
    List<Long> serverPids,
    Optional<String> jsonFile,
    Optional<String> articlesCsvFile) {

  static final String USAGE = """
      usage: java -cp newspush.jar io.newspush.bench.Bench [options]
        --target newspush|nchan   server kind (default newspush)
        --url URL                 server base URL (default http://127.0.0.1:8080)
        --token TOKEN             newspush publisher token (default $NEWSPUSH_PUBLISHER_TOKEN)
        --topic TOPIC             topic / Nchan channel (default bench/run-RANDOM, new every run)
        --ws N                    WebSocket subscribers (default 100)
        --sse N                   SSE subscribers (default 100)
        --articles K              articles to publish (default 100; 0: only connect and hold)
        --rate R                  articles per second (default 10)
        --warmup W                articles published first, at the same rate, and left out of the
                                  latency, throughput and CPU figures (not of the loss count): a
                                  fresh client JVM compiles its receiving code meanwhile (default 0)
        --size BYTES              size of each published article's JSON (default 600)
        --local-addresses N       spread connections over source addresses 127.0.0.1..N (default 8; 0: any)
        --event-loops N           subscribers' event loops (default: number of cores; the publisher has its own)
        --connect-concurrency N   connection attempts in flight (default 200)
        --hold SECONDS            idle time with everyone connected, before publishing (default 0)
        --drain SECONDS           give up waiting for missing deliveries after this long without progress (default 10)
        --server-pid PID[,PID]    server processes to measure CPU and RSS of (e.g. nginx master and workers)
        --json FILE               also write the results as JSON
        --articles-csv FILE       also write one line per measured article: when it was published,
                                  its answer's, first and last delivery's latency (to line slow
                                  articles up with the server's log)
      """;

  private static final Set<String> NAMES = Set.of("target", "url", "token", "topic", "ws", "sse", "articles", "warmup", "rate",
      "size", "local-addresses", "event-loops", "connect-concurrency", "hold", "drain", "server-pid", "json",
      "articles-csv");

  public static BenchOptions parse(String... args) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --option value pairs, got '" + args[i] + "'");
      }
      String name = args[i].substring(2);
      if (!NAMES.contains(name)) {
        throw new IllegalArgumentException("unknown option --" + name);
      }
      values.put(name, args[i + 1]);
    }
    Target target = Target.named(values.getOrDefault("target", "newspush"));
    String fromEnvironment = System.getenv("NEWSPUSH_PUBLISHER_TOKEN");
    String token = values.getOrDefault("token", fromEnvironment == null ? "" : fromEnvironment);
    if (target == Target.NEWSPUSH && token.isEmpty()) {
      throw new IllegalArgumentException("newspush needs a publisher token: --token or NEWSPUSH_PUBLISHER_TOKEN");
    }
    BenchOptions options = new BenchOptions(
        target,
        URI.create(values.getOrDefault("url", "http://127.0.0.1:8080")),
        token,
        values.getOrDefault("topic", "bench/run-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16)),
        integer(values, "ws", 100),
        integer(values, "sse", 100),
        integer(values, "articles", 100),
        integer(values, "warmup", 0),
        Double.parseDouble(values.getOrDefault("rate", "10")),
        integer(values, "size", 600),
        integer(values, "local-addresses", 8),
        integer(values, "event-loops", Runtime.getRuntime().availableProcessors()),
        integer(values, "connect-concurrency", 200),
        integer(values, "hold", 0),
        integer(values, "drain", 10),
        pids(values.get("server-pid")),
        Optional.ofNullable(values.get("json")),
        Optional.ofNullable(values.get("articles-csv")));
    if (options.rate <= 0 || options.eventLoops < 1 || options.connectConcurrency < 1) {
      throw new IllegalArgumentException("--rate, --event-loops and --connect-concurrency must be positive");
    }
    if (options.warmupArticles < 0 || options.warmupArticles > 0 && options.articles == 0) {
      throw new IllegalArgumentException("--warmup must not be negative, and needs --articles to warm up for");
    }
    return options;
  }

  int subscribers() {
    return webSockets + sseStreams;
  }

  private static int integer(Map<String, String> values, String name, int fallback) {
    String value = values.get(name);
    try {
      return value == null ? fallback : Integer.parseInt(value.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a whole number, got '" + value + "'");
    }
  }

  private static List<Long> pids(String csv) {
    List<Long> pids = new ArrayList<>();
    if (csv != null && !csv.isBlank()) {
      for (String pid : csv.split(",")) {
        pids.add(Long.parseLong(pid.strip()));
      }
    }
    return List.copyOf(pids);
  }
}
