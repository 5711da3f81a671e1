package org.hotline1022.gateway.inquiry;

import java.util.Locale;

/**
 * Why a call ended (Zammad's hangup vocabulary, sip.md §5 and the mapping in §6). {@link #tag()} is
 * the stored value, the {@code cause} of {@code call.ended} and a metric tag.
 */
public enum CallCause {
  /** Answered and hung up by either side (BYE). */
  NORMAL_CLEARING(false),
  /** The caller gave up while it rang or queued (CANCEL/487, caller BYE while queued): abandoned. */
  CANCEL(true),
  /** 486/600, or our overflow intake answered busy: missed. */
  BUSY(true),
  /** 480/408, ring timeout: missed. */
  NO_ANSWER(true),
  /** 603: a blocked caller; logged, no callback. */
  REJECTED(false),
  /** 404/484. */
  NOT_FOUND(false),
  /** 5xx. */
  CONGESTION(true),
  /** 3xx: handed elsewhere; the other leg tells the rest. */
  FORWARDED(false),
  /** The last messages never arrived (sweeper closed the call). */
  UNKNOWN(false);

  private final boolean callback;

  CallCause(boolean callback) {
    this.callback = callback;
  }

  /** True when the citizen did not get through and an agent should call back. */
  public boolean needsCallback() {
    return callback;
  }

  public String tag() {
    String n = name().toLowerCase(Locale.ROOT);
    int i = n.indexOf('_');
    return i < 0 ? n : n.substring(0, i) + Character.toUpperCase(n.charAt(i + 1)) + n.substring(i + 2);
  }
}
