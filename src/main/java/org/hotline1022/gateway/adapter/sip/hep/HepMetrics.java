package org.hotline1022.gateway.adapter.sip.hep;

import java.util.Locale;
import java.util.function.IntSupplier;
import org.hotline1022.gateway.adapter.sip.SipParseException;

/**
 * The HEP collector's and call tracker's meters, behind a domain interface so only {@link
 * MicrometerHepMetrics} knows Micrometer. Called from one event loop; implementations must be
 * non-blocking.
 */
public interface HepMetrics {

  /** What became of one received HEP packet ({@code hotline_hep_packets_total{outcome}}). */
  enum Outcome {
    /** A SIP message that fed the call tracker. */
    TRACKED,
    /** A copy of a message already seen (another hop's capture point, a retransmission). */
    DUPLICATE,
    /** A payload that is not SIP (RTCP, logs), or SIP that is no part of a call (OPTIONS, REGISTER). */
    IGNORED,
    /** HEP that could not be decoded ({@code hotline_hep_decode_errors_total{reason}}). */
    BAD_HEP,
    /** SIP that could not be parsed ({@code hotline_sip_parse_errors_total{reason}}). */
    BAD_SIP,
    /** A new call while the tracker holds its maximum. */
    TRACKER_FULL,
    /** From a source not in {@code phone.hep.allowFrom} (TCP: the connection is refused). */
    NOT_ALLOWED;

    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Why a call was closed by a sweeper instead of its own messages. */
  enum Sweep {
    /** No final response within 64·T1 (or ringing past the ring timeout). */
    TIMEOUT,
    /** Confirmed past the maximum call duration (no BYE seen: HEP loss). */
    MAX_DURATION;

    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What became of a call signal handed to CallIntake ({@code hotline_hep_signals_total{outcome}}). */
  enum SignalOutcome {
    STORED, RETRIED, DROPPED, REJECTED;

    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  void packet(Outcome outcome);

  void hepError(HepDecodeException.Reason reason);

  void sipError(SipParseException.Reason reason);

  void swept(Sweep reason);

  void signal(SignalOutcome outcome);

  /** Registers gauges read on scrape: tracked calls and signals waiting for a retry. */
  void gauges(IntSupplier trackedCalls, IntSupplier retryBuffer);

  HepMetrics NOOP = new HepMetrics() {
    @Override
    public void packet(Outcome outcome) {}

    @Override
    public void hepError(HepDecodeException.Reason reason) {}

    @Override
    public void sipError(SipParseException.Reason reason) {}

    @Override
    public void swept(Sweep reason) {}

    @Override
    public void signal(SignalOutcome outcome) {}

    @Override
    public void gauges(IntSupplier trackedCalls, IntSupplier retryBuffer) {}
  };
}
