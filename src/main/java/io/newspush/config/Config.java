package io.newspush.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The whole configuration, typed and validated once at start; passed to whatever needs a part. */
public record Config(
    Http http, Database database, Path dataDir, Optional<String> publisherToken,
    Feed feed, Sse sse, WebSocket webSocket, Limits limits, Demo demo) {

  public record Http(String host, int port, int gateways, List<String> corsOrigins) {
    public boolean anyOrigin() {
      return corsOrigins.contains("*");
    }
  }

  /** {@code url} empty means: run an embedded PostgreSQL. */
  public record Database(Optional<String> url, int poolSize) {}

  public record Feed(Duration pollInterval, Duration retention, int retentionMinArticles) {}

  public record Sse(Duration pingInterval, Duration retry) {}

  public record WebSocket(Duration pingInterval, int maxMessageBytes) {}

  public record Limits(
      int patterns, long queueBytes, int queueArticles, int publishBytes,
      int connections, int connectionsPerAddress, int clientMessagesPerSecond, int historyDefault, int historyMax) {}

  public record Demo(boolean enabled, Duration interval) {}

  public Config withDemo(boolean enabled) {
    return new Config(http, database, dataDir, publisherToken, feed, sse, webSocket, limits,
        new Demo(enabled, demo.interval()));
  }

  public Config withDatabaseUrl(String url) {
    return new Config(http, new Database(Optional.of(url), database.poolSize()), dataDir,
        publisherToken, feed, sse, webSocket, limits, demo);
  }

  public Config withHttpPort(int port) {
    return new Config(new Http(http.host(), port, http.gateways(), http.corsOrigins()), database,
        dataDir, publisherToken, feed, sse, webSocket, limits, demo);
  }
}
