package io.newspush.gateway;

import io.newspush.config.Config;
import io.newspush.feed.EncodedArticle;
import io.newspush.feed.Replay;
import io.newspush.topic.Pattern;
import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One subscriber's stream, whatever its transport: the patterns it follows, the last seq it was
 * sent, the hand-over from stored to live articles when it resumes, and its bounded send queue.
 *
 * <p>Every article reaches it at most once and in seq order because nothing is sent unless its
 * seq is above {@link #position}, which only grows.
 */
abstract class Connection {
  private static final int REPLAY_PAGE = 200;

  private final Fanout fanout;
  private final Replay replay;
  private final Config.Limits limits;
  private final Set<Pattern> patterns = new LinkedHashSet<>();
  /** The last seq sent, or where the stream starts; -1 until the first subscription. */
  private long position = -1;
  /** Live articles held back while stored ones are replayed; null when live. */
  private ArrayDeque<EncodedArticle> heldBack;
  private long queuedBytes;
  private int queuedArticles;
  private boolean closed;

  Connection(Fanout fanout, Replay replay, Config.Limits limits) {
    this.fanout = fanout;
    this.replay = replay;
    this.limits = limits;
  }

  abstract Future<Void> writeArticle(EncodedArticle article);

  abstract void writeReset(String reason, long seq);

  abstract boolean writeQueueFull();

  abstract void whenDrained(Runnable action);

  /** The client cannot keep up: end the stream so it reconnects and resumes from its last seq. */
  abstract void closeSlowConsumer();

  /** Resuming failed for a reason of ours (the database is down): end the stream with that reason. */
  abstract void closeUnavailable(String message);

  final Set<Pattern> patterns() {
    return patterns;
  }

  final long position() {
    return position;
  }

  final boolean started() {
    return position >= 0;
  }

  final boolean closed() {
    return closed;
  }

  /** Starts following the patterns: live from the gateway's head, or replaying after {@code since}. */
  final void follow(Collection<Pattern> added, Long since) {
    patterns.addAll(added);
    fanout.subscribe(this, added);
    if (since != null) {
      replayAfter(since);
    } else if (!started()) {
      position = fanout.head();
    }
  }

  final void unfollow(Collection<Pattern> removed) {
    patterns.removeAll(removed);
    fanout.unsubscribe(this, removed);
  }

  final void closed(boolean value) {
    closed = value;
    if (closed) {
      heldBack = null;
      fanout.close(this);
    }
  }

  /** A live article from the feed; may be offered more than once when several patterns match. */
  final void offer(EncodedArticle article) {
    if (closed || !started()) {
      return;
    }
    if (heldBack != null) {
      holdBack(article);
    } else if (article.seq() > position) {
      send(article);
    }
  }

  private void holdBack(EncodedArticle article) {
    EncodedArticle last = heldBack.peekLast();
    if (last != null && last.seq() >= article.seq()) {
      return;
    }
    if (heldBack.size() >= limits.queueArticles()) {
      // Everything dropped here was emitted before the next replay page is read, so that page
      // (taken from the table) still contains it; memory stays bounded during a long replay.
      heldBack.clear();
    }
    heldBack.add(article);
  }

  private void send(EncodedArticle article) {
    int bytes = article.sseEvent().length();
    if (queuedArticles + 1 > limits.queueArticles() || queuedBytes + bytes > limits.queueBytes()) {
      closed(true);
      closeSlowConsumer();
      return;
    }
    position = article.seq();
    queuedArticles++;
    queuedBytes += bytes;
    writeArticle(article).onComplete(written -> {
      queuedArticles--;
      queuedBytes -= bytes;
    });
  }

  private void replayAfter(long since) {
    position = since;
    heldBack = new ArrayDeque<>();
    replay.bounds().onComplete(bounds -> {
      if (closed) {
        return;
      }
      if (bounds.failed()) {
        closed(true);
        closeUnavailable("the article store is unavailable; retry shortly");
        return;
      }
      if (since < bounds.result().floor()) {
        resetTo("expired", fanout.head());
      } else if (since > bounds.result().head()) {
        resetTo("unknown_position", fanout.head());
      } else {
        replayPage();
      }
    });
  }

  private void resetTo(String reason, long head) {
    writeReset(reason, head);
    position = head;
    goLive();
  }

  private void replayPage() {
    replay.page(position, List.copyOf(patterns), REPLAY_PAGE).onComplete(result -> {
      if (closed) {
        return;
      }
      if (result.failed()) {
        closed(true);
        closeUnavailable("the article store is unavailable; resume again shortly");
        return;
      }
      Replay.Page page = result.result();
      for (EncodedArticle article : page.articles()) {
        if (!closed && article.seq() > position) {
          send(article);
        }
      }
      if (closed) {
        return;
      }
      position = Math.max(position, page.through());
      if (page.more()) {
        whenDrained(this::replayPage);
      } else {
        goLive();
      }
    });
  }

  private void goLive() {
    ArrayDeque<EncodedArticle> held = heldBack;
    heldBack = null;
    for (EncodedArticle article : held) {
      if (closed) {
        return;
      }
      if (article.seq() > position) {
        send(article);
      }
    }
  }
}
