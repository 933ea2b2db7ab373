package io.newspush.ops;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line on the logger {@code newspush.access} per HTTP request, written when the response has
 * ended; for SSE streams and WebSockets, when the socket closes.
 * Each line gives method, path with query, status, transport, duration, bytes written and the
 * client address. Headers are never logged (so neither is an {@code Authorization} token), and
 * token parameters in the query are replaced by {@code ***}.
 *
 * <p>Install it as the router's first handler, so it sees every request.
 */
public final class AccessLog {
  private static final Logger LOG = LoggerFactory.getLogger("newspush.access");
  /** Query parameters that carry credentials: browsers' EventSource and WebSocket cannot send headers. */
  private static final Set<String> SECRET_PARAMETERS = Set.of("access_token", "token");
  private static final String EXCHANGE = "newspush.access";
  private static final StreamEnd NOT_LOGGED = (status, transport, bytes) -> {};

  /** Logs a stream whose socket the gateway took over from Vert.x, when the socket closes. */
  @FunctionalInterface
  public interface StreamEnd {
    void ended(int status, String transport, long bytesWritten);
  }

  public void handle(RoutingContext ctx) {
    // With the access log turned off (a level above INFO) requests are not followed at all.
    if (LOG.isInfoEnabled()) {
      Exchange exchange = new Exchange(ctx.request());
      ctx.put(EXCHANGE, exchange);
      HttpServerResponse response = ctx.response();
      // Fires when the response ends, and also when the client leaves in the middle of one. It
      // never fires for a stream the gateway took over (an SSE stream, an upgraded WebSocket):
      // those are logged through streamEnd.
      ctx.addEndHandler(done -> {
        String type = response.headers().get("Content-Type");
        boolean sse = type != null && type.startsWith("text/event-stream");
        // 0: the client left before any status was sent.
        exchange.log(response.headWritten() ? response.getStatusCode() : 0, sse ? "sse" : "http", response.bytesWritten());
      });
    }
    ctx.next();
  }

  /** How to log the end of the stream this request became; does nothing when the access log is off. */
  public static StreamEnd streamEnd(RoutingContext ctx) {
    Exchange exchange = ctx.get(EXCHANGE);
    return exchange == null ? NOT_LOGGED : exchange::log;
  }

  /** The request target with the value of every token parameter replaced by {@code ***}. */
  static String redact(String uri) {
    int query = uri.indexOf('?');
    if (query < 0) {
      return uri;
    }
    StringBuilder redacted = new StringBuilder(uri.length()).append(uri, 0, query + 1);
    int start = query + 1;
    while (start <= uri.length()) {
      // Netty's query decoder splits on ';' as well as '&', so a token can hide behind either.
      int end = start;
      while (end < uri.length() && uri.charAt(end) != '&' && uri.charAt(end) != ';') {
        end++;
      }
      String parameter = uri.substring(start, end);
      int equals = parameter.indexOf('=');
      if (equals >= 0 && isSecret(parameter.substring(0, equals))) {
        redacted.append(parameter, 0, equals + 1).append("***");
      } else {
        redacted.append(parameter);
      }
      if (end < uri.length()) {
        redacted.append(uri.charAt(end));
      }
      start = end + 1;
    }
    return redacted.toString();
  }

  private static boolean isSecret(String name) {
    String decoded;
    try {
      decoded = URLDecoder.decode(name, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      decoded = name;
    }
    return SECRET_PARAMETERS.contains(decoded.toLowerCase(Locale.ROOT));
  }

  /**
   * One request, logged exactly once: by whichever of its end signals comes first. It keeps only
   * what the line needs, not the request, which a long-lived stream would otherwise keep alive.
   */
  private static final class Exchange {
    private final String method;
    private final String path;
    private final String client;
    private final long startedNanos = System.nanoTime();
    private final AtomicBoolean logged = new AtomicBoolean();

    Exchange(HttpServerRequest request) {
      this.method = request.method().name();
      this.path = redact(request.uri());
      this.client = request.remoteAddress() == null ? "-" : request.remoteAddress().hostAddress();
    }

    void log(int status, String transport, long bytes) {
      if (!logged.compareAndSet(false, true)) {
        return;
      }
      long millis = (System.nanoTime() - startedNanos) / 1_000_000;
      LOG.atInfo()
          .addKeyValue("method", method)
          .addKeyValue("path", path)
          .addKeyValue("status", status)
          .addKeyValue("transport", transport)
          .addKeyValue("duration_ms", millis)
          .addKeyValue("bytes", bytes)
          .addKeyValue("client", client)
          .log("{} {} {} {} {}ms {}B {}", method, path, status, transport, millis, bytes, client);
    }
  }
}
