package org.hotline1022.gateway.adapter.sip;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.hotline1022.gateway.inquiry.CallSignal;
import org.hotline1022.gateway.intake.CallIntake;
import org.hotline1022.gateway.intake.IntakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands call signals to {@link CallIntake} after SIP has been answered, so the database is never in
 * the way of a call. A signal whose commit fails for a transient reason (overloaded, database down)
 * waits in a bounded in-memory buffer and is retried with exponential backoff and jitter; beyond the
 * bound the oldest is dropped and counted. One call's steps reach intake one after the other, each
 * after the previous one committed (the store's batches may commit in parallel, and a step committed
 * after a later one is only merged, not announced); different calls go in parallel. While the buffer
 * holds anything, new signals queue behind it. Retries are harmless: intake is idempotent per
 * (callId, step). Confined to the owning verticle's event loop.
 */
final class SignalRelay {
  private static final Logger LOG = LoggerFactory.getLogger(SignalRelay.class);
  /** Signals sent at once while draining the buffer. */
  private static final int WINDOW = 256;

  private final Vertx vertx;
  private final CallIntake intake;
  private final int capacity;
  private final long baseMs;
  private final long maxMs;
  private final SipUasMetrics metrics;
  private final ArrayDeque<CallSignal> buffer = new ArrayDeque<>();
  /** Calls with a signal in flight → their later signals, waiting for it. */
  private final Map<String, ArrayDeque<CallSignal>> chains = new HashMap<>();
  private int inFlight;
  /** Consecutive rounds (not signals) that saw a failure: the backoff exponent. */
  private int failures;
  /** A signal of the current round failed. */
  private boolean roundFailed;
  /** Inside drain()'s loop (a synchronously completed signal must not end the round early). */
  private boolean dispatching;
  private long timer = -1;
  private boolean draining;

  SignalRelay(Vertx vertx, CallIntake intake, int capacity, long baseMs, long maxMs, SipUasMetrics metrics) {
    this.vertx = vertx;
    this.intake = intake;
    this.capacity = capacity;
    this.baseMs = baseMs;
    this.maxMs = maxMs;
    this.metrics = metrics;
  }

  int buffered() {
    return buffer.size();
  }

  /** Sends the signal now, or queues it behind earlier ones that still wait for a retry. */
  void offer(CallSignal signal) {
    if (buffer.isEmpty() && !draining) {
      dispatch(signal);
    } else {
      enqueue(signal);
    }
  }

  /** Sends now, or behind the call's signal in flight. */
  private void dispatch(CallSignal signal) {
    ArrayDeque<CallSignal> chain = chains.get(signal.callId());
    if (chain != null) {
      chain.addLast(signal);
    } else {
      chains.put(signal.callId(), new ArrayDeque<>(2));
      send(signal);
    }
  }

  /** The call's next waiting signal goes out, or the call leaves the chains. */
  private void next(String callId) {
    ArrayDeque<CallSignal> chain = chains.get(callId);
    CallSignal n = chain == null ? null : chain.pollFirst();
    if (n != null) {
      send(n);
    } else {
      chains.remove(callId);
    }
  }

  private void send(CallSignal signal) {
    inFlight++;
    Future<Void> f;
    try {
      f = intake.signal(signal);
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> {
      inFlight--;
      if (ar.succeeded()) {
        metrics.signal(SipUasMetrics.SignalOutcome.STORED);
        next(signal.callId());
      } else if (ar.cause() instanceof IntakeException e && !e.reason().transientFailure()) {
        metrics.signal(SipUasMetrics.SignalOutcome.REJECTED);
        LOG.warn("call signal rejected by intake [callId: {}, step: {}, reason: {}]", signal.callId(), signal.step(), e.reason().tag());
        next(signal.callId());
      } else {
        metrics.signal(SipUasMetrics.SignalOutcome.RETRIED);
        roundFailed = true;
        enqueue(signal);
        ArrayDeque<CallSignal> later = chains.remove(signal.callId());
        if (later != null) {
          later.forEach(this::enqueue); // they keep their order, behind the one that failed
        }
      }
      if (inFlight == 0 && !dispatching) {
        roundEnd();
      }
    });
  }

  /** A round ends when nothing is in flight: one failure or many, the backoff grows by one step. */
  private void roundEnd() {
    failures = roundFailed ? failures + 1 : 0;
    roundFailed = false;
    draining = false;
    if (!buffer.isEmpty()) {
      schedule(failures == 0 ? 0 : delay());
    }
  }

  private void enqueue(CallSignal signal) {
    if (buffer.size() >= capacity) {
      CallSignal dropped = buffer.pollFirst();
      metrics.signal(SipUasMetrics.SignalOutcome.DROPPED);
      LOG.warn("signal buffer full, oldest call signal dropped [callId: {}, step: {}]", dropped.callId(), dropped.step());
    }
    buffer.addLast(signal);
    if (!draining && inFlight == 0) {
      schedule(delay()); // else the end of the round schedules the retry
    }
  }

  private long delay() {
    long d = Math.min(maxMs, baseMs << Math.min(20, Math.max(0, failures - 1)));
    return d / 2 + ThreadLocalRandom.current().nextLong(d / 2 + 1);
  }

  private void schedule(long ms) {
    if (timer >= 0) {
      return;
    }
    timer = vertx.setTimer(Math.max(1, ms), t -> {
      timer = -1;
      drain();
    });
  }

  /** Sends one window of buffered signals in order; the last completion decides what comes next. */
  private void drain() {
    if (buffer.isEmpty() || draining) {
      return;
    }
    draining = true;
    int n = Math.min(WINDOW, buffer.size());
    dispatching = true;
    for (int i = 0; i < n; i++) {
      dispatch(buffer.pollFirst());
    }
    dispatching = false;
    if (inFlight == 0) {
      roundEnd(); // every signal of the round completed at once
    }
  }

  /** Shutdown: one last attempt for what is buffered, bounded by {@code ms}; what is left is logged. */
  Future<Void> flush(long ms) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    Promise<Void> done = Promise.promise();
    long deadline = System.nanoTime() + ms * 1_000_000;
    failures = 0;
    drain();
    long[] poll = new long[1];
    poll[0] = vertx.setPeriodic(20, t -> {
      if ((inFlight == 0 && buffer.isEmpty()) || System.nanoTime() > deadline) {
        vertx.cancelTimer(poll[0]);
        if (timer >= 0) {
          vertx.cancelTimer(timer);
          timer = -1;
        }
        if (!buffer.isEmpty() || inFlight > 0) {
          LOG.warn("stopping with call signals not stored [buffered: {}, inFlight: {}]", buffer.size(), inFlight);
        }
        done.tryComplete();
      } else if (!draining && !buffer.isEmpty()) {
        drain();
      }
    });
    return done.future();
  }
}
