package org.hotline1022.gateway.adapter.sip.hep;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.hotline1022.gateway.adapter.sip.SipMessage;
import org.hotline1022.gateway.adapter.sip.SipParser;
import org.hotline1022.gateway.adapter.sip.hep.CallTracker.Result;
import org.hotline1022.gateway.inquiry.CallCause;
import org.hotline1022.gateway.inquiry.CallSignal;
import org.hotline1022.gateway.inquiry.CallSignal.Step;
import org.junit.jupiter.api.Test;

/**
 * Composed packet sequences as Kamailio's siptrace mirrors them for one proxy hop (sip.md §4.2):
 * every message once as received and once as sent, so each appears with the edge's Via stack and
 * with the proxy's Via on top.
 */
class CallTrackerTest {

  private static final Instant T0 = Instant.parse("2026-11-29T08:00:00Z");
  static final CallTracker.Settings SETTINGS = new CallTracker.Settings(2_000, 32_000, 180_000, 3_600_000, 32_000, 1000);

  private final List<CallSignal> signals = new ArrayList<>();
  private final List<HepMetrics.Sweep> sweeps = new ArrayList<>();
  private CallTracker tracker = new CallTracker(SETTINGS, signals::add, new HepMetrics() {
    @Override public void packet(Outcome outcome) {}
    @Override public void hepError(HepDecodeException.Reason reason) {}
    @Override public void sipError(org.hotline1022.gateway.adapter.sip.SipParseException.Reason reason) {}
    @Override public void swept(Sweep reason) { sweeps.add(reason); }
    @Override public void signal(SignalOutcome outcome) {}
    @Override public void gauges(java.util.function.IntSupplier a, java.util.function.IntSupplier b) {}
  });

  /** One call's messages; {@code edge} = as between caller and proxy, {@code inner} = proxy and callee. */
  static final class Dialog {
    final String callId;
    final String caller;
    String pai;
    Dialog(String callId, String caller) {
      this.callId = callId;
      this.caller = caller;
    }

    String request(String method, long cseq, String toTag, boolean inner, boolean fromCallee) {
      String vias = fromCallee
          ? (inner ? via("callee", method) : via("proxy", method) + via("callee", method))
          : (inner ? via("proxy", method) + via("uac", method) : via("uac", method));
      String from = fromCallee ? "<sip:1022@pbx>;tag=" + toTag : "\"Citizen\" <sip:" + caller + "@trunk>;tag=ft-" + callId;
      String to = fromCallee ? "<sip:" + caller + "@trunk>;tag=ft-" + callId : "<sip:1022@pbx>" + (toTag == null ? "" : ";tag=" + toTag);
      return "%s sip:1022@pbx SIP/2.0\r\n%sFrom: %s\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %d %s\r\n%sContent-Length: 0\r\n\r\n"
          .formatted(method, vias, from, to, callId, cseq, method, pai == null ? "" : "P-Asserted-Identity: " + pai + "\r\n");
    }

    String response(int status, String method, long cseq, String toTag, boolean inner) {
      String vias = inner ? via("proxy", method) + via("uac", method) : via("uac", method);
      return "SIP/2.0 %d X\r\n%sFrom: \"Citizen\" <sip:%s@trunk>;tag=ft-%s\r\nTo: <sip:1022@pbx>%s\r\nCall-ID: %s\r\nCSeq: %d %s\r\nContact: <sip:agent07@10.0.0.7>\r\nContent-Length: 0\r\n\r\n"
          .formatted(status, vias, caller, callId, toTag == null ? "" : ";tag=" + toTag, callId, cseq, method);
    }

    private String via(String host, String method) {
      String tx = method.equals("ACK") || method.equals("CANCEL") ? "INVITE" : method;
      return "Via: SIP/2.0/UDP " + host + ";branch=z9hG4bK-" + host + "-" + tx + "-" + callId + "\r\n";
    }
  }

  private long now;

  private Result feed(String sip, long atMs) {
    now = atMs;
    try {
      SipMessage m = SipParser.parseDatagram(Buffer.buffer(sip));
      return tracker.onMessage(m, T0.plusMillis(atMs), null, atMs);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Both copies of a request (edge then inner) and of a response (inner then edge). */
  private void hop(Dialog d, String method, long cseq, String toTag, long atMs) {
    feed(d.request(method, cseq, toTag, false, false), atMs);
    feed(d.request(method, cseq, toTag, true, false), atMs + 1);
  }

  private void back(Dialog d, int status, String method, long cseq, String toTag, long atMs) {
    feed(d.response(status, method, cseq, toTag, true), atMs);
    feed(d.response(status, method, cseq, toTag, false), atMs + 1);
  }

  @Test
  void answeredCallThroughAProxyGivesEachStepOnce() {
    Dialog d = new Dialog("a1", "0912345678");
    hop(d, "INVITE", 1, null, 0);
    feed(d.response(100, "INVITE", 1, null, false), 2);
    back(d, 180, "INVITE", 1, "cal", 100);
    back(d, 200, "INVITE", 1, "cal", 4_100);
    hop(d, "ACK", 1, "cal", 4_150);
    hop(d, "BYE", 2, "cal", 64_100);
    back(d, 200, "BYE", 2, "cal", 64_120);

    assertThat(signals).extracting(CallSignal::step).containsExactly(Step.OFFERED, Step.RINGING, Step.ANSWERED, Step.ENDED);
    assertThat(signals).allSatisfy(s -> {
      assertThat(s.callId()).isEqualTo("a1");
      assertThat(s.caller()).isEqualTo("0912345678");
      assertThat(s.callerName()).isEqualTo("Citizen");
      assertThat(s.callee()).isEqualTo("1022");
      assertThat(s.source()).isEqualTo(CallSignal.Source.HEP);
    });
    CallSignal ended = signals.get(3);
    assertThat(ended.cause()).isEqualTo(CallCause.NORMAL_CLEARING);
    assertThat(ended.facts()).containsEntry("byeFrom", "caller");
    assertThat(signals.get(2).agent()).isEqualTo("agent07");
    // Ring time 4 s and talk time 60 s, from the capture timestamps.
    assertThat(Duration.between(signals.get(1).at(), signals.get(2).at())).isEqualTo(Duration.ofSeconds(4));
    assertThat(Duration.between(signals.get(2).at(), ended.at())).isEqualTo(Duration.ofMillis(60_020));
    assertThat(tracker.trackedCalls()).isZero();
  }

  @Test
  void calleeHangingUpIsNoted() {
    Dialog d = new Dialog("a2", "0912000000");
    hop(d, "INVITE", 1, null, 0);
    back(d, 200, "INVITE", 1, "cal", 1000);
    feed(d.request("BYE", 5, "cal", true, true), 9000);
    feed(d.request("BYE", 5, "cal", false, true), 9001);
    feed("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP callee;branch=z9hG4bK-callee-BYE-a2\r\nFrom: <sip:1022@pbx>;tag=cal\r\n"
        + "To: <sip:0912000000@trunk>;tag=ft-a2\r\nCall-ID: a2\r\nCSeq: 5 BYE\r\nContent-Length: 0\r\n\r\n", 9002);
    assertThat(signals.get(signals.size() - 1).facts()).containsEntry("byeFrom", "callee");
  }

  @Test
  void busyIsAMissedCallWithItsCode() {
    Dialog d = new Dialog("b1", "0988000111");
    hop(d, "INVITE", 1, null, 0);
    back(d, 486, "INVITE", 1, "cal", 300);
    hop(d, "ACK", 1, "cal", 310);

    assertThat(signals).extracting(CallSignal::step).containsExactly(Step.OFFERED, Step.ENDED);
    assertThat(signals.get(1).cause()).isEqualTo(CallCause.BUSY);
    assertThat(signals.get(1).cause().needsCallback()).isTrue();
    assertThat(signals.get(1).facts()).containsEntry("sipCode", "486");
    assertThat(signals.get(1).at()).isEqualTo(T0.plusMillis(301));
  }

  @Test
  void cancelWhileRingingIsAbandonedWithItsRingTime() {
    Dialog d = new Dialog("c1", "0977000222");
    hop(d, "INVITE", 1, null, 0);
    back(d, 180, "INVITE", 1, "cal", 50);
    hop(d, "CANCEL", 1, null, 1_550);
    back(d, 200, "CANCEL", 1, "cal", 1_560);
    back(d, 487, "INVITE", 1, "cal", 1_570);
    hop(d, "ACK", 1, "cal", 1_580);

    assertThat(signals).extracting(CallSignal::step).containsExactly(Step.OFFERED, Step.RINGING, Step.ENDED);
    CallSignal ended = signals.get(2);
    assertThat(ended.cause()).isEqualTo(CallCause.CANCEL);
    assertThat(Duration.between(signals.get(1).at(), ended.at()).toMillis()).isEqualTo(1_521);
  }

  @Test
  void aBusyAgentInsideTheHuntDoesNotEndTheCall() {
    Dialog d = new Dialog("f1", "0911000333");
    hop(d, "INVITE", 1, null, 0);
    feed(d.response(486, "INVITE", 1, "agent1", true), 200); // first agent busy, proxy hunts on
    feed(d.response(180, "INVITE", 1, "agent2", true), 400);
    feed(d.response(180, "INVITE", 1, "agent2", false), 401);
    back(d, 200, "INVITE", 1, "agent2", 3000);

    assertThat(signals).extracting(CallSignal::step).containsExactly(Step.OFFERED, Step.RINGING, Step.ANSWERED);
  }

  @Test
  void anInnerFailureWhoseEdgeCopyIsLostIsUsedByTheSweeper() {
    Dialog d = new Dialog("f2", "0911000444");
    hop(d, "INVITE", 1, null, 0);
    feed(d.response(480, "INVITE", 1, "agent1", true), 200);
    tracker.sweep(20_000);
    assertThat(signals).extracting(CallSignal::step).containsExactly(Step.OFFERED);
    tracker.sweep(32_200);
    assertThat(signals).extracting(CallSignal::step).containsExactly(Step.OFFERED, Step.ENDED);
    assertThat(signals.get(1).cause()).isEqualTo(CallCause.NO_ANSWER);
    assertThat(signals.get(1).facts()).containsEntry("flagged", "true").containsEntry("closedBy", "timeout").containsEntry("sipCode", "480");
    assertThat(sweeps).containsExactly(HepMetrics.Sweep.TIMEOUT);
  }

  @Test
  void copiesFromASecondCapturePointAndRetransmissionsAreDuplicates() {
    Dialog d = new Dialog("d1", "0911000555");
    String invite = d.request("INVITE", 1, null, false, false);
    assertThat(feed(invite, 0)).isEqualTo(Result.TRACKED);
    assertThat(feed(invite, 3)).isEqualTo(Result.DUPLICATE);
    assertThat(feed(invite, 500)).isEqualTo(Result.DUPLICATE);
    assertThat(feed(d.request("INVITE", 1, null, true, false), 4)).isEqualTo(Result.TRACKED);
    String ok = d.response(200, "INVITE", 1, "cal", false);
    assertThat(feed(ok, 1000)).isEqualTo(Result.TRACKED);
    assertThat(feed(ok, 1001)).isEqualTo(Result.DUPLICATE);
    assertThat(signals).extracting(CallSignal::step).containsExactly(Step.OFFERED, Step.ANSWERED);
  }

  /**
   * The flake seen in HepKamailioIT: two Kamailio children relay the callee's 180 and 200 sent
   * microseconds apart and each mirrors its own, so the 200's copies can arrive first, the 180's
   * stamped later still. The call rang: its ringing time is filled, never after the answer.
   */
  @Test
  void aRingingOvertakenByTheAnswerStillGivesTheCallItsRingingTime() {
    Dialog d = new Dialog("o1", "0912000001");
    hop(d, "INVITE", 1, null, 0);
    back(d, 200, "INVITE", 1, "cal", 100);
    back(d, 180, "INVITE", 1, "cal", 103);
    hop(d, "ACK", 1, "cal", 150);
    // past the copies' window: tracked again, still one ringing step
    assertThat(feed(d.response(180, "INVITE", 1, "cal", false), 2_500)).isEqualTo(Result.TRACKED);
    hop(d, "BYE", 2, "cal", 3_000);
    back(d, 200, "BYE", 2, "cal", 3_010);

    assertThat(signals).extracting(CallSignal::step)
        .containsExactly(Step.OFFERED, Step.ANSWERED, Step.RINGING, Step.ENDED);
    assertThat(signals.get(2).at()).isEqualTo(signals.get(1).at()).isEqualTo(T0.plusMillis(100));
    assertThat(signals.get(3).cause()).isEqualTo(CallCause.NORMAL_CLEARING);
  }

  @Test
  void aRingingArrivingAfterTheAnswerButCapturedBeforeKeepsItsCaptureTime() throws Exception {
    Dialog d = new Dialog("o2", "0912000002");
    hop(d, "INVITE", 1, null, 0);
    back(d, 200, "INVITE", 1, "cal", 2_000);
    tracker.onMessage(SipParser.parseDatagram(Buffer.buffer(d.response(180, "INVITE", 1, "cal", false))),
        T0.plusMillis(500), null, 2_010);

    assertThat(signals).extracting(CallSignal::step).containsExactly(Step.OFFERED, Step.ANSWERED, Step.RINGING);
    assertThat(signals.get(2).at()).isEqualTo(T0.plusMillis(500));
  }

  @Test
  void aRingingOvertakenEvenByTheEndStillCountsButNeverForAnUnansweredCall() {
    Dialog d = new Dialog("o4", "0912000004");
    hop(d, "INVITE", 1, null, 0);
    back(d, 200, "INVITE", 1, "cal", 100);
    hop(d, "ACK", 1, "cal", 150);
    hop(d, "BYE", 2, "cal", 650);
    back(d, 200, "BYE", 2, "cal", 660);
    assertThat(feed(d.response(180, "INVITE", 1, "cal", false), 700)).isEqualTo(Result.TRACKED);
    Dialog busy = new Dialog("o5", "0912000005");
    hop(busy, "INVITE", 1, null, 1_000);
    back(busy, 486, "INVITE", 1, "cal", 1_100);
    feed(busy.response(180, "INVITE", 1, "cal", false), 1_200);

    assertThat(signals).extracting(s -> s.callId() + " " + s.step()).containsExactly("o4 OFFERED", "o4 ANSWERED",
        "o4 ENDED", "o4 RINGING", "o5 OFFERED", "o5 ENDED");
    assertThat(signals.get(3).at()).isEqualTo(T0.plusMillis(100));
    assertThat(tracker.trackedCalls()).isZero();
  }

  @Test
  void aProvisionalAfterTheAnswerOfACallThatRangIsIgnored() {
    Dialog d = new Dialog("o3", "0912000003");
    hop(d, "INVITE", 1, null, 0);
    back(d, 180, "INVITE", 1, "cal", 50);
    back(d, 200, "INVITE", 1, "cal", 100);
    back(d, 183, "INVITE", 1, "cal", 110);

    assertThat(signals).extracting(CallSignal::step).containsExactly(Step.OFFERED, Step.RINGING, Step.ANSWERED);
  }

  @Test
  void callsFirstSeenMidwayEmitWhatTheyCan() {
    Dialog answered = new Dialog("m1", "0911000666");
    feed(answered.request("BYE", 2, "cal", false, false), 0);
    feed(answered.response(200, "BYE", 2, "cal", false), 5);
    Dialog missed = new Dialog("m2", "0911000777");
    feed(missed.response(487, "INVITE", 1, "cal", false), 10);
    Dialog ringing = new Dialog("m3", "0911000888");
    feed(ringing.response(180, "INVITE", 1, "cal", false), 20);
    feed(ringing.request("ACK", 1, "cal", false, false), 21);

    assertThat(signals).extracting(CallSignal::callId, CallSignal::step, CallSignal::cause).containsExactly(
        org.assertj.core.groups.Tuple.tuple("m1", Step.ENDED, CallCause.NORMAL_CLEARING),
        org.assertj.core.groups.Tuple.tuple("m2", Step.ENDED, CallCause.CANCEL),
        org.assertj.core.groups.Tuple.tuple("m3", Step.RINGING, null));
    assertThat(signals.get(1).caller()).isEqualTo("0911000777");
    assertThat(feed(new Dialog("m4", "1").request("ACK", 1, "x", false, false), 30)).isEqualTo(Result.IGNORED);
  }

  @Test
  void unansweredOfferIsClosedAfter64T1AndAnAnsweredCallPastTheMaximumIsFlagged() {
    Dialog lost = new Dialog("s1", "0911000999");
    hop(lost, "INVITE", 1, null, 0);
    Dialog longCall = new Dialog("s2", "0911001000");
    hop(longCall, "INVITE", 1, null, 0);
    back(longCall, 200, "INVITE", 1, "cal", 1000);

    tracker.sweep(31_000);
    assertThat(signals).filteredOn(s -> s.step() == Step.ENDED).isEmpty();
    tracker.sweep(32_001);
    assertThat(signals).filteredOn(s -> s.step() == Step.ENDED).singleElement().satisfies(s -> {
      assertThat(s.callId()).isEqualTo("s1");
      assertThat(s.cause()).isEqualTo(CallCause.UNKNOWN);
      assertThat(s.facts()).containsEntry("flagged", "true").containsEntry("closedBy", "timeout");
    });
    tracker.sweep(3_601_002);
    CallSignal flagged = signals.get(signals.size() - 1);
    assertThat(flagged.callId()).isEqualTo("s2");
    assertThat(flagged.cause()).isEqualTo(CallCause.UNKNOWN);
    assertThat(flagged.facts()).containsEntry("flagged", "true").containsEntry("closedBy", "maxDuration");
    assertThat(sweeps).containsExactly(HepMetrics.Sweep.TIMEOUT, HepMetrics.Sweep.MAX_DURATION);
    assertThat(tracker.trackedCalls()).isZero();
  }

  @Test
  void aPhoneRingingLongerThan64T1IsNotClosedBeforeTheRingTimeout() {
    Dialog d = new Dialog("r1", "0911001111");
    hop(d, "INVITE", 1, null, 0);
    back(d, 180, "INVITE", 1, "cal", 100);
    tracker.sweep(60_000);
    back(d, 487, "INVITE", 1, "cal", 61_000);
    assertThat(signals).extracting(CallSignal::step).containsExactly(Step.OFFERED, Step.RINGING, Step.ENDED);
    assertThat(signals.get(2).cause()).isEqualTo(CallCause.CANCEL);
    assertThat(signals.get(2).facts()).doesNotContainKey("flagged");
  }

  @Test
  void reInviteAckAndPrackDoNotChangeState() {
    Dialog d = new Dialog("ri", "0911001222");
    hop(d, "INVITE", 1, null, 0);
    back(d, 183, "INVITE", 1, "cal", 10);
    hop(d, "PRACK", 2, "cal", 20);
    back(d, 200, "INVITE", 1, "cal", 100);
    hop(d, "ACK", 1, "cal", 110);
    hop(d, "INVITE", 3, "cal", 5000);
    back(d, 491, "INVITE", 3, "cal", 5010);
    hop(d, "INVITE", 4, "cal", 6000);
    back(d, 200, "INVITE", 4, "cal", 6010);
    assertThat(signals).extracting(CallSignal::step).containsExactly(Step.OFFERED, Step.RINGING, Step.ANSWERED);
  }

  @Test
  void anAuthChallengeDoesNotEndTheCall() {
    Dialog d = new Dialog("au", "0911001333");
    hop(d, "INVITE", 1, null, 0);
    back(d, 407, "INVITE", 1, "px", 5);
    hop(d, "ACK", 1, "px", 6);
    hop(d, "INVITE", 2, null, 10);
    back(d, 486, "INVITE", 2, "cal", 50);
    assertThat(signals).extracting(CallSignal::step).containsExactly(Step.OFFERED, Step.ENDED);
    assertThat(signals.get(1).cause()).isEqualTo(CallCause.BUSY);
  }

  @Test
  void assertedIdentityWinsOverFrom() {
    Dialog d = new Dialog("pai", "anonymous");
    d.pai = "\"Tran Thi B\" <sip:+84911222333@trunk>";
    hop(d, "INVITE", 1, null, 0);
    assertThat(signals.get(0).caller()).isEqualTo("+84911222333");
    assertThat(signals.get(0).callerName()).isEqualTo("Tran Thi B");
  }

  @Test
  void correlationIdKeysTheCall() throws Exception {
    Dialog d = new Dialog("leg-a", "0911001444");
    tracker.onMessage(SipParser.parseDatagram(Buffer.buffer(d.request("INVITE", 1, null, false, false))), T0, "corr-9", 0);
    assertThat(signals.get(0).callId()).isEqualTo("corr-9");
  }

  @Test
  void theTrackerIsBoundedAndLateCopiesDoNotReopenAnEndedCall() {
    tracker = new CallTracker(new CallTracker.Settings(2_000, 32_000, 180_000, 3_600_000, 32_000, 2), signals::add, HepMetrics.NOOP);
    hop(new Dialog("n1", "1"), "INVITE", 1, null, 0);
    Dialog n2 = new Dialog("n2", "2");
    hop(n2, "INVITE", 1, null, 0);
    assertThat(feed(new Dialog("n3", "3").request("INVITE", 1, null, false, false), 5)).isEqualTo(Result.FULL);
    back(n2, 603, "INVITE", 1, "x", 10);
    assertThat(signals.get(signals.size() - 1).cause()).isEqualTo(CallCause.REJECTED);
    // A late copy of n2's final response from another capture point: absorbed.
    feed(n2.response(603, "INVITE", 1, "x", false).replace("branch=z9hG4bK-uac", "branch=z9hG4bK-other"), 5000);
    assertThat(signals).filteredOn(s -> s.callId().equals("n2")).hasSize(2);
    assertThat(feed(new Dialog("n3", "3").request("INVITE", 1, null, false, false), 5001)).isEqualTo(Result.TRACKED);
    assertThat(tracker.trackedCalls()).isEqualTo(2);
  }

  @Test
  void nonCallTrafficIsIgnored() {
    String options = "OPTIONS sip:pbx SIP/2.0\r\nVia: SIP/2.0/UDP ds;branch=z9hG4bKo\r\nFrom: <sip:ds@ds>;tag=1\r\n"
        + "To: <sip:pbx>\r\nCall-ID: o1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    assertThat(feed(options, 0)).isEqualTo(Result.IGNORED);
    assertThat(tracker.trackedCalls()).isZero();
    assertThat(signals).isEmpty();
  }
}
