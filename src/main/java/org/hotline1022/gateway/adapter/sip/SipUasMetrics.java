package org.hotline1022.gateway.adapter.sip;

import java.util.Locale;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * Meters of the SIP listener (overflow intake UAS and dialog events), behind a domain interface so
 * only {@link MicrometerSipUasMetrics} knows Micrometer. Every tag comes from a fixed set. Called
 * from the listener's event loop; implementations must be thread-safe and non-blocking.
 */
public interface SipUasMetrics {

  /** Methods counted by name; anything else is {@code other}. */
  Set<String> METHODS = Set.of("INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "NOTIFY", "PUBLISH", "SUBSCRIBE", "REGISTER", "INFO",
      "UPDATE", "PRACK", "REFER", "MESSAGE");

  static String methodTag(String method) {
    return method != null && METHODS.contains(method) ? method : "other";
  }

  /** What became of a call signal handed to intake. */
  enum SignalOutcome {
    STORED, RETRIED, DROPPED, REJECTED;

    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What became of one dialog-info document. */
  enum DocumentOutcome {
    APPLIED, STALE, INVALID;

    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A request answered (final answer only; 100/180 are not counted). */
  void answered(String method, int status);

  /** Input that could not be parsed; {@code reason} is a parse or body reason tag. */
  void malformed(String transport, String reason);

  /** A retransmitted request absorbed ({@code in}) or a final response retransmitted on Timer G ({@code out}). */
  void retransmission(boolean inbound);

  /** A final INVITE answer never acknowledged (Timer H fired). */
  void ackTimeout();

  /** One overflow call finished, by the cause reported. */
  void overflowCall(String cause);

  void signal(SignalOutcome outcome);

  void document(DocumentOutcome outcome);

  /** Gauges read on scrape: transactions held, signals waiting for retry, active subscriptions. */
  void gauges(IntSupplier transactions, IntSupplier signalBuffer, IntSupplier activeSubscriptions);

  SipUasMetrics NOOP = new SipUasMetrics() {
    @Override
    public void answered(String method, int status) {}

    @Override
    public void malformed(String transport, String reason) {}

    @Override
    public void retransmission(boolean inbound) {}

    @Override
    public void ackTimeout() {}

    @Override
    public void overflowCall(String cause) {}

    @Override
    public void signal(SignalOutcome outcome) {}

    @Override
    public void document(DocumentOutcome outcome) {}

    @Override
    public void gauges(IntSupplier transactions, IntSupplier signalBuffer, IntSupplier activeSubscriptions) {}
  };
}
