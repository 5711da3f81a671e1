package org.hotline1022.gateway.adapter.mail;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/**
 * {@code hotline_mail_messages_fetched_total{mailbox}}, {@code hotline_mail_reconnects_total{mailbox}},
 * {@code hotline_mail_after_commit_failures_total{mailbox}}, {@code hotline_mail_connected{mailbox}} and
 * {@code hotline_mail_checkpoint_lag_seconds{mailbox}}.
 */
public final class MicrometerMailMetrics implements MailMetrics {
  private final MeterRegistry registry;

  public MicrometerMailMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void fetched(String mailbox, int messages) {
    Counter.builder("hotline.mail.messages.fetched").description("Messages read from a mailbox in committed rounds")
        .tag("mailbox", mailbox).register(registry).increment(messages);
  }

  @Override
  public void reconnect(String mailbox) {
    reconnects(mailbox).increment();
  }

  private Counter reconnects(String mailbox) {
    return Counter.builder("hotline.mail.reconnects").description("Mailbox reader restarts after a failure (connection, server, IDLE or commit), with backoff")
        .tag("mailbox", mailbox).register(registry);
  }

  @Override
  public void afterCommitFailed(String mailbox) {
    afterCommitFailures(mailbox).increment();
  }

  private Counter afterCommitFailures(String mailbox) {
    return Counter.builder("hotline.mail.after.commit.failures").description("Rounds whose Seen flag or move failed after the commit")
        .tag("mailbox", mailbox).register(registry);
  }

  @Override
  public void reader(String mailbox, Supplier<Number> connected, Supplier<Number> lagSeconds) {
    // a configured mailbox's counters start at 0, so alerts on increase() see the first failure
    fetched(mailbox, 0);
    reconnects(mailbox).increment(0);
    afterCommitFailures(mailbox).increment(0);
    Gauge.builder("hotline.mail.connected", connected).description("1 while this process holds an open connection to the mailbox")
        .tag("mailbox", mailbox).register(registry);
    Gauge.builder("hotline.mail.checkpoint.lag", lagSeconds).description("Seconds since the mailbox reader was last caught up")
        .baseUnit("seconds").tag("mailbox", mailbox).register(registry);
  }
}
