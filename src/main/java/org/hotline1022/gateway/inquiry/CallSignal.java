package org.hotline1022.gateway.inquiry;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One observed step of one phone call, from any phone input (HEP mirror, dialog events, overflow
 * UAS). The model is Zammad's generic CTI shape (sip.md §0, §5): offered, ringing, answered, ended
 * with a cause. Several inputs may report the same call; they agree on {@link #callId()}, the
 * Call-ID at the PBX edge (or the HEP correlation id when one is sent), which keys the call row.
 *
 * @param callId the call's key; unique per call, stable across inputs and retransmissions
 * @param step what happened
 * @param at when it happened (the signalling timestamp, not when we parsed it)
 * @param caller the caller's number as signalled (From or P-Asserted-Identity user part); the store
 *     normalizes it to E.164 with {@link ContactNormalizer}; null when withheld
 * @param callerName display name when signalled, else null
 * @param callee the dialled number or URI user part (1022, an agent extension), may be null
 * @param cause why the call ended; null unless {@code step == ENDED}
 * @param source which input saw it
 * @param agent who answered (extension or URI user part) when known, else null
 * @param facts small extra facts from a fixed vocabulary (e.g. {@code sipCode}, {@code byeFrom},
 *     {@code flagged}); never message bodies
 */
public record CallSignal(
    String callId,
    Step step,
    Instant at,
    String caller,
    String callerName,
    String callee,
    CallCause cause,
    Source source,
    String agent,
    Map<String, String> facts) {

  /** The steps of a call, in the order a normal call goes through them. */
  public enum Step { OFFERED, RINGING, ANSWERED, ENDED }

  /** The input that observed the call; also a metric tag. */
  public enum Source { HEP, DIALOG, OVERFLOW }

  public CallSignal {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(source, "source");
    if ((step == Step.ENDED) != (cause != null)) {
      throw new IllegalArgumentException("cause is set exactly when the call ended");
    }
    facts = facts == null ? Map.of() : Map.copyOf(facts);
  }
}
