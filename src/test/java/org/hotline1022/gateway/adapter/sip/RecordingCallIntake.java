package org.hotline1022.gateway.adapter.sip;

import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.hotline1022.gateway.inquiry.CallSignal;
import org.hotline1022.gateway.intake.CallIntake;
import org.hotline1022.gateway.intake.IntakeException;

/** A CallIntake that records what it stores; it can be told to fail the next n signals. */
public final class RecordingCallIntake implements CallIntake {
  public final List<CallSignal> stored = new CopyOnWriteArrayList<>();
  public final AtomicInteger failNext = new AtomicInteger();
  public final AtomicInteger attempts = new AtomicInteger();

  @Override
  public Future<Void> signal(CallSignal signal) {
    attempts.incrementAndGet();
    if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return Future.failedFuture(new IntakeException(IntakeException.Reason.UNAVAILABLE, "database down (test)"));
    }
    stored.add(signal);
    return Future.succeededFuture();
  }

  public List<CallSignal> of(String callId) {
    return stored.stream().filter(s -> s.callId().equals(callId)).toList();
  }

  /** Distinct (callId, step) pairs stored: what the idempotent store would keep. */
  public long distinct(CallSignal.Step step) {
    return stored.stream().filter(s -> s.step() == step).map(CallSignal::callId).distinct().count();
  }
}
