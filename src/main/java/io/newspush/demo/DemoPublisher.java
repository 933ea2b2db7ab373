package io.newspush.demo;

import io.newspush.article.DraftParser;
import io.newspush.store.ArticleStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the bundled sample articles one after another, forever, through the same validation
 * and store path as {@code POST /v1/articles}, so a fresh server has a live feed to watch.
 */
public final class DemoPublisher extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(DemoPublisher.class);

  private final ArticleStore store;
  private final DraftParser parser;
  private final Duration interval;
  private List<JsonObject> samples;
  private int next;

  public DemoPublisher(ArticleStore store, DraftParser parser, Duration interval) {
    this.store = store;
    this.parser = parser;
    this.interval = interval;
  }

  /** The sample articles as a publisher would send them (the local {@code slug} removed). */
  public static List<JsonObject> samples() {
    try (InputStream in = DemoPublisher.class.getResourceAsStream("/demo/sample-articles.json")) {
      JsonArray array = new JsonArray(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      List<JsonObject> samples = new ArrayList<>();
      for (int i = 0; i < array.size(); i++) {
        JsonObject article = array.getJsonObject(i).copy();
        article.remove("slug");
        samples.add(article);
      }
      return samples;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Future<?> start() {
    samples = samples();
    vertx.setPeriodic(0, interval.toMillis(), id -> publishNext());
    return Future.succeededFuture();
  }

  private void publishNext() {
    JsonObject sample = samples.get(next);
    next = (next + 1) % samples.size();
    store.publish(parser.parse(sample))
        .onSuccess(published -> LOG.info("demo: published '{}' as seq {}", sample.getString("title"), published.seq()))
        .onFailure(failure -> LOG.warn("demo: publishing failed: {}", failure.getMessage()));
  }
}
