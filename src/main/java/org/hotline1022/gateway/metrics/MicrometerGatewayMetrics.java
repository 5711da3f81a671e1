package org.hotline1022.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.hotline1022.gateway.inquiry.Channel;

/** Micrometer meters named {@code hotline.*}, scraped as {@code hotline_*} at {@code /metrics}. */
public final class MicrometerGatewayMetrics implements GatewayMetrics {
  private final MeterRegistry registry;
  // the hot path runs per request: look each meter up once, not per call
  private final Map<String, Counter> received = new ConcurrentHashMap<>();
  private final Map<Channel, Counter> duplicates = new EnumMap<>(Channel.class);
  private final Map<Channel, Timer> ackLatency = new EnumMap<>(Channel.class);
  private final DistributionSummary batchSize;
  private final Timer commitTime;
  private final Timer pushLatency;

  public MicrometerGatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (Channel c : Channel.values()) {
      duplicates.put(c, Counter.builder("hotline.inquiries.duplicates").description("Replays absorbed by the (channel, external id) dedupe")
          .tag("channel", c.tag()).register(registry));
      ackLatency.put(c, Timer.builder("hotline.intake.ack.latency").description("Receipt to acknowledgement (after commit)")
          .tag("channel", c.tag()).publishPercentileHistogram()
          .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30)).register(registry));
    }
    batchSize = DistributionSummary.builder("hotline.writer.batch.size").description("Submissions per committed transaction")
        .register(registry);
    commitTime = Timer.builder("hotline.writer.commit.time").description("Writer transaction time, send to commit")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry);
    pushLatency = Timer.builder("hotline.stream.push.latency").description("Event commit to hand-over to the agent hubs")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  @Override
  public void received(Channel channel, String outcome) {
    received.computeIfAbsent(channel.tag() + '/' + outcome, k -> Counter.builder("hotline.inquiries.received")
        .description("Inbound contacts by channel and outcome").tag("channel", channel.tag()).tag("outcome", outcome)
        .register(registry)).increment();
    if ("duplicate".equals(outcome)) {
      duplicates.get(channel).increment();
    }
  }

  @Override
  public void ackLatency(Channel channel, long nanos) {
    ackLatency.get(channel).record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void rejected(Channel channel, String reason) {
    Counter.builder("hotline.intake.rejected").description("Input refused before intake, by reason")
        .tag("channel", channel.tag()).tag("reason", reason).register(registry).increment();
  }

  @Override
  public void batch(int size, long commitNanos) {
    batchSize.record(size);
    commitTime.record(commitNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void batchFailed(String cause) {
    Counter.builder("hotline.writer.batch.failures").description("Failed writer transactions by cause")
        .tag("cause", cause).register(registry).increment();
  }

  @Override
  public void queueDepth(Supplier<Number> depth) {
    Gauge.builder("hotline.writer.queue.depth", depth).description("Submissions waiting for a commit").register(registry);
  }

  @Override
  public void agentSessions(Supplier<Number> sessions) {
    Gauge.builder("hotline.agent.sessions", sessions).description("Open agent WebSockets").register(registry);
  }

  @Override
  public void feedLag(Supplier<Number> lag) {
    Gauge.builder("hotline.stream.feed.lag", lag).description("Events committed but not yet pushed to agents").register(registry);
  }

  @Override
  public void pushLatency(long millis) {
    pushLatency.record(millis, TimeUnit.MILLISECONDS);
  }
}
