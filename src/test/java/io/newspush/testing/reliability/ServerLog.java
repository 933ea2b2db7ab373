package io.newspush.testing.reliability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;
import io.newspush.testing.TestNode;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Captures ERROR events logged in this JVM (where a {@link TestNode} runs) while open, so a test can
 * say not only that an article went missing but also what the server logged when it did
 * (e.g. an exception that escaped onto an event loop).
 */
public final class ServerLog extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  private final List<String> errors = new CopyOnWriteArrayList<>();

  private ServerLog() {}

  public static ServerLog capture() {
    ServerLog log = new ServerLog();
    log.setName("test-server-log-" + System.identityHashCode(log));
    log.start();
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(log);
    return log;
  }

  @Override
  protected void append(ILoggingEvent event) {
    if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
      StringBuilder line = new StringBuilder(event.getLoggerName()).append(": ").append(event.getFormattedMessage());
      IThrowableProxy thrown = event.getThrowableProxy();
      if (thrown != null) {
        line.append(" - ").append(thrown.getClassName()).append(": ").append(thrown.getMessage());
        StackTraceElementProxy[] frames = thrown.getStackTraceElementProxyArray();
        for (int i = 0, shown = 0; i < frames.length && shown < 6; i++) {
          String frame = frames[i].getSTEAsString();
          if (frame.contains("io.newspush")) {
            line.append(" | ").append(frame);
            shown++;
          }
        }
      }
      errors.add(line.toString());
    }
  }

  /** Every ERROR logged since {@link #capture()}, one line each with the newspush frames of its exception. */
  public List<String> errors() {
    return List.copyOf(errors);
  }

  @Override
  public void close() {
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(this);
    stop();
  }
}
