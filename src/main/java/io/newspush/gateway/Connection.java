package io.newspush.gateway;

import io.newspush.config.Config;
import io.newspush.feed.EncodedArticle;
import io.newspush.feed.Replay;
import io.newspush.ops.Metrics;
import io.newspush.topic.Pattern;
import io.netty.buffer.ByteBuf;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One subscriber's stream, whatever its transport: the patterns it follows, the last seq it was
 * sent, the hand-over from stored to live articles when it resumes, and its bounded send queue.
 *
 * <p>Every article reaches it at most once and in seq order because nothing is sent unless its
 * seq is above {@link #position}, which only grows.
 *
 * <p>Its send queue is the socket's own outbound buffer: a client that lets it grow past the
 * limits is cut off, and resumes from the last seq it received.
 */
abstract class Connection {
  private static final int REPLAY_PAGE = 200;

  private final Fanout fanout;
  private final Replay replay;
  private final Config.Limits limits;
  private final Metrics metrics;
  private final Metrics.Transport transport;
  private final ConnectionLimiter limiter;
  private final String address;
  private final StreamSocket socket;
  private final Set<Pattern> patterns = new LinkedHashSet<>();
  /** The last seq sent, or where the stream starts; -1 until the first subscription. */
  private long position = -1;
  /** Live articles held back while stored ones are replayed; null when live. */
  private ArrayDeque<EncodedArticle> heldBack;
  /** Counts the times held-back articles were dropped; a replay page read before a drop is not the last. */
  private int heldBackDrops;
  private final Vertx vertx;
  private long expiryTimer = -1;
  private boolean closed;

  /** Call only after {@code address} has a slot in the context's limiter; closing releases it. */
  Connection(GatewayContext context, Metrics.Transport transport, String address, StreamSocket socket) {
    this.socket = socket;
    this.vertx = context.vertx();
    this.fanout = context.fanout();
    this.replay = context.replay();
    this.limits = context.config().limits();
    this.metrics = context.metrics();
    this.limiter = context.limiter();
    this.transport = transport;
    this.address = address;
    fanout.open(this);
    metrics.connectionOpened(transport);
  }

  /** The article as this transport sends it, shared by every connection it goes to. */
  abstract ByteBuf wire(EncodedArticle article);

  abstract void writeReset(String reason, long seq);

  /** The client cannot keep up: end the stream so it reconnects and resumes from its last seq. */
  abstract void closeSlowConsumer();

  /** The subscriber's token expired and was not replaced: end the stream. */
  abstract void closeExpired();

  /** Resuming failed for a reason of ours (the database is down): end the stream with that reason. */
  abstract void closeUnavailable(String message);

  final String address() {
    return address;
  }

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
    metrics.patternsSubscribed(added.size());
    if (since != null) {
      replayAfter(since);
    } else if (!started()) {
      position = fanout.head();
    }
  }

  final void unfollow(Collection<Pattern> removed) {
    for (Pattern pattern : removed) {
      if (patterns.remove(pattern)) {
        fanout.unsubscribe(this, List.of(pattern));
        metrics.patternsSubscribed(-1);
      }
    }
  }

  /** Forgets the connection everywhere; safe to call again when the socket's close event follows. */
  final void release() {
    if (closed) {
      return;
    }
    closed = true;
    heldBack = null;
    vertx.cancelTimer(expiryTimer);
    metrics.patternsSubscribed(-patterns.size());
    fanout.close(this);
    limiter.release(address);
    metrics.connectionClosed(transport);
  }

  /** Ends the connection when its token expires, unless this is called again with a later time. */
  final void expireAt(Optional<Instant> expiresAt) {
    vertx.cancelTimer(expiryTimer);
    expiryTimer = -1;
    expiresAt.ifPresent(at -> expiryTimer = vertx.setTimer(Math.max(1, Duration.between(Instant.now(), at).toMillis()), id -> {
      if (!closed) {
        release();
        closeExpired();
      }
    }));
  }

  final Metrics.Transport transport() {
    return transport;
  }

  /**
   * A live article from the feed; may be offered more than once when several patterns match.
   * Returns whether it was written now (not held back, not already sent, not cut off).
   */
  final boolean offer(EncodedArticle article) {
    if (closed || !started()) {
      return false;
    }
    if (heldBack != null) {
      holdBack(article);
      return false;
    }
    return article.seq() > position && send(article);
  }

  private void holdBack(EncodedArticle article) {
    EncodedArticle last = heldBack.peekLast();
    if (last != null && last.seq() >= article.seq()) {
      return;
    }
    if (heldBack.size() >= limits.queueArticles()) {
      // Everything dropped here is already in the table, so a replay page read after this
      // moment contains it; replayPage reads one more if the drop came after its query.
      heldBack.clear();
      heldBackDrops++;
    }
    heldBack.add(article);
  }

  private boolean send(EncodedArticle article) {
    if (!socket.offer(wire(article), limits.queueArticles(), limits.queueBytes())) {
      release();
      metrics.slowConsumerClosed(transport);
      closeSlowConsumer();
      return false;
    }
    position = article.seq();
    return true;
  }

  /** Sends stored or held-back articles in order, counting them as deliveries. */
  private void sendInOrder(Iterable<EncodedArticle> articles) {
    int sent = 0;
    for (EncodedArticle article : articles) {
      if (closed) {
        break;
      }
      if (article.seq() > position && send(article)) {
        sent++;
      }
    }
    metrics.delivered(transport, sent);
  }

  private void replayAfter(long since) {
    position = since;
    heldBack = new ArrayDeque<>();
    replay.bounds().onComplete(bounds -> {
      if (closed) {
        return;
      }
      if (bounds.failed()) {
        release();
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
    int dropsBefore = heldBackDrops;
    replay.page(position, List.copyOf(patterns), REPLAY_PAGE).onComplete(result -> {
      if (closed) {
        return;
      }
      if (result.failed()) {
        release();
        closeUnavailable("the article store is unavailable; resume again shortly");
        return;
      }
      Replay.Page page = result.result();
      sendInOrder(page.articles());
      if (closed) {
        return;
      }
      position = Math.max(position, page.through());
      if (page.more() || heldBackDrops != dropsBefore) {
        socket.whenWritable(this::replayPage);
      } else {
        goLive();
      }
    });
  }

  private void goLive() {
    ArrayDeque<EncodedArticle> held = heldBack;
    heldBack = null;
    sendInOrder(held);
  }
}
