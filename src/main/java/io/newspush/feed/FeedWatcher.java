package io.newspush.feed;

import io.newspush.article.Article;
import io.newspush.config.Config;
import io.newspush.ops.Metrics;
import io.newspush.store.ArticleStore;
import io.newspush.store.StampNotice;
import io.newspush.topic.InvalidTopicException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgNotification;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's single reader of new articles. A notification that carries the very next seq's
 * article is emitted as it is; any other wakes a read of the table by seq, so a lost
 * notification delays an article but never loses it. After every (re)connect of the LISTEN
 * connection, and on a slow timer, it catches up.
 */
public final class FeedWatcher extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(FeedWatcher.class);
  private static final int PAGE = 500;
  /** Channels the schema's triggers and sequencer notify on. */
  private static final String PENDING = "newspush_pending";
  private static final String STAMPED = "newspush_seq";

  private final Feed feed;
  private final ArticleStore store;
  private final PgConnectOptions listenOptions;
  private final Config.Feed config;
  private final FeedStatus status;
  private final Metrics metrics;

  private Listener listener;
  private boolean connectedBefore;
  private long lastEmitted;
  private boolean busy;
  /** Another run is wanted once the current one ends, and whether it must stamp first. */
  private boolean wantRun;
  private boolean wantStamp;

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
      // Starting from the head is being caught up: there is nothing older to emit live.
      status.caughtUp(true);
      listener = new Listener(vertx, listenOptions, List.of(PENDING, STAMPED),
          this::onNotification, this::onListening, this::onListenLost);
      vertx.setPeriodic(config.pollInterval().toMillis(), id -> {
        wake(true);
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
    wake(true);
  }

  private void onListenLost() {
    status.listening(false);
    status.caughtUp(false);
  }

  /**
   * Asks for the table to be read, after the sequencer has run if {@code stamp}. Requests arriving
   * while a run is under way fold into one more run. Stamping is always followed by a read in the
   * same round trip, so a new row is emitted without waiting for the notification of its stamping
   * (which may come from the publisher's own call, or another node's); a notification that rows
   * were stamped only needs reading.
   */
  private void wake(boolean stamp) {
    wantStamp |= stamp;
    wantRun = true;
    if (!busy) {
      run();
    }
  }

  private void run() {
    busy = true;
    boolean stamp = wantStamp;
    wantStamp = false;
    wantRun = false;
    catchUp(stamp).onComplete(done -> {
      busy = false;
      if (done.failed()) {
        status.caughtUp(false);
        LOG.warn("feed could not read from PostgreSQL: {}", done.cause().getMessage());
      } else if (done.result()) {
        status.caughtUp(true);
      }
      if (wantRun) {
        run();
      }
    });
  }

  /** Stamps and reads, or just reads; true once everything stamped so far has been emitted. */
  private Future<Boolean> catchUp(boolean stamp) {
    if (!stamp) {
      return emitAfter().map(true);
    }
    return store.stampAndRead(lastEmitted, PAGE).compose(stamped -> {
      if (stamped.morePending()) {
        wake(true);
      }
      return emitPage(stamped.articles()).map(v -> !stamped.morePending());
    });
  }

  private void onNotification(PgNotification notification) {
    if (notification.getChannel().equals(PENDING)) {
      wake(true);
    } else {
      onStamped(StampNotice.parse(notification.getPayload()));
    }
  }

  /**
   * Emits the article a stamping's notification carries when it is the very next seq: every seq
   * below it has committed (stamping holds one lock until commit), so nothing can be missing; this
   * saves the read's round trip on every node. Anything else is read.
   */
  private void onStamped(StampNotice notice) {
    if (notice.highestSeq() <= lastEmitted) {
      return;
    }
    if (notice.article().isPresent() && notice.highestSeq() == lastEmitted + 1) {
      // Counted first: the gateways may have delivered the article before emit returns.
      metrics.feedFromNotification();
      emit(List.of(notice.article().get()));
    } else {
      wake(false);
    }
  }

  private Future<Void> emitAfter() {
    return store.after(lastEmitted, PAGE).compose(this::emitPage);
  }

  private Future<Void> emitPage(List<Article> articles) {
    emit(articles);
    return articles.size() == PAGE ? emitAfter() : Future.succeededFuture();
  }

  private void emit(List<Article> articles) {
    for (Article article : articles) {
      // A read under way when a notification's article was emitted returns that article too.
      if (article.seq() <= lastEmitted) {
        continue;
      }
      try {
        EncodedArticle encoded = EncodedArticle.of(article);
        // Counted before the gateways see it, so a client that has it never reads a count without it.
        metrics.feedEmitted();
        feed.emit(encoded);
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
