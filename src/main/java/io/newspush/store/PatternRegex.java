package io.newspush.store;

import io.newspush.topic.Pattern;
import java.util.List;

/**
 * A topic pattern as a PostgreSQL regular expression, so history reads filter in the database
 * instead of shipping every article to the server.
 */
final class PatternRegex {
  private PatternRegex() {}

  static String of(Pattern pattern) {
    List<String> segments = pattern.segments();
    StringBuilder regex = new StringBuilder("^");
    for (int i = 0; i < segments.size(); i++) {
      String segment = segments.get(i);
      if (segment.equals("**")) {
        regex.append(i == 0 ? ".+" : "(/.*)?");
      } else {
        if (i > 0) {
          regex.append('/');
        }
        regex.append(segment.equals("*") ? "[^/]+" : literal(segment));
      }
    }
    return regex.append('$').toString();
  }

  /** Segments hold only letters, digits, '-', '_' and '.', so only '.' needs escaping. */
  private static String literal(String segment) {
    return segment.replace(".", "\\.");
  }
}
