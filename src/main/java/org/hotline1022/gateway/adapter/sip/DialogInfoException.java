package org.hotline1022.gateway.adapter.sip;

import java.util.Locale;

/** A dialog-info body that cannot be used; the reason is a metric tag. The message never holds body text. */
public final class DialogInfoException extends Exception {

  /** Why the body was refused. */
  public enum Reason {
    /** Larger than the byte bound, too deep, too many dialogs or too long a text. */
    TOO_LARGE,
    /** Not well-formed XML (or not UTF-8 when it says so). */
    MALFORMED,
    /** It declares a DTD: refused outright, so no entity can be expanded or fetched. */
    DTD,
    /** Well-formed, but not a {@code dialog-info} document or missing a required part. */
    INVALID;

    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Reason reason;

  public DialogInfoException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
