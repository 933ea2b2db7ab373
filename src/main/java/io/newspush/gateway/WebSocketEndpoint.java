package io.newspush.gateway;

import io.newspush.config.Config;
import io.newspush.ops.AccessLog;
import io.newspush.topic.Pattern;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.OptionalLong;

/**
 * {@code GET /v1/ws}: checks the query before upgrading (a bad one is a plain 400 JSON answer),
 * then hands the socket to a {@link WsConnection}.
 */
final class WebSocketEndpoint {
  private final GatewayContext context;
  private final Config config;
  private final Origins origins;

  WebSocketEndpoint(GatewayContext context) {
    this.context = context;
    this.config = context.config();
    this.origins = new Origins(context.config().http().corsOrigins());
  }

  void handle(RoutingContext ctx) {
    if (!ctx.request().canUpgradeToWebSocket()) {
      ErrorReply.send(ctx.response(), 400, "websocket_required", "GET /v1/ws must be a WebSocket upgrade request");
      return;
    }
    if (!origins.allows(ctx.request())) {
      context.limitLog().hit("origin", ClientAddress.of(ctx.request()));
      ErrorReply.send(ctx.response(), 403, "forbidden_origin", "WebSocket connections from this page's origin are not allowed");
      return;
    }
    List<Pattern> patterns;
    Long since;
    String address = ClientAddress.of(ctx.request());
    try {
      String topics = ctx.request().getParam("topics");
      patterns = topics == null ? List.of() : SubscriptionRequest.patternsFromQuery(topics, config.limits().patterns());
      OptionalLong position = SubscriptionRequest.since(ctx.request().getParam("since"));
      since = position.isPresent() ? position.getAsLong() : null;
      context.limiter().acquire(address);
    } catch (BadRequest e) {
      if (e.code().equals("too_many_patterns")) {
        context.limitLog().hit("patterns", address);
      }
      ErrorReply.send(ctx.response(), e.status(), e.code(), e.getMessage());
      return;
    }
    WebSocketHandshake handshake = WebSocketHandshake.of(ctx.request(), 2 * config.webSocket().maxMessageBytes());
    if (handshake == null) {
      context.limiter().release(address);
      ctx.response().putHeader("Sec-WebSocket-Version", "13");
      ErrorReply.send(ctx.response(), 426, "websocket_version", "send Sec-WebSocket-Key and Sec-WebSocket-Version: 13");
      return;
    }
    String token = BearerToken.of(ctx.request());
    AccessLog.StreamEnd logged = AccessLog.streamEnd(ctx);
    StreamSocket socket = StreamSocket.takeOver(StreamSocket.channelOf(ctx.request()), context.flusher(), false);
    socket.onClose(() -> logged.ended(101, "ws", socket.bytesWritten()));
    handshake.complete(socket.channel()).addListener(upgraded -> {
      if (!upgraded.isSuccess()) {
        context.limiter().release(address);
        socket.close();
        return;
      }
      WsConnection connection = new WsConnection(socket, context, address);
      connection.start();
      // Browsers cannot see an HTTP status on a failed upgrade, so auth problems are answered
      // as error messages on the open socket, which then stays usable for public topics.
      connection.authenticate(token).onComplete(done -> {
        if (!patterns.isEmpty()) {
          connection.subscribeOrExplain(patterns, since);
        }
      });
    });
  }
}
