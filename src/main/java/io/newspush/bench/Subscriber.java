package io.newspush.bench;

import java.util.BitSet;

/**
 * One subscriber's view of the run: which articles it got, in what order, and how late. Touched
 * only by its connection's event loop.
 */
final class Subscriber {
  private final Target target;
  private final Tally tally;
  private final ArticleTimes times;
  /**
   * By publish counter: each article has exactly one counter and one seq, so a repeat of either
   * shows here. Sized for the whole run: growing it mid-run is a branch the JIT had never seen,
   * and its trap threw away the compiled receive path this class is inlined into, while
   * deliveries were being timed (LogCompilation: BitSet.ensureCapacity, unstable_if).
   */
  private final BitSet seen;
  private long lastKey = -1;
  private boolean gone;

  Subscriber(Target target, Tally tally, ArticleTimes times) {
    this.target = target;
    this.tally = tally;
    this.times = times;
    this.seen = new BitSet(tally.articles());
  }

  /** Takes one message (WebSocket) or event (SSE); false when it is not a benchmark article. */
  boolean accept(byte[] message, int from, int to) {
    Payload.Mark mark = Payload.find(message, from, to);
    if (mark == null || !tally.fromThisRun(mark.counter())) {
      return false;
    }
    tally.received.increment();
    tally.receivedBytes.add(to - from);
    int counter = (int) mark.counter();
    if (seen.get(counter)) {
      tally.duplicates.increment();
      return true;
    }
    seen.set(counter);
    long now = Payload.nowMicros();
    tally.delivered(times, counter, now - mark.publishedMicros(), now);
    long key = target.orderKey(message, from, to, counter);
    if (key < lastKey) {
      tally.outOfOrder.increment();
    }
    lastKey = Math.max(lastKey, key);
    // Counted last: the run's figures are read as soon as this count is complete.
    tally.unique.increment();
    return true;
  }

  /** The server ended the stream or closed the socket; counted once. */
  void gone(String reason) {
    if (!gone) {
      gone = true;
      tally.disconnected(reason);
    }
  }
}
