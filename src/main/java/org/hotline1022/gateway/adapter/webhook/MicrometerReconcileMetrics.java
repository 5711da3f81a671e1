package org.hotline1022.gateway.adapter.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.hotline1022.gateway.inquiry.Channel;

/** {@code hotline_reconcile_runs_total{channel,outcome}} and {@code hotline_reconcile_recovered_total{channel}}. */
public final class MicrometerReconcileMetrics implements ReconcileMetrics {
  private final MeterRegistry registry;

  public MicrometerReconcileMetrics(MeterRegistry registry) {
    this.registry = registry;
    // every series from the start: a run that never happened is a 0 that alerts and dashboards can read
    for (Channel channel : new Channel[] {Channel.FACEBOOK, Channel.ZALO}) {
      for (RunOutcome outcome : RunOutcome.values()) {
        run(channel, outcome, 0);
      }
      recovered(channel, 0);
    }
  }

  private void run(Channel channel, RunOutcome outcome, int count) {
    Counter.builder("hotline.reconcile.runs").description("Reconciliation runs by channel and outcome")
        .tag("channel", channel.tag()).tag("outcome", outcome.tag()).register(registry).increment(count);
  }

  @Override
  public void run(Channel channel, RunOutcome outcome) {
    run(channel, outcome, 1);
  }

  @Override
  public void recovered(Channel channel, int count) {
    Counter.builder("hotline.reconcile.recovered").description("Messages stored by reconciliation that no webhook had delivered")
        .tag("channel", channel.tag()).register(registry).increment(count);
  }
}
