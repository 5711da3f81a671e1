package org.hotline1022.gateway.adapter.sip;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.function.IntSupplier;
import org.hotline1022.gateway.inquiry.CallCause;

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
    // the fixed sets start at 0 (requests by method and status are created when answered)
    for (SipParseException.Reason r : SipParseException.Reason.values()) {
      malformed("udp", r.tag(), 0);
      malformed("tcp", r.tag(), 0);
    }
    malformed("tcp", "connection_limit", 0);
    for (DialogInfoException.Reason r : DialogInfoException.Reason.values()) {
      malformed("body", "dialog_info_" + r.tag(), 0);
    }
    retransmissions(true).increment(0);
    retransmissions(false).increment(0);
    ackTimeouts().increment(0);
    for (CallCause cause : List.of(CallCause.BUSY, CallCause.NO_ANSWER, CallCause.CANCEL)) {
      overflowCalls(cause.tag()).increment(0);
    }
    for (SignalOutcome o : SignalOutcome.values()) {
      signals(o).increment(0);
    }
    for (DocumentOutcome o : DocumentOutcome.values()) {
      documents(o).increment(0);
    }
  }

  @Override
  public void answered(String method, int status) {
    Counter.builder("hotline.sip.requests").description("SIP requests answered by the SIP listener, by method and final status")
        .tag("method", SipUasMetrics.methodTag(method)).tag("status", Integer.toString(status)).register(registry).increment();
  }

  @Override
  public void malformed(String transport, String reason) {
    malformed(transport, reason, 1);
  }

  private void malformed(String transport, String reason, int n) {
    Counter.builder("hotline.sip.malformed").description("SIP input refused by the SIP listener, by reason")
        .tag("transport", transport).tag("reason", reason).register(registry).increment(n);
  }

  @Override
  public void retransmission(boolean inbound) {
    retransmissions(inbound).increment();
  }

  private Counter retransmissions(boolean inbound) {
    return Counter.builder("hotline.sip.retransmissions").description("Request retransmissions absorbed (in), final answers retransmitted (out)")
        .tag("direction", inbound ? "in" : "out").register(registry);
  }

  @Override
  public void ackTimeout() {
    ackTimeouts().increment();
  }

  private Counter ackTimeouts() {
    return Counter.builder("hotline.sip.ack.timeouts").description("Final INVITE answers never acknowledged (Timer H)").register(registry);
  }

  @Override
  public void overflowCall(String cause) {
    overflowCalls(cause).increment();
  }

  private Counter overflowCalls(String cause) {
    return Counter.builder("hotline.sip.overflow.calls").description("Overflow calls taken by the intake UAS, by cause")
        .tag("cause", cause).register(registry);
  }

  @Override
  public void signal(SignalOutcome outcome) {
    signals(outcome).increment();
  }

  private Counter signals(SignalOutcome outcome) {
    return Counter.builder("hotline.sip.signals").description("Call signals from the SIP listener handed to intake, by outcome")
        .tag("outcome", outcome.tag()).register(registry);
  }

  @Override
  public void document(DocumentOutcome outcome) {
    documents(outcome).increment();
  }

  private Counter documents(DocumentOutcome outcome) {
    return Counter.builder("hotline.sip.dialog.documents").description("Dialog-info documents (NOTIFY, PUBLISH) by outcome")
        .tag("outcome", outcome.tag()).register(registry);
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
