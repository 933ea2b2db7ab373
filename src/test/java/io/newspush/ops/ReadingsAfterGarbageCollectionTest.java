package io.newspush.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.newspush.testing.PrometheusText;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Counters read from elsewhere (the feed's reconnects, the log's dropped lines) keep following
 * their source after the JVM has collected garbage: Micrometer holds a function counter's source
 * only weakly, and a counter whose source was collected repeats its last value for ever.
 */
class ReadingsAfterGarbageCollectionTest {

  @Test
  void countersReadFromElsewhereStillMoveAfterACollection() {
    Metrics metrics = new Metrics();
    AtomicLong reconnects = new AtomicLong();
    AtomicLong droppedLines = new AtomicLong();
    metrics.feedReadings(() -> 0, () -> 0, reconnects::get);
    metrics.logReadings(droppedLines::get);
    reconnects.set(1);
    droppedLines.set(2);
    assertEquals(1, reading(metrics, "newspush_db_reconnects_total"));
    assertEquals(2, reading(metrics, "newspush_log_lines_dropped_total"));

    System.gc();
    reconnects.set(3);
    droppedLines.set(5);
    assertEquals(3, reading(metrics, "newspush_db_reconnects_total"), "reconnects after a collection");
    assertEquals(5, reading(metrics, "newspush_log_lines_dropped_total"), "dropped log lines after a collection");
  }

  private static double reading(Metrics metrics, String name) {
    return PrometheusText.sum(PrometheusText.parse(metrics.text()), name);
  }
}
