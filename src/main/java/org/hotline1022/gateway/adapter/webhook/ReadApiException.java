package org.hotline1022.gateway.adapter.webhook;

/** A platform read-API call that did not give usable data; the outcome says why (a fixed word). */
public final class ReadApiException extends RuntimeException {
  private final RunOutcome outcome;

  public ReadApiException(RunOutcome outcome, String message) {
    super(message, null, false, false);
    this.outcome = outcome;
  }

  public RunOutcome outcome() {
    return outcome;
  }

  /** The outcome of any failure of a read: typed ones keep theirs, anything else is {@code unreachable}. */
  public static RunOutcome outcomeOf(Throwable failure) {
    return failure instanceof ReadApiException e ? e.outcome() : RunOutcome.UNREACHABLE;
  }
}
