package org.hotline1022.gateway.adapter.webhook;

/** A verified body that is not the platform's JSON envelope: answered 400, never a 500. */
public final class MalformedPayload extends RuntimeException {
  public MalformedPayload(String message) {
    super(message, null, false, false);
  }
}
