package org.hotline1022.gateway.adapter.sip;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.hotline1022.gateway.config.SipConfig;
import org.hotline1022.gateway.inquiry.CallCause;
import org.hotline1022.gateway.inquiry.CallSignal;
import org.hotline1022.gateway.inquiry.CallSignal.Step;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The overflow intake: the INVITE server transaction of RFC 3261 §17.2.1 for calls a PBX sends when
 * its queue is full. It answers {@code 100} at once, {@code 180}, then after {@code ringMs} the
 * configured {@code 486} or {@code 480} with {@code Retry-After}; never {@code 200}, so no dialog and
 * no media exist. A retransmitted INVITE gets the last answer again; over UDP the final answer is
 * retransmitted on Timer G (T1 doubling to T2) until the ACK or Timer H (64·T1); after the ACK,
 * further ACKs are absorbed for Timer I (T4; 0 on TCP). CANCEL before the final answer: {@code 200},
 * then {@code 487}. Each call's steps go to intake (source OVERFLOW) after the answer is on the wire.
 * Confined to the listener's event loop.
 */
final class OverflowUas {
  private static final Logger LOG = LoggerFactory.getLogger(OverflowUas.class);

  private enum State { PROCEEDING, COMPLETED, CONFIRMED }

  /** One INVITE server transaction. */
  private final class Txn {
    final String key;
    final SipMessage invite;
    final SipChannel channel;
    final String toTag = SipResponses.newTag();
    State state = State.PROCEEDING;
    Buffer last;
    int finalStatus;
    long ringTimer = -1;
    long gTimer = -1;
    long gInterval;
    long hTimer = -1;

    Txn(String key, SipMessage invite, SipChannel channel) {
      this.key = key;
      this.invite = invite;
      this.channel = channel;
    }

    void send(SipMessage response) {
      last = response.toBuffer();
      channel.send(last);
    }
  }

  private final Vertx vertx;
  private final SipConfig config;
  private final SignalRelay relay;
  private final SipUasMetrics metrics;
  private final Map<String, Txn> txns = new HashMap<>();

  OverflowUas(Vertx vertx, SipConfig config, SignalRelay relay, SipUasMetrics metrics) {
    this.vertx = vertx;
    this.config = config;
    this.relay = relay;
    this.metrics = metrics;
  }

  int size() {
    return txns.size();
  }

  /** True when the INVITE belongs to a transaction already held (its last answer was sent again). */
  boolean retransmission(SipMessage invite) {
    Txn t = txns.get(TransactionKeys.forInvite(invite));
    if (t == null) {
      return false;
    }
    metrics.retransmission(true);
    if (t.state != State.CONFIRMED && t.last != null) {
      t.channel.send(t.last);
    }
    return true;
  }

  /** A new overflow call: 100 and 180 now, the final answer now or after {@code ringMs}. */
  void invite(SipMessage invite, SipChannel channel) {
    Instant at = Instant.now();
    Txn t = new Txn(TransactionKeys.forInvite(invite), invite, channel);
    txns.put(t.key, t);
    t.send(response(t, 100).build());
    t.send(response(t, 180).header("Contact", contact()).build());
    relay.offer(signal(t, Step.OFFERED, at, null));
    relay.offer(signal(t, Step.RINGING, Instant.now(), null));
    if (config.ringMs() > 0) {
      t.ringTimer = vertx.setTimer(config.ringMs(), id -> {
        t.ringTimer = -1;
        if (txns.get(t.key) == t && t.state == State.PROCEEDING) {
          reject(t, config.answerCode());
        }
      });
    } else {
      reject(t, config.answerCode());
    }
  }

  /** ACK for our final answer: stop Timer G/H, absorb copies for Timer I. An unmatched ACK is dropped. */
  void ack(SipMessage ack) {
    Txn t = txns.get(TransactionKeys.forInvite(ack));
    if (t == null) {
      return;
    }
    if (t.state == State.CONFIRMED) {
      metrics.retransmission(true);
      return;
    }
    if (t.state != State.COMPLETED) {
      return; // an ACK before any final answer matches nothing (RFC 3261 §17.2.1)
    }
    t.state = State.CONFIRMED;
    cancel(t.gTimer);
    cancel(t.hTimer);
    t.gTimer = -1;
    t.hTimer = -1;
    long timerI = t.channel.reliable() ? 0 : config.t4Ms();
    if (timerI == 0) {
      txns.remove(t.key);
    } else {
      vertx.setTimer(timerI, id -> txns.remove(t.key, t));
    }
  }

  /**
   * CANCEL (RFC 3261 §9.2), answered here and kept in {@code answers} for its own retransmissions:
   * 481 without a matching INVITE; 200 otherwise, and then 487 to the INVITE when no final answer
   * was sent yet. The 200 carries the INVITE's To-tag.
   */
  void cancel(SipMessage cancel, SipChannel channel, ResponseCache answers) {
    Txn t = txns.get(TransactionKeys.forInvite(cancel));
    String key = TransactionKeys.own(cancel);
    SipResponses.Builder b = SipResponses.to(cancel).source(channel.sourceHost(), channel.sourcePort());
    if (t == null) {
      answers.answer(key, channel, b.status(481).toTag(SipResponses.newTag()).build());
      metrics.answered("CANCEL", 481);
      return;
    }
    answers.answer(key, channel, b.status(200).toTag(t.toTag).build());
    metrics.answered("CANCEL", 200);
    if (t.state == State.PROCEEDING) {
      cancel(t.ringTimer);
      t.ringTimer = -1;
      reject(t, 487);
    }
  }

  /** Sends a final non-2xx answer and reports the call's end. */
  private void reject(Txn t, int status) {
    SipResponses.Builder b = response(t, status);
    if (status != 487 && config.retryAfterSeconds() > 0) {
      b.header("Retry-After", Integer.toString(config.retryAfterSeconds()));
    }
    t.send(b.build());
    t.finalStatus = status;
    t.state = State.COMPLETED;
    metrics.answered("INVITE", status);
    CallCause cause = status == 487 ? CallCause.CANCEL : status == 480 ? CallCause.NO_ANSWER : CallCause.BUSY;
    metrics.overflowCall(cause.tag());
    relay.offer(signal(t, Step.ENDED, Instant.now(), cause));
    if (!t.channel.reliable()) {
      t.gInterval = config.t1Ms();
      t.gTimer = vertx.setTimer(t.gInterval, id -> timerG(t));
    }
    t.hTimer = vertx.setTimer(config.timerHMs(), id -> {
      t.hTimer = -1;
      if (t.state == State.COMPLETED && txns.remove(t.key, t)) {
        cancel(t.gTimer);
        metrics.ackTimeout();
        // counted; debug only, since a peer that drops ACKs would otherwise flood the log
        LOG.debug("final answer never acknowledged [callId: {}, status: {}]", t.invite.callId(), t.finalStatus);
      }
    });
  }

  private void timerG(Txn t) {
    t.gTimer = -1;
    if (t.state != State.COMPLETED || txns.get(t.key) != t) {
      return;
    }
    t.channel.send(t.last);
    metrics.retransmission(false);
    t.gInterval = Math.min(2 * t.gInterval, config.t2Ms());
    t.gTimer = vertx.setTimer(t.gInterval, id -> timerG(t));
  }

  private SipResponses.Builder response(Txn t, int status) {
    SipResponses.Builder b = SipResponses.to(t.invite).status(status);
    if (status != 100) {
      b.toTag(t.toTag);
    }
    return b.source(t.channel.sourceHost(), t.channel.sourcePort());
  }

  private String contact() {
    return "<sip:1022@" + config.contactHost() + ":" + config.port() + ">";
  }

  private CallSignal signal(Txn t, Step step, Instant at, CallCause cause) {
    SipMessage m = t.invite;
    SipAddress who = m.pAssertedIdentity() != null && m.pAssertedIdentity().user() != null ? m.pAssertedIdentity() : m.from();
    String name = who.displayName() != null ? who.displayName() : m.from().displayName();
    String callee = SipUris.user(m.requestUri());
    Map<String, String> facts = cause == null ? Map.of() : Map.of("sipCode", Integer.toString(t.finalStatus));
    return new CallSignal(m.callId(), step, at, who.user(), name, callee != null ? callee : m.to().user(), cause,
        CallSignal.Source.OVERFLOW, null, facts);
  }

  private void cancel(long timer) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** Stop: timers off, transactions forgotten (their calls were already reported). */
  void close() {
    txns.values().forEach(t -> {
      cancel(t.ringTimer);
      cancel(t.gTimer);
      cancel(t.hTimer);
    });
    txns.clear();
  }
}
