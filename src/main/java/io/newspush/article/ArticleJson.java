package io.newspush.article;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The article's JSON shape on the wire, with fields in the protocol's order. */
public final class ArticleJson {
  private ArticleJson() {}

  public static JsonObject toJson(Article a) {
    return new JsonObject()
        .put("id", a.id())
        .put("seq", a.seq())
        .put("topic", a.topic())
        .put("tags", new JsonArray(a.tags()))
        .put("title", a.title())
        .put("subtitle", a.subtitle())
        .put("author", a.author())
        .put("summary", a.summary())
        .put("body", new JsonArray(a.body()))
        .put("url", a.url())
        .put("lang", a.lang())
        .put("published_at", a.publishedAt());
  }
}
