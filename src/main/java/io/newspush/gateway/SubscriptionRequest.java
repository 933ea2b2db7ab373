package io.newspush.gateway;

import io.newspush.topic.InvalidTopicException;
import io.newspush.topic.Pattern;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/** Parses the patterns and resume position a subscriber asks for, the same for every transport. */
final class SubscriptionRequest {
  private SubscriptionRequest() {}

  /** Splits a comma-separated {@code topics} query value; counts before parsing, so huge lists cost little. */
  static List<Pattern> patternsFromQuery(String csv, int max) {
    if (csv == null || csv.isBlank()) {
      throw new BadRequest(400, "missing_topics", "name at least one topic pattern in topics=, e.g. topics=economy/**");
    }
    int commas = 0;
    for (int i = 0; i < csv.length(); i++) {
      if (csv.charAt(i) == ',') {
        commas++;
      }
    }
    if (commas + 1 > max) {
      throw tooMany(commas + 1, max);
    }
    return patterns(List.of(csv.split(",", -1)), max);
  }

  static List<Pattern> patterns(List<String> raw, int max) {
    if (raw.isEmpty()) {
      throw new BadRequest(400, "missing_topics", "name at least one topic pattern");
    }
    if (raw.size() > max) {
      throw tooMany(raw.size(), max);
    }
    Set<Pattern> patterns = new LinkedHashSet<>();
    for (String text : raw) {
      try {
        patterns.add(Pattern.parse(text.strip()));
      } catch (InvalidTopicException e) {
        throw new BadRequest(400, "invalid_pattern", e.getMessage());
      }
    }
    return new ArrayList<>(patterns);
  }

  static BadRequest tooMany(int asked, int max) {
    return new BadRequest(400, "too_many_patterns", asked + " patterns asked for; at most " + max + " are allowed");
  }

  static OptionalLong since(String raw) {
    if (raw == null || raw.isEmpty()) {
      return OptionalLong.empty();
    }
    if (raw.length() > 19 || !raw.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw invalidSince();
    }
    try {
      return OptionalLong.of(Long.parseLong(raw));
    } catch (NumberFormatException e) {
      throw invalidSince();
    }
  }

  static BadRequest invalidSince() {
    return new BadRequest(400, "invalid_since", "since must be a seq: a whole number from 0 to 9223372036854775807");
  }
}
