package io.newspush.auth;

import io.newspush.topic.Pattern;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What a verified token allows: patterns its holder may subscribe to or publish to, and until when. */
public record Grant(List<Pattern> topics, List<Pattern> publish, Optional<Instant> expiresAt) {
  public Grant {
    topics = List.copyOf(topics);
    publish = List.copyOf(publish);
  }

  /** True when every topic {@code requested} can match is covered by one of {@code granted}. */
  public static boolean covers(List<Pattern> granted, Pattern requested) {
    for (Pattern pattern : granted) {
      if (pattern.covers(requested)) {
        return true;
      }
    }
    return false;
  }
}
