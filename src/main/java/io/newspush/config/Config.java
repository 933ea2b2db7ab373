package io.newspush.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The whole configuration, typed and validated once at start; passed to whatever needs a part. */
public record Config(
    Http http, Database database, Path dataDir, List<String> publisherTokens, Auth auth,
    Feed feed, Sse sse, WebSocket webSocket, Limits limits, Demo demo) {

  /** {@code tlsCert} and {@code tlsKey} are both present or both absent. */
  public record Http(String host, int port, int gateways, List<String> corsOrigins,
                     Optional<Path> tlsCert, Optional<Path> tlsKey) {
    public boolean anyOrigin() {
      return corsOrigins.contains("*");
    }
  }

  /** JWT verification for subscribers (and publishers that use a JWT instead of a static token). */
  public record Auth(
      boolean subscribers, List<String> publicTopics, Optional<String> jwtSecret, List<Path> jwtPublicKeys,
      Optional<Path> jwksFile, Optional<String> issuer, Optional<String> audience, int clockSkewSeconds) {
    public boolean jwtConfigured() {
      return jwtSecret.isPresent() || !jwtPublicKeys.isEmpty() || jwksFile.isPresent();
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

  /** The demo is meant to be opened from anywhere, so it allows any origin unless told otherwise. */
  public Config withDemo() {
    Http demoHttp = http.corsOrigins().isEmpty()
        ? new Http(http.host(), http.port(), http.gateways(), List.of("*"), http.tlsCert(), http.tlsKey())
        : http;
    return new Config(demoHttp, database, dataDir, publisherTokens, auth, feed, sse, webSocket, limits,
        new Demo(true, demo.interval()));
  }
}
