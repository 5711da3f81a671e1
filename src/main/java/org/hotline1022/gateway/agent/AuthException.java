package org.hotline1022.gateway.agent;

/** A token that is missing or invalid (401) or valid without an agent role (403). */
public final class AuthException extends RuntimeException {
  private final int status;

  public AuthException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
