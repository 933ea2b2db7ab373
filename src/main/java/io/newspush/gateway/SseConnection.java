package io.newspush.gateway;

import io.newspush.config.Config;
import io.newspush.feed.EncodedArticle;
import io.newspush.ops.Metrics;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** A Server-Sent Events stream: one response that is never ended until the client leaves. */
final class SseConnection extends Connection {
  private static final Buffer PING = Buffer.buffer(": ping\n\n");

  private final HttpServerRequest request;
  private final HttpServerResponse response;

  SseConnection(HttpServerRequest request, GatewayContext context, String address) {
    super(context, Metrics.Transport.SSE, address, request.response());
    this.request = request;
    this.response = request.response();
  }

  void start(Config.Sse config) {
    response.setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    response.write(Buffer.buffer("retry: " + config.retry().toMillis() + "\n: newspush\n\n"));
  }

  /**
   * Tells a live (not resuming) client where its stream starts: an event with only an id sets
   * EventSource's Last-Event-ID without firing a message, so a reconnect before the first
   * matching article still resumes without a gap.
   */
  void announceStart() {
    response.write(Buffer.buffer("id: " + position() + "\n\n"));
  }

  @Override
  Future<Void> writeArticle(EncodedArticle article) {
    return response.write(article.sseEvent());
  }

  @Override
  void writeReset(String reason, long seq) {
    JsonObject data = new JsonObject().put("reason", reason).put("seq", seq);
    // The id line moves the browser's Last-Event-ID to the new position, so a later
    // reconnect resumes from there instead of asking again for what is gone.
    response.write(Buffer.buffer("id: " + seq + "\nevent: reset\ndata: ").appendBuffer(data.toBuffer()).appendString("\n\n"));
  }

  void ping() {
    if (!closed()) {
      response.write(PING);
    }
  }

  @Override
  void closeSlowConsumer() {
    request.connection().close();
  }

  @Override
  void closeExpired() {
    response.end(Buffer.buffer("event: closing\ndata: ").appendBuffer(ErrorReply.body("token_expired", "the token expired; reconnect with a fresh one").toBuffer()).appendString("\n\n"));
  }

  @Override
  void closeUnavailable(String message) {
    response.end(Buffer.buffer("event: closing\ndata: ").appendBuffer(ErrorReply.body("unavailable", message).toBuffer()).appendString("\n\n"));
  }

  /** Ends the stream cleanly, e.g. when the server shuts down. */
  void end() {
    if (!response.ended()) {
      response.end();
    }
  }
}
