package org.hotline1022.gateway.adapter.sip;

import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hotline1022.gateway.adapter.sip.DialogInfo.Dialog;
import org.hotline1022.gateway.adapter.sip.DialogInfo.Identity;
import org.hotline1022.gateway.inquiry.CallCause;
import org.hotline1022.gateway.inquiry.CallSignal;
import org.hotline1022.gateway.inquiry.CallSignal.Step;

/**
 * Turns dialog-info documents (NOTIFY and PUBLISH) into call signals, source DIALOG (sip.md §6):
 * trying/proceeding → OFFERED, early → RINGING, confirmed → ANSWERED, terminated → ENDED with a cause
 * from the {@code event} and {@code code}. A dialog first seen past trying also gets OFFERED, so the
 * call row learns the caller. Each step is reported once per dialog (intake absorbs repeats anyway).
 * The call id is the dialog's {@code call-id} when the notifier sends one, else the dialog id scoped
 * by the entity and the time it was first seen ({@code entity#id#millis}): Asterisk sends ids only,
 * and reuses one id (the extension) for every call, so a dialog that starts again after it ended is
 * a new call. Tracked dialogs are bounded: the oldest is forgotten. Confined to the listener's event loop.
 */
final class DialogSignals {
  private final SignalRelay relay;
  /** One call as seen through one dialog id; identities are remembered, partial documents often omit them. */
  private static final class Track {
    final String callId;
    final EnumSet<Step> steps = EnumSet.noneOf(Step.class);
    Identity local;
    Identity remote;
    Boolean initiator;

    Track(String callId) {
      this.callId = callId;
    }
  }

  private final Map<String, Track> seen;

  DialogSignals(SignalRelay relay, int maxDialogs) {
    this.relay = relay;
    this.seen = new LinkedHashMap<>(1024, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Track> eldest) {
        return size() > maxDialogs;
      }
    };
  }

  int tracked() {
    return seen.size();
  }

  /** Applies one accepted (not stale) document. */
  void apply(DialogInfo doc) {
    Instant at = Instant.now();
    for (Dialog d : doc.dialogs()) {
      String key = doc.entity() + "#" + d.id();
      Track track = seen.get(key);
      boolean restarted = track != null && track.steps.contains(Step.ENDED) && d.state() != DialogInfo.State.TERMINATED;
      if (track == null || restarted || (d.callId() != null && !d.callId().equals(track.callId))) {
        track = new Track(d.callId() != null ? d.callId() : key + "#" + at.toEpochMilli());
        seen.put(key, track);
      }
      track.local = d.local() != null ? d.local() : track.local;
      track.remote = d.remote() != null ? d.remote() : track.remote;
      track.initiator = d.initiator() != null ? d.initiator() : track.initiator;
      EnumSet<Step> steps = track.steps;
      Step step = switch (d.state()) {
        case TRYING, PROCEEDING -> Step.OFFERED;
        case EARLY -> Step.RINGING;
        case CONFIRMED -> Step.ANSWERED;
        case TERMINATED -> Step.ENDED;
      };
      if (step != Step.ENDED && !steps.contains(Step.OFFERED)) {
        emit(steps, signal(doc, d, track, Step.OFFERED, at, null));
      }
      CallCause cause = step == Step.ENDED ? cause(d, steps.contains(Step.ANSWERED)) : null;
      emit(steps, signal(doc, d, track, step, at, cause));
    }
  }

  private void emit(EnumSet<Step> steps, CallSignal s) {
    if (steps.add(s.step())) {
      relay.offer(s);
    }
  }

  /** RFC 4235 §4.1.3 events and codes to the Zammad causes; without either, what we saw decides. */
  static CallCause cause(Dialog d, boolean answered) {
    if (d.event() != null) {
      switch (d.event()) {
        case CANCELLED:
          return CallCause.CANCEL;
        case LOCAL_BYE, REMOTE_BYE:
          return CallCause.NORMAL_CLEARING;
        case REPLACED:
          return CallCause.FORWARDED;
        case ERROR:
          return CallCause.CONGESTION;
        case TIMEOUT:
          return CallCause.NO_ANSWER;
        case REJECTED:
          return d.code() == null ? CallCause.BUSY : byCode(d.code());
        default:
          break;
      }
    }
    if (d.code() != null && d.code() >= 300) {
      return byCode(d.code());
    }
    // Asterisk reports no event at all: an answered dialog cleared normally; an unanswered one is
    // not classified (it may be an agent's phone that rang, not a citizen who gave up)
    return answered ? CallCause.NORMAL_CLEARING : CallCause.UNKNOWN;
  }

  static CallCause byCode(int code) {
    if (code == 486 || code == 600) {
      return CallCause.BUSY;
    }
    if (code == 480 || code == 408) {
      return CallCause.NO_ANSWER;
    }
    if (code == 487) {
      return CallCause.CANCEL;
    }
    if (code == 603) {
      return CallCause.REJECTED;
    }
    if (code == 404 || code == 484) {
      return CallCause.NOT_FOUND;
    }
    if (code >= 300 && code < 400) {
      return CallCause.FORWARDED;
    }
    if (code >= 500 && code < 600) {
      return CallCause.CONGESTION;
    }
    return CallCause.BUSY;
  }

  private static CallSignal signal(DialogInfo doc, Dialog d, Track t, Step step, Instant at, CallCause cause) {
    // direction="initiator": the monitored entity placed the call, so the caller is the local side
    boolean outgoing = Boolean.TRUE.equals(t.initiator);
    Identity caller = outgoing ? t.local : t.remote;
    Identity callee = outgoing ? t.remote : t.local;
    String entityUser = SipUris.user(doc.entity());
    String calleeUser = callee != null && callee.user() != null ? callee.user() : (outgoing ? null : entityUser);
    String agent = step == Step.ANSWERED && !outgoing ? calleeUser : null;
    Map<String, String> facts = new HashMap<>();
    if (d.code() != null) {
      facts.put("sipCode", Integer.toString(d.code()));
    }
    if (d.event() != null && step == Step.ENDED) {
      facts.put("dialogEvent", d.event().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    }
    return new CallSignal(t.callId, step, at, caller == null ? null : caller.user(), caller == null ? null : caller.display(), calleeUser,
        cause, CallSignal.Source.DIALOG, agent, facts);
  }
}
