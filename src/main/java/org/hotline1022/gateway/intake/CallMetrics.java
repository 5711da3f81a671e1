package org.hotline1022.gateway.intake;

import java.util.function.Supplier;
import org.hotline1022.gateway.inquiry.CallCause;
import org.hotline1022.gateway.inquiry.CallSignal;

/**
 * The phone channel's store-side meters, behind a domain interface so only
 * {@link MicrometerCallMetrics} knows Micrometer. Called from event loops: thread-safe, non-blocking.
 */
public interface CallMetrics {

  /** One signal's outcome: a {@link CallResult.Outcome} tag, or an {@link IntakeException.Reason} tag. */
  void signal(CallSignal.Source source, CallSignal.Step step, String outcome);

  /** A call ended (its first {@code call.ended}): {@code hotline_calls_total{source,cause}}. */
  void ended(CallSignal.Source source, CallCause cause);

  /** One committed call batch. */
  void batch(int size, long commitNanos);

  /** A failed call batch, by cause ({@code retried}, {@code split}, {@code rejected}, {@code unavailable}). */
  void batchFailed(String cause);

  /** Signals waiting for a commit. */
  void queueDepth(Supplier<Number> depth);

  CallMetrics NOOP = new CallMetrics() {
    @Override
    public void signal(CallSignal.Source source, CallSignal.Step step, String outcome) {}

    @Override
    public void ended(CallSignal.Source source, CallCause cause) {}

    @Override
    public void batch(int size, long commitNanos) {}

    @Override
    public void batchFailed(String cause) {}

    @Override
    public void queueDepth(Supplier<Number> depth) {}
  };
}
