package io.newspush.gateway;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** The protocol's error body, {@code {"error":"CODE","message":"..."}}; never a stack trace. */
final class ErrorReply {
  private ErrorReply() {}

  static JsonObject body(String code, String message) {
    return new JsonObject().put("error", code).put("message", message);
  }

  static Future<Void> send(HttpServerResponse response, int status, String code, String message) {
    if (response.headWritten()) {
      response.reset();
      return Future.succeededFuture();
    }
    return response.setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(body(code, message).toBuffer());
  }
}
