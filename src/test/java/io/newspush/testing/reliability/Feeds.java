package io.newspush.testing.reliability;

import io.newspush.testing.Await;
import io.newspush.testing.Http;
import io.newspush.testing.Live;
import io.newspush.testing.SseClient;
import io.newspush.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Small steps shared by the reliability tests: subscription URLs, subscribing a {@link WsClient}
 * without racing the handshake, publishing, and reading the stored feed.
 */
public final class Feeds {
  private static final String WS_ARTICLE_START = "{\"type\":\"article\",\"article\":";

  private Feeds() {}

  /** The subscribe op, with {@code since} when it is not null. */
  public static JsonObject subscribe(Long since, String... patterns) {
    JsonObject op = new JsonObject().put("op", "subscribe").put("topics", new JsonArray(List.of((Object[]) patterns)));
    return since == null ? op : op.put("since", since);
  }

  /**
   * Opens {@code /v1/ws}, then subscribes with an op (so no message can arrive before the client's
   * handlers are in place) and waits for the {@code subscribed} answer.
   */
  public static WsClient subscribedWs(Vertx vertx, int port, Long since, String... patterns) {
    WsClient ws = WsClient.connect(vertx, port, "/v1/ws");
    ws.send(subscribe(since, patterns));
    ws.awaitMessage("subscribed");
    return ws;
  }

  /** Sends {@code {"op":"ping"}} and waits for its pong: everything the server sent before has arrived. */
  public static void sync(WsClient ws) {
    int before = ws.ofType("pong").size();
    ws.send(new JsonObject().put("op", "ping"));
    Await.until(() -> ws.ofType("pong").size() > before, () -> "no pong from the WebSocket; messages " + ws.messages());
  }

  /** The raw article JSON inside a WebSocket article message, as the server encoded it. */
  public static String rawArticle(String wsMessage) {
    if (!wsMessage.startsWith(WS_ARTICLE_START) || !wsMessage.endsWith("}")) {
      throw new AssertionError("not an article message: " + wsMessage);
    }
    return wsMessage.substring(WS_ARTICLE_START.length(), wsMessage.length() - 1);
  }

  /** The raw article JSON of every article message a WebSocket client received, in order. */
  public static List<String> rawArticles(WsClient ws) {
    return ws.rawMessages().stream().filter(m -> m.startsWith(WS_ARTICLE_START)).map(Feeds::rawArticle).toList();
  }

  /** The data line of every SSE article event, in order. */
  public static List<String> rawArticles(SseClient sse) {
    return sse.events().stream().filter(e -> e.event().equals("article")).map(SseClient.Event::data).toList();
  }

  /**
   * Fails unless {@code got} is exactly {@code expected} (same seqs, same order), with a message
   * short enough to read for a thousand articles: what is missing, what is extra or repeated, and
   * where the two first differ.
   */
  public static void assertSameSeqs(List<Long> expected, List<Long> got, String who) {
    if (expected.equals(got)) {
      return;
    }
    List<Long> missing = new ArrayList<>(expected);
    missing.removeAll(new java.util.HashSet<>(got));
    List<Long> extra = new ArrayList<>(got);
    for (Long seq : expected) {
      extra.remove(seq);
    }
    int first = 0;
    while (first < Math.min(expected.size(), got.size()) && expected.get(first).equals(got.get(first))) {
      first++;
    }
    throw new AssertionError(who + ": expected " + expected.size() + " articles in seq order, got " + got.size()
        + "; missing " + head(missing) + "; extra or repeated " + head(extra) + "; first difference at index " + first
        + " (expected " + (first < expected.size() ? expected.get(first) : "nothing") + ", got "
        + (first < got.size() ? got.get(first) : "nothing") + ")");
  }

  /** Fails unless the articles are equal one by one, naming the first that differs (abbreviated). */
  public static void assertSameArticles(List<JsonObject> expected, List<JsonObject> got, String who) {
    assertSameSeqs(seqs(expected), seqs(got), who);
    for (int i = 0; i < expected.size(); i++) {
      if (!expected.get(i).equals(got.get(i))) {
        throw new AssertionError(who + ": article " + i + " (seq " + expected.get(i).getLong("seq") + ") differs: expected "
            + abbreviate(expected.get(i).encode()) + " but got " + abbreviate(got.get(i).encode()));
      }
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 300 ? text : text.substring(0, 300) + "...";
  }

  private static List<Long> head(List<Long> seqs) {
    return seqs.size() > 20 ? seqs.subList(0, 20) : seqs;
  }

  public static List<Long> seqs(List<JsonObject> articles) {
    return articles.stream().map(a -> a.getLong("seq")).toList();
  }

  public static JsonObject article(String topic, String title) {
    return new JsonObject().put("topic", topic).put("title", title).put("body", new JsonArray().add("正文 " + title));
  }

  /** Publishes through the API; fails unless the answer is 201; returns the seq. */
  public static long publish(Http http, JsonObject article) {
    Http.Reply reply = http.publish(article);
    if (reply.status() != 201) {
      throw new AssertionError("publishing '" + article.getString("title") + "' answered " + reply);
    }
    return reply.json().getLong("seq");
  }

  /** Every stored article matching the patterns, in seq order, read page by page from GET /v1/articles. */
  public static List<JsonObject> history(int port, String... patterns) {
    List<JsonObject> all = new ArrayList<>();
    long since = 0;
    while (true) {
      Fetch.Reply reply = Fetch.get(port, "/v1/articles?limit=1000&" + Live.topics(patterns) + "&since=" + since);
      if (reply.status() != 200) {
        throw new AssertionError("GET /v1/articles answered " + reply);
      }
      JsonArray page = reply.json().getJsonArray("articles");
      if (page.isEmpty()) {
        return all;
      }
      page.forEach(a -> all.add((JsonObject) a));
      since = reply.json().getLong("next");
    }
  }
}
