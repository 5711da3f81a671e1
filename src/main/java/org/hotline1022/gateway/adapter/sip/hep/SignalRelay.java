package org.hotline1022.gateway.adapter.sip.hep;

import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.concurrent.ThreadLocalRandom;
import org.hotline1022.gateway.inquiry.CallSignal;
import org.hotline1022.gateway.intake.CallIntake;
import org.hotline1022.gateway.intake.IntakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands call signals to {@link CallIntake} without ever putting the database in the way of the
 * collector: signals queue in a bounded FIFO (the oldest dropped beyond it, counted), at most
 * {@code inFlight} are outstanding, and a transient failure puts the signal back at the head and
 * pauses sending for a doubling, jittered delay. The store is idempotent per (callId, step), so a
 * retry of a signal that did commit is harmless. Confined to one event loop.
 */
final class SignalRelay {
  private static final Logger LOG = LoggerFactory.getLogger(SignalRelay.class);

  private final Vertx vertx;
  private final CallIntake intake;
  private final HepMetrics metrics;
  private final int capacity;
  private final int maxInFlight;
  private final long baseMs;
  private final long maxMs;
  private final ArrayDeque<CallSignal> queue = new ArrayDeque<>();
  private int inFlight;
  private int failures;
  private long retryTimer = -1;
  private boolean closed;

  SignalRelay(Vertx vertx, CallIntake intake, HepMetrics metrics, int capacity, int maxInFlight, long baseMs, long maxMs) {
    this.vertx = vertx;
    this.intake = intake;
    this.metrics = metrics;
    this.capacity = capacity;
    this.maxInFlight = maxInFlight;
    this.baseMs = baseMs;
    this.maxMs = maxMs;
  }

  /** Signals waiting (not counting those in flight). */
  int buffered() {
    return queue.size();
  }

  void offer(CallSignal signal) {
    if (queue.size() >= capacity) {
      queue.pollFirst();
      metrics.signal(HepMetrics.SignalOutcome.DROPPED);
    }
    queue.addLast(signal);
    pump();
  }

  void close() {
    closed = true;
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
    }
    if (!queue.isEmpty()) {
      LOG.warn("HEP collector stopped with call signals not stored [count: {}]", queue.size());
    }
  }

  private void pump() {
    while (!closed && retryTimer < 0 && inFlight < maxInFlight && !queue.isEmpty()) {
      CallSignal s = queue.pollFirst();
      inFlight++;
      intake.signal(s).onComplete(ar -> {
        inFlight--;
        if (ar.succeeded()) {
          failures = 0;
          metrics.signal(HepMetrics.SignalOutcome.STORED);
        } else if (ar.cause() instanceof IntakeException e && !e.reason().transientFailure()) {
          metrics.signal(HepMetrics.SignalOutcome.REJECTED);
          LOG.warn("call signal refused by the store [callId: {}, step: {}]", s.callId(), s.step());
        } else {
          metrics.signal(HepMetrics.SignalOutcome.RETRIED);
          retryLater(s);
        }
        pump();
      });
    }
  }

  private void retryLater(CallSignal s) {
    if (queue.size() >= capacity) {
      metrics.signal(HepMetrics.SignalOutcome.DROPPED);
    } else {
      queue.addFirst(s);
    }
    if (retryTimer >= 0 || closed) {
      return;
    }
    failures = Math.min(failures + 1, 30);
    long step = Math.min(maxMs, baseMs << Math.min(failures - 1, 20));
    long delay = step / 2 + ThreadLocalRandom.current().nextLong(step / 2 + 1);
    retryTimer = vertx.setTimer(Math.max(1, delay), id -> {
      retryTimer = -1;
      pump();
    });
  }
}
