package org.hotline1022.gateway.reply;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.hotline1022.gateway.inquiry.Channel;

/** {@code hotline_token_refresh_total{provider,outcome}} and {@code hotline_receipts_total{channel,outcome}}. */
public final class MicrometerSocialMetrics implements SocialMetrics {
  private final MeterRegistry registry;

  public MicrometerSocialMetrics(MeterRegistry registry) {
    this.registry = registry;
    // every series from the start, at 0: "no refresh yet" is a value alerts and dashboards can read
    for (TokenOutcome outcome : TokenOutcome.values()) {
      tokenCounter("zalo", outcome);
    }
    for (Channel channel : new Channel[] {Channel.ZALO, Channel.FACEBOOK, Channel.EMAIL}) {
      for (ReceiptOutcome outcome : ReceiptOutcome.values()) {
        receiptCounter(channel, outcome);
      }
    }
  }

  @Override
  public void tokenRefresh(String provider, TokenOutcome outcome) {
    tokenCounter(provider, outcome).increment();
  }

  @Override
  public void receipt(Channel channel, ReceiptOutcome outcome) {
    receiptCounter(channel, outcome).increment();
  }

  private Counter tokenCounter(String provider, TokenOutcome outcome) {
    return Counter.builder("hotline.token.refresh").description("OAuth refresh-token exchanges by provider and outcome")
        .tag("provider", provider).tag("outcome", outcome.tag()).register(registry);
  }

  private Counter receiptCounter(Channel channel, ReceiptOutcome outcome) {
    return Counter.builder("hotline.receipts").description("Automatic receipts for new inquiries by channel and outcome")
        .tag("channel", channel == null ? "unknown" : channel.tag()).tag("outcome", outcome.tag()).register(registry);
  }
}
