package io.newspush.ops;

import io.newspush.feed.FeedStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;

/** {@code /health/live} (the process answers) and {@code /health/ready} (database up, feed caught up). */
public final class Health {
  private static final long DATABASE_TIMEOUT_MS = 2_000;

  private final Pool pool;
  private final FeedStatus feed;

  public Health(Pool pool, FeedStatus feed) {
    this.pool = pool;
    this.feed = feed;
  }

  public void live(RoutingContext ctx) {
    reply(ctx, 200, new JsonObject().put("status", "up"));
  }

  public void ready(RoutingContext ctx) {
    pool.query("SELECT 1").execute()
        .timeout(DATABASE_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(true)
        .recover(failure -> Future.succeededFuture(false))
        .onSuccess(database -> {
          boolean ready = database && feed.ready();
          reply(ctx, ready ? 200 : 503, new JsonObject()
              .put("status", ready ? "ready" : "not_ready")
              .put("database", database ? "up" : "down")
              .put("feed", feed.ready() ? "caught_up" : feed.listening() ? "catching_up" : "disconnected")
              .put("head", feed.head()));
        });
  }

  private static void reply(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(body.toBuffer());
  }
}
