package io.newspush.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The node's Prometheus metrics. Labels are bounded sets (transport, limit kind), never a topic
 * or a client address. Every method is safe to call from any event loop.
 */
public final class Metrics {
  public enum Transport { SSE, WS;
    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<Transport, AtomicInteger> connections = new EnumMap<>(Transport.class);
  private final Map<Transport, Counter> deliveries = new EnumMap<>(Transport.class);
  private final Map<Transport, Counter> slowConsumers = new EnumMap<>(Transport.class);
  private final Map<String, Counter> rejections = new ConcurrentHashMap<>();
  private final AtomicLong subscribedPatterns = new AtomicLong();
  private final List<LongSupplier> countSources = new CopyOnWriteArrayList<>();
  private final Counter feedArticles;
  private final Counter feedArticlesFromNotifications;
  private final Timer deliveryLatency;
  private final Timer eventLoopDelay;

  public Metrics() {
    for (Transport transport : Transport.values()) {
      AtomicInteger open = new AtomicInteger();
      connections.put(transport, open);
      Gauge.builder("newspush_connections", open, AtomicInteger::get)
          .description("Open subscriber connections").tag("transport", transport.label()).register(registry);
      deliveries.put(transport, Counter.builder("newspush_deliveries")
          .description("Articles written to subscribers").tag("transport", transport.label()).register(registry));
      slowConsumers.put(transport, Counter.builder("newspush_slow_consumer_closes")
          .description("Connections closed because the client read too slowly").tag("transport", transport.label())
          .register(registry));
    }
    Gauge.builder("newspush_subscribed_patterns", subscribedPatterns, AtomicLong::get)
        .description("Patterns subscribed over all open connections").register(registry);
    feedArticles = Counter.builder("newspush_feed_articles").description("Articles emitted by the feed").register(registry);
    feedArticlesFromNotifications = Counter.builder("newspush_feed_articles_from_notifications")
        .description("Articles the feed emitted from a stamping's notification, without reading the table").register(registry);
    deliveryLatency = Timer.builder("newspush_delivery_latency")
        .description("From the feed receiving a committed article (read or notified) to its write to the last of its live subscribers on a gateway")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry);
    eventLoopDelay = Timer.builder("newspush_event_loop_delay")
        .description("How late a 1 s timer fires on each gateway's event loop: time ready work waits there")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(100_000))
        .maximumExpectedValue(Duration.ofSeconds(5))
        .register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
  }

  /** Registers readings owned elsewhere (the feed's head, lag and reconnects). */
  public void feedReadings(LongSupplier head, LongSupplier lag, LongSupplier reconnects) {
    Gauge.builder("newspush_feed_head_seq", head::getAsLong).description("Last seq emitted by this node's feed").register(registry);
    Gauge.builder("newspush_feed_lag_articles", lag::getAsLong)
        .description("Sequenced articles in the database not yet emitted by this node's feed").register(registry);
    countFrom("newspush_db_reconnects", "Times the feed's LISTEN connection was re-established", reconnects);
  }

  /** Registers the count of log lines dropped because the log's queue was full ({@link Logs#droppedLines()}). */
  public void logReadings(LongSupplier droppedLines) {
    countFrom("newspush_log_lines_dropped",
        "Log lines dropped because stdout was not read fast enough and the log's queue was full", droppedLines);
  }

  private void countFrom(String name, String description, LongSupplier source) {
    // A function counter holds its source weakly and, once that is collected, repeats its last
    // value; the sources passed in are often lambdas nothing else refers to.
    countSources.add(source);
    FunctionCounter.builder(name, source, LongSupplier::getAsLong).description(description).register(registry);
  }

  public void connectionOpened(Transport transport) {
    connections.get(transport).incrementAndGet();
  }

  public void connectionClosed(Transport transport) {
    connections.get(transport).decrementAndGet();
  }

  public void patternsSubscribed(int delta) {
    subscribedPatterns.addAndGet(delta);
  }

  public void delivered(Transport transport, int articles) {
    if (articles > 0) {
      deliveries.get(transport).increment(articles);
    }
  }

  /** An article has been written to the last of its live subscribers on one gateway. */
  public void fannedOut(long visibleAtNanos) {
    deliveryLatency.record(System.nanoTime() - visibleAtNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  public void eventLoopDelay(long nanos) {
    eventLoopDelay.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  public void slowConsumerClosed(Transport transport) {
    slowConsumers.get(transport).increment();
  }

  public void feedEmitted() {
    feedArticles.increment();
  }

  public void feedFromNotification() {
    feedArticlesFromNotifications.increment();
  }

  /** A limit was hit; {@code kind} is one of a fixed set of names, e.g. {@code connections_per_address}. */
  public void rejected(String kind) {
    rejections.computeIfAbsent(kind, k -> Counter.builder("newspush_limit_rejections")
        .description("Requests or messages refused by a limit").tag("kind", k).register(registry)).increment();
  }

  public void scrape(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(text());
  }

  String text() {
    return registry.scrape();
  }
}
