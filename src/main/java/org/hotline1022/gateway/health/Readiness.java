package org.hotline1022.gateway.health;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Readiness of this process: each component reports itself (database reachable, HTTP listening,
 * each enabled adapter listening), and shutdown turns everything off at once. Thread-safe: written
 * from several event loops, read by the health endpoint.
 */
public final class Readiness {
  private final Map<String, Boolean> checks = new ConcurrentHashMap<>();
  private final Map<String, String> details = new ConcurrentHashMap<>();
  private volatile boolean shuttingDown;
  /** System.nanoTime() by which listeners must have drained; what is left after it belongs to the writer and the database. */
  private volatile long drainDeadlineNanos = Long.MAX_VALUE;

  public void set(String check, boolean up) {
    checks.put(check, up);
  }

  /**
   * A fact shown with readiness that does not make the process unready, e.g. a channel switched off
   * because its secret is not set: the other channels still take traffic.
   */
  public void detail(String key, String value) {
    details.put(key, value);
  }

  public Map<String, String> details() {
    return new TreeMap<>(details);
  }

  public void shuttingDown() {
    shuttingDown = true;
  }

  /**
   * Shutdown has begun: readiness is off at once, and listeners (HTTP, phone, mail) have until
   * {@code drainDeadlineNanos} ({@link System#nanoTime()} scale) to finish their in-flight work.
   */
  public void shuttingDown(long drainDeadlineNanos) {
    this.drainDeadlineNanos = drainDeadlineNanos;
    shuttingDown = true;
  }

  /** Milliseconds a listener may still spend draining (0 when past due; large when no deadline is set). */
  public long drainMillisLeft() {
    long d = drainDeadlineNanos;
    return d == Long.MAX_VALUE ? Long.MAX_VALUE / 2 : Math.max(0, (d - System.nanoTime()) / 1_000_000);
  }

  public boolean isShuttingDown() {
    return shuttingDown;
  }

  public boolean ready() {
    return !shuttingDown && !checks.isEmpty() && checks.values().stream().allMatch(Boolean::booleanValue);
  }

  public Map<String, Boolean> snapshot() {
    return new TreeMap<>(checks);
  }
}
