package io.newspush.testing;

import io.newspush.demo.DemoPublisher;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Small shared steps of the live-delivery tests: building subscription URLs and publishing. */
public final class Live {
  private Live() {}

  /** The {@code topics=} query parameter for the patterns, URL-encoded (UTF-8). */
  public static String topics(String... patterns) {
    return "topics=" + Stream.of(patterns).map(p -> URLEncoder.encode(p, StandardCharsets.UTF_8))
        .collect(Collectors.joining(","));
  }

  public static String sse(String... patterns) {
    return "/v1/sse?" + topics(patterns);
  }

  public static String ws(String... patterns) {
    return "/v1/ws?" + topics(patterns);
  }

  /** Sample article {@code index} (Chinese text from shared/data) moved to another topic. */
  public static JsonObject sample(int index, String topic) {
    List<JsonObject> samples = DemoPublisher.samples();
    return samples.get(index % samples.size()).copy().put("topic", topic);
  }

  public static JsonObject article(String topic, String title) {
    return new JsonObject().put("topic", topic).put("title", title);
  }

  /** Publishes through the API and returns the seq of the 201 answer. */
  public static long publish(Http http, JsonObject article) {
    return seqOf(article, http.publish(article));
  }

  private static long seqOf(JsonObject article, Http.Reply reply) {
    if (reply.status() != 201) {
      throw new AssertionError("publishing '" + article.getString("title") + "' on " + article.getString("topic")
          + " answered " + reply);
    }
    return reply.json().getLong("seq");
  }
}
