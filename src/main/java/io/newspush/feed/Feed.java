package io.newspush.feed;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;

/**
 * The in-process stream of new articles: every article once, in seq order, already encoded.
 * Producers and consumers meet here only, so the source (LISTEN/NOTIFY today) can change
 * without the gateways noticing.
 */
public final class Feed {
  private static final String ADDRESS = "newspush.feed.articles";
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final Vertx vertx;

  public Feed(Vertx vertx) {
    this.vertx = vertx;
    vertx.eventBus().registerDefaultCodec(EncodedArticle.class, new LocalCodec<>(EncodedArticle.class));
  }

  void emit(EncodedArticle article) {
    vertx.eventBus().publish(ADDRESS, article, LOCAL);
  }

  /** Must be called on the consumer's own context; delivery keeps seq order. */
  public MessageConsumer<EncodedArticle> consume(Handler<EncodedArticle> handler) {
    return vertx.eventBus().<EncodedArticle>localConsumer(ADDRESS, message -> handler.handle(message.body()));
  }
}
