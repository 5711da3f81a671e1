package org.hotline1022.gateway.intake;

import io.vertx.core.Future;
import org.hotline1022.gateway.inquiry.CallSignal;

/**
 * The single entry for phone inputs (HEP collector, dialog events, overflow UAS): each observed call
 * step goes to the store, which keeps one row per call, appends the {@code call.*} event and opens or
 * joins the inquiry the step implies (sip.md §6). Idempotent per (callId, step): inputs that see the
 * same call, and replays, are absorbed. The future succeeds only after commit and fails with
 * {@link IntakeException} like {@link Intake#submit}. Safe to call from any event loop.
 */
public interface CallIntake {
  Future<Void> signal(CallSignal signal);
}
