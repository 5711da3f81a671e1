package org.hotline1022.gateway.intake;

import java.util.Locale;

/**
 * What the store made of one call signal, known after commit.
 *
 * @param inquiryId the call's inquiry, or null when it has none (yet)
 * @param trackingCode that inquiry's tracking code, or null
 * @param created true when this batch opened that inquiry
 */
public record CallResult(Outcome outcome, Long inquiryId, String trackingCode, boolean created) {

  /** Also the {@code outcome} tag of {@code hotline_call_signals_total}. */
  public enum Outcome {
    /** A new step: the call row moved on and its {@code call.*} event was appended. */
    STORED,
    /** A step earlier than one already seen (out of order, a restart mid-call): its time was filled, no event. */
    LATE,
    /** That step of that call was stored before (a replay, or another input's copy). */
    DUPLICATE;

    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Outcome of(String tag) {
      return valueOf(tag.toUpperCase(Locale.ROOT));
    }
  }
}
