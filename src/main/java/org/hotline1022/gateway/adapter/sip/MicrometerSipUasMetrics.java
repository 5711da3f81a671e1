package org.hotline1022.gateway.adapter.sip;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.IntSupplier;

/**
 * {@code hotline_sip_requests_total{method,status}}, {@code hotline_sip_malformed_total{transport,reason}},
 * {@code hotline_sip_retransmissions_total{direction}}, {@code hotline_sip_ack_timeouts_total},
 * {@code hotline_sip_overflow_calls_total{cause}}, {@code hotline_sip_signals_total{outcome}},
 * {@code hotline_sip_dialog_documents_total{outcome}} and the gauges {@code hotline_sip_transactions},
 * {@code hotline_sip_signal_buffer}, {@code hotline_sip_subscriptions}.
 */
public final class MicrometerSipUasMetrics implements SipUasMetrics {
  private final MeterRegistry registry;

  public MicrometerSipUasMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void answered(String method, int status) {
    Counter.builder("hotline.sip.requests").description("SIP requests answered by the SIP listener, by method and final status")
        .tag("method", SipUasMetrics.methodTag(method)).tag("status", Integer.toString(status)).register(registry).increment();
  }

  @Override
  public void malformed(String transport, String reason) {
    Counter.builder("hotline.sip.malformed").description("SIP input refused by the SIP listener, by reason")
        .tag("transport", transport).tag("reason", reason).register(registry).increment();
  }

  @Override
  public void retransmission(boolean inbound) {
    Counter.builder("hotline.sip.retransmissions").description("Request retransmissions absorbed (in), final answers retransmitted (out)")
        .tag("direction", inbound ? "in" : "out").register(registry).increment();
  }

  @Override
  public void ackTimeout() {
    Counter.builder("hotline.sip.ack.timeouts").description("Final INVITE answers never acknowledged (Timer H)").register(registry)
        .increment();
  }

  @Override
  public void overflowCall(String cause) {
    Counter.builder("hotline.sip.overflow.calls").description("Overflow calls taken by the intake UAS, by cause")
        .tag("cause", cause).register(registry).increment();
  }

  @Override
  public void signal(SignalOutcome outcome) {
    Counter.builder("hotline.sip.signals").description("Call signals from the SIP listener handed to intake, by outcome")
        .tag("outcome", outcome.tag()).register(registry).increment();
  }

  @Override
  public void document(DocumentOutcome outcome) {
    Counter.builder("hotline.sip.dialog.documents").description("Dialog-info documents (NOTIFY, PUBLISH) by outcome")
        .tag("outcome", outcome.tag()).register(registry).increment();
  }

  @Override
  public void gauges(IntSupplier transactions, IntSupplier signalBuffer, IntSupplier activeSubscriptions) {
    Gauge.builder("hotline.sip.transactions", transactions::getAsInt).description("SIP server transactions held").register(registry);
    Gauge.builder("hotline.sip.signal.buffer", signalBuffer::getAsInt).description("Call signals waiting for a retry into intake")
        .register(registry);
    Gauge.builder("hotline.sip.subscriptions", activeSubscriptions::getAsInt).description("Active dialog-event subscriptions")
        .register(registry);
  }
}
