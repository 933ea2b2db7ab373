package io.newspush.gateway;

import io.newspush.feed.EncodedArticle;
import io.newspush.topic.Pattern;
import io.newspush.topic.TopicIndex;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One gateway's subscribers and their pattern index. Owned by that gateway's event loop alone, so
 * nothing here is locked.
 */
final class Fanout {
  private final TopicIndex<Connection> index = new TopicIndex<>();
  private final Set<Connection> connections = new HashSet<>();
  private long head;

  Fanout(long head) {
    this.head = head;
  }

  /** The last seq this gateway has seen from the feed: where a new live subscriber starts. */
  long head() {
    return head;
  }

  void deliver(EncodedArticle article) {
    head = Math.max(head, article.seq());
    index.forEachMatch(article.topic(), connection -> connection.offer(article));
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

  int size() {
    return connections.size();
  }

  List<Connection> connections() {
    return new ArrayList<>(connections);
  }
}
