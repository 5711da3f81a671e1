package org.hotline1022.gateway.reply;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.hotline1022.gateway.inquiry.Channel;

/** {@code hotline_token_refresh_total{provider,outcome}} and {@code hotline_receipts_total{channel,outcome}}. */
public final class MicrometerSocialMetrics implements SocialMetrics {
  private final MeterRegistry registry;

  public MicrometerSocialMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void tokenRefresh(String provider, TokenOutcome outcome) {
    Counter.builder("hotline.token.refresh").description("OAuth refresh-token exchanges by provider and outcome")
        .tag("provider", provider).tag("outcome", outcome.tag()).register(registry).increment();
  }

  @Override
  public void receipt(Channel channel, ReceiptOutcome outcome) {
    Counter.builder("hotline.receipts").description("Automatic receipts for new inquiries by channel and outcome")
        .tag("channel", channel == null ? "unknown" : channel.tag()).tag("outcome", outcome.tag()).register(registry).increment();
  }
}
