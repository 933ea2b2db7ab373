package io.newspush.config;

import io.vertx.core.VertxOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the {@link Config}: the defaults documented in {@code conf/newspush.json} (bundled in the
 * jar), then an optional config file, then {@code NEWSPUSH_*} environment variables.
 */
public final class ConfigLoader {
  private static final String DEFAULTS = "/conf/newspush.json";

  private ConfigLoader() {}

  public static Config load(Optional<Path> file, Map<String, String> environment) {
    Map<String, Object> merged = defaults();
    file.ifPresent(path -> merged.putAll(known(readFile(path), merged, "in " + path)));
    for (String key : merged.keySet()) {
      String override = environment.get(Settings.environmentName(key));
      if (override != null) {
        merged.put(key, override);
      }
    }
    return build(new Settings(merged));
  }

  /** Every setting with its default, in the documented order. */
  public static Map<String, Object> defaults() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULTS + " is missing from the classpath");
      }
      JsonObject json = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      Map<String, Object> values = new LinkedHashMap<>();
      json.forEach(e -> {
        if (!e.getKey().startsWith("_")) {
          values.put(e.getKey(), e.getValue());
        }
      });
      return values;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonObject readFile(Path path) {
    try {
      return new JsonObject(Files.readString(path));
    } catch (IOException e) {
      throw new ConfigException("config file " + path + " cannot be read: " + e.getMessage());
    } catch (DecodeException e) {
      throw new ConfigException("config file " + path + " is not a JSON object: " + e.getMessage());
    }
  }

  private static Map<String, Object> known(JsonObject json, Map<String, Object> defaults, String where) {
    Map<String, Object> values = new LinkedHashMap<>();
    json.forEach(e -> {
      if (e.getKey().startsWith("_")) {
        return;
      }
      if (!defaults.containsKey(e.getKey())) {
        throw new ConfigException("unknown setting " + e.getKey() + " " + where);
      }
      values.put(e.getKey(), e.getValue());
    });
    return values;
  }

  private static Config build(Settings s) {
    // One gateway per event loop, as Vert.x sizes them: two per core. An article's fan-out is then
    // cut into smaller shares than one per core, and the scheduler spreads their ends over both
    // cores instead of leaving one idle while the other finishes (docs/performance.md, point 20).
    int eventLoops = VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
    int gateways = s.integer("http.gateways", 0, 1024);
    String dbUrl = s.string("db.url");
    if (dbUrl != null && !dbUrl.isBlank()
        && !(dbUrl.startsWith("postgresql://") || dbUrl.startsWith("postgres://"))) {
      throw new ConfigException("setting db.url must start with postgresql://, got a value that does not");
    }
    List<String> tokens = list(s.string("publisher.token"));
    if (tokens.stream().anyMatch(t -> t.length() < 16)) {
      throw new ConfigException("setting publisher.token: each token must be at least 16 characters");
    }
    Optional<Path> tlsCert = path(s, "http.tls_cert");
    Optional<Path> tlsKey = path(s, "http.tls_key");
    if (tlsCert.isPresent() != tlsKey.isPresent()) {
      throw new ConfigException("setting http.tls_cert and http.tls_key must be given together");
    }
    Optional<String> secret = optional(s, "auth.jwt_secret");
    if (secret.isPresent() && secret.get().length() < 32) {
      throw new ConfigException("setting auth.jwt_secret must be at least 32 characters");
    }
    List<Path> publicKeys = list(s.string("auth.jwt_public_keys")).stream().map(Path::of).toList();
    Optional<Path> jwks = path(s, "auth.jwks_file");
    boolean subscriberAuth = s.bool("auth.subscribers");
    if (subscriberAuth && secret.isEmpty() && publicKeys.isEmpty() && jwks.isEmpty()) {
      throw new ConfigException("setting auth.subscribers is on but no key is configured: set auth.jwt_secret, auth.jwt_public_keys or auth.jwks_file");
    }
    List<String> publicTopics = list(s.string("auth.public_topics"));
    for (String pattern : publicTopics) {
      try {
        io.newspush.topic.Pattern.parse(pattern);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("setting auth.public_topics: " + e.getMessage());
      }
    }
    int historyMax = s.integer("limits.history_max", 1, 10_000);
    return new Config(
        new Config.Http(
            s.nonBlank("http.host"),
            s.integer("http.port", 0, 65535),
            gateways == 0 ? eventLoops : gateways,
            list(s.string("http.cors_origins")),
            tlsCert,
            tlsKey),
        new Config.Database(
            dbUrl == null || dbUrl.isBlank() ? Optional.empty() : Optional.of(dbUrl.trim()),
            s.integer("db.pool_size", 1, 256)),
        Path.of(s.nonBlank("data.dir")),
        tokens,
        new Config.Auth(
            subscriberAuth,
            publicTopics,
            secret,
            publicKeys,
            jwks,
            optional(s, "auth.jwt_issuer"),
            optional(s, "auth.jwt_audience"),
            s.integer("auth.clock_skew_seconds", 0, 3600)),
        new Config.Feed(
            Duration.ofMillis(s.longValue("feed.poll_ms", 50, 3_600_000)),
            Duration.ofHours(s.longValue("feed.retention_hours", 1, 24 * 365)),
            s.integer("feed.retention_min_articles", 0, Integer.MAX_VALUE)),
        new Config.Sse(
            Duration.ofSeconds(s.longValue("sse.ping_seconds", 1, 3600)),
            Duration.ofMillis(s.longValue("sse.retry_ms", 0, 3_600_000))),
        new Config.WebSocket(
            Duration.ofSeconds(s.longValue("ws.ping_seconds", 1, 3600)),
            s.integer("ws.max_message_bytes", 256, 16 * 1024 * 1024)),
        new Config.Limits(
            s.integer("limits.patterns", 1, 10_000),
            s.longValue("limits.queue_bytes", 1024, 1L << 34),
            s.integer("limits.queue_articles", 1, 1_000_000),
            s.integer("limits.publish_bytes", 1024, 64 * 1024 * 1024),
            s.integer("limits.connections", 0, Integer.MAX_VALUE),
            s.integer("limits.connections_per_address", 0, Integer.MAX_VALUE),
            s.integer("limits.client_messages_per_second", 1, 100_000),
            Math.min(s.integer("limits.history_default", 1, 10_000), historyMax),
            historyMax),
        new Config.Demo(
            s.bool("demo.enabled"),
            Duration.ofMillis(s.longValue("demo.interval_ms", 10, 3_600_000))));
  }

  private static List<String> list(String csv) {
    return csv == null ? List.of() : Arrays.stream(csv.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
  }

  private static Optional<String> optional(Settings s, String key) {
    String value = s.string(key);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  private static Optional<Path> path(Settings s, String key) {
    return optional(s, key).map(Path::of);
  }
}
