package org.hotline1022.gateway.adapter.sip.hep;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.hotline1022.gateway.adapter.sip.SipAddress;
import org.hotline1022.gateway.adapter.sip.SipMessage;
import org.hotline1022.gateway.inquiry.CallCause;
import org.hotline1022.gateway.inquiry.CallSignal;
import org.hotline1022.gateway.inquiry.CallSignal.Step;

/**
 * Rebuilds calls from mirrored SIP (sip.md §4.3): drops copies of one hop's message seen twice,
 * follows each Call-ID through INVITE → 1xx → 2xx | 3xx-6xx | CANCEL → ACK → BYE, and emits each
 * {@link CallSignal} step once. Plain Java, not thread-safe: one instance per verticle, fed from
 * its event loop. Timers run on the arrival clock ({@code nowMs}); signals carry capture times.
 *
 * <p>Which final response ends a call: a proxy or PBX relays the final response of the branch it
 * picks, while other branches (forking, hunting, an agent that was busy) fail inside. The copy
 * that reaches the caller has the fewest Vias of the call (each hop toward the callee adds one), so
 * a non-2xx final response ends the call only when its Via count is the least seen on the call's
 * INVITE transaction; inner failures are remembered and used if the sweeper has to close the call.
 */
public final class CallTracker {

  /**
   * @param dedupWindowMs how long a message's identity is remembered to drop its copies
   * @param finalResponseTimeoutMs an offered call with no further message for this long is closed
   *     (64·T1, when the caller's Timer B gives up); also a BYE with no response
   * @param ringTimeoutMs a ringing call with no final response for this long is closed (proxy
   *     Timer C, 3 min in RFC 3261)
   * @param maxCallDurationMs a confirmed call without BYE is closed and flagged after this long
   * @param endedLingerMs an ended call is remembered this long so late copies do not reopen it
   * @param maxCalls calls tracked at once (ended ones not counted); beyond it new calls are refused
   */
  public record Settings(long dedupWindowMs, long finalResponseTimeoutMs, long ringTimeoutMs,
      long maxCallDurationMs, long endedLingerMs, int maxCalls) {}

  /** What became of one message. */
  public enum Result { TRACKED, DUPLICATE, IGNORED, FULL }

  private enum State { NEW, OFFERED, RINGING, ANSWERED }

  private static final class Call {
    final String key;
    State state = State.NEW;
    String caller;
    String callerName;
    String callee;
    String callerTag;
    long inviteCseq = -1;
    int minVias = Integer.MAX_VALUE;
    boolean cancelled;
    boolean byeSeen;
    String byeFrom;
    CallCause innerCause;
    int innerCode;
    long lastSeenMs;
    Instant lastAt;
    long answeredMs;
    long ringingMs;
    boolean rang;
    Instant answeredAt;
    long endedMs;

    Call(String key) {
      this.key = key;
    }
  }

  /**
   * Message identities remembered at most (a 2 s window at 20,000 packets/s is 40,000); beyond it
   * the oldest are forgotten, which only lets a late copy through to a state machine that ignores it.
   */
  static final int MAX_IDENTITIES = 262_144;

  private final Settings settings;
  private final Consumer<CallSignal> out;
  private final HepMetrics metrics;
  private final Map<String, Call> calls = new HashMap<>();
  /** Ended calls by key (arrival time in {@link Call#endedMs}); insertion order is end order. */
  private final LinkedHashMap<String, Call> ended = new LinkedHashMap<>();
  /** Message identities → arrival time; insertion order is arrival order. */
  private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();

  public CallTracker(Settings settings, Consumer<CallSignal> out, HepMetrics metrics) {
    this.settings = settings;
    this.out = out;
    this.metrics = metrics;
  }

  /** Calls being followed (not counting recently ended ones). */
  public int trackedCalls() {
    return calls.size();
  }

  /**
   * One captured message.
   *
   * @param at capture time (HEP timestamp), the {@code at} of any signal it causes
   * @param correlationId HEP chunk 17 when sent: then the call's key (contract: CallSignal.callId)
   * @param nowMs arrival time on this process's clock, for windows and sweepers
   */
  public Result onMessage(SipMessage m, Instant at, String correlationId, long nowMs) {
    expire(nowMs);
    String method = m.cseq().method();
    if (!callMethod(method)) {
      return Result.IGNORED;
    }
    String identity = identity(m);
    if (seen.containsKey(identity)) {
      return Result.DUPLICATE;
    }
    seen.put(identity, nowMs);
    if (seen.size() > MAX_IDENTITIES) {
      seen.remove(seen.keySet().iterator().next());
    }
    String key = correlationId == null || correlationId.isBlank() ? m.callId() : correlationId;
    Call done = ended.get(key);
    if (done != null) {
      if (!m.isRequest()) {
        overtakenRinging(done, m, at);
      }
      return Result.TRACKED;
    }
    Call call = calls.get(key);
    if (call == null) {
      if (!opensCall(m)) {
        return Result.IGNORED;
      }
      if (calls.size() >= settings.maxCalls()) {
        return Result.FULL;
      }
      call = new Call(key);
      calls.put(key, call);
    }
    call.lastSeenMs = nowMs;
    call.lastAt = at;
    if (m.isRequest()) {
      request(call, m, at, nowMs);
    } else {
      response(call, m, at, nowMs);
    }
    return Result.TRACKED;
  }

  /** Closes calls whose messages stopped (call every second or so). */
  public void sweep(long nowMs) {
    expire(nowMs);
    List<Call> due = new ArrayList<>();
    for (Call c : calls.values()) {
      long idle = nowMs - c.lastSeenMs;
      boolean timedOut = switch (c.state) {
        case NEW, OFFERED -> idle >= settings.finalResponseTimeoutMs();
        case RINGING -> nowMs - c.ringingMs >= settings.ringTimeoutMs() && idle >= settings.finalResponseTimeoutMs();
        case ANSWERED -> c.byeSeen ? idle >= settings.finalResponseTimeoutMs()
            : nowMs - c.answeredMs >= settings.maxCallDurationMs();
      };
      if (timedOut) {
        due.add(c);
      }
    }
    for (Call c : due) {
      Instant at = c.lastAt.plusMillis(nowMs - c.lastSeenMs);
      if (c.byeSeen) {
        end(c, at, CallCause.NORMAL_CLEARING, 0, null, nowMs);
      } else if (c.state == State.ANSWERED) {
        metrics.swept(HepMetrics.Sweep.MAX_DURATION);
        end(c, at, CallCause.UNKNOWN, 0, "maxDuration", nowMs);
      } else {
        metrics.swept(HepMetrics.Sweep.TIMEOUT);
        CallCause cause = c.innerCause != null ? c.innerCause : c.cancelled ? CallCause.CANCEL : CallCause.UNKNOWN;
        end(c, at, cause, c.innerCode, "timeout", nowMs);
      }
    }
  }

  private void request(Call c, SipMessage m, Instant at, long nowMs) {
    switch (m.method()) {
      case "INVITE" -> {
        if (m.to().tag() != null) {
          return; // re-INVITE: no change of state
        }
        c.minVias = Math.min(c.minVias, m.vias().size());
        c.inviteCseq = Math.max(c.inviteCseq, m.cseq().number());
        if (c.state == State.NEW) {
          parties(c, m);
          emit(c, Step.OFFERED, at, null, null, Map.of());
          c.state = State.OFFERED;
        }
      }
      case "CANCEL" -> c.cancelled = true;
      case "BYE" -> {
        c.byeSeen = true;
        if (c.byeFrom == null && c.callerTag != null && m.from().tag() != null) {
          c.byeFrom = c.callerTag.equals(m.from().tag()) ? "caller" : "callee";
        }
      }
      default -> {
        // ACK, PRACK, UPDATE, INFO, REFER: no change of state (sip.md §4.3).
      }
    }
  }

  private void response(Call c, SipMessage m, Instant at, long nowMs) {
    int status = m.status();
    String method = m.cseq().method();
    if (method.equals("BYE")) {
      if (status >= 200) {
        Map<String, String> facts = c.byeFrom == null ? Map.of() : Map.of("byeFrom", c.byeFrom);
        endWith(c, at, CallCause.NORMAL_CLEARING, 0, facts, nowMs);
      }
      return;
    }
    if (!method.equals("INVITE") || status == 100) {
      return;
    }
    if (c.state == State.NEW) {
      // First seen mid-way (a restart, a second process): the response tells who called.
      parties(c, m);
      c.inviteCseq = m.cseq().number();
    }
    if (m.cseq().number() < c.inviteCseq) {
      return; // a late response to an earlier (e.g. challenged) INVITE
    }
    c.minVias = Math.min(c.minVias, m.vias().size());
    if (status < 200) {
      if (m.to().tag() != null && (c.state == State.NEW || c.state == State.OFFERED)) {
        emit(c, Step.RINGING, at, null, null, Map.of());
        c.state = State.RINGING;
        c.ringingMs = nowMs;
        c.rang = true;
      } else {
        overtakenRinging(c, m, at);
      }
    } else if (status < 300) {
      if (c.state != State.ANSWERED) {
        String agent = agent(m);
        emit(c, Step.ANSWERED, at, null, agent, Map.of());
        c.state = State.ANSWERED;
        c.answeredMs = nowMs;
        c.answeredAt = at;
      }
    } else if (c.state != State.ANSWERED && !retried(status)) {
      CallCause cause = cause(status, c.cancelled);
      if (m.vias().size() <= c.minVias) {
        end(c, at, cause, status, null, nowMs);
      } else {
        c.innerCause = cause;
        c.innerCode = status;
      }
    }
  }

  /**
   * A 1xx overtaken by the 2xx (even by the call's end): each capture process (a Kamailio child)
   * mirrors the message it relays, so a 180 and a 200 relayed microseconds apart can reach us in
   * either order. The call did ring, no later than it was answered; the store fills ringing_at
   * without a second event (a step after a later one is 'late').
   */
  private void overtakenRinging(Call c, SipMessage m, Instant at) {
    int status = m.status();
    if (c.answeredAt == null || c.rang || status <= 100 || status >= 200 || m.to().tag() == null
        || !m.cseq().method().equals("INVITE") || m.cseq().number() < c.inviteCseq) {
      return;
    }
    emit(c, Step.RINGING, at.isAfter(c.answeredAt) ? c.answeredAt : at, null, null, Map.of());
    c.rang = true;
  }

  private void end(Call c, Instant at, CallCause cause, int code, String flagged, long nowMs) {
    Map<String, String> facts = new HashMap<>();
    if (code > 0) {
      facts.put("sipCode", Integer.toString(code));
    }
    if (flagged != null) {
      // The store reads flagged as a boolean; why the sweeper closed the call goes beside it.
      facts.put("flagged", "true");
      facts.put("closedBy", flagged);
    }
    if (c.byeFrom != null) {
      facts.put("byeFrom", c.byeFrom);
    }
    endWith(c, at, cause, code, facts, nowMs);
  }

  private void endWith(Call c, Instant at, CallCause cause, int code, Map<String, String> facts, long nowMs) {
    emit(c, Step.ENDED, at, cause, null, facts);
    calls.remove(c.key);
    c.endedMs = nowMs;
    ended.put(c.key, c);
    if (ended.size() > settings.maxCalls()) {
      ended.remove(ended.keySet().iterator().next());
    }
  }

  private void emit(Call c, Step step, Instant at, CallCause cause, String agent, Map<String, String> facts) {
    out.accept(new CallSignal(c.key, step, at, c.caller, c.callerName, c.callee, cause, CallSignal.Source.HEP,
        agent, facts));
  }

  /** Caller from P-Asserted-Identity (requests only: in a response it names the callee), else From. */
  private static void parties(Call c, SipMessage m) {
    SipAddress pai = m.isRequest() ? m.pAssertedIdentity() : null;
    SipAddress id = pai != null && pai.user() != null ? pai : m.from();
    c.caller = id.user();
    c.callerName = id.displayName() != null ? id.displayName() : m.from().displayName();
    c.callee = m.to().user();
    c.callerTag = m.from().tag();
  }

  /** The answering device: the user part of the 2xx's Contact, when it has one. */
  private static String agent(SipMessage m) {
    String contact = m.header("Contact");
    if (contact == null) {
      return null;
    }
    try {
      return SipAddress.parse(contact).user();
    } catch (Exception e) {
      return null;
    }
  }

  /** Responses after which the caller tries again in the same call (auth, session timer, glare). */
  private static boolean retried(int status) {
    return status == 401 || status == 407 || status == 422 || status == 491 || status == 494;
  }

  /** sip.md §4.3 and §6. */
  static CallCause cause(int status, boolean cancelled) {
    return switch (status) {
      case 487 -> CallCause.CANCEL;
      case 486, 600 -> CallCause.BUSY;
      case 480, 408 -> CallCause.NO_ANSWER;
      case 403, 603 -> CallCause.REJECTED;
      case 404, 410, 484, 604 -> CallCause.NOT_FOUND;
      default -> status < 400 ? CallCause.FORWARDED : cancelled ? CallCause.CANCEL : CallCause.CONGESTION;
    };
  }

  private static boolean callMethod(String method) {
    return switch (method) {
      case "INVITE", "ACK", "CANCEL", "BYE", "PRACK", "UPDATE", "INFO", "REFER" -> true;
      default -> false;
    };
  }

  /** Messages that may start tracking an unknown Call-ID: an initial INVITE, its responses, BYE and its response. */
  private static boolean opensCall(SipMessage m) {
    String method = m.cseq().method();
    if (m.isRequest()) {
      return (method.equals("INVITE") && m.to().tag() == null) || method.equals("BYE") || method.equals("CANCEL");
    }
    return (method.equals("INVITE") && m.status() > 100) || method.equals("BYE");
  }

  /** sip.md §4.3: (Call-ID, CSeq, status, From-tag, To-tag, top-Via branch) identifies one hop's copy. */
  private static String identity(SipMessage m) {
    return m.callId() + '|' + m.cseq().number() + ' ' + m.cseq().method() + '|' + m.status() + '|'
        + m.from().tag() + '|' + m.to().tag() + '|' + m.topVia().branch() + '|' + m.vias().size();
  }

  private void expire(long nowMs) {
    for (Iterator<Long> it = seen.values().iterator(); it.hasNext(); ) {
      if (nowMs - it.next() < settings.dedupWindowMs()) {
        break;
      }
      it.remove();
    }
    for (Iterator<Call> it = ended.values().iterator(); it.hasNext(); ) {
      if (nowMs - it.next().endedMs < settings.endedLingerMs()) {
        break;
      }
      it.remove();
    }
  }
}
