package io.newspush.gateway;

import io.newspush.auth.SubscriberAuth;
import io.newspush.config.Config;
import io.newspush.feed.Replay;
import io.newspush.ops.LimitLog;
import io.newspush.ops.Metrics;
import io.vertx.core.Vertx;

/** What every connection of one gateway shares: its fan-out, the replay source, limits, auth, metrics and flusher. */
record GatewayContext(Vertx vertx, Fanout fanout, Replay replay, Config config, Metrics metrics,
                      ConnectionLimiter limiter, LimitLog limitLog, SubscriberAuth auth,
                      Flusher flusher) {}
