package io.newspush.feed;

import io.newspush.article.Article;
import io.newspush.config.Config;
import io.newspush.store.ArticleStore;
import io.newspush.topic.InvalidTopicException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's single reader of new articles. Notifications only wake it up; what it emits always
 * comes from reading the table by seq, so a lost notification delays an article but never loses
 * it. After every (re)connect of the LISTEN connection, and on a slow timer, it catches up.
 */
public final class FeedWatcher extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(FeedWatcher.class);
  private static final int PAGE = 500;
  private static final long MAX_BACKOFF_MS = 5_000;

  private final Feed feed;
  private final ArticleStore store;
  private final PgConnectOptions listenOptions;
  private final Config.Feed config;
  private final FeedStatus status;

  private PgSubscriber subscriber;
  private long lastEmitted;
  private boolean pumping;
  private boolean pumpAgain;

  public FeedWatcher(Feed feed, ArticleStore store, PgConnectOptions listenOptions, Config.Feed config, FeedStatus status) {
    this.feed = feed;
    this.store = store;
    this.listenOptions = listenOptions;
    this.config = config;
    this.status = status;
  }

  @Override
  public Future<?> start() {
    return store.head().compose(head -> {
      lastEmitted = head;
      status.head(head);
      subscriber = PgSubscriber.subscriber(vertx, listenOptions)
          .reconnectPolicy(attempt -> Math.min(MAX_BACKOFF_MS, 100L << Math.min(attempt, 6)));
      subscriber.closeHandler(v -> {
        status.listening(false);
        LOG.warn("LISTEN connection to PostgreSQL lost; reconnecting");
      });
      subscriber.channel("newspush_pending").handler(payload -> pump());
      subscriber.channel("newspush_seq")
          .handler(payload -> pump())
          .subscribeHandler(v -> onListening());
      vertx.setPeriodic(config.pollInterval().toMillis(), id -> pump());
      vertx.setPeriodic(60_000, id -> prune());
      return connect();
    });
  }

  @Override
  public Future<?> stop() {
    return subscriber == null ? Future.succeededFuture() : subscriber.close();
  }

  private Future<Void> connect() {
    return subscriber.connect().recover(failure -> {
      LOG.warn("LISTEN connection failed ({}); retrying", failure.getMessage());
      return Future.<Void>future(p -> vertx.setTimer(1_000, id -> p.complete()))
          .compose(v -> connect());
    });
  }

  private void onListening() {
    if (status.listening()) {
      return;
    }
    if (status.head() > 0 || lastEmitted > 0) {
      status.reconnected();
    }
    status.listening(true);
    LOG.info("listening for new articles from seq {}", lastEmitted);
    // Notifications sent while the connection was down are gone: read the table to catch up.
    status.caughtUp(false);
    pump();
  }

  /** Runs the sequencer and emits what it stamped; calls arriving meanwhile fold into one rerun. */
  private void pump() {
    if (pumping) {
      pumpAgain = true;
      return;
    }
    pumping = true;
    pumpAgain = false;
    store.stamp()
        .compose(stamped -> emitAfter())
        .onComplete(done -> {
          pumping = false;
          if (done.failed()) {
            status.caughtUp(false);
            LOG.warn("feed could not read from PostgreSQL: {}", done.cause().getMessage());
          } else {
            status.caughtUp(true);
          }
          if (pumpAgain) {
            pump();
          }
        });
  }

  private Future<Void> emitAfter() {
    return store.after(lastEmitted, PAGE).compose(articles -> {
      emit(articles);
      return articles.size() == PAGE ? emitAfter() : Future.succeededFuture();
    });
  }

  private void emit(List<Article> articles) {
    for (Article article : articles) {
      try {
        feed.emit(EncodedArticle.of(article));
      } catch (InvalidTopicException e) {
        // A row written around the API can carry a topic no pattern can name; it stays readable
        // in history, and must not stall the feed for everyone else.
        LOG.warn("article {} (seq {}) has an invalid topic and is not pushed: {}", article.id(), article.seq(), e.getMessage());
      }
      lastEmitted = article.seq();
    }
    status.head(lastEmitted);
  }

  private void prune() {
    store.prune(config.retention(), config.retentionMinArticles())
        .onSuccess(floor -> {
          if (floor > 0) {
            LOG.info("pruned articles through seq {}", floor);
          }
        })
        .onFailure(failure -> LOG.warn("pruning old articles failed: {}", failure.getMessage()));
  }
}
