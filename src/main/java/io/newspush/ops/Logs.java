package io.newspush.ops;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.util.function.LongSupplier;
import org.slf4j.LoggerFactory;

/** Log lines are queued and written by a thread of their own (logback.xml), not by whoever logs. */
public final class Logs {
  private Logs() {}

  /**
   * How many log lines the queue has dropped so far, read from logback.xml's appender; always 0
   * when logging is configured otherwise (a test's or an operator's own logback file).
   */
  public static LongSupplier droppedLines() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context
        && context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("ASYNC") instanceof CountingAsyncAppender queue) {
      return queue::dropped;
    }
    return () -> 0;
  }

  /**
   * Writes out what is still queued and stops logging. Call it last, before the JVM exits: the
   * writer thread does not hold the JVM up, so queued lines would otherwise be lost.
   */
  public static void flush() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.stop();
    }
  }
}
