package io.newspush.gateway;

import io.newspush.feed.EncodedArticle;
import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Articles the feed has handed this gateway that it has not fanned out yet. They are fanned out
 * in a task after the one that received them, so articles that arrived while the loop was busy
 * (a gateway behind its feed) go out together: each subscriber gets them in one gathered write,
 * and its client takes them in one read, instead of a system call each on both sides. An article
 * that finds the loop idle goes out alone, one task later than it would have.
 */
final class Backlog {
  private static final Logger LOG = LoggerFactory.getLogger(Backlog.class);
  /** Articles fanned out together at most: until the turn's flush, each subscriber's share is held in its queue. */
  static final int MAX_TOGETHER = 8;

  private final Context context;
  private final Flusher flusher;
  private final Consumer<EncodedArticle> fanOut;
  private List<EncodedArticle> waiting = new ArrayList<>();

  Backlog(Context context, Flusher flusher, Consumer<EncodedArticle> fanOut) {
    this.context = context;
    this.flusher = flusher;
    this.fanOut = fanOut;
  }

  /** Called on the gateway's context, in seq order. */
  void add(EncodedArticle article) {
    if (waiting.isEmpty()) {
      context.runOnContext(v -> fanOutWaiting());
    }
    waiting.add(article);
  }

  private void fanOutWaiting() {
    List<EncodedArticle> articles = waiting;
    if (articles.size() > MAX_TOGETHER) {
      waiting = new ArrayList<>(articles.subList(MAX_TOGETHER, articles.size()));
      articles = articles.subList(0, MAX_TOGETHER);
      context.runOnContext(v -> fanOutWaiting());
    } else {
      waiting = new ArrayList<>();
    }
    if (articles.size() == 1) {
      fanOut(articles.get(0));
    } else {
      List<EncodedArticle> together = articles;
      flusher.gather(() -> together.forEach(this::fanOut));
    }
  }

  /** One article's failure must not cost the others of its batch their delivery, as it did not when each came alone. */
  private void fanOut(EncodedArticle article) {
    try {
      fanOut.accept(article);
    } catch (RuntimeException e) {
      LOG.error("fanning out article seq {} failed", article.seq(), e);
    }
  }
}
