package org.hotline1022.gateway.adapter.webhook;

import org.hotline1022.gateway.inquiry.Channel;

/**
 * Reconciliation's meters, behind a domain interface so only {@link MicrometerReconcileMetrics}
 * knows Micrometer. Thread-safe and non-blocking.
 */
public interface ReconcileMetrics {

  /** One run ended ({@code hotline_reconcile_runs_total{channel,outcome}}). */
  void run(Channel channel, RunOutcome outcome);

  /** Messages a run stored that were missing ({@code hotline_reconcile_recovered_total{channel}}). */
  void recovered(Channel channel, int count);

  ReconcileMetrics NOOP = new ReconcileMetrics() {
    @Override
    public void run(Channel channel, RunOutcome outcome) {}

    @Override
    public void recovered(Channel channel, int count) {}
  };
}
