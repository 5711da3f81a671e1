package org.hotline1022.gateway.intake;

import java.util.Locale;

/** Why intake could not store a submission. Every adapter maps the reason to its protocol's answer. */
public final class IntakeException extends RuntimeException {

  /** The reasons, also the {@code outcome} tag of {@code hotline_inquiries_received_total}. */
  public enum Reason {
    /** The writer's queue is full: answer 503 + Retry-After, leave mail unread. */
    OVERLOADED,
    /** The database is unreachable or failed the transaction: answer 503. */
    UNAVAILABLE,
    /** No commit within the ack timeout; it may still commit: answer 503 (a retry is deduplicated). */
    TIMEOUT,
    /** The gateway is shutting down: answer 503 so the peer retries on another replica. */
    SHUTTING_DOWN,
    /** The database refused this one submission's data: answer 400/422, retrying will not help. */
    REJECTED;

    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** True when a retry later (or elsewhere) can succeed. */
    public boolean transientFailure() {
      return this != REJECTED;
    }
  }

  private final Reason reason;

  public IntakeException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
