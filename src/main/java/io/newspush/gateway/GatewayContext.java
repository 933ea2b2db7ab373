package io.newspush.gateway;

import io.newspush.config.Config;
import io.newspush.feed.Replay;
import io.newspush.ops.Metrics;

/** What every connection of one gateway shares: its fan-out, the replay source, limits and metrics. */
record GatewayContext(Fanout fanout, Replay replay, Config config, Metrics metrics, ConnectionLimiter limiter) {}
