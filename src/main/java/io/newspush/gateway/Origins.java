package io.newspush.gateway;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import java.net.URI;
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
    return sameOrigin(request);
  }

  /** The page was served by this very host and port (what the browser sent as Host). */
  static boolean sameOrigin(HttpServerRequest request) {
    String origin = request.getHeader("Origin");
    HostAndPort authority = request.authority();
    if (origin == null || authority == null) {
      return false;
    }
    try {
      URI uri = URI.create(origin);
      int defaultPort = "https".equals(uri.getScheme()) ? 443 : 80;
      int originPort = uri.getPort() < 0 ? defaultPort : uri.getPort();
      int hostPort = authority.port() < 0 ? defaultPort : authority.port();
      return authority.host().equalsIgnoreCase(uri.getHost()) && originPort == hostPort;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
