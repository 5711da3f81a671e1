package org.hotline1022.gateway.store;

/** An agent command the store refused; {@link #code} is the API's error code. */
public final class CommandException extends RuntimeException {
  private final String code;

  public CommandException(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  /** {@code bad_request}, {@code not_found}, {@code conflict} or {@code unavailable}. */
  public String code() {
    return code;
  }
}
