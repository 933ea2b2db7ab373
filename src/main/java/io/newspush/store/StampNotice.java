package io.newspush.store;

import io.newspush.article.Article;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;

/**
 * What a stamping's notification says (see migration V4): the highest seq it gave out and, when
 * it stamped a single article small enough for a notification, that article itself. A payload it
 * cannot read, such as the empty one of an older node's stamping, says nothing: read the table.
 */
public record StampNotice(long highestSeq, Optional<Article> article) {
  private static final StampNotice UNKNOWN = new StampNotice(Long.MAX_VALUE, Optional.empty());

  public static StampNotice parse(String payload) {
    if (payload == null || payload.isEmpty()) {
      return UNKNOWN;
    }
    try {
      if (payload.charAt(0) != '{') {
        return new StampNotice(Long.parseLong(payload), Optional.empty());
      }
      Article article = article(new JsonObject(payload));
      return new StampNotice(article.seq(), Optional.of(article));
    } catch (NumberFormatException | DecodeException | ClassCastException | NullPointerException e) {
      return UNKNOWN;
    }
  }

  /** The same article, field by field, as {@link ArticleStore} maps a row. */
  private static Article article(JsonObject row) {
    return new Article(row.getString("id"), row.getLong("seq"), row.getString("topic"), strings(row.getJsonArray("tags")),
        row.getString("title"), row.getString("subtitle"), row.getString("author"), row.getString("summary"),
        strings(row.getJsonArray("body")), row.getString("url"), row.getString("lang"), row.getString("published_at"));
  }

  private static List<String> strings(JsonArray array) {
    return array.stream().map(String.class::cast).toList();
  }
}
