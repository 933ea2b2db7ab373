package io.newspush.gateway;

import io.newspush.config.Config;
import io.newspush.ops.LimitLog;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts subscriber connections on this node, in total and per client address, shared by all
 * gateways. Refusals go to the {@link LimitLog}.
 */
public final class ConnectionLimiter {
  private final int maxTotal;
  private final int maxPerAddress;
  private final LimitLog limitLog;
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentHashMap<String, Integer> perAddress = new ConcurrentHashMap<>();

  public ConnectionLimiter(Config.Limits limits, LimitLog limitLog) {
    this.maxTotal = limits.connections();
    this.maxPerAddress = limits.connectionsPerAddress();
    this.limitLog = limitLog;
  }

  /** Takes a slot for the address, or throws the 429 to answer. */
  void acquire(String address) {
    if (total.incrementAndGet() > maxTotal && maxTotal > 0) {
      total.decrementAndGet();
      refuse("connections", address, "this server has reached its connection limit; retry later");
    }
    if (maxPerAddress > 0) {
      boolean[] over = {false};
      perAddress.compute(address, (a, open) -> {
        int next = open == null ? 1 : open + 1;
        over[0] = next > maxPerAddress;
        return over[0] ? open : Integer.valueOf(next);
      });
      if (over[0]) {
        total.decrementAndGet();
        refuse("connections_per_address", address, "too many connections from your address (at most " + maxPerAddress + ")");
      }
    }
  }

  void release(String address) {
    total.decrementAndGet();
    if (maxPerAddress > 0) {
      perAddress.computeIfPresent(address, (a, open) -> open <= 1 ? null : open - 1);
    }
  }

  private void refuse(String kind, String address, String message) {
    limitLog.hit(kind, address);
    throw new BadRequest(429, "too_many_connections", message);
  }
}
