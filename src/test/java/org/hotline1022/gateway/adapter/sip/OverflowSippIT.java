package org.hotline1022.gateway.adapter.sip;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.hotline1022.gateway.config.ConfigFiles;
import org.hotline1022.gateway.config.GatewayConfig;
import org.hotline1022.gateway.config.SipConfig;
import org.hotline1022.gateway.inquiry.CallCause;
import org.hotline1022.gateway.inquiry.CallSignal;
import org.hotline1022.gateway.inquiry.CallSignal.Step;
import org.hotline1022.gateway.support.Eventually;
import org.hotline1022.gateway.support.Ports;
import org.hotline1022.gateway.support.Sipp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Plan items C1–C7 of sip.md §8 with sipp as the PBX, at the CallIntake level (recording fake). */
class OverflowSippIT {
  private final Vertx vertx = Vertx.vertx();
  private final RecordingCallIntake intake = new RecordingCallIntake();
  private int port;

  @BeforeEach
  void sipp() {
    Sipp.assumeInstalled();
  }

  private void start(Map<String, String> overrides) {
    port = Ports.free();
    Map<String, String> env = new HashMap<>(Map.of("HOTLINE_SIP_PORT", Integer.toString(port), "HOTLINE_PHONE_SIP_HOST", "127.0.0.1",
        "HOTLINE_PHONE_SIP_T1_MS", "100", "HOTLINE_PHONE_SIP_T2_MS", "400", "HOTLINE_PHONE_SIP_T4_MS", "500"));
    env.putAll(overrides);
    SipConfig config = GatewayConfig.fromYaml(ConfigFiles.read("gateway.yaml"), env).sip();
    vertx.deployVerticle(new SipVerticle(config, intake, SipUasMetrics.NOOP, () -> false)).await();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void c1OptionsOverUdpAndTcp() {
    start(Map.of());
    for (String t : new String[] {"u1", "t1"}) {
      Sipp.Result r = Sipp.scenario("pbx_options.xml").to("127.0.0.1", port).transport(t).calls(1).timeout(Duration.ofSeconds(10)).run();
      assertThat(r.exit()).as(r.describe()).isZero();
      assertThat(r.successful()).isEqualTo(1);
    }
  }

  @Test
  void c2OverflowRejectOverUdpAndC6OverTcp() throws Exception {
    start(Map.of());
    for (String t : new String[] {"u1", "t1"}) {
      intake.stored.clear();
      Sipp.Result r = Sipp.scenario("pbx_uac_overflow.xml").to("127.0.0.1", port).transport(t).inf("callers.csv")
          .calls(60).rate(30).timeout(Duration.ofSeconds(30)).run();
      assertThat(r.exit()).as(r.describe()).isZero();
      assertThat(r.successful()).isEqualTo(60);
      assertThat(r.count("_486_Retrans")).as("ACK matched: no 486 retransmitted").isZero();
      Eventually.until(Duration.ofSeconds(5), "60 calls ended", () -> intake.distinct(Step.ENDED) == 60);
      assertThat(intake.distinct(Step.OFFERED)).isEqualTo(60);
      assertThat(intake.stored.stream().filter(s -> s.step() == Step.ENDED)).allMatch(s -> s.cause() == CallCause.BUSY);
      assertThat(intake.stored.stream().map(CallSignal::caller).distinct()).containsExactlyInAnyOrder("0912345678", "0987654321",
          "02371022000");
    }
  }

  @Test
  void c3AbandonWhileRinging() throws Exception {
    start(Map.of("HOTLINE_PHONE_SIP_RING_MS", "10000"));
    Sipp.Result r = Sipp.scenario("pbx_uac_abandon.xml").to("127.0.0.1", port).inf("callers.csv").calls(20).rate(10)
        .timeout(Duration.ofSeconds(30)).run();
    assertThat(r.exit()).as(r.describe()).isZero();
    assertThat(r.successful()).isEqualTo(20);
    Eventually.until(Duration.ofSeconds(5), "20 calls ended", () -> intake.distinct(Step.ENDED) == 20);
    assertThat(intake.stored.stream().filter(s -> s.step() == Step.ENDED)).allMatch(s -> s.cause() == CallCause.CANCEL);
    // ring time as the PBX saw it: the caller hung up after 1.5 s
    CallSignal any = intake.stored.stream().filter(s -> s.step() == Step.ENDED).findFirst().orElseThrow();
    CallSignal offered = intake.of(any.callId()).stream().filter(s -> s.step() == Step.OFFERED).findFirst().orElseThrow();
    assertThat(Duration.between(offered.at(), any.at()).toMillis()).isBetween(1300L, 3000L);
  }

  @Test
  void c4RetransmittedInviteIsOneCall() throws Exception {
    start(Map.of("HOTLINE_PHONE_SIP_RING_MS", "300"));
    Sipp.Result r = Sipp.scenario("pbx_uac_overflow_retrans.xml").to("127.0.0.1", port).inf("callers.csv").calls(10).rate(10)
        .timeout(Duration.ofSeconds(30)).run();
    assertThat(r.exit()).as(r.describe()).isZero();
    Eventually.until(Duration.ofSeconds(5), "10 calls ended", () -> intake.distinct(Step.ENDED) == 10);
    Thread.sleep(300);
    assertThat(intake.stored).hasSize(30); // one OFFERED, RINGING, ENDED per call, never twice
  }

  @Test
  void c4NoAckRetransmitsTheFinalAnswerUntilTimerH() throws Exception {
    // T1 100 ms, T2 400 ms: G at +100, 300, 700, 1100, 1500 ... until H = 6.4 s: 16 copies
    start(Map.of());
    Sipp.Result r = Sipp.scenario("pbx_uac_overflow_noack.xml").to("127.0.0.1", port).inf("callers.csv").calls(1)
        .timeout(Duration.ofSeconds(20)).run();
    assertThat(r.exit()).as(r.describe()).isZero();
    assertThat(r.count("_486_Retrans")).isBetween(14L, 17L);
    assertThat(intake.distinct(Step.ENDED)).isEqualTo(1);
  }

  @Test
  void c5RportAndReceived() throws Exception {
    start(Map.of());
    Sipp s = Sipp.scenario("pbx_uac_overflow_rport.xml").to("127.0.0.1", port).inf("callers.csv").calls(1)
        .arg("-trace_logs", "-log_file", "logs.log").timeout(Duration.ofSeconds(10));
    Sipp.Result r = s.run();
    assertThat(r.exit()).as(r.describe()).isZero();
    String logs = Files.readString(r.dir().resolve("logs.log"));
    assertThat(logs).contains("rport=" + s.localPort()).contains("received=received=127.0.0.1").contains("second=10.9.9.9:5070");
  }

  @Test
  void c7StrayByeAndCancel() {
    start(Map.of());
    Sipp.Result r = Sipp.scenario("pbx_stray_bye_cancel.xml").to("127.0.0.1", port).calls(3).rate(10)
        .timeout(Duration.ofSeconds(10)).run();
    assertThat(r.exit()).as(r.describe()).isZero();
    assertThat(r.successful()).isEqualTo(3);
    assertThat(intake.stored).isEmpty();
  }
}
