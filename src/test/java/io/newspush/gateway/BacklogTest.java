package io.newspush.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.newspush.article.Article;
import io.newspush.feed.EncodedArticle;
import io.newspush.testing.Await;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a gateway does with articles the feed hands it: those that arrive while its loop is busy go
 * out together, with writes gathered; one that finds the loop idle goes out alone. On a real event loop.
 */
class BacklogTest {
  /** An article fanned out, and whether writes were being gathered while it was. */
  record FannedOut(long seq, boolean gathered) {}

  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final Flusher flusher = new Flusher(((ContextInternal) context).nettyEventLoop());
  private final List<FannedOut> fannedOut = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  @Test
  void articlesArrivingInOneTurnGoOutTogetherInOrder() {
    Backlog backlog = backlog(article -> fannedOut.add(new FannedOut(article.seq(), flusher.gathering())));

    addInOneTask(backlog, 1, 2, 3);

    Await.until(() -> fannedOut.size() == 3, () -> "fanned out: " + fannedOut);
    assertEquals(List.of(new FannedOut(1, true), new FannedOut(2, true), new FannedOut(3, true)), fannedOut);
  }

  @Test
  void anArticleThatFindsTheLoopIdleGoesOutAlone() {
    Backlog backlog = backlog(article -> fannedOut.add(new FannedOut(article.seq(), flusher.gathering())));

    addInOneTask(backlog, 1);
    Await.until(() -> fannedOut.size() == 1, () -> "fanned out: " + fannedOut);
    addInOneTask(backlog, 2);

    Await.until(() -> fannedOut.size() == 2, () -> "fanned out: " + fannedOut);
    assertEquals(List.of(new FannedOut(1, false), new FannedOut(2, false)), fannedOut);
  }

  @Test
  void aLongBacklogGoesOutAFewAtATimeInOrder() {
    Backlog backlog = backlog(article -> fannedOut.add(new FannedOut(article.seq(), flusher.gathering())));
    int articles = 2 * Backlog.MAX_TOGETHER + 1;

    addInOneTask(backlog, LongStream.rangeClosed(1, articles).toArray());

    Await.until(() -> fannedOut.size() == articles, () -> "fanned out: " + fannedOut);
    assertEquals(LongStream.rangeClosed(1, articles).boxed().toList(), fannedOut.stream().map(FannedOut::seq).toList());
    assertEquals(articles - 1, fannedOut.stream().filter(FannedOut::gathered).count(),
        "two full batches gathered, the one left over alone: " + fannedOut);
    assertEquals(new FannedOut(articles, false), fannedOut.get(articles - 1));
  }

  @Test
  void anArticleThatFailsToGoOutDoesNotHoldBackTheOthers() {
    Backlog backlog = backlog(article -> {
      if (article.seq() == 2) {
        throw new IllegalStateException("a fault while fanning out seq 2");
      }
      fannedOut.add(new FannedOut(article.seq(), flusher.gathering()));
    });

    addInOneTask(backlog, 1, 2, 3);
    Await.until(() -> fannedOut.size() == 2, () -> "fanned out: " + fannedOut);
    addInOneTask(backlog, 4);

    Await.until(() -> fannedOut.size() == 3, () -> "fanned out: " + fannedOut);
    assertEquals(List.of(new FannedOut(1, true), new FannedOut(3, true), new FannedOut(4, false)), fannedOut,
        "the rest of the batch went out, and writes are no longer gathered after it");
  }

  private Backlog backlog(Consumer<EncodedArticle> fanOut) {
    return new Backlog(context, flusher, fanOut);
  }

  /** Hands the articles to the backlog from one task of its loop, as the feed's consumer does. */
  private void addInOneTask(Backlog backlog, long... seqs) {
    Promise<Void> added = Promise.promise();
    context.runOnContext(v -> {
      for (long seq : seqs) {
        backlog.add(article(seq));
      }
      added.complete();
    });
    Await.result(added.future());
  }

  private static EncodedArticle article(long seq) {
    return EncodedArticle.of(new Article("id-" + seq, seq, "desk/world", List.of(), "第" + seq + "篇", null, null, null,
        List.of("正文"), null, "zh-CN", "2026-11-29T00:00:00Z"));
  }
}
