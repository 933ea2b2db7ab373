package io.newspush.gateway;

/** A token bucket refilled continuously; holds up to two seconds' worth. Not thread-safe. */
final class RateLimit {
  private final double perNano;
  private final double capacity;
  private double tokens;
  private long lastNanos = System.nanoTime();

  RateLimit(int perSecond) {
    this.perNano = perSecond / 1e9;
    this.capacity = perSecond * 2.0;
    this.tokens = capacity;
  }

  boolean tryTake() {
    long now = System.nanoTime();
    tokens = Math.min(capacity, tokens + (now - lastNanos) * perNano);
    lastNanos = now;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }
}
