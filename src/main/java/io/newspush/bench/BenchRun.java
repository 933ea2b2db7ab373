package io.newspush.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One run: connect every subscriber, optionally hold them idle, publish, wait for the deliveries,
 * and measure the server around each phase. Usable in-process (the smoke test does).
 */
public final class BenchRun {
  /** Connecting gives up when no subscriber has connected or failed for this long. */
  private static final long CONNECT_STALL_SECONDS = 60;
  private static final long POLL_MILLIS = 100;
  /**
   * Files kept free of subscriber connections, so that publishing, reading /proc and writing the
   * results still work when the subscribers would use up this process's open-files limit.
   */
  static final long SPARE_FILES = 64;

  private final BenchOptions options;
  private final PrintStream progress;
  private final Vertx vertx;
  private final Vertx publisherVertx;
  private final Tally tally;
  private final ProcStats server;
  /** This process: when it is as busy as the cores allow, the figures measure the client, not the server. */
  private final ProcStats client = new ProcStats(List.of(ProcessHandle.current().pid()));
  private final long startNanos = System.nanoTime();

  private BenchRun(BenchOptions options, PrintStream progress, Vertx vertx, Vertx publisherVertx) {
    this.options = options;
    this.progress = progress;
    this.vertx = vertx;
    this.publisherVertx = publisherVertx;
    this.server = new ProcStats(options.serverPids());
    this.tally = new Tally(options.warmupArticles() + options.articles());
  }

  /** Runs the benchmark; progress lines go to {@code progress}, about one a second. */
  public static Result run(BenchOptions options, PrintStream progress) throws InterruptedException {
    // Native epoll, as the server uses: the client shares the machine with the server it measures,
    // and NIO's selector costs it more CPU per received message.
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(options.eventLoops()).setPreferNativeTransport(true));
    try {
      // The publisher stands for the newsroom, not for a subscriber: on its own event loop, so that
      // a publish answer never wakes a subscribers' loop. Nchan answers once it has fanned out and
      // newspush once it has committed, at the fan-out's start, so a shared loop treated them unalike.
      Vertx publisherVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
      try {
        return new BenchRun(options, progress, vertx, publisherVertx).execute();
      } finally {
        await(publisherVertx.close());
      }
    } finally {
      await(vertx.close());
    }
  }

  private Result execute() throws InterruptedException {
    long rssBefore = server.rssBytes();
    double connectSeconds = connectAll();
    long subscribed = tally.subscribed.sum();
    if (options.holdSeconds() > 0) {
      report("holding " + subscribed + " idle connections for " + options.holdSeconds() + " s");
      Thread.sleep(options.holdSeconds() * 1000L);
    }
    long rssConnected = server.rssBytes();
    Result.Warmup warmup = options.warmupArticles() > 0 ? warmUp(subscribed) : Result.Warmup.NONE;
    Delivery delivery = options.articles() > 0 ? publishAndAwait(subscribed, warmup) : Delivery.NONE;
    return new Result(options, subscribed, tally.connectFailures.sum(), tally.firstConnectError.get(),
        tally.fileLimitHit, connectSeconds, tally.published.sum(), delivery.publishSeconds(),
        tally.publishFailures.sum(), tally.firstPublishError.get(), tally.published.sum() * subscribed,
        tally.received.sum(), tally.receivedBytes.sum(), tally.unique.sum(), tally.duplicates.sum(),
        tally.outOfOrder.sum(), tally.disconnected.sum(), tally.disconnectReasons(), tally.otherMessages.sum(),
        tally.firstOtherMessage.get(), tally.latencyMicros.copy(), delivery.deliverySeconds(), rssBefore, rssConnected,
        delivery.serverTicks(), delivery.compilerTicks(), delivery.clientTicks(), delivery.clientCompilerTicks(), warmup,
        tally.perArticle(options.warmupArticles(), options.warmupArticles() + options.articles()));
  }

  /** Publishes the warm-up articles and waits for their deliveries, as the measured ones are waited for. */
  private Result.Warmup warmUp(long subscribed) throws InterruptedException {
    Future<Void> publishing = new Publisher(publisherVertx, options, tally, 0, options.warmupArticles()).run();
    waitFor(allDelivered(publishing, subscribed), () -> tally.published.sum() + tally.unique.sum(),
        options.drainSeconds(), () -> String.format(Locale.ROOT,
            "warming up: %d of %d published; %d of %d delivered", tally.published.sum(), options.warmupArticles(),
            tally.unique.sum(), tally.published.sum() * subscribed),
        () -> {});
    Result.Warmup warmup = tally.endWarmup();
    // The client's own garbage so far is collected here, not in a pause inside the measured run:
    // given a young generation that holds a run's allocation (BENCH_JAVA_OPTS in compare-nchan.sh),
    // the client then never stops while deliveries are being timed, against either server.
    System.gc();
    return warmup;
  }

  /** Opens every subscriber, one group per event loop; returns the seconds it took. */
  private double connectAll() throws InterruptedException {
    long start = System.nanoTime();
    long openFilesLimit = ProcStats.openFilesLimit();
    if (openFilesLimit != Long.MAX_VALUE) {
      tally.connectionSlots(openFilesLimit - ProcStats.openFiles() - SPARE_FILES);
    }
    int groups = options.eventLoops();
    AtomicInteger index = new AtomicInteger();
    await(vertx.deployVerticle(() -> new SubscriberGroup(options, tally, index.getAndIncrement(), groups),
        new DeploymentOptions().setInstances(groups)));
    waitFor(() -> tally.groupsDoneConnecting.sum() == groups,
        () -> tally.subscribed.sum() + tally.connectFailures.sum(), CONNECT_STALL_SECONDS,
        () -> String.format(Locale.ROOT, "connecting: %d of %d subscribed, %d failed", tally.subscribed.sum(),
            options.subscribers(), tally.connectFailures.sum()),
        () -> {});
    double seconds = (System.nanoTime() - start) / 1e9;
    report(String.format(Locale.ROOT, "connected: %d subscribed in %.2f s, %d failed%s", tally.subscribed.sum(),
        seconds, tally.connectFailures.sum(), tally.fileLimitHit ? " (open-files limit reached)" : ""));
    return seconds;
  }

  /**
   * The delivery phase's timings, and the CPU ticks spent in it by the server, by this process and
   * by the JIT compilers of both.
   */
  private record Delivery(double publishSeconds, double deliverySeconds, long serverTicks, long compilerTicks,
                          long clientTicks, long clientCompilerTicks) {
    static final Delivery NONE = new Delivery(0, 0, -1, -1, 0, 0);
  }

  /** Publishes, then waits until every subscriber has every article or nothing moves for --drain seconds. */
  private Delivery publishAndAwait(long subscribed, Result.Warmup warmup) throws InterruptedException {
    long serverStart = server.cpuTicks();
    long compilerStart = server.compilerTicks();
    long clientStart = client.cpuTicks();
    long clientCompilerStart = client.compilerTicks();
    // CPU ticks when the last delivery (or publish) was seen, so waiting in vain is not billed.
    long[] ticksAtLastProgress = {serverStart, clientStart, compilerStart, clientCompilerStart};
    Publisher publisher = new Publisher(publisherVertx, options, tally, options.warmupArticles(), options.articles());
    Future<Void> publishing = publisher.run();
    waitFor(allDelivered(publishing, subscribed), () -> tally.published.sum() + tally.unique.sum(),
        options.drainSeconds(), () -> String.format(Locale.ROOT,
            "publishing: %d of %d published; %d of %d delivered, %d duplicated, %d out of order",
            tally.published.sum() - warmup.published(), options.articles(), tally.unique.sum(), tally.published.sum() * subscribed,
            tally.duplicates.sum(), tally.outOfOrder.sum()),
        () -> {
          ticksAtLastProgress[0] = server.cpuTicks();
          ticksAtLastProgress[1] = client.cpuTicks();
          ticksAtLastProgress[2] = server.compilerTicks();
          ticksAtLastProgress[3] = client.compilerTicks();
        });
    double deliverySeconds = tally.received.sum() == warmup.received()
        ? 0 : (tally.lastReceiptMicros.get() - publisher.firstPublishMicros()) / 1e6;
    return new Delivery(publishing.isComplete() ? publisher.seconds() : 0, deliverySeconds,
        serverStart < 0 ? -1 : ticksAtLastProgress[0] - serverStart,
        compilerStart < 0 ? -1 : ticksAtLastProgress[2] - compilerStart, ticksAtLastProgress[1] - clientStart,
        ticksAtLastProgress[3] - clientCompilerStart);
  }

  /** Every article published so far, warm-up included, has reached every subscriber, and publishing is over. */
  private BooleanSupplier allDelivered(Future<Void> publishing, long subscribed) {
    return () -> publishing.isComplete() && tally.unique.sum() >= tally.published.sum() * subscribed;
  }

  /**
   * Polls until {@code done}, or until {@code progressCount} has not moved for {@code stallSeconds};
   * runs {@code onProgress} whenever it moved, and prints {@code status} about once a second.
   */
  private void waitFor(BooleanSupplier done, LongSupplier progressCount, long stallSeconds, Supplier<String> status,
                       Runnable onProgress) throws InterruptedException {
    long last = progressCount.getAsLong();
    long lastMoved = System.nanoTime();
    long lastReport = 0;
    while (!done.getAsBoolean()) {
      Thread.sleep(POLL_MILLIS);
      long now = System.nanoTime();
      long count = progressCount.getAsLong();
      if (count != last) {
        last = count;
        lastMoved = now;
        onProgress.run();
      } else if (now - lastMoved > TimeUnit.SECONDS.toNanos(stallSeconds)) {
        report(status.get() + "; no progress for " + stallSeconds + " s, giving up waiting");
        return;
      }
      if (now - lastReport > TimeUnit.SECONDS.toNanos(1)) {
        lastReport = now;
        report(status.get());
      }
    }
  }

  private void report(String line) {
    progress.printf(Locale.ROOT, "[%6.1f s] %s%n", (System.nanoTime() - startNanos) / 1e9, line);
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out after 5 minutes", e);
    }
  }
}
