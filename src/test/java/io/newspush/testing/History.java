package io.newspush.testing;

import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;

/** Reads GET /v1/articles to the end, keeping each article's raw JSON exactly as the server sent it. */
public final class History {
  private History() {}

  /** seq to raw article JSON, in the order history returns them, for every article after {@code since}. */
  public static LinkedHashMap<Long, String> raw(Http http, String patterns, long since) {
    LinkedHashMap<Long, String> articles = new LinkedHashMap<>();
    long next = since;
    while (true) {
      Http.Reply reply = http.get("/v1/articles?limit=1000&since=" + next + "&topics="
          + URLEncoder.encode(patterns, StandardCharsets.UTF_8));
      if (reply.status() != 200) {
        throw new AssertionError("history for " + patterns + " since " + next + " answered " + reply);
      }
      String body = reply.body().toString(StandardCharsets.UTF_8);
      List<String> page = RawJson.arrayField(body, "articles");
      if (page.isEmpty()) {
        return articles;
      }
      for (String article : page) {
        long seq = new JsonObject(article).getLong("seq");
        if (articles.put(seq, article) != null) {
          throw new AssertionError("history returned seq " + seq + " twice");
        }
      }
      next = reply.json().getLong("next");
    }
  }

  /** The highest seq in the store, 0 when it is empty. */
  public static long head(Http http) {
    return last(raw(http, "**", 0));
  }

  private static long last(LinkedHashMap<Long, String> articles) {
    long head = 0;
    for (long seq : articles.keySet()) {
      head = Math.max(head, seq);
    }
    return head;
  }
}
