package io.newspush.ops;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.concurrent.atomic.LongAdder;

/**
 * Logback's asynchronous appender, counting the lines it drops because its queue is full, so an
 * operator can see on {@code /metrics} that the log is incomplete. Whatever its level, a line is
 * dropped only when the queue has no room left, as with {@code discardingThreshold} 0; a line
 * that loses a race with another thread for the queue's last place is dropped uncounted.
 */
public final class CountingAsyncAppender extends AsyncAppender {
  private final LongAdder dropped = new LongAdder();

  public CountingAsyncAppender() {
    // With less room than this logback asks isDiscardable, which is where a drop can be counted;
    // so logback.xml sets no discardingThreshold of its own.
    setDiscardingThreshold(1);
  }

  @Override
  protected boolean isDiscardable(ILoggingEvent event) {
    dropped.increment();
    return true;
  }

  public long dropped() {
    return dropped.sum();
  }
}
