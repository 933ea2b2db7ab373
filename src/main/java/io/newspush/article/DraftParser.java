package io.newspush.article;

import io.newspush.topic.InvalidTopicException;
import io.newspush.topic.Topic;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Turns a publisher's JSON into a {@link Draft}, or refuses it with the protocol's error code.
 * Unknown fields are refused rather than ignored, so a misspelt field never disappears silently.
 */
public final class DraftParser {
  private static final Set<String> FIELDS = Set.of(
      "topic", "tags", "title", "subtitle", "author", "summary", "body", "url", "lang", "published_at");
  private static final Pattern RFC_3339 =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})");
  private static final Pattern BCP_47 = Pattern.compile("[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8}){0,8}");
  private static final int MAX_TAGS = 16;
  private static final int MAX_TAG_LENGTH = 64;
  private static final int MAX_TITLE_LENGTH = 512;
  private static final int MAX_URL_LENGTH = 2048;

  private final Supplier<Instant> clock;

  public DraftParser(Supplier<Instant> clock) {
    this.clock = clock;
  }

  public Draft parse(JsonObject json) {
    for (String field : json.fieldNames()) {
      if (field.equals("id") || field.equals("seq")) {
        throw new InvalidArticleException("read_only_field", field + " is assigned by the server; leave it out");
      }
      if (!FIELDS.contains(field)) {
        throw new InvalidArticleException("unknown_field", "unknown field '" + abbreviate(field) + "'");
      }
    }
    String topic = topic(json.getValue("topic"));
    String title = requiredText(json, "title", MAX_TITLE_LENGTH);
    if (title.isBlank()) {
      throw invalid("title", "title must not be blank");
    }
    return new Draft(
        topic,
        textList(json, "tags", MAX_TAGS, MAX_TAG_LENGTH),
        title,
        optionalText(json, "subtitle", Integer.MAX_VALUE),
        optionalText(json, "author", Integer.MAX_VALUE),
        optionalText(json, "summary", Integer.MAX_VALUE),
        textList(json, "body", Integer.MAX_VALUE, Integer.MAX_VALUE),
        optionalText(json, "url", MAX_URL_LENGTH),
        lang(json),
        publishedAt(json));
  }

  private static String topic(Object raw) {
    if (raw == null) {
      throw new InvalidArticleException("invalid_topic", "topic is required");
    }
    if (!(raw instanceof String text)) {
      throw new InvalidArticleException("invalid_topic", "topic must be a string");
    }
    try {
      return Topic.parse(text).path();
    } catch (InvalidTopicException e) {
      throw new InvalidArticleException("invalid_topic", e.getMessage());
    }
  }

  private static String requiredText(JsonObject json, String field, int maxLength) {
    String value = optionalText(json, field, maxLength);
    if (value == null || value.isEmpty()) {
      throw invalid(field, field + " is required");
    }
    return value;
  }

  private static String optionalText(JsonObject json, String field, int maxLength) {
    Object raw = json.getValue(field);
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof String text)) {
      throw invalid(field, field + " must be a string or null");
    }
    return checkedText(field, text, maxLength);
  }

  private static List<String> textList(JsonObject json, String field, int maxItems, int maxLength) {
    Object raw = json.getValue(field);
    if (raw == null) {
      return List.of();
    }
    if (!(raw instanceof JsonArray array)) {
      throw invalid(field, field + " must be an array of strings");
    }
    if (array.size() > maxItems) {
      throw invalid(field, field + " has " + array.size() + " items; at most " + maxItems + " are allowed");
    }
    List<String> items = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof String text)) {
        throw invalid(field, field + "[" + i + "] must be a string");
      }
      if (field.equals("tags") && text.isEmpty()) {
        throw invalid(field, "tags[" + i + "] must not be empty");
      }
      items.add(checkedText(field + "[" + i + "]", text, maxLength));
    }
    return items;
  }

  private static String lang(JsonObject json) {
    Object raw = json.getValue("lang");
    if (raw == null) {
      return "zh-CN";
    }
    if (!(raw instanceof String text) || text.length() > 64 || !BCP_47.matcher(text).matches()) {
      throw invalid("lang", "lang must be a BCP 47 language tag such as zh-CN");
    }
    return text;
  }

  private String publishedAt(JsonObject json) {
    Object raw = json.getValue("published_at");
    if (raw == null) {
      return DateTimeFormatter.ISO_INSTANT.format(clock.get().truncatedTo(ChronoUnit.SECONDS));
    }
    if (raw instanceof String text && text.length() <= 64 && RFC_3339.matcher(text).matches()) {
      try {
        OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        return text;
      } catch (DateTimeParseException e) {
        // falls through to the error below: the shape was right but the date does not exist
      }
    }
    throw invalid("published_at", "published_at must be an RFC 3339 time with an offset, such as 2026-04-16T07:00:00+08:00");
  }

  /** Rejects what PostgreSQL cannot store (NUL) and what is not Unicode (unpaired surrogates). */
  private static String checkedText(String field, String text, int maxLength) {
    int length = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == 0) {
        throw invalid(field, field + " contains a NUL character");
      }
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw invalid(field, field + " contains an unpaired surrogate, which is not Unicode text");
      }
      if (++length > maxLength) {
        throw invalid(field, field + " is longer than " + maxLength + " characters");
      }
    }
    return text;
  }

  private static InvalidArticleException invalid(String field, String message) {
    String base = field.contains("[") ? field.substring(0, field.indexOf('[')) : field;
    return new InvalidArticleException("invalid_" + base, message);
  }

  private static String abbreviate(String text) {
    return text.length() <= 64 ? text : text.substring(0, 64) + "...";
  }
}
