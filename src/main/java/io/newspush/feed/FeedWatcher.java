package io.newspush.feed;

import io.newspush.article.Article;
import io.newspush.config.Config;
import io.newspush.ops.Metrics;
import io.newspush.store.ArticleStore;
import io.newspush.topic.InvalidTopicException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgConnectOptions;
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

  private final Feed feed;
  private final ArticleStore store;
  private final PgConnectOptions listenOptions;
  private final Config.Feed config;
  private final FeedStatus status;
  private final Metrics metrics;

  private Listener listener;
  private boolean connectedBefore;
  private long lastEmitted;
  private boolean pumping;
  private boolean pumpAgain;

  public FeedWatcher(Feed feed, ArticleStore store, PgConnectOptions listenOptions, Config.Feed config,
                     FeedStatus status, Metrics metrics) {
    this.metrics = metrics;
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
      listener = new Listener(vertx, listenOptions, List.of("newspush_pending", "newspush_seq"),
          this::pump, this::onListening, this::onListenLost);
      vertx.setPeriodic(config.pollInterval().toMillis(), id -> {
        pump();
        store.head().onSuccess(status::databaseHead);
      });
      vertx.setPeriodic(60_000, id -> prune());
      return listener.start();
    });
  }

  @Override
  public Future<?> stop() {
    return listener == null ? Future.succeededFuture() : listener.stop();
  }

  private void onListening() {
    if (connectedBefore) {
      status.reconnected();
    }
    connectedBefore = true;
    status.listening(true);
    LOG.info("listening for new articles after seq {}", lastEmitted);
    // Notifications sent while the connection was down are gone: read the table to catch up.
    pump();
  }

  private void onListenLost() {
    status.listening(false);
    status.caughtUp(false);
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
        metrics.feedEmitted();
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
