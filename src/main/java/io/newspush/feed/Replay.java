package io.newspush.feed;

import io.newspush.article.Article;
import io.newspush.store.ArticleStore;
import io.newspush.topic.InvalidTopicException;
import io.newspush.topic.Pattern;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/** Reads past articles for a subscriber that resumes, a page at a time, encoded like live ones. */
public final class Replay {
  private final ArticleStore store;

  public Replay(ArticleStore store) {
    this.store = store;
  }

  /** Where the stored feed stands: resuming is complete only from {@code floor} up to {@code head}. */
  public record Bounds(long floor, long head) {}

  public Future<Bounds> bounds() {
    return store.prunedThrough().compose(floor -> store.head().map(head -> new Bounds(floor, head)));
  }

  /**
   * One page of matching articles after {@code after}; {@code through} is the last seq the page
   * covered and {@code more} says whether another page may follow.
   */
  public record Page(List<EncodedArticle> articles, long through, boolean more) {}

  public Future<Page> page(long after, List<Pattern> patterns, int limit) {
    return store.after(after, patterns, limit).map(articles -> {
      List<EncodedArticle> encoded = new ArrayList<>(articles.size());
      for (Article article : articles) {
        try {
          encoded.add(EncodedArticle.of(article));
        } catch (InvalidTopicException e) {
          // skipped exactly as the live feed skips it
        }
      }
      long through = articles.isEmpty() ? after : articles.get(articles.size() - 1).seq();
      return new Page(encoded, through, articles.size() == limit);
    });
  }
}
