package org.hotline1022.gateway.adapter.sip.hep;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.IntSupplier;
import org.hotline1022.gateway.adapter.sip.SipParseException;

/**
 * {@code hotline_hep_packets_total{outcome}}, {@code hotline_hep_decode_errors_total{reason}},
 * {@code hotline_sip_parse_errors_total{reason}}, {@code hotline_hep_calls_swept_total{reason}},
 * {@code hotline_hep_signals_total{outcome}}, gauges {@code hotline_hep_calls_tracked} and
 * {@code hotline_hep_signal_buffer}. Counters are built once (the hot path only increments).
 */
public final class MicrometerHepMetrics implements HepMetrics {
  private final MeterRegistry registry;
  private final Map<Outcome, Counter> packets = new EnumMap<>(Outcome.class);
  private final Map<HepDecodeException.Reason, Counter> hepErrors = new EnumMap<>(HepDecodeException.Reason.class);
  private final Map<SipParseException.Reason, Counter> sipErrors = new EnumMap<>(SipParseException.Reason.class);
  private final Map<Sweep, Counter> sweeps = new EnumMap<>(Sweep.class);
  private final Map<SignalOutcome, Counter> signals = new EnumMap<>(SignalOutcome.class);

  public MicrometerHepMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (Outcome o : Outcome.values()) {
      packets.put(o, Counter.builder("hotline.hep.packets").description("HEP packets received, by what became of them")
          .tag("outcome", o.tag()).register(registry));
    }
    for (HepDecodeException.Reason r : HepDecodeException.Reason.values()) {
      hepErrors.put(r, Counter.builder("hotline.hep.decode.errors").description("HEP packets refused, by reason")
          .tag("reason", r.tag()).register(registry));
    }
    for (SipParseException.Reason r : SipParseException.Reason.values()) {
      sipErrors.put(r, Counter.builder("hotline.sip.parse.errors").description("SIP messages refused by the parser, by reason")
          .tag("reason", r.tag()).register(registry));
    }
    for (Sweep s : Sweep.values()) {
      sweeps.put(s, Counter.builder("hotline.hep.calls.swept").description("Calls closed by a sweeper, by reason")
          .tag("reason", s.tag()).register(registry));
    }
    for (SignalOutcome o : SignalOutcome.values()) {
      signals.put(o, Counter.builder("hotline.hep.signals").description("Call signals handed to intake, by outcome")
          .tag("outcome", o.tag()).register(registry));
    }
  }

  @Override
  public void packet(Outcome outcome) {
    packets.get(outcome).increment();
  }

  @Override
  public void hepError(HepDecodeException.Reason reason) {
    hepErrors.get(reason).increment();
  }

  @Override
  public void sipError(SipParseException.Reason reason) {
    sipErrors.get(reason).increment();
  }

  @Override
  public void swept(Sweep reason) {
    sweeps.get(reason).increment();
  }

  @Override
  public void signal(SignalOutcome outcome) {
    signals.get(outcome).increment();
  }

  @Override
  public void gauges(IntSupplier trackedCalls, IntSupplier retryBuffer) {
    Gauge.builder("hotline.hep.calls.tracked", trackedCalls, IntSupplier::getAsInt)
        .description("Calls the HEP tracker is following").strongReference(true).register(registry);
    Gauge.builder("hotline.hep.signal.buffer", retryBuffer, IntSupplier::getAsInt)
        .description("Call signals waiting to be stored (retry buffer)").strongReference(true).register(registry);
  }
}
