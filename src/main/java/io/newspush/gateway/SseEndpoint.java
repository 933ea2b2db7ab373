package io.newspush.gateway;

import io.newspush.auth.AuthException;
import io.newspush.auth.Grant;
import io.newspush.config.Config;
import io.newspush.ops.AccessLog;
import io.newspush.topic.Pattern;
import io.netty.channel.Channel;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** {@code GET /v1/sse}: validates the request fully before the stream starts, then streams. */
final class SseEndpoint {
  private final GatewayContext context;
  private final Config config;

  SseEndpoint(GatewayContext context) {
    this.context = context;
    this.config = context.config();
  }

  void handle(RoutingContext ctx) {
    List<Pattern> patterns;
    Long since;
    try {
      patterns = SubscriptionRequest.patternsFromQuery(ctx.request().getParam("topics"), config.limits().patterns());
      String lastEventId = ctx.request().getHeader("Last-Event-ID");
      OptionalLong position = lastEventId != null && !lastEventId.isBlank()
          ? SubscriptionRequest.since(lastEventId.strip())
          : SubscriptionRequest.since(ctx.request().getParam("since"));
      since = position.isPresent() ? position.getAsLong() : null;
    } catch (BadRequest e) {
      if (e.code().equals("too_many_patterns")) {
        context.limitLog().hit("patterns", ClientAddress.of(ctx.request()));
      }
      ErrorReply.send(ctx.response(), e.status(), e.code(), e.getMessage());
      return;
    }
    context.auth().authenticate(BearerToken.of(ctx.request())).onComplete(authenticated -> {
      if (authenticated.failed()) {
        AuthException e = AuthException.of(authenticated.cause());
        ErrorReply.send(ctx.response(), e.status(), e.code(), e.getMessage());
        return;
      }
      Optional<Grant> grant = authenticated.result();
      String address = ClientAddress.of(ctx.request());
      try {
        context.auth().authorize(grant, patterns);
        context.limiter().acquire(address);
      } catch (AuthException e) {
        ErrorReply.send(ctx.response(), e.status(), e.code(), e.getMessage());
        return;
      } catch (BadRequest e) {
        ErrorReply.send(ctx.response(), e.status(), e.code(), e.getMessage());
        return;
      }
      HttpServerResponse response = ctx.response();
      if (response.closed()) {
        context.limiter().release(address);
        return;
      }
      Channel channel = StreamSocket.channelOf(ctx.request());
      response.setChunked(true)
          .putHeader("Content-Type", "text/event-stream; charset=utf-8")
          .putHeader("Cache-Control", "no-cache")
          .putHeader("X-Accel-Buffering", "no")
          .writeHead();
      StreamSocket socket = StreamSocket.takeOver(channel, context.flusher(), true);
      AccessLog.StreamEnd logged = AccessLog.streamEnd(ctx);
      socket.onClose(() -> logged.ended(200, "sse", socket.bytesWritten()));
      SseConnection connection = new SseConnection(socket, context, address);
      connection.start(config.sse().retry());
      connection.expireAt(grant.flatMap(Grant::expiresAt));
      connection.follow(patterns, since);
      if (since == null) {
        connection.announceStart();
      }
    });
  }
}
