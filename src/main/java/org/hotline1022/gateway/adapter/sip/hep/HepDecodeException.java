package org.hotline1022.gateway.adapter.sip.hep;

import java.util.Locale;

/** A HEP packet (or stream) that cannot be decoded; the reason is a fixed set, a metric tag. */
public final class HepDecodeException extends Exception {

  /** Why the packet was refused. */
  public enum Reason {
    /** Not starting with {@code HEP3} (v1/v2 and other protocols are not spoken). */
    BAD_MAGIC,
    /** Shorter than its header, or its total length disagrees with the bytes received. */
    BAD_LENGTH,
    /** A chunk whose length is under 6 or runs past the end of the packet. */
    TRUNCATED_CHUNK,
    /** A known chunk with the wrong size for its type (e.g. an IPv4 address that is not 4 bytes). */
    BAD_CHUNK,
    /** No payload chunk, or only a compressed one (not supported). */
    NO_PAYLOAD;

    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Reason reason;

  public HepDecodeException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
