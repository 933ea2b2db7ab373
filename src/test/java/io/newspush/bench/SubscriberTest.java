package io.newspush.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A subscriber counts each of this run's articles once, notes repeats and reordering, keeps each
 * article's first and last delivery, and does not take another run's article for one of its own.
 */
class SubscriberTest {
  private static final long PUBLISHED_MICROS = 1_700_000_000_000_000L;

  @Test
  void eachArticleCountsOnceAndItsFirstAndLastDeliveriesAreKept() {
    Tally tally = new Tally(3);
    Subscriber early = new Subscriber(Target.NCHAN, tally);
    Subscriber late = new Subscriber(Target.NCHAN, tally);

    assertTrue(early.accept(article(1), 0, article(1).length));
    assertTrue(late.accept(article(1), 0, article(1).length));
    assertTrue(late.accept(article(1), 0, article(1).length), "a repeat is still a benchmark article");
    assertTrue(late.accept(article(0), 0, article(0).length));

    assertEquals(4, tally.received.sum());
    assertEquals(3, tally.unique.sum());
    assertEquals(1, tally.duplicates.sum(), "the second delivery of article 1 to the same subscriber");
    assertEquals(1, tally.outOfOrder.sum(), "article 0 after article 1");
    Result.PerArticle perArticle = tally.perArticle(0, 3);
    assertEquals(2, perArticle.firstMicros().getTotalCount(), "articles 0 and 1 arrived; article 2 did not");
    assertTrue(perArticle.lastMicros().getMaxValue() >= perArticle.firstMicros().getMinValue());
  }

  @Test
  void anArticleThisRunDidNotPublishIsNotCounted() {
    Tally tally = new Tally(3);
    Subscriber subscriber = new Subscriber(Target.NCHAN, tally);

    assertFalse(subscriber.accept(article(3), 0, article(3).length), "counter 3 of a run of three articles");
    assertEquals(0, tally.received.sum());
    assertEquals(0, tally.perArticle(0, 3).firstMicros().getTotalCount());
  }

  private static byte[] article(int counter) {
    return Payload.article("bench/t", counter, PUBLISHED_MICROS, 600).getBytes();
  }
}
