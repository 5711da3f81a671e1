package org.hotline1022.gateway.reply;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.hotline1022.gateway.inquiry.Channel;

/**
 * {@code hotline_outbox_backlog{channel}}, {@code hotline_outbox_oldest_age_seconds},
 * {@code hotline_replies_total{channel,outcome}} and {@code hotline_reply_delivery_seconds{channel}}.
 * The backlog gauges read values the dispatchers set, so several dispatcher instances in one process
 * share them; pending rows naming no known channel are not in the backlog (they fail at claim).
 */
public final class MicrometerReplyMetrics implements ReplyMetrics {
  private final MeterRegistry registry;
  private final Map<Channel, AtomicLong> backlog = new EnumMap<>(Channel.class);
  private final AtomicLong oldestMillis = new AtomicLong();

  public MicrometerReplyMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (Channel c : Channel.values()) {
      AtomicLong pending = new AtomicLong();
      backlog.put(c, pending);
      Gauge.builder("hotline.outbox.backlog", pending, AtomicLong::get)
          .description("Replies waiting for delivery (pending outbox rows of the whole database)").tag("channel", c.tag())
          .register(registry);
      for (Outcome o : Outcome.values()) {
        attempts(c, o); // at 0, so a failure rate exists before the first failure
      }
    }
    Gauge.builder("hotline.outbox.oldest.age.seconds", oldestMillis, v -> v.get() / 1000.0)
        .description("Age of the oldest pending outbox row (0 when none)").register(registry);
  }

  private Counter attempts(Channel channel, Outcome outcome) {
    return Counter.builder("hotline.replies").description("Reply delivery attempts by channel and outcome")
        .tag("channel", tag(channel)).tag("outcome", outcome.tag()).register(registry);
  }

  private static String tag(Channel channel) {
    return channel == null ? "unknown" : channel.tag();
  }

  @Override
  public void backlog(Map<Channel, Long> pending, double oldestSeconds) {
    backlog.forEach((c, v) -> v.set(pending.getOrDefault(c, 0L)));
    oldestMillis.set((long) (oldestSeconds * 1000));
  }

  @Override
  public void attempt(Channel channel, Outcome outcome) {
    attempts(channel, outcome).increment();
  }

  @Override
  public void delivered(Channel channel, long nanosSinceCommit) {
    Timer.builder("hotline.reply.delivery").description("Commit of an agent's reply to its delivery")
        .tag("channel", tag(channel)).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofHours(1))
        .register(registry).record(Math.max(nanosSinceCommit, 0), TimeUnit.NANOSECONDS);
  }
}
