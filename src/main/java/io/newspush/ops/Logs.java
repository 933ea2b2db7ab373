package io.newspush.ops;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/** Log lines are queued and written by a thread of their own (logback.xml), not by whoever logs. */
public final class Logs {
  private Logs() {}

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
