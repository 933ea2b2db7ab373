package io.newspush.gateway;

import io.vertx.core.http.HttpServerRequest;

/**
 * A subscriber's token: from {@code Authorization: Bearer}, or from the {@code access_token} query
 * parameter because browsers' EventSource and WebSocket cannot set headers.
 */
final class BearerToken {
  private BearerToken() {}

  static String of(HttpServerRequest request) {
    String header = request.getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return header.substring(7).strip();
    }
    return request.getParam("access_token");
  }
}
