package io.newspush.gateway;

import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Locale;

/**
 * The WebSocket Origin check (browsers do not apply CORS to WebSockets): same-origin pages and
 * clients that send no Origin (apps, servers) are always allowed, other pages only if listed.
 */
final class Origins {
  private final List<String> allowed;
  private final boolean any;

  Origins(List<String> allowed) {
    this.allowed = allowed.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList();
    this.any = allowed.contains("*");
  }

  boolean allows(HttpServerRequest request) {
    String origin = request.getHeader("Origin");
    if (origin == null || any) {
      return true;
    }
    String normalised = origin.toLowerCase(Locale.ROOT);
    if (allowed.contains(normalised)) {
      return true;
    }
    String host = request.getHeader("Host");
    return host != null && (normalised.equals("http://" + host.toLowerCase(Locale.ROOT))
        || normalised.equals("https://" + host.toLowerCase(Locale.ROOT)));
  }
}
