package io.newspush.gateway;

import io.newspush.config.Config;
import io.newspush.feed.Replay;
import io.newspush.topic.Pattern;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.OptionalLong;

/** {@code GET /v1/sse}: validates the request fully before the stream starts, then streams. */
final class SseEndpoint {
  private final Fanout fanout;
  private final Replay replay;
  private final Config config;

  SseEndpoint(Fanout fanout, Replay replay, Config config) {
    this.fanout = fanout;
    this.replay = replay;
    this.config = config;
  }

  void handle(RoutingContext ctx) {
    List<Pattern> patterns;
    OptionalLong since;
    try {
      patterns = SubscriptionRequest.patternsFromQuery(ctx.request().getParam("topics"), config.limits().patterns());
      String lastEventId = ctx.request().getHeader("Last-Event-ID");
      since = lastEventId != null && !lastEventId.isBlank()
          ? SubscriptionRequest.since(lastEventId.strip())
          : SubscriptionRequest.since(ctx.request().getParam("since"));
    } catch (BadRequest e) {
      ErrorReply.send(ctx.response(), e.status(), e.code(), e.getMessage());
      return;
    }
    SseConnection connection = new SseConnection(ctx.request(), fanout, replay, config.limits());
    fanout.open(connection);
    ctx.response().closeHandler(v -> connection.closed(true));
    connection.start(config.sse());
    connection.follow(patterns, since.isPresent() ? since.getAsLong() : null);
  }
}
