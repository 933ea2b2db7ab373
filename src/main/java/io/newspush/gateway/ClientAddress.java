package io.newspush.gateway;

import io.vertx.core.http.HttpServerRequest;

/** The peer address a per-address limit counts; behind a proxy, leave those limits off. */
final class ClientAddress {
  private ClientAddress() {}

  static String of(HttpServerRequest request) {
    return request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
  }
}
