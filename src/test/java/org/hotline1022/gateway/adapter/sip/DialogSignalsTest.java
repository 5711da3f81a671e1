package org.hotline1022.gateway.adapter.sip;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hotline1022.gateway.inquiry.CallCause;
import org.hotline1022.gateway.inquiry.CallSignal;
import org.hotline1022.gateway.inquiry.CallSignal.Step;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DialogSignalsTest {
  private final Vertx vertx = Vertx.vertx();
  private final RecordingCallIntake intake = new RecordingCallIntake();
  private final DialogSignals signals = new DialogSignals(new SignalRelay(vertx, intake, 100, 10, 10, SipUasMetrics.NOOP), 3);
  private final DialogInfoParser parser = new DialogInfoParser();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private void apply(String entity, String dialogs) throws Exception {
    signals.apply(parser.parse(("<dialog-info version=\"1\" state=\"partial\" entity=\"" + entity + "\">" + dialogs + "</dialog-info>")
        .getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void asteriskStyleIdsWithoutCallIdMakeOneCallPerRingNotOneForever() throws Exception {
    // chan_pjsip: dialog id = the extension, no call-id, no identities, no event
    apply("sip:201@pbx", "<dialog id=\"201\"><state>early</state></dialog>");
    apply("sip:201@pbx", "<dialog id=\"201\"><state>confirmed</state></dialog>");
    apply("sip:201@pbx", "<dialog id=\"201\"><state>terminated</state></dialog>");
    Thread.sleep(5);
    apply("sip:201@pbx", "<dialog id=\"201\"><state>early</state></dialog>");
    apply("sip:201@pbx", "<dialog id=\"201\"><state>terminated</state></dialog>");
    List<String> ids = intake.stored.stream().map(CallSignal::callId).distinct().toList();
    assertThat(ids).hasSize(2).allMatch(id -> id.startsWith("sip:201@pbx#201#"));
    assertThat(intake.of(ids.get(0))).extracting(CallSignal::step)
        .containsExactly(Step.OFFERED, Step.RINGING, Step.ANSWERED, Step.ENDED);
    assertThat(intake.of(ids.get(0)).get(3).cause()).isEqualTo(CallCause.NORMAL_CLEARING);
    assertThat(intake.of(ids.get(0)).get(2).agent()).isEqualTo("201");
    // rang and ended without an event: not classified as a citizen's missed call
    assertThat(intake.of(ids.get(1)).get(2).cause()).isEqualTo(CallCause.UNKNOWN);
  }

  @Test
  void repeatsAreReportedOnceAndOutgoingCallsSwapSides() throws Exception {
    String d = "<dialog id=\"x\" call-id=\"cx@pbx\" direction=\"initiator\"><state>trying</state>"
        + "<local><identity>sip:agent07@pbx</identity></local><remote><identity>tel:+84912345678</identity></remote></dialog>";
    apply("sip:agent07@pbx", d);
    apply("sip:agent07@pbx", d);
    apply("sip:agent07@pbx", "<dialog id=\"x\" call-id=\"cx@pbx\" direction=\"initiator\"><state event=\"rejected\" code=\"486\">"
        + "terminated</state></dialog>");
    List<CallSignal> s = intake.of("cx@pbx");
    assertThat(s).extracting(CallSignal::step).containsExactly(Step.OFFERED, Step.ENDED);
    assertThat(s.get(0).caller()).isEqualTo("agent07");
    assertThat(s.get(0).callee()).isEqualTo("+84912345678");
    assertThat(s.get(1).cause()).isEqualTo(CallCause.BUSY);
    assertThat(s.get(1).facts()).containsEntry("sipCode", "486").containsEntry("dialogEvent", "rejected");
  }

  @Test
  void causes() {
    assertThat(DialogSignals.byCode(480)).isEqualTo(CallCause.NO_ANSWER);
    assertThat(DialogSignals.byCode(603)).isEqualTo(CallCause.REJECTED);
    assertThat(DialogSignals.byCode(404)).isEqualTo(CallCause.NOT_FOUND);
    assertThat(DialogSignals.byCode(302)).isEqualTo(CallCause.FORWARDED);
    assertThat(DialogSignals.byCode(503)).isEqualTo(CallCause.CONGESTION);
    assertThat(DialogSignals.byCode(487)).isEqualTo(CallCause.CANCEL);
  }

  @Test
  void trackedDialogsAreBounded() throws Exception {
    for (int i = 0; i < 10; i++) {
      apply("sip:q@pbx", "<dialog id=\"" + i + "\" call-id=\"b" + i + "\"><state>early</state></dialog>");
    }
    assertThat(signals.tracked()).isEqualTo(3);
  }

  @Test
  void uriHostAndPort() {
    assertThat(DialogSubscriber.hostPort("sip:1022@127.0.0.1:5062")).containsExactly("127.0.0.1", "5062");
    assertThat(DialogSubscriber.hostPort("<sip:pbx.example;transport=udp>")).containsExactly("pbx.example", "5060");
    assertThat(DialogSubscriber.hostPort("sip:q@[::1]:5070")).containsExactly("::1", "5070");
    assertThat(DialogSubscriber.hostPort("sip:q@host:x")).isNull();
    assertThat(DialogSubscriber.eventPackage(" Dialog ;id=1")).isEqualTo("dialog");
  }
}
