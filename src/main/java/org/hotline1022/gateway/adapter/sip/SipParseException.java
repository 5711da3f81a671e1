package org.hotline1022.gateway.adapter.sip;

import java.util.Locale;

/**
 * A SIP message (or a stream of them) that could not be parsed. The {@link Reason} is a fixed set,
 * used as the {@code reason} tag of parse-error metrics; the message text never carries the input.
 */
public final class SipParseException extends Exception {

  /** Why the input was refused. */
  public enum Reason {
    /** Over the message bound (65,535 bytes) or a header section that never ends within it. */
    TOO_LARGE,
    /** More than the header bound (128). */
    TOO_MANY_HEADERS,
    /** A line (physical or unfolded) over the line bound (8,192 chars). */
    LINE_TOO_LONG,
    /** Empty input, or no blank line ending the headers. */
    TRUNCATED,
    /** Not a request line nor a status line. */
    BAD_START_LINE,
    /** A SIP version other than SIP/2.0. */
    BAD_VERSION,
    /** A header line without a name or colon, or a name that is not a token. */
    BAD_HEADER,
    /** Call-ID, CSeq, From, To or Via missing (or Content-Length on a stream). */
    MISSING_HEADER,
    /** A header that must appear once appears again. */
    DUPLICATE_HEADER,
    /** CSeq not "number method", or its method differs from the request's. */
    BAD_CSEQ,
    /** A Via that is not "SIP/2.0/transport host[:port];params". */
    BAD_VIA,
    /** From/To/P-Asserted-Identity not a name-addr or addr-spec. */
    BAD_ADDRESS,
    /** Content-Length not a non-negative number within the bound. */
    BAD_CONTENT_LENGTH,
    /** Fewer body bytes than Content-Length says. */
    TRUNCATED_BODY;

    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Reason reason;

  public SipParseException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
