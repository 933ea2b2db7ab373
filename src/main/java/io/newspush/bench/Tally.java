package io.newspush.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** Counters every event loop adds to; adders keep the hot path free of contended writes. */
final class Tally {
  private static final long MAX_LATENCY_MICROS = TimeUnit.HOURS.toMicros(1);

  final LongAdder subscribed = new LongAdder();
  final LongAdder connectFailures = new LongAdder();
  final LongAdder groupsDoneConnecting = new LongAdder();
  final LongAdder received = new LongAdder();
  /** The bytes of the benchmark articles received, as cut out of the stream: frame payloads, SSE events. */
  final LongAdder receivedBytes = new LongAdder();
  final LongAdder unique = new LongAdder();
  final LongAdder duplicates = new LongAdder();
  final LongAdder outOfOrder = new LongAdder();
  final LongAdder disconnected = new LongAdder();
  /** Disconnections by how the server ended them, e.g. "ws 1001 ping timeout". */
  private final ConcurrentHashMap<String, LongAdder> disconnectsByReason = new ConcurrentHashMap<>();
  final LongAdder otherMessages = new LongAdder();
  final LongAdder published = new LongAdder();
  final LongAdder publishFailures = new LongAdder();
  final LongAccumulator lastReceiptMicros = new LongAccumulator(Long::max, 0);
  final Histogram latencyMicros = new ConcurrentHistogram(MAX_LATENCY_MICROS, 3);
  /** How many articles this run publishes, the warm-up's included. */
  private final int articles;
  /** By publish counter: when its request was sent (µs since the epoch), and how long its answer took (µs). */
  private final AtomicLongArray sentMicros;
  private final AtomicLongArray answerMicros;
  /** Each event loop's first and last delivery per article, merged only when the run is over. */
  private final List<ArticleTimes> articleTimes = new CopyOnWriteArrayList<>();
  final AtomicReference<String> firstConnectError = new AtomicReference<>();
  final AtomicReference<String> firstOtherMessage = new AtomicReference<>();
  final AtomicReference<String> firstPublishError = new AtomicReference<>();
  /** Set once the connections use up the files this process may open: no more are tried. */
  volatile boolean fileLimitHit;
  /** Connections that may still be opened before the open-files limit; see {@link BenchRun}. */
  private final AtomicLong connectionSlots = new AtomicLong(Long.MAX_VALUE);

  Tally(int articles) {
    this.articles = articles;
    this.sentMicros = new AtomicLongArray(articles);
    this.answerMicros = new AtomicLongArray(articles);
    for (int i = 0; i < articles; i++) {
      sentMicros.set(i, Result.ArticleTiming.NONE);
      answerMicros.set(i, Result.ArticleTiming.NONE);
    }
  }

  /** A new event loop's record of first and last deliveries, counted in the run's figures. */
  ArticleTimes newArticleTimes() {
    ArticleTimes times = new ArticleTimes(articles);
    articleTimes.add(times);
    return times;
  }

  void connectionSlots(long slots) {
    connectionSlots.set(slots);
  }

  /** Takes a slot for one more connection, or notes that the open-files limit has been reached. */
  boolean takeConnectionSlot() {
    if (connectionSlots.getAndDecrement() > 0) {
      return true;
    }
    fileLimitHit = true;
    return false;
  }

  /** How many articles this run publishes, the warm-up's included. */
  int articles() {
    return articles;
  }

  /** Whether this run published an article with this counter: a marker from another run is not one. */
  boolean fromThisRun(long counter) {
    return counter >= 0 && counter < articles();
  }

  void delivered(ArticleTimes times, int counter, long latencyMicros, long receiptMicros) {
    latencyMicros = bounded(latencyMicros);
    this.latencyMicros.recordValue(latencyMicros);
    lastReceiptMicros.accumulate(receiptMicros);
    times.record(counter, latencyMicros);
  }

  void sent(int counter, long epochMicros) {
    sentMicros.set(counter, epochMicros);
  }

  void answered(int counter, long micros) {
    answerMicros.set(counter, bounded(micros));
  }

  private static long bounded(long micros) {
    return Math.max(0, Math.min(MAX_LATENCY_MICROS, micros));
  }

  /** The timings of each article numbered {@code [from, to)}: its publish, its answer, its first and last delivery. */
  Result.PerArticle perArticle(int from, int to) {
    List<Result.ArticleTiming> timings = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      long earliest = Long.MAX_VALUE;
      long latest = Long.MIN_VALUE;
      for (ArticleTimes times : articleTimes) {
        if (times.delivered(i)) {
          earliest = Math.min(earliest, times.first(i));
          latest = Math.max(latest, times.last(i));
        }
      }
      boolean delivered = earliest != Long.MAX_VALUE;
      timings.add(new Result.ArticleTiming(i, sentMicros.get(i), answerMicros.get(i),
          delivered ? earliest : Result.ArticleTiming.NONE, delivered ? latest : Result.ArticleTiming.NONE));
    }
    return new Result.PerArticle(timings);
  }

  /**
   * Ends the warm-up: what it delivered stays counted for loss, duplicates and order, but its
   * latencies and last receipt are handed back and cleared. Call only when nothing is in flight.
   */
  Result.Warmup endWarmup() {
    Result.Warmup warmup = new Result.Warmup(published.sum(), received.sum(), latencyMicros.copy());
    latencyMicros.reset();
    lastReceiptMicros.reset();
    return warmup;
  }

  void connectFailed(Throwable cause) {
    connectFailures.increment();
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains("Too many open files")) {
        fileLimitHit = true;
      }
    }
    firstConnectError.compareAndSet(null, String.valueOf(cause));
  }

  void disconnected(String reason) {
    disconnected.increment();
    disconnectsByReason.computeIfAbsent(reason, r -> new LongAdder()).increment();
  }

  /** Counts by reason, most frequent first. */
  Map<String, Long> disconnectReasons() {
    Map<String, Long> counts = new LinkedHashMap<>();
    disconnectsByReason.entrySet().stream()
        .sorted((a, b) -> Long.compare(b.getValue().sum(), a.getValue().sum()))
        .forEach(e -> counts.put(e.getKey(), e.getValue().sum()));
    return counts;
  }

  void otherMessage(String text) {
    otherMessages.increment();
    firstOtherMessage.compareAndSet(null, text);
  }

  void publishFailed(Throwable cause) {
    publishFailures.increment();
    firstPublishError.compareAndSet(null, String.valueOf(cause));
  }
}
