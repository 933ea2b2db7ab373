package io.newspush.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.AppenderBase;
import io.newspush.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The log's queue drops what it cannot hold while stdout is stalled, and counts every line it drops. */
class DroppedLogLinesTest {
  private static final int QUEUE_SIZE = 2;

  @Test
  void aFullQueueCountsEachLineItDrops() throws InterruptedException {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    StalledStdout stdout = new StalledStdout();
    stdout.setContext(context);
    stdout.start();
    CountingAsyncAppender queue = new CountingAsyncAppender();
    queue.setContext(context);
    queue.setQueueSize(QUEUE_SIZE);
    queue.setNeverBlock(true);
    queue.addAppender(stdout);
    queue.start();
    Logger logger = context.getLogger("test");
    logger.addAppender(queue);

    logger.info("line 0");
    assertTrue(stdout.writing.await(10, TimeUnit.SECONDS), "the queue's writer took the first line");
    for (int i = 1; i <= 6; i++) {
      logger.info("line " + i);
    }
    assertEquals(4, queue.dropped(), "two lines fit the queue behind the one being written; the other four are dropped");

    stdout.unstall.countDown();
    Await.until(() -> stdout.written.size() == 1 + QUEUE_SIZE, Duration.ofSeconds(10), () -> "written: " + stdout.written);
    queue.stop();
    assertEquals(List.of("line 0", "line 1", "line 2"), stdout.written, "the lines that were queued are written, in order");
    assertEquals(4, queue.dropped());
  }

  /** Stands for a stdout nobody reads: the first write blocks until released. */
  private static final class StalledStdout extends AppenderBase<ILoggingEvent> {
    final CountDownLatch writing = new CountDownLatch(1);
    final CountDownLatch unstall = new CountDownLatch(1);
    final List<String> written = new CopyOnWriteArrayList<>();

    @Override
    protected void append(ILoggingEvent event) {
      writing.countDown();
      try {
        unstall.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      written.add(event.getFormattedMessage());
    }
  }
}
