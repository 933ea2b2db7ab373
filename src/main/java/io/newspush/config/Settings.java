package io.newspush.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Raw settings by dotted key ({@code http.port}), merged from defaults, the config file and the
 * environment, with typed readers that reject bad values by naming the setting.
 */
public final class Settings {
  private final Map<String, Object> values;

  Settings(Map<String, Object> values) {
    this.values = Map.copyOf(values);
  }

  /** The environment variable that overrides a key: {@code http.port} -> {@code NEWSPUSH_HTTP_PORT}. */
  public static String environmentName(String key) {
    return "NEWSPUSH_" + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_');
  }

  public String string(String key) {
    Object value = require(key);
    return value == null ? null : value.toString();
  }

  public String nonBlank(String key) {
    String value = string(key);
    if (value == null || value.isBlank()) {
      throw new ConfigException("setting " + key + " must not be empty");
    }
    return value;
  }

  public int integer(String key, int min, int max) {
    long value = longValue(key, min, max);
    return (int) value;
  }

  public long longValue(String key, long min, long max) {
    Object raw = require(key);
    long value;
    if (raw instanceof Number number && number.doubleValue() == number.longValue()) {
      value = number.longValue();
    } else {
      try {
        value = Long.parseLong(Objects.toString(raw).trim());
      } catch (NumberFormatException e) {
        throw new ConfigException("setting " + key + " must be a whole number, got '" + raw + "'");
      }
    }
    if (value < min || value > max) {
      throw new ConfigException("setting " + key + " must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  public boolean bool(String key) {
    Object raw = require(key);
    if (raw instanceof Boolean b) {
      return b;
    }
    return switch (Objects.toString(raw).trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "1", "on" -> true;
      case "false", "no", "0", "off" -> false;
      default -> throw new ConfigException("setting " + key + " must be true or false, got '" + raw + "'");
    };
  }

  public Map<String, Object> asMap() {
    return new LinkedHashMap<>(values);
  }

  private Object require(String key) {
    if (!values.containsKey(key)) {
      throw new IllegalStateException("no such setting: " + key);
    }
    return values.get(key);
  }
}
