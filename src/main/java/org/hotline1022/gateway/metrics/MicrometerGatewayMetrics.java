package org.hotline1022.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.hotline1022.gateway.inquiry.Channel;

/**
 * Micrometer meters named {@code hotline.*}, scraped as {@code hotline_*} at {@code /metrics}; the
 * catalogue is the README's Metrics table (MetricsCatalogueIT keeps the two equal). Latencies are
 * histograms with fixed SLO buckets, so replicas aggregate with {@code histogram_quantile} over
 * {@code sum by (le)}.
 */
public final class MicrometerGatewayMetrics implements GatewayMetrics {
  /** Every {@code outcome} of {@code hotline_inquiries_received_total}, registered at 0 so rates and alerts see them. */
  public static final List<String> OUTCOMES =
      List.of("stored", "duplicate", "overloaded", "unavailable", "timeout", "shutting_down", "rejected");
  /** Every {@code cause} of {@code hotline_writer_batch_failures_total}. */
  public static final List<String> BATCH_FAILURE_CAUSES = List.of("unavailable", "rejected", "split", "retried");

  private static final Duration[] ACK_BUCKETS = ms(5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000);
  private static final Duration[] COMMIT_BUCKETS = ms(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000);
  private static final Duration[] PUSH_BUCKETS = ms(10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000);

  private final MeterRegistry registry;
  // the hot path runs per request: look each meter up once, not per call
  private final Map<String, Counter> received = new ConcurrentHashMap<>();
  private final Map<Channel, Counter> duplicates = new EnumMap<>(Channel.class);
  private final Map<Channel, Timer> ackLatency = new EnumMap<>(Channel.class);
  private final Map<String, AtomicLong> openInquiries = new ConcurrentHashMap<>();
  private final DistributionSummary batchSize;
  private final Timer commitTime;
  private final Timer pushLatency;

  public MicrometerGatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (Channel c : Channel.values()) {
      duplicates.put(c, Counter.builder("hotline.inquiries.duplicates").description("Replays absorbed by the (channel, external id) dedupe")
          .tag("channel", c.tag()).register(registry));
      ackLatency.put(c, Timer.builder("hotline.intake.ack.latency").description("Receipt to acknowledgement (after commit)")
          .tag("channel", c.tag()).serviceLevelObjectives(ACK_BUCKETS).register(registry));
      OUTCOMES.forEach(o -> receivedCounter(c, o));
    }
    BATCH_FAILURE_CAUSES.forEach(this::batchFailures);
    batchSize = DistributionSummary.builder("hotline.writer.batch.size").description("Submissions per committed transaction")
        .serviceLevelObjectives(1, 2, 5, 10, 20, 50, 100, 200, 400, 1000).register(registry);
    commitTime = Timer.builder("hotline.writer.commit.time").description("Writer transaction time, send to commit")
        .serviceLevelObjectives(COMMIT_BUCKETS).register(registry);
    pushLatency = Timer.builder("hotline.stream.push.latency")
        .description("Event commit to its frames written to the agent sockets of one event loop")
        .serviceLevelObjectives(PUSH_BUCKETS).register(registry);
  }

  private static Duration[] ms(long... millis) {
    Duration[] d = new Duration[millis.length];
    for (int i = 0; i < millis.length; i++) {
      d[i] = Duration.ofMillis(millis[i]);
    }
    return d;
  }

  public MeterRegistry registry() {
    return registry;
  }

  private Counter receivedCounter(Channel channel, String outcome) {
    return received.computeIfAbsent(channel.tag() + '/' + outcome, k -> Counter.builder("hotline.inquiries.received")
        .description("Inbound contacts by channel and outcome").tag("channel", channel.tag()).tag("outcome", outcome)
        .register(registry));
  }

  private Counter batchFailures(String cause) {
    return Counter.builder("hotline.writer.batch.failures").description("Failed writer transactions by cause")
        .tag("cause", cause).register(registry);
  }

  @Override
  public void received(Channel channel, String outcome) {
    receivedCounter(channel, outcome).increment();
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
    batchFailures(cause).increment();
  }

  @Override
  public void queueDepth(Supplier<Number> depth, int capacity) {
    Gauge.builder("hotline.writer.queue.depth", depth).description("Submissions waiting for a commit").register(registry);
    Gauge.builder("hotline.writer.queue.capacity", () -> capacity)
        .description("Submissions the writer queue holds; beyond it intake answers overloaded").register(registry);
  }

  @Override
  public void agentSessions(List<String> roles, ToIntFunction<String> open) {
    for (String role : roles) {
      Gauge.builder("hotline.agent.sessions", () -> open.applyAsInt(role)).description("Open agent WebSockets by role")
          .tag("role", role).register(registry);
    }
  }

  @Override
  public void feedLag(Supplier<Number> events, Supplier<Number> seconds) {
    Gauge.builder("hotline.stream.feed.lag.events", events).description("Events committed but not yet pushed to agents")
        .register(registry);
    Gauge.builder("hotline.stream.feed.lag.seconds", seconds).description("How long the event feed has been behind (0 when caught up)")
        .register(registry);
  }

  @Override
  public void pushLatency(long millis) {
    pushLatency.record(millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void health(BooleanSupplier databaseUp, BooleanSupplier ready) {
    Gauge.builder("hotline.database.up", () -> databaseUp.getAsBoolean() ? 1 : 0)
        .description("1 when the last database probe (every 2 s) succeeded").register(registry);
    Gauge.builder("hotline.ready", () -> ready.getAsBoolean() ? 1 : 0)
        .description("1 when /health/ready answers 200").register(registry);
  }

  @Override
  public void openInquiries(Map<String, Map<String, Long>> byTopicAndDepartment) {
    Map<String, Long> now = new HashMap<>();
    byTopicAndDepartment.forEach((topic, byDepartment) -> byDepartment.forEach((department, n) -> {
      now.put(topic + '/' + department, n);
      openInquiries.computeIfAbsent(topic + '/' + department, k -> {
        AtomicLong value = new AtomicLong();
        Gauge.builder("hotline.inquiries.open", value, AtomicLong::get)
            .description("Open inquiries (not answered, not closed) of the whole database by topic and department")
            .tag("topic", topic).tag("department", department).register(registry);
        return value;
      });
    }));
    // a pair no longer counted reads 0 rather than disappearing (an alert on it sees the drop)
    openInquiries.forEach((k, v) -> v.set(now.getOrDefault(k, 0L)));
  }
}
