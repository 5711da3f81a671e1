package org.hotline1022.gateway.intake;

import java.time.Instant;
import org.hotline1022.gateway.inquiry.CallSignal;

/**
 * A {@link CallSignal} as handed to the call writer: bounded and cleaned, the caller in E.164, and
 * the routing of the inquiry the call may open (used only if it opens one).
 *
 * @param caller E.164, or null when withheld or not a phone number
 */
public record CallSubmission(CallSignal signal, String caller, String topic, String priority, String department, Instant dueAt) {

  /** The event-bus address of the call writer (store), answered with a {@link CallResult} after commit. */
  public static final String ADDRESS = "hotline.store.calls";
}
