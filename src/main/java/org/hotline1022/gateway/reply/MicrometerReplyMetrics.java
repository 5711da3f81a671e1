package org.hotline1022.gateway.reply;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.hotline1022.gateway.inquiry.Channel;

/**
 * {@code hotline_outbox_backlog}, {@code hotline_replies_total{channel,outcome}} and
 * {@code hotline_reply_delivery_seconds{channel}}. The backlog gauge reads a value the dispatchers
 * set, so several dispatcher instances in one process share one gauge.
 */
public final class MicrometerReplyMetrics implements ReplyMetrics {
  private final MeterRegistry registry;
  private final AtomicLong backlog = new AtomicLong();

  public MicrometerReplyMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("hotline.outbox.backlog", backlog, AtomicLong::get).description("Replies waiting for delivery (pending outbox rows)")
        .register(registry);
  }

  private static String tag(Channel channel) {
    return channel == null ? "unknown" : channel.tag();
  }

  @Override
  public void backlog(long pending) {
    backlog.set(pending);
  }

  @Override
  public void attempt(Channel channel, Outcome outcome) {
    Counter.builder("hotline.replies").description("Reply delivery attempts by channel and outcome")
        .tag("channel", tag(channel)).tag("outcome", outcome.tag()).register(registry).increment();
  }

  @Override
  public void delivered(Channel channel, long nanosSinceCommit) {
    Timer.builder("hotline.reply.delivery").description("Commit of an agent's reply to its delivery")
        .tag("channel", tag(channel)).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofHours(1))
        .register(registry).record(Math.max(nanosSinceCommit, 0), TimeUnit.NANOSECONDS);
  }
}
