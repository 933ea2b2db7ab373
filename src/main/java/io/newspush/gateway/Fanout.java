package io.newspush.gateway;

import io.newspush.feed.EncodedArticle;
import io.newspush.ops.Metrics;
import io.newspush.topic.Pattern;
import io.newspush.topic.TopicIndex;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One gateway's subscribers and their pattern index. Owned by that gateway's event loop alone, so
 * nothing here is locked.
 */
final class Fanout {
  private static final Metrics.Transport[] TRANSPORTS = Metrics.Transport.values();
  /**
   * A long fan-out offers its core to other runnable threads after this many deliveries. The
   * kernel would otherwise let it run to its next scheduler tick (4 ms on a 250 Hz kernel) while
   * threads it has just woken wait: clients on the same machine, the database, the event loop
   * that answers the next publish. With gateways fanning out on both cores, the first
   * deliveries then waited a tick in a fifth to a third of the benchmark's articles, in 1-6 %
   * with this (docs/performance.md, "The scheduler's tick at the start of a fan-out"). When
   * nothing else is runnable, a yield returns at once.
   */
  private static final int YIELD_EVERY = 64;
  private final Metrics metrics;
  private final TopicIndex<Connection> index = new TopicIndex<>();
  private final Set<Connection> connections = new HashSet<>();
  /** Reused for every article: this gateway's event loop is its only user. */
  private final List<Connection> targets = new ArrayList<>();
  private long head;

  Fanout(long head, Metrics metrics) {
    this.head = head;
    this.metrics = metrics;
  }

  /** The last seq this gateway has seen from the feed: where a new live subscriber starts. */
  long head() {
    return head;
  }

  void deliver(EncodedArticle article) {
    head = Math.max(head, article.seq());
    // Collect first: offering may close a slow consumer, which takes it out of the index.
    index.forEachMatch(article.topic(), targets::add);
    int[] sent = new int[TRANSPORTS.length];
    try {
      int offered = 0;
      for (Connection connection : targets) {
        if (++offered % YIELD_EVERY == 0) {
          Thread.yield();
        }
        if (connection.offer(article)) {
          sent[connection.transport().ordinal()]++;
        }
      }
    } finally {
      targets.clear();
    }
    // Counted and timed once per article rather than per delivery: the metrics cost as much as
    // the rest of a delivery's Java side did.
    int total = 0;
    for (Metrics.Transport transport : TRANSPORTS) {
      metrics.delivered(transport, sent[transport.ordinal()]);
      total += sent[transport.ordinal()];
    }
    if (total > 0) {
      metrics.fannedOut(article.visibleAtNanos());
    }
  }

  void open(Connection connection) {
    connections.add(connection);
  }

  void subscribe(Connection connection, Collection<Pattern> patterns) {
    for (Pattern pattern : patterns) {
      index.add(pattern, connection);
    }
  }

  void unsubscribe(Connection connection, Collection<Pattern> patterns) {
    for (Pattern pattern : patterns) {
      index.remove(pattern, connection);
    }
  }

  void close(Connection connection) {
    if (connections.remove(connection)) {
      unsubscribe(connection, connection.patterns());
    }
  }

  /** A copy: what is done to each connection may close it, which takes it out of the set. */
  List<Connection> connections() {
    return new ArrayList<>(connections);
  }

  /** The connections as they are, not a copy: to be walked at once, without closing any meanwhile. */
  Collection<Connection> connectionsNow() {
    return Collections.unmodifiableSet(connections);
  }
}
