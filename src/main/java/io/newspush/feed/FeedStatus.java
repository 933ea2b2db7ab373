package io.newspush.feed;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the feed knows about itself, readable from any thread: the head seq it has emitted and
 * whether its LISTEN connection is up and caught up with the table.
 */
public final class FeedStatus {
  private final AtomicLong head = new AtomicLong();
  private final AtomicLong reconnects = new AtomicLong();
  private final AtomicLong databaseHead = new AtomicLong();
  private volatile boolean listening;
  private volatile boolean caughtUp;

  public long head() {
    return head.get();
  }

  /** Sequenced articles this node's feed has not emitted yet (as of the last check). */
  public long lag() {
    return Math.max(0, databaseHead.get() - head.get());
  }

  public boolean ready() {
    return listening && caughtUp;
  }

  public boolean listening() {
    return listening;
  }

  public long reconnects() {
    return reconnects.get();
  }

  void head(long seq) {
    head.set(seq);
  }

  void databaseHead(long seq) {
    databaseHead.set(seq);
  }

  void listening(boolean value) {
    listening = value;
  }

  void caughtUp(boolean value) {
    caughtUp = value;
  }

  void reconnected() {
    reconnects.incrementAndGet();
  }
}
