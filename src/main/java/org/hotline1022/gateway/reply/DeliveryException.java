package org.hotline1022.gateway.reply;

/**
 * Why a {@link ReplySender} could not deliver a reply. {@link #permanent()} decides what the
 * dispatcher does next: a permanent failure (the provider refused it, the chat window closed, no
 * sender for the channel) is recorded as {@code failed} at once; any other failure is retried with
 * backoff until the attempts run out. {@link #code()} is short and stable ({@code window_closed},
 * {@code rejected}, {@code timeout}, {@code http_5xx}, ...): it goes into the {@code reply.failed}
 * event and the outbox row, so agents' tools can react to it. The message is for humans and must
 * not carry the reply's text or the citizen's address.
 */
public final class DeliveryException extends RuntimeException {
  private final boolean permanent;
  private final String code;

  public DeliveryException(boolean permanent, String code, String message, Throwable cause) {
    super(message, cause, false, false);
    this.permanent = permanent;
    this.code = code;
  }

  /** Retrying cannot help. */
  public static DeliveryException permanent(String code, String message) {
    return new DeliveryException(true, code, message, null);
  }

  /** Worth another attempt later. */
  public static DeliveryException retryable(String code, String message) {
    return new DeliveryException(false, code, message, null);
  }

  /** Any failure a sender did not classify counts as retryable, code {@code error}. */
  static DeliveryException of(Throwable failure) {
    return failure instanceof DeliveryException d ? d : new DeliveryException(false, "error", String.valueOf(failure), failure);
  }

  public boolean permanent() {
    return permanent;
  }

  public String code() {
    return code;
  }
}
