package io.newspush.gateway;

import io.newspush.config.Config;
import io.newspush.topic.Pattern;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
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
    OptionalLong since;
    String address = ClientAddress.of(ctx.request());
    try {
      patterns = SubscriptionRequest.patternsFromQuery(ctx.request().getParam("topics"), config.limits().patterns());
      String lastEventId = ctx.request().getHeader("Last-Event-ID");
      since = lastEventId != null && !lastEventId.isBlank()
          ? SubscriptionRequest.since(lastEventId.strip())
          : SubscriptionRequest.since(ctx.request().getParam("since"));
      context.limiter().acquire(address);
    } catch (BadRequest e) {
      ErrorReply.send(ctx.response(), e.status(), e.code(), e.getMessage());
      return;
    }
    SseConnection connection = new SseConnection(ctx.request(), context, address);
    ctx.response().closeHandler(v -> connection.release());
    connection.start(config.sse());
    connection.follow(patterns, since.isPresent() ? since.getAsLong() : null);
  }
}
