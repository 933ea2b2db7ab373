package io.newspush.ops;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every limit hit is reported: counted each time, logged once per kind and client address
 * (a client that keeps hitting a limit must not flood the log). Shared by all gateways.
 */
public final class LimitLog {
  private static final Logger LOG = LoggerFactory.getLogger(LimitLog.class);
  /** Bounds the memory of who was already logged; past it, hits are only counted. */
  private static final int LOGGED_CLIENTS = 10_000;

  private final Metrics metrics;
  private final Set<String> logged = ConcurrentHashMap.newKeySet();

  public LimitLog(Metrics metrics) {
    this.metrics = metrics;
  }

  /** {@code kind} is one of a fixed set of names; it becomes a metric label. */
  public void hit(String kind, String client) {
    metrics.rejected(kind);
    if (logged.size() < LOGGED_CLIENTS && logged.add(kind + "|" + client)) {
      LOG.warn("limit {} hit by {}; further hits by this address are counted, not logged", kind, client);
    }
  }
}
