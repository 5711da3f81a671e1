package org.hotline1022.gateway.adapter.web;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-client token buckets, shared by the HTTP verticle instances (so a client spread over event
 * loops still gets one budget). Lock-free per key; idle buckets are swept by {@link #sweep}. The map
 * is capped: past {@code maxClients} a new client is let through rather than the map grown, since a
 * flood of distinct addresses is a network-level attack this limiter cannot stop anyway.
 */
final class RateLimiter {
  private final double perNano;
  private final double capacity;
  private final int maxClients;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  private static final class Bucket {
    double tokens;
    long updated;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.updated = now;
    }
  }

  /**
   * @param perMinute sustained rate; 0 disables the limiter
   * @param burst extra requests allowed at once
   */
  RateLimiter(int perMinute, int burst, int maxClients) {
    this.perNano = perMinute / 60e9;
    this.capacity = Math.max(1, burst + (perMinute > 0 ? 1 : 0));
    this.maxClients = maxClients;
  }

  boolean enabled() {
    return perNano > 0;
  }

  /** Takes one token for {@code client}; false when it has none left. */
  boolean tryAcquire(String client) {
    if (!enabled()) {
      return true;
    }
    long now = System.nanoTime();
    if (buckets.size() >= maxClients && !buckets.containsKey(client)) {
      return true;
    }
    boolean[] granted = new boolean[1];
    buckets.compute(client, (k, b) -> {
      if (b == null) {
        b = new Bucket(capacity, now);
      }
      b.tokens = Math.min(capacity, b.tokens + (now - b.updated) * perNano);
      b.updated = now;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        granted[0] = true;
      }
      return b;
    });
    return granted[0];
  }

  /** Seconds until the client has a token again (for Retry-After). */
  long retryAfterSeconds() {
    return enabled() ? Math.max(1, (long) Math.ceil(1 / (perNano * 1e9))) : 1;
  }

  /** Drops buckets that have refilled completely: they hold no information. */
  void sweep() {
    long now = System.nanoTime();
    buckets.entrySet().removeIf(e -> e.getValue().tokens + (now - e.getValue().updated) * perNano >= capacity);
  }
}
