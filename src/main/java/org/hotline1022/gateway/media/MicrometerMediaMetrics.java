package org.hotline1022.gateway.media;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.hotline1022.gateway.inquiry.Channel;

/** {@code hotline_media_downloads_total{channel,outcome}}. */
public final class MicrometerMediaMetrics implements MediaMetrics {
  private final MeterRegistry registry;

  public MicrometerMediaMetrics(MeterRegistry registry) {
    this.registry = registry;
    // every series from the start, at 0
    for (Channel channel : new Channel[] {Channel.ZALO, Channel.FACEBOOK}) {
      for (Outcome outcome : Outcome.values()) {
        counter(channel, outcome);
      }
    }
  }

  @Override
  public void download(Channel channel, Outcome outcome) {
    counter(channel, outcome).increment();
  }

  private Counter counter(Channel channel, Outcome outcome) {
    return Counter.builder("hotline.media.downloads").description("Attachment downloads by channel and outcome")
        .tag("channel", channel == null ? "unknown" : channel.tag()).tag("outcome", outcome.tag()).register(registry);
  }
}
