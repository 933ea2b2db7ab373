package io.newspush.testing;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Blocking waits for tests, with failure messages that say what was still missing. */
public final class Await {
  public static final Duration DEFAULT = Duration.ofSeconds(20);

  private Await() {}

  public static <T> T result(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(DEFAULT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (ExecutionException e) {
      throw new AssertionError("operation failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("operation did not complete within " + DEFAULT.toSeconds() + " s");
    }
  }

  /** A long list of seqs shortened for a failure message: its size, first and last few. */
  public static String summary(java.util.List<Long> seqs) {
    if (seqs.size() <= 20) {
      return seqs.toString();
    }
    return seqs.size() + " seqs " + seqs.subList(0, 5) + " ... " + seqs.subList(seqs.size() - 10, seqs.size());
  }

  public static void until(BooleanSupplier condition, Supplier<String> whatIsMissing) {
    until(condition, DEFAULT, whatIsMissing);
  }

  public static void until(BooleanSupplier condition, Duration timeout, Supplier<String> whatIsMissing) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout.toMillis() + " ms: " + whatIsMissing.get());
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }
}
