package io.newspush.ops;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * Measures how late a one-second timer fires on the calling verticle's event loop: the time a
 * ready task waits there, which is what every client of that loop feels as added latency.
 */
public final class EventLoopProbe {
  private static final long PERIOD_MS = 1_000;

  private long expectedNanos;

  private EventLoopProbe() {}

  /** Call from the verticle whose event loop is to be watched. */
  public static void install(Vertx vertx, Metrics metrics) {
    EventLoopProbe probe = new EventLoopProbe();
    probe.expectedNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PERIOD_MS);
    vertx.setPeriodic(PERIOD_MS, id -> {
      long now = System.nanoTime();
      metrics.eventLoopDelay(Math.max(0, now - probe.expectedNanos));
      probe.expectedNanos = now + TimeUnit.MILLISECONDS.toNanos(PERIOD_MS);
    });
  }
}
