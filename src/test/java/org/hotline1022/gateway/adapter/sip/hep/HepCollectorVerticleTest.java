package org.hotline1022.gateway.adapter.sip.hep;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.hotline1022.gateway.config.ConfigFiles;
import org.hotline1022.gateway.config.HepConfig;
import org.hotline1022.gateway.health.Readiness;
import org.hotline1022.gateway.inquiry.CallCause;
import org.hotline1022.gateway.inquiry.CallSignal;
import org.hotline1022.gateway.inquiry.CallSignal.Step;
import org.hotline1022.gateway.intake.CallIntake;
import org.hotline1022.gateway.intake.IntakeException;
import org.hotline1022.gateway.support.Eventually;
import org.hotline1022.gateway.support.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The collector on real loopback sockets, with a recording CallIntake in place of the store. */
class HepCollectorVerticleTest {

  /** Records committed signals; fails the first {@code failFirst} calls as the database being down. */
  static final class RecordingIntake implements CallIntake {
    final List<CallSignal> stored = new CopyOnWriteArrayList<>();
    final AtomicInteger failFirst = new AtomicInteger();
    volatile boolean down;

    @Override
    public Future<Void> signal(CallSignal s) {
      if (down || failFirst.getAndDecrement() > 0) {
        return Future.failedFuture(new IntakeException(IntakeException.Reason.UNAVAILABLE, "down"));
      }
      stored.add(s);
      return Future.succeededFuture();
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Readiness readiness = new Readiness();
  private final RecordingIntake intake = new RecordingIntake();
  private HepConfig config;
  private String deployment;

  private void start(Map<String, String> env) {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("HOTLINE_HEP_PORT", String.valueOf(Ports.free()));
    all.put("HOTLINE_PHONE_HEP_HOST", "127.0.0.1");
    config = HepConfig.fromYaml(ConfigFiles.read("gateway.yaml"), all);
    deployment = vertx.deployVerticle(new HepCollectorVerticle(config, intake, new MicrometerHepMetrics(registry), readiness))
        .await();
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private static List<Buffer> busyCall(String callId) {
    Instant t = Instant.parse("2026-11-29T09:00:00Z");
    String invite = HepDecoderTest.INVITE.replace("1-42@127.0.0.1", callId);
    String busy = ("SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1-0\r\n"
        + "From: sipp <sip:sipp@127.0.0.1:5060>;tag=1\r\nTo: <sip:1022@127.0.0.1:5090>;tag=b\r\nCall-ID: " + callId
        + "\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n");
    return List.of(HepPackets.sip(invite, t, "127.0.0.1", 5070, "127.0.0.1", 5060),
        HepPackets.sip(invite, t, "127.0.0.1", 5070, "127.0.0.1", 5060), // a second capture point's copy
        HepPackets.sip(busy, t.plusMillis(700), "127.0.0.1", 5060, "127.0.0.1", 5070));
  }

  private double packets(String outcome) {
    return registry.get("hotline.hep.packets").tag("outcome", outcome).counter().count();
  }

  @Test
  void implausibleCaptureTimesAreReplacedByTheArrivalTime() {
    Instant now = Instant.now();
    Instant recent = now.minus(Duration.ofDays(2));
    assertThat(HepCollectorVerticle.captureTime(recent)).isEqualTo(recent);
    assertThat(HepCollectorVerticle.captureTime(Instant.EPOCH)).isAfterOrEqualTo(now);
    assertThat(HepCollectorVerticle.captureTime(now.plus(Duration.ofDays(400)))).isBefore(now.plusSeconds(60));
    assertThat(HepCollectorVerticle.captureTime(null)).isAfterOrEqualTo(now);
  }

  @Test
  void udpPacketsBecomeSignalsAndEveryRefusalIsCounted() throws Exception {
    start(Map.of());
    assertThat(readiness.snapshot()).containsEntry(HepCollectorVerticle.READINESS, true);
    var socket = vertx.createDatagramSocket();
    for (Buffer b : busyCall("udp-1")) {
      socket.send(b, config.port(), "127.0.0.1").await();
    }
    socket.send(Buffer.buffer("GET / HTTP/1.0\r\n\r\n"), config.port(), "127.0.0.1").await();
    socket.send(HepPackets.hep().u8(11, 1).payload("INVITE nonsense\r\n\r\n").build(), config.port(), "127.0.0.1").await();
    socket.send(HepPackets.hep().u8(11, 5).payload("{\"rtcp\":1}").build(), config.port(), "127.0.0.1").await();

    Eventually.until(Duration.ofSeconds(5), "two signals stored", () -> intake.stored.size() == 2);
    assertThat(intake.stored).extracting(CallSignal::step).containsExactly(Step.OFFERED, Step.ENDED);
    assertThat(intake.stored.get(1).cause()).isEqualTo(CallCause.BUSY);
    Eventually.until(Duration.ofSeconds(5), "all packets counted", () -> packets("ignored") == 1);
    assertThat(packets("tracked")).isEqualTo(2);
    assertThat(packets("duplicate")).isEqualTo(1);
    assertThat(packets("bad_hep")).isEqualTo(1);
    assertThat(registry.get("hotline.hep.decode.errors").tag("reason", "bad_magic").counter().count()).isEqualTo(1);
    assertThat(packets("bad_sip")).isEqualTo(1);
    assertThat(registry.get("hotline.sip.parse.errors").tag("reason", "bad_start_line").counter().count()).isEqualTo(1);
    assertThat(registry.get("hotline.hep.signals").tag("outcome", "stored").counter().count()).isEqualTo(2);

    vertx.undeploy(deployment).await();
    assertThat(readiness.snapshot()).containsEntry(HepCollectorVerticle.READINESS, false);
  }

  @Test
  void aDatagramBiggerThanNettysDefaultReadBufferArrivesWhole() throws Exception {
    start(Map.of());
    String sdp = "v=0\r\n" + "a=x-filler:".concat("y".repeat(90)).concat("\r\n").repeat(40);
    String invite = HepDecoderTest.INVITE.replace("1-42@127.0.0.1", "big-1").replace("Content-Length: 0", "Content-Length: " + sdp.length())
        + sdp;
    Buffer packet = HepPackets.sip(invite, Instant.parse("2026-11-29T09:00:00Z"), "127.0.0.1", 5070, "127.0.0.1", 5060);
    assertThat(packet.length()).isGreaterThan(4000);
    vertx.createDatagramSocket().send(packet, config.port(), "127.0.0.1").await();
    Eventually.until(Duration.ofSeconds(5), "the offer stored", () -> intake.stored.size() == 1);
    assertThat(intake.stored.get(0).callId()).isEqualTo("big-1");
    assertThat(packets("bad_hep")).isZero();
  }

  @Test
  void tcpStreamSplitAnyhowAndAConnectionThatLosesFramingIsClosed() throws Exception {
    start(Map.of());
    Buffer stream = Buffer.buffer();
    for (int i = 0; i < 20; i++) {
      busyCall("tcp-" + i).forEach(stream::appendBuffer);
    }
    NetSocket s = vertx.createNetClient().connect(config.port(), "127.0.0.1").await();
    int per = busyCall("x").get(0).length() * 5 / 2;
    for (int pos = 0; pos < stream.length(); pos += per) {
      s.write(stream.getBuffer(pos, Math.min(stream.length(), pos + per))).await();
    }
    Eventually.until(Duration.ofSeconds(5), "40 signals", () -> intake.stored.size() == 40);
    assertThat(intake.stored).filteredOn(x -> x.step() == Step.ENDED).hasSize(20);

    var closed = new java.util.concurrent.CompletableFuture<Void>();
    s.closeHandler(v -> closed.complete(null)); // installed before anything makes the server close
    s.write(Buffer.buffer("NOT HEP AT ALL")).await();
    closed.get(5, java.util.concurrent.TimeUnit.SECONDS);
  }

  @Test
  void sourcesOutsideAllowFromAreRefused() throws Exception {
    start(Map.of("HOTLINE_PHONE_HEP_ALLOW_FROM", "10.0.0.0/8, 192.0.2.1"));
    var socket = vertx.createDatagramSocket();
    for (Buffer b : busyCall("foreign-1")) {
      socket.send(b, config.port(), "127.0.0.1").await();
    }
    Eventually.until(Duration.ofSeconds(5), "refusals counted", () -> packets("not_allowed") == 3);
    // A plain socket: its end of stream stays readable however early the server closes (a Vert.x
    // client's close handler, installed as the connect completed, once missed a close that came first).
    try (java.net.Socket tcp = new java.net.Socket("127.0.0.1", config.port())) {
      tcp.setSoTimeout(5000);
      int read;
      try {
        read = tcp.getInputStream().read();
      } catch (java.net.SocketException reset) {
        read = -1;   // closed with a reset: refused all the same
      }
      assertThat(read).as("the server closed the connection").isEqualTo(-1);
    }
    assertThat(intake.stored).isEmpty();
    assertThat(packets("tracked")).isZero();
  }

  @Test
  void signalsSurviveAStoreOutageThroughTheRetryBuffer() throws Exception {
    intake.down = true;
    start(Map.of("HOTLINE_PHONE_HEP_SIGNAL_RETRY_BASE_MS", "20", "HOTLINE_PHONE_HEP_SIGNAL_RETRY_MAX_MS", "100"));
    var socket = vertx.createDatagramSocket();
    for (int i = 0; i < 5; i++) {
      for (Buffer b : busyCall("outage-" + i)) {
        socket.send(b, config.port(), "127.0.0.1").await();
      }
    }
    Eventually.until(Duration.ofSeconds(5), "retries counted",
        () -> registry.get("hotline.hep.signals").tag("outcome", "retried").counter().count() >= 3);
    assertThat(intake.stored).isEmpty();
    intake.down = false;
    Eventually.until(Duration.ofSeconds(5), "all 10 signals stored after the outage", () -> intake.stored.size() == 10);
    assertThat(intake.stored).extracting(CallSignal::callId).containsOnly(
        "outage-0", "outage-1", "outage-2", "outage-3", "outage-4");
  }

  @Test
  void aFullRetryBufferDropsTheOldestAndCountsIt() throws Exception {
    intake.down = true;
    start(Map.of("HOTLINE_PHONE_HEP_SIGNAL_BUFFER", "3", "HOTLINE_PHONE_HEP_SIGNAL_RETRY_BASE_MS", "20",
        "HOTLINE_PHONE_HEP_SIGNAL_RETRY_MAX_MS", "50"));
    var socket = vertx.createDatagramSocket();
    for (int i = 0; i < 5; i++) {
      for (Buffer b : busyCall("drop-" + i)) {
        socket.send(b, config.port(), "127.0.0.1").await();
      }
    }
    Eventually.until(Duration.ofSeconds(5), "drops counted",
        () -> registry.get("hotline.hep.signals").tag("outcome", "dropped").counter().count() >= 7);
    intake.down = false;
    Eventually.until(Duration.ofSeconds(5), "the newest signals stored", () -> intake.stored.size() == 3);
    assertThat(intake.stored.get(2).callId()).isEqualTo("drop-4");
    assertThat(registry.get("hotline.hep.signal.buffer").gauge().value()).isZero();
  }
}
