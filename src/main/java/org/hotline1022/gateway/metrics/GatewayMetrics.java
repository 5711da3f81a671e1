package org.hotline1022.gateway.metrics;

import java.util.function.Supplier;
import org.hotline1022.gateway.inquiry.Channel;

/**
 * The business meters, behind a domain interface so only {@link MicrometerGatewayMetrics} knows
 * Micrometer. Tag values come from fixed sets (enums, outcome words): never ids or personal data.
 */
public interface GatewayMetrics {

  /** One inbound contact and what became of it: stored, duplicate, overloaded, unavailable, timeout, ... */
  void received(Channel channel, String outcome);

  /** Time from receipt to the answer to the peer, for stored and duplicate outcomes. */
  void ackLatency(Channel channel, long nanos);

  /** Input refused before intake (bad signature, bad input, rate limited, too large). */
  void rejected(Channel channel, String reason);

  /** One committed writer batch. */
  void batch(int size, long commitNanos);

  /** A failed writer transaction, by cause: unavailable, rejected, retried. */
  void batchFailed(String cause);

  /** Registers the writer's queue depth. */
  void queueDepth(Supplier<Number> depth);

  /** Registers the number of open agent WebSockets of the process. */
  void agentSessions(Supplier<Number> sessions);

  /** Registers the event feed's lag: events announced by the database but not yet pushed. */
  void feedLag(Supplier<Number> lag);

  /** Time from an event's commit to its hand-over to the agent hubs. */
  void pushLatency(long millis);

  GatewayMetrics NOOP = new GatewayMetrics() {
    @Override public void received(Channel channel, String outcome) {}
    @Override public void ackLatency(Channel channel, long nanos) {}
    @Override public void rejected(Channel channel, String reason) {}
    @Override public void batch(int size, long commitNanos) {}
    @Override public void batchFailed(String cause) {}
    @Override public void queueDepth(Supplier<Number> depth) {}
    @Override public void agentSessions(Supplier<Number> sessions) {}
    @Override public void feedLag(Supplier<Number> lag) {}
    @Override public void pushLatency(long millis) {}
  };
}
