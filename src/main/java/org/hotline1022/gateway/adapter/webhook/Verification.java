package org.hotline1022.gateway.adapter.webhook;

/**
 * What a provider made of a request's signature.
 *
 * @param outcome see {@link Outcome}
 * @param reason a fixed word for logs and the {@code reason} metric tag (never request data)
 */
public record Verification(Outcome outcome, String reason) {

  public enum Outcome {
    /** Signed with the channel's secret. */
    VALID,
    /** Signature absent: 401. */
    MISSING,
    /** Signature present but wrong or malformed: 403. */
    INVALID,
    /** Wrong signature accepted for diagnosis (a config flag): stored flagged. */
    FLAGGED,
    /** An unsigned, empty platform probe (Zalo URL registration): 200, stored nowhere. */
    PROBE
  }

  public static final Verification VALID = new Verification(Outcome.VALID, "valid");
  public static final Verification PROBE = new Verification(Outcome.PROBE, "probe");

  public static Verification missing() {
    return new Verification(Outcome.MISSING, "missing_signature");
  }

  public static Verification invalid(String reason) {
    return new Verification(Outcome.INVALID, reason);
  }
}
