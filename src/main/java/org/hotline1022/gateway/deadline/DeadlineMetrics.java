package org.hotline1022.gateway.deadline;

import java.util.Locale;

/**
 * The deadline watcher's meters, behind a domain interface so only {@link MicrometerDeadlineMetrics}
 * knows Micrometer. Called from an event loop: implementations must be thread-safe and non-blocking.
 */
public interface DeadlineMetrics {

  /** The deadline event types, tagged {@code warning} and {@code overdue}. */
  enum Type {
    WARNING, OVERDUE;

    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The event log's type name, {@code deadline.warning} or {@code deadline.overdue}. */
    public String eventType() {
      return "deadline." + tag();
    }
  }

  /** Open inquiries warned but not yet overdue, and open overdue ones, as last counted. */
  void open(long atRisk, long overdue);

  /** {@code count} events of one type appended. */
  void emitted(Type type, int count);

  DeadlineMetrics NOOP = new DeadlineMetrics() {
    @Override
    public void open(long atRisk, long overdue) {}

    @Override
    public void emitted(Type type, int count) {}
  };
}
