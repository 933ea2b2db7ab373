package io.newspush.gateway;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Visits each of a gateway's connections once per interval, a slice of them at a time, for its
 * keep-alive ping. Pinging them all on one tick wrote as many frames at once as an article to
 * every subscriber, and brought as many answers back: an article that came meanwhile waited for
 * all of it (10-20 ms with 1,000 streams on two cores), once per interval.
 */
final class Heartbeat {
  /** A connection's slice is fixed, so it is still visited once per interval. */
  private static final int SLICES = 16;

  private final Supplier<Collection<Connection>> connections;
  private final Consumer<Connection> ping;
  private int tick;

  Heartbeat(Supplier<Collection<Connection>> connections, Consumer<Connection> ping) {
    this.connections = connections;
    this.ping = ping;
  }

  void start(Vertx vertx, Duration interval) {
    vertx.setPeriodic(Math.max(1, interval.toMillis() / SLICES), id -> pingNextSlice());
  }

  private void pingNextSlice() {
    int slice = tick;
    tick = (tick + 1) % SLICES;
    List<Connection> due = new ArrayList<>();
    for (Connection connection : connections.get()) {
      if (Math.floorMod(System.identityHashCode(connection), SLICES) == slice) {
        due.add(connection);
      }
    }
    // Pinged once the walk is over: a ping can close its connection, which leaves the set walked.
    due.forEach(ping);
  }
}
