package org.hotline1022.gateway.deadline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code hotline_deadlines_at_risk}, {@code hotline_deadlines_overdue} and
 * {@code hotline_deadline_events_total{type}}. The gauges read values the watcher sets, so several
 * watcher instances in one process share them.
 */
public final class MicrometerDeadlineMetrics implements DeadlineMetrics {
  private final MeterRegistry registry;
  private final AtomicLong atRisk = new AtomicLong();
  private final AtomicLong overdue = new AtomicLong();

  public MicrometerDeadlineMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("hotline.deadlines.at.risk", atRisk, AtomicLong::get)
        .description("Open inquiries within the warning lead of their due time (warned, not yet overdue)").register(registry);
    Gauge.builder("hotline.deadlines.overdue", overdue, AtomicLong::get)
        .description("Open inquiries past their due time").register(registry);
    for (Type t : Type.values()) {
      events(t); // at 0, so rate() works before the first deadline event
    }
  }

  private Counter events(Type type) {
    return Counter.builder("hotline.deadline.events").description("Deadline events appended to the event log, by type")
        .tag("type", type.tag()).register(registry);
  }

  @Override
  public void open(long atRisk, long overdue) {
    this.atRisk.set(atRisk);
    this.overdue.set(overdue);
  }

  @Override
  public void emitted(Type type, int count) {
    events(type).increment(count);
  }
}
