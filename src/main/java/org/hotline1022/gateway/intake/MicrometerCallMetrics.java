package org.hotline1022.gateway.intake;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.hotline1022.gateway.inquiry.CallCause;
import org.hotline1022.gateway.inquiry.CallSignal;

/**
 * {@code hotline_calls_total{source,cause}}, {@code hotline_call_signals_total{source,step,outcome}},
 * {@code hotline_call_writer_batch_size}, {@code hotline_call_writer_commit_seconds},
 * {@code hotline_call_writer_batch_failures_total{cause}} and {@code hotline_call_writer_queue_depth}.
 * Every tag comes from a fixed set (enums and outcome names).
 */
public final class MicrometerCallMetrics implements CallMetrics {
  private final MeterRegistry registry;
  private final DistributionSummary batchSize;
  private final Timer commitTime;

  public MicrometerCallMetrics(MeterRegistry registry) {
    this.registry = registry;
    batchSize = DistributionSummary.builder("hotline.call.writer.batch.size").description("Call signals per committed transaction")
        .register(registry);
    commitTime = Timer.builder("hotline.call.writer.commit").description("Call writer transaction time, send to commit")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry);
    // all pairs start at 0, so rate() and absent() see every series before the first call
    for (CallSignal.Source source : CallSignal.Source.values()) {
      for (CallCause cause : CallCause.values()) {
        ended(source, cause, 0);
      }
      for (CallSignal.Step step : CallSignal.Step.values()) {
        for (String outcome : SIGNAL_OUTCOMES) {
          signal(source, step, outcome, 0);
        }
      }
    }
    for (String cause : BATCH_FAILURE_CAUSES) {
      batchFailed(cause, 0);
    }
  }

  /** What BatchedCallIntake reports for a signal: a {@link CallResult.Outcome} or an {@link IntakeException.Reason}. */
  static final List<String> SIGNAL_OUTCOMES = Stream.concat(Arrays.stream(CallResult.Outcome.values()).map(CallResult.Outcome::tag),
      Arrays.stream(IntakeException.Reason.values()).map(IntakeException.Reason::tag)).toList();

  /** The causes CallWriterVerticle reports. */
  static final List<String> BATCH_FAILURE_CAUSES = List.of("unavailable", "rejected", "split", "retried");

  private static String tag(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public void signal(CallSignal.Source source, CallSignal.Step step, String outcome) {
    signal(source, step, outcome, 1);
  }

  private void signal(CallSignal.Source source, CallSignal.Step step, String outcome, int n) {
    Counter.builder("hotline.call.signals").description("Call signals by input, step and outcome")
        .tag("source", tag(source)).tag("step", tag(step)).tag("outcome", outcome).register(registry).increment(n);
  }

  @Override
  public void ended(CallSignal.Source source, CallCause cause) {
    ended(source, cause, 1);
  }

  private void ended(CallSignal.Source source, CallCause cause, int n) {
    Counter.builder("hotline.calls").description("Calls ended, by the input that saw the end and the cause")
        .tag("source", tag(source)).tag("cause", cause.tag()).register(registry).increment(n);
  }

  @Override
  public void batch(int size, long commitNanos) {
    batchSize.record(size);
    commitTime.record(commitNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void batchFailed(String cause) {
    batchFailed(cause, 1);
  }

  private void batchFailed(String cause, int n) {
    Counter.builder("hotline.call.writer.batch.failures").description("Failed call writer transactions by cause")
        .tag("cause", cause).register(registry).increment(n);
  }

  @Override
  public void queueDepth(Supplier<Number> depth) {
    Gauge.builder("hotline.call.writer.queue.depth", depth).description("Call signals waiting for a commit").register(registry);
  }
}
