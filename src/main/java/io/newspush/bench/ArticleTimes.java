package io.newspush.bench;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One event loop's record of each article's earliest and latest delivery latency, by publish
 * counter. Only that loop writes it, so its hot path has no contended writes (two event loops
 * updating shared slots for the same article at once would be); the run's figures merge all loops'.
 */
final class ArticleTimes {
  private static final long NONE = Long.MAX_VALUE;

  private final AtomicLongArray first;
  private final AtomicLongArray last;

  ArticleTimes(int articles) {
    first = new AtomicLongArray(articles);
    last = new AtomicLongArray(articles);
    for (int i = 0; i < articles; i++) {
      first.set(i, NONE);
    }
  }

  /** Called by the owning event loop only: a plain compare, then a store the reader will see. */
  void record(int counter, long latencyMicros) {
    if (latencyMicros < first.get(counter)) {
      first.set(counter, latencyMicros);
    }
    if (latencyMicros > last.get(counter)) {
      last.set(counter, latencyMicros);
    }
  }

  boolean delivered(int counter) {
    return first.get(counter) != NONE;
  }

  long first(int counter) {
    return first.get(counter);
  }

  long last(int counter) {
    return last.get(counter);
  }
}
