package org.hotline1022.gateway.metrics;

import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
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

  /** Registers the writer's queue depth and its capacity (beyond it intake answers overloaded). */
  void queueDepth(Supplier<Number> depth, int capacity);

  /** Registers the open agent WebSockets of the process, per role (a fixed list). */
  void agentSessions(List<String> roles, ToIntFunction<String> open);

  /**
   * Registers the event feed's lag: events announced by the database but not yet pushed, and how
   * long the feed has been behind (0 when caught up).
   */
  void feedLag(Supplier<Number> events, Supplier<Number> seconds);

  /** Time from an event's commit to its frames being written to this event loop's agent sockets. */
  void pushLatency(long millis);

  /** Registers the database probe's last answer and the process's readiness. */
  void health(BooleanSupplier databaseUp, BooleanSupplier ready);

  /**
   * The open inquiries (not answered, not closed) of the whole database, by topic and then
   * department, as last counted; pairs missing from a count read 0.
   */
  void openInquiries(Map<String, Map<String, Long>> byTopicAndDepartment);

  GatewayMetrics NOOP = new GatewayMetrics() {
    @Override public void received(Channel channel, String outcome) {}
    @Override public void ackLatency(Channel channel, long nanos) {}
    @Override public void rejected(Channel channel, String reason) {}
    @Override public void batch(int size, long commitNanos) {}
    @Override public void batchFailed(String cause) {}
    @Override public void queueDepth(Supplier<Number> depth, int capacity) {}
    @Override public void agentSessions(List<String> roles, ToIntFunction<String> open) {}
    @Override public void feedLag(Supplier<Number> events, Supplier<Number> seconds) {}
    @Override public void pushLatency(long millis) {}
    @Override public void health(BooleanSupplier databaseUp, BooleanSupplier ready) {}
    @Override public void openInquiries(Map<String, Map<String, Long>> byTopicAndDepartment) {}
  };
}
