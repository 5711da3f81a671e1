package org.hotline1022.gateway.adapter.sip;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
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

/** Plan items B1–B3 of sip.md §8 with sipp as the PBX notifier and publisher, at the CallIntake level. */
class DialogSippIT {
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
        "HOTLINE_PHONE_SIP_T1_MS", "100", "HOTLINE_PHONE_SIP_RESUBSCRIBE_SECONDS", "1"));
    env.putAll(overrides);
    SipConfig config = GatewayConfig.fromYaml(ConfigFiles.read("gateway.yaml"), env).sip();
    vertx.deployVerticle(new SipVerticle(config, intake, SipUasMetrics.NOOP, () -> false)).await();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void b1SubscriptionWalksOneCallAndResubscribesAfterTerminated() throws Exception {
    int pbx = Ports.free();
    Sipp.Running notifier = Sipp.scenario("pbx_notifier_dialog.xml").localPort(pbx).calls(1).timeout(Duration.ofSeconds(30)).start();
    Thread.sleep(300);
    start(Map.of("HOTLINE_PHONE_SIP_SUBSCRIPTIONS", "sip:1022@127.0.0.1:" + pbx));
    Sipp.Result r = notifier.await();
    assertThat(r.exit()).as(r.describe()).isZero();
    Eventually.until(Duration.ofSeconds(5), "call ended", () -> intake.distinct(Step.ENDED) == 1);
    var call = intake.of("c1-" + notifier.pid() + "@pbx");
    assertThat(call).extracting(CallSignal::step).containsExactly(Step.OFFERED, Step.RINGING, Step.ANSWERED, Step.ENDED);
    assertThat(call.get(0).caller()).isEqualTo("0912345678");
    assertThat(call.get(0).callerName()).isEqualTo("Nguyen Van A");
    assertThat(call.get(0).source()).isEqualTo(CallSignal.Source.DIALOG);
    assertThat(call.get(1).callee()).isEqualTo("agent07");
    assertThat(call.get(3).cause()).isEqualTo(CallCause.NORMAL_CLEARING);
    // the subscription ended (noresource): the gateway subscribes again after resubscribeSeconds
    Sipp.Result again = Sipp.scenario("pbx_notifier_dialog.xml").localPort(pbx).calls(1).timeout(Duration.ofSeconds(15)).run();
    assertThat(again.exit()).as("re-SUBSCRIBE received: " + again.describe()).isZero();
  }

  @Test
  void b2StaleVersionIsIgnored() throws Exception {
    int pbx = Ports.free();
    Sipp.Running notifier = Sipp.scenario("pbx_notifier_dialog_stale.xml").localPort(pbx).calls(1).timeout(Duration.ofSeconds(30))
        .start();
    Thread.sleep(300);
    start(Map.of("HOTLINE_PHONE_SIP_SUBSCRIPTIONS", "sip:1022@127.0.0.1:" + pbx));
    Sipp.Result r = notifier.await();
    assertThat(r.exit()).as(r.describe()).isZero();
    Eventually.until(Duration.ofSeconds(5), "call ended", () -> intake.distinct(Step.ENDED) == 1);
    var call = intake.of("c1-" + notifier.pid() + "@pbx");
    assertThat(call).extracting(CallSignal::step).containsExactly(Step.OFFERED, Step.RINGING, Step.ENDED);
    assertThat(call.get(2).cause()).isEqualTo(CallCause.CANCEL);
  }

  @Test
  void b2NegativesUnknownNotifyBadEventUnknownEtag() {
    start(Map.of());
    Sipp.Result r = Sipp.scenario("pbx_dialog_negatives.xml").to("127.0.0.1", port).calls(2).rate(10).timeout(Duration.ofSeconds(10))
        .run();
    assertThat(r.exit()).as(r.describe()).isZero();
    assertThat(r.successful()).isEqualTo(2);
    assertThat(intake.stored).isEmpty();
  }

  @Test
  void b3PublishLoadReduced() throws Exception {
    start(Map.of());
    int calls = 300;
    Sipp.Result r = Sipp.scenario("pbx_publish_dialog.xml").to("127.0.0.1", port).inf("callers.csv").calls(calls).rate(100).limit(500)
        .timeout(Duration.ofSeconds(60)).run();
    assertThat(r.exit()).as(r.describe()).isZero();
    assertThat(r.successful()).isEqualTo(calls);
    assertThat(r.count("_200_Recv")).isEqualTo(3L * calls);
    Eventually.until(Duration.ofSeconds(10), "all timelines", () -> intake.distinct(Step.ENDED) == calls);
    assertThat(intake.distinct(Step.OFFERED)).isEqualTo(calls);
    assertThat(intake.distinct(Step.RINGING)).isEqualTo(calls);
    assertThat(intake.distinct(Step.ANSWERED)).isEqualTo(calls);
    assertThat(intake.stored.stream().filter(s -> s.step() == Step.ENDED)).allMatch(s -> s.cause() == CallCause.NORMAL_CLEARING);
    assertThat(intake.stored.stream().filter(s -> s.step() == Step.ANSWERED)).allMatch(s -> "agent07".equals(s.agent()));
  }
}
