package io.newspush.gateway;

import io.newspush.article.ArticleJson;
import io.newspush.config.Config;
import io.newspush.store.ArticleStore;
import io.newspush.topic.Pattern;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** {@code GET /v1/articles?topics=&since=&limit=}: stored articles after a seq, for backfill and paging. */
final class HistoryHandler {
  private final ArticleStore store;
  private final Config.Limits limits;

  HistoryHandler(ArticleStore store, Config.Limits limits) {
    this.store = store;
    this.limits = limits;
  }

  void handle(RoutingContext ctx) {
    List<Pattern> patterns;
    long since;
    int limit;
    try {
      String topics = ctx.request().getParam("topics");
      patterns = topics == null ? List.of(Pattern.parse("**")) : SubscriptionRequest.patternsFromQuery(topics, limits.patterns());
      since = SubscriptionRequest.since(ctx.request().getParam("since")).orElse(0);
      limit = limit(ctx.request().getParam("limit"));
    } catch (BadRequest e) {
      ErrorReply.send(ctx.response(), e.status(), e.code(), e.getMessage());
      return;
    }
    store.after(since, patterns, limit)
        .onSuccess(articles -> {
          JsonArray list = new JsonArray();
          articles.forEach(article -> list.add(ArticleJson.toJson(article)));
          long next = articles.isEmpty() ? since : articles.get(articles.size() - 1).seq();
          ctx.response().putHeader("Content-Type", "application/json; charset=utf-8")
              .end(new JsonObject().put("articles", list).put("next", next).toBuffer());
        })
        .onFailure(failure -> ErrorReply.send(ctx.response(), 503, "store_unavailable", "history is unavailable; retry shortly"));
  }

  private int limit(String raw) {
    if (raw == null || raw.isEmpty()) {
      return limits.historyDefault();
    }
    if (raw.length() > 9 || !raw.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new BadRequest(400, "invalid_limit", "limit must be a whole number");
    }
    return Math.max(1, Math.min(Integer.parseInt(raw), limits.historyMax()));
  }
}
