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
  @Test
  void eachArticleCountsOnceAndItsFirstAndLastDeliveriesAreKept() throws InterruptedException {
    Tally tally = new Tally(3);
    // Subscribers of two event loops: an article's first and last delivery merge both records.
    Subscriber early = new Subscriber(Target.NCHAN, tally, tally.newArticleTimes());
    Subscriber late = new Subscriber(Target.NCHAN, tally, tally.newArticleTimes());
    byte[] one = article(1, Payload.nowMicros());

    assertTrue(early.accept(one, 0, one.length));
    Thread.sleep(5);
    assertTrue(late.accept(one, 0, one.length));
    assertTrue(late.accept(one, 0, one.length), "a repeat is still a benchmark article");
    byte[] zero = article(0, Payload.nowMicros());
    assertTrue(late.accept(zero, 0, zero.length));

    assertEquals(4, tally.received.sum());
    assertEquals(3, tally.unique.sum());
    assertEquals(1, tally.duplicates.sum(), "the second delivery of article 1 to the same subscriber");
    assertEquals(1, tally.outOfOrder.sum(), "article 0 after article 1");
    assertEquals(2, tally.perArticle(0, 3).firstMicros().getTotalCount(), "articles 0 and 1 arrived; article 2 did not");
    Result.PerArticle articleOne = tally.perArticle(1, 2);
    long spreadMicros = articleOne.lastMicros().getMaxValue() - articleOne.firstMicros().getMaxValue();
    assertTrue(spreadMicros >= 4_000, "article 1's last delivery came 5 ms after its first, on the other "
        + "event loop; the merged record says " + spreadMicros + " us");
  }

  @Test
  void anArticleThisRunDidNotPublishIsNotCounted() {
    Tally tally = new Tally(3);
    Subscriber subscriber = new Subscriber(Target.NCHAN, tally, tally.newArticleTimes());

    byte[] three = article(3, Payload.nowMicros());
    assertFalse(subscriber.accept(three, 0, three.length), "counter 3 of a run of three articles");
    assertEquals(0, tally.received.sum());
    assertEquals(0, tally.perArticle(0, 3).firstMicros().getTotalCount());
  }

  @Test
  void theBytesOfEachReceivedArticleAreCountedWithinItsBounds() {
    Tally tally = new Tally(2);
    Subscriber subscriber = new Subscriber(Target.NCHAN, tally, tally.newArticleTimes());
    byte[] article = article(0, Payload.nowMicros());
    // As an SSE event is handed over: a slice of the bytes read from the stream.
    byte[] stream = new byte[article.length + 20];
    System.arraycopy(article, 0, stream, 10, article.length);
    byte[] anotherRuns = article(7, Payload.nowMicros());

    assertTrue(subscriber.accept(stream, 10, 10 + article.length));
    assertFalse(subscriber.accept(anotherRuns, 0, anotherRuns.length));

    assertEquals(article.length, tally.receivedBytes.sum(),
        "the article's own bytes only: not the stream around it, not another run's article");
  }

  private static byte[] article(int counter, long publishedMicros) {
    return Payload.article("bench/t", counter, publishedMicros, 600).getBytes();
  }
}
