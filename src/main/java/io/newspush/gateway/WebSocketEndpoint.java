package io.newspush.gateway;

import io.newspush.config.Config;
import io.newspush.feed.Replay;
import io.newspush.topic.Pattern;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.OptionalLong;

/**
 * {@code GET /v1/ws}: checks the query before upgrading (a bad one is a plain 400 JSON answer),
 * then hands the socket to a {@link WsConnection}.
 */
final class WebSocketEndpoint {
  private final Fanout fanout;
  private final Replay replay;
  private final Config config;

  WebSocketEndpoint(Fanout fanout, Replay replay, Config config) {
    this.fanout = fanout;
    this.replay = replay;
    this.config = config;
  }

  void handle(RoutingContext ctx) {
    if (!ctx.request().canUpgradeToWebSocket()) {
      ErrorReply.send(ctx.response(), 400, "websocket_required", "GET /v1/ws must be a WebSocket upgrade request");
      return;
    }
    List<Pattern> patterns;
    OptionalLong since;
    try {
      String topics = ctx.request().getParam("topics");
      patterns = topics == null ? List.of() : SubscriptionRequest.patternsFromQuery(topics, config.limits().patterns());
      since = SubscriptionRequest.since(ctx.request().getParam("since"));
    } catch (BadRequest e) {
      ErrorReply.send(ctx.response(), e.status(), e.code(), e.getMessage());
      return;
    }
    ctx.request().toWebSocket().onSuccess(socket -> {
      WsConnection connection = new WsConnection(socket, fanout, replay, config.limits());
      fanout.open(connection);
      socket.closeHandler(v -> connection.closed(true));
      connection.start();
      if (!patterns.isEmpty()) {
        connection.subscribe(patterns, since.isPresent() ? since.getAsLong() : null);
      }
    });
  }
}
