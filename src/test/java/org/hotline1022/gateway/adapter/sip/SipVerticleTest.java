package org.hotline1022.gateway.adapter.sip;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.hotline1022.gateway.config.ConfigFiles;
import org.hotline1022.gateway.config.GatewayConfig;
import org.hotline1022.gateway.config.SipConfig;
import org.hotline1022.gateway.inquiry.CallCause;
import org.hotline1022.gateway.inquiry.CallSignal;
import org.hotline1022.gateway.inquiry.CallSignal.Step;
import org.hotline1022.gateway.support.Eventually;
import org.hotline1022.gateway.support.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The SIP listener against a raw UDP/TCP peer in the test: what a PBX would see on the wire. */
class SipVerticleTest {
  private final Vertx vertx = Vertx.vertx();
  private final RecordingCallIntake intake = new RecordingCallIntake();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicBoolean draining = new AtomicBoolean();
  private SipVerticle verticle;
  private SipPeer peer;
  private int port;

  private void start(Map<String, String> overrides) {
    port = Ports.free();
    Map<String, String> env = new HashMap<>(Map.of("HOTLINE_SIP_PORT", Integer.toString(port), "HOTLINE_PHONE_SIP_HOST", "127.0.0.1",
        "HOTLINE_PHONE_SIP_T1_MS", "50", "HOTLINE_PHONE_SIP_T2_MS", "400", "HOTLINE_PHONE_SIP_T4_MS", "200",
        "HOTLINE_PHONE_SIP_SIGNAL_RETRY_BASE_MS", "20", "HOTLINE_PHONE_SIP_SIGNAL_RETRY_MAX_MS", "100"));
    env.putAll(overrides);
    SipConfig config = GatewayConfig.fromYaml(ConfigFiles.read("gateway.yaml"), env).sip();
    verticle = new SipVerticle(config, intake, new MicrometerSipUasMetrics(registry), draining::get);
    vertx.deployVerticle(verticle).await();
    peer = new SipPeer(port);
  }

  private void start() {
    start(Map.of());
  }

  @AfterEach
  void stop() {
    if (peer != null) {
      peer.close();
    }
    vertx.close().await();
  }

  private String invite(String callId, String branch, String extra) {
    String sdp = "v=0\r\no=pbx 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\n";
    return "INVITE sip:1022@127.0.0.1:" + port + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:" + peer.port() + ";rport;branch=" + branch + "\r\n"
        + "Via: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKupstream\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: \"Nguyen Van A\" <sip:0912345678@127.0.0.1>;tag=ft-" + callId + "\r\n"
        + "To: <sip:1022@127.0.0.1>\r\n"
        + "Call-ID: " + callId + "\r\n"
        + "CSeq: 1 INVITE\r\n"
        + "Contact: <sip:pbx@127.0.0.1:" + peer.port() + ">\r\n"
        + extra
        + "Content-Type: application/sdp\r\n"
        + "Content-Length: " + sdp.length() + "\r\n\r\n" + sdp;
  }

  private String request(String method, String callId, String branch, long cseq, String toTag, String extra) {
    return method + " sip:1022@127.0.0.1:" + port + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:" + peer.port() + ";branch=" + branch + "\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:0912345678@127.0.0.1>;tag=ft-" + callId + "\r\n"
        + "To: <sip:1022@127.0.0.1>" + (toTag == null ? "" : ";tag=" + toTag) + "\r\n"
        + "Call-ID: " + callId + "\r\n"
        + "CSeq: " + cseq + " " + method + "\r\n"
        + extra
        + "Content-Length: 0\r\n\r\n";
  }

  private double count(String name, String... tags) {
    var c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void overflowCallIsRungThenBusyWithRetryAfterAndReportedAfterTheAnswer() throws Exception {
    start();
    peer.send(invite("call-1", "z9hG4bK-1", ""));
    String trying = peer.receive();
    String ringing = peer.receive();
    String busy = peer.receive();
    assertThat(SipPeer.status(trying)).isEqualTo(100);
    assertThat(SipPeer.status(ringing)).isEqualTo(180);
    assertThat(SipPeer.status(busy)).isEqualTo(486);
    assertThat(SipPeer.header(busy, "Retry-After")).isEqualTo("30");
    String tag = SipPeer.toTag(ringing);
    assertThat(tag).hasSizeGreaterThanOrEqualTo(8).isEqualTo(SipPeer.toTag(busy));
    // every Via echoed in order, the top one stamped (RFC 3581)
    List<String> vias = SipPeer.headers(busy, "Via");
    assertThat(vias).hasSize(2);
    assertThat(vias.get(0)).contains("rport=" + peer.port()).contains("received=127.0.0.1").contains("branch=z9hG4bK-1");
    assertThat(vias.get(1)).isEqualTo("SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKupstream");
    assertThat(SipPeer.header(busy, "CSeq")).isEqualTo("1 INVITE");
    peer.send(request("ACK", "call-1", "z9hG4bK-1", 1, tag, ""));
    Eventually.until(Duration.ofSeconds(3), "three signals", () -> intake.of("call-1").size() == 3);
    List<CallSignal> s = intake.of("call-1");
    assertThat(s).extracting(CallSignal::step).containsExactly(Step.OFFERED, Step.RINGING, Step.ENDED);
    assertThat(s.get(0).caller()).isEqualTo("0912345678");
    assertThat(s.get(0).callerName()).isEqualTo("Nguyen Van A");
    assertThat(s.get(0).callee()).isEqualTo("1022");
    assertThat(s.get(0).source()).isEqualTo(CallSignal.Source.OVERFLOW);
    assertThat(s.get(2).cause()).isEqualTo(CallCause.BUSY);
    assertThat(s.get(2).facts()).containsEntry("sipCode", "486");
    // the ACK stopped Timer G: nothing more arrives
    assertThat(peer.drain(Duration.ofMillis(400))).isEmpty();
    assertThat(count("hotline.sip.overflow.calls", "cause", "busy")).isEqualTo(1);
  }

  @Test
  void answer480WhenConfigured() {
    start(Map.of("HOTLINE_PHONE_SIP_ANSWER_CODE", "480", "HOTLINE_PHONE_SIP_RETRY_AFTER_SECONDS", "120"));
    peer.send(invite("call-480", "z9hG4bK-480", ""));
    peer.receive();
    peer.receive();
    String r = peer.receive();
    assertThat(SipPeer.status(r)).isEqualTo(480);
    assertThat(SipPeer.header(r, "Retry-After")).isEqualTo("120");
  }

  @Test
  void retransmittedInviteGetsTheLastAnswerAndStaysOneCall() throws Exception {
    start(Map.of("HOTLINE_PHONE_SIP_RING_MS", "500"));
    peer.send(invite("call-r", "z9hG4bK-r", ""));
    assertThat(SipPeer.status(peer.receive())).isEqualTo(100);
    String ringing = peer.receive();
    assertThat(SipPeer.status(ringing)).isEqualTo(180);
    peer.send(invite("call-r", "z9hG4bK-r", ""));
    String again = peer.receive();
    assertThat(SipPeer.status(again)).isEqualTo(180);
    assertThat(SipPeer.toTag(again)).isEqualTo(SipPeer.toTag(ringing));
    String busy = peer.receive();
    assertThat(SipPeer.status(busy)).isEqualTo(486);
    peer.send(invite("call-r", "z9hG4bK-r", ""));
    assertThat(SipPeer.status(peer.receive())).isEqualTo(486);
    peer.send(request("ACK", "call-r", "z9hG4bK-r", 1, SipPeer.toTag(busy), ""));
    Thread.sleep(200);
    assertThat(intake.of("call-r")).extracting(CallSignal::step).containsExactly(Step.OFFERED, Step.RINGING, Step.ENDED);
    assertThat(count("hotline.sip.retransmissions", "direction", "in")).isEqualTo(2);
  }

  @Test
  void finalAnswerIsRetransmittedOnTimerGUntilTimerH() {
    start(); // T1 50 ms, T2 400 ms: G at +50, 150, 350, 750, 1150 ... until H = 3.2 s
    long t0 = System.nanoTime();
    peer.send(invite("call-noack", "z9hG4bK-n", ""));
    List<String> got = peer.drain(Duration.ofMillis(4500));
    List<String> finals = got.stream().filter(r -> SipPeer.status(r) == 486).toList();
    // 1 original + retransmissions at 50,150,350,750,1150,1550,1950,2350,2750,3150 ms
    assertThat(finals.size()).isBetween(9, 12);
    assertThat(peer.drain(Duration.ofMillis(800))).as("nothing after Timer H").isEmpty();
    assertThat(count("hotline.sip.ack.timeouts")).isEqualTo(1);
    assertThat(System.nanoTime() - t0).isGreaterThan(3_000_000_000L);
  }

  @Test
  void cancelWhileRingingGets200Then487AndEndsTheCallAsCancelled() throws Exception {
    start(Map.of("HOTLINE_PHONE_SIP_RING_MS", "5000"));
    peer.send(invite("call-c", "z9hG4bK-c", ""));
    peer.receive();
    String ringing = peer.receive();
    peer.send(request("CANCEL", "call-c", "z9hG4bK-c", 1, null, ""));
    String ok = peer.receive();
    String terminated = peer.receive();
    assertThat(SipPeer.status(ok)).isEqualTo(200);
    assertThat(SipPeer.header(ok, "CSeq")).isEqualTo("1 CANCEL");
    assertThat(SipPeer.toTag(ok)).isEqualTo(SipPeer.toTag(ringing));
    assertThat(SipPeer.status(terminated)).isEqualTo(487);
    assertThat(SipPeer.header(terminated, "CSeq")).isEqualTo("1 INVITE");
    peer.send(request("ACK", "call-c", "z9hG4bK-c", 1, SipPeer.toTag(terminated), ""));
    // a CANCEL after the final answer: 200, no effect
    peer.send(request("CANCEL", "call-c", "z9hG4bK-c", 1, null, "X-Again: 1\r\n"));
    assertThat(SipPeer.status(peer.receive())).isEqualTo(200);
    Eventually.until(Duration.ofSeconds(3), "ended", () -> intake.of("call-c").size() == 3);
    assertThat(intake.of("call-c").get(2).cause()).isEqualTo(CallCause.CANCEL);
    assertThat(peer.drain(Duration.ofMillis(300))).isEmpty();
  }

  @Test
  void strayRequestsAndOtherMethods() {
    start();
    peer.send(request("CANCEL", "nobody", "z9hG4bK-x1", 1, null, ""));
    assertThat(SipPeer.status(peer.receive())).isEqualTo(481);
    peer.send(request("BYE", "nobody", "z9hG4bK-x2", 2, "t1", ""));
    assertThat(SipPeer.status(peer.receive())).isEqualTo(481);
    peer.send(request("INVITE", "reinvite", "z9hG4bK-x3", 2, "t1", ""));
    assertThat(SipPeer.status(peer.receive())).isEqualTo(481);
    peer.send(request("REGISTER", "reg", "z9hG4bK-x4", 1, null, ""));
    String r = peer.receive();
    assertThat(SipPeer.status(r)).isEqualTo(405);
    assertThat(SipPeer.header(r, "Allow")).contains("INVITE").contains("OPTIONS");
    peer.send(request("OPTIONS", "opt", "z9hG4bK-x5", 1, null, "Require: 100rel, timer\r\n"));
    r = peer.receive();
    assertThat(SipPeer.status(r)).isEqualTo(420);
    assertThat(SipPeer.header(r, "Unsupported")).isEqualTo("100rel, timer");
    // an unmatched ACK is dropped silently
    peer.send(request("ACK", "nobody", "z9hG4bK-x6", 1, "t", ""));
    assertThat(peer.receive(Duration.ofMillis(300))).isNull();
    assertThat(intake.stored).isEmpty();
  }

  @Test
  void optionsAdvertisesWhatWeTakeAnd503WhileDraining() {
    start();
    peer.send(request("OPTIONS", "o1", "z9hG4bK-o1", 1, null, ""));
    String r = peer.receive();
    assertThat(SipPeer.status(r)).isEqualTo(200);
    assertThat(SipPeer.header(r, "Allow")).contains("INVITE");
    assertThat(SipPeer.header(r, "Accept")).contains("application/dialog-info+xml");
    assertThat(SipPeer.headers(r, "Supported")).hasSize(1);
    assertThat(SipPeer.toTag(r)).isNotBlank();
    // a retransmission gets the same answer, not a new one
    peer.send(request("OPTIONS", "o1", "z9hG4bK-o1", 1, null, ""));
    assertThat(peer.receive()).isEqualTo(r);
    draining.set(true);
    peer.send(request("OPTIONS", "o2", "z9hG4bK-o2", 1, null, ""));
    r = peer.receive();
    assertThat(SipPeer.status(r)).isEqualTo(503);
    assertThat(SipPeer.header(r, "Retry-After")).isNotBlank();
    peer.send(invite("call-d", "z9hG4bK-d", ""));
    assertThat(SipPeer.status(peer.receive())).isEqualTo(503);
  }

  @Test
  void fullTransactionTableAnswers503WithRetryAfter() {
    start(Map.of("HOTLINE_PHONE_SIP_MAX_TRANSACTIONS", "1", "HOTLINE_PHONE_SIP_RING_MS", "2000"));
    peer.send(invite("call-a", "z9hG4bK-a", ""));
    peer.receive();
    peer.receive();
    peer.send(invite("call-b", "z9hG4bK-b", ""));
    String r = peer.receive();
    assertThat(SipPeer.status(r)).isEqualTo(503);
    assertThat(SipPeer.header(r, "Retry-After")).isEqualTo("5");
    assertThat(intake.of("call-b")).isEmpty();
  }

  @Test
  void malformedInputIsCountedAndAnswered400WhenAnswerable() {
    start();
    // a Via the parser refuses, but every header a response needs is there
    peer.send("OPTIONS sip:1022@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + peer.port() + ";branch=z9hG4bK-m\r\n"
        + "Via: garbage\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:1022@b>\r\nCall-ID: m1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
    String r = peer.receive();
    assertThat(SipPeer.status(r)).isEqualTo(400);
    assertThat(SipPeer.header(r, "Call-ID")).isEqualTo("m1");
    // not answerable: no Call-ID
    peer.send("OPTIONS sip:1022@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + peer.port() + ";branch=z9hG4bK-m2\r\n\r\n");
    assertThat(peer.receive(Duration.ofMillis(300))).isNull();
    peer.send(new byte[] {0, 1, 2, 3});
    assertThat(peer.receive(Duration.ofMillis(300))).isNull();
    assertThat(registry.find("hotline.sip.malformed").counters().stream().mapToDouble(c -> c.count()).sum()).isEqualTo(3);
  }

  @Test
  void largeSdpOverUdpAndTcpFramingAcrossSegments() throws Exception {
    start();
    String big = "a=x-filler:" + "0123456789".repeat(300) + "\r\n";
    String inv = invite("call-big", "z9hG4bK-big", "").replace("m=audio 6000 RTP/AVP 0\r\n", "m=audio 6000 RTP/AVP 0\r\n" + big);
    int sdpLen = inv.length() - inv.indexOf("\r\n\r\n") - 4;
    inv = inv.replaceFirst("Content-Length: \\d+", "Content-Length: " + sdpLen);
    assertThat(inv.length()).isGreaterThan(3000);
    peer.send(inv);
    assertThat(SipPeer.status(peer.receive())).isEqualTo(100);

    // TCP: two requests in one segment, then one split in three
    String o1 = request("OPTIONS", "t1", "z9hG4bK-t1", 1, null, "").replace("SIP/2.0/UDP", "SIP/2.0/TCP");
    String o2 = request("OPTIONS", "t2", "z9hG4bK-t2", 1, null, "").replace("SIP/2.0/UDP", "SIP/2.0/TCP");
    String i3 = invite("call-tcp", "z9hG4bK-t3", "").replace("SIP/2.0/UDP 127.0.0.1", "SIP/2.0/TCP 127.0.0.1");
    peer.tcpWrite("\r\n\r\n" + o1 + o2);
    assertThat(SipPeer.header(peer.tcpReceive(Duration.ofSeconds(3)), "Call-ID")).isEqualTo("t1");
    assertThat(SipPeer.header(peer.tcpReceive(Duration.ofSeconds(3)), "Call-ID")).isEqualTo("t2");
    peer.tcpWrite(i3.substring(0, 40));
    Thread.sleep(50);
    peer.tcpWrite(i3.substring(40, i3.length() - 20));
    Thread.sleep(50);
    peer.tcpWrite(i3.substring(i3.length() - 20));
    assertThat(SipPeer.status(peer.tcpReceive(Duration.ofSeconds(3)))).isEqualTo(100);
    assertThat(SipPeer.status(peer.tcpReceive(Duration.ofSeconds(3)))).isEqualTo(180);
    String busy = peer.tcpReceive(Duration.ofSeconds(3));
    assertThat(SipPeer.status(busy)).isEqualTo(486);
    assertThat(SipPeer.header(busy, "Via")).contains("rport=" + peer.tcpLocalPort());
    // over TCP no Timer G: nothing more, even without an ACK
    assertThat(peer.tcpReceive(Duration.ofMillis(400))).isNull();
    Eventually.until(Duration.ofSeconds(3), "tcp call ended", () -> intake.of("call-tcp").size() == 3);
    // a TCP request without Content-Length breaks the stream: counted, connection closed
    peer.tcpWrite("OPTIONS sip:1022@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:1;branch=z9hG4bK-nl\r\n"
        + "From: <sip:a@b>;tag=1\r\nTo: <sip:1022@b>\r\nCall-ID: nl\r\nCSeq: 1 OPTIONS\r\n\r\n");
    String bad = peer.tcpReceive(Duration.ofSeconds(3));
    assertThat(bad == null || SipPeer.status(bad) == 400).isTrue();
    assertThat(peer.tcpClosed(Duration.ofSeconds(3))).isTrue();
  }

  @Test
  void signalsSurviveAnIntakeOutageThroughTheRetryBuffer() throws Exception {
    start();
    intake.failNext.set(7);
    for (int i = 0; i < 3; i++) {
      peer.send(invite("out-" + i, "z9hG4bK-out" + i, ""));
    }
    // the PBX is answered at once even while intake fails
    for (int i = 0; i < 9; i++) {
      assertThat(SipPeer.status(peer.receive())).isIn(100, 180, 486);
    }
    Eventually.until(Duration.ofSeconds(5), "all 9 signals stored", () -> intake.stored.size() == 9);
    for (int i = 0; i < 3; i++) {
      assertThat(intake.of("out-" + i)).extracting(CallSignal::step).containsExactlyInAnyOrder(Step.OFFERED, Step.RINGING, Step.ENDED);
    }
    assertThat(count("hotline.sip.signals", "outcome", "retried")).isGreaterThanOrEqualTo(7);
  }

  @Test
  void retryBufferDropsTheOldestBeyondItsBound() throws Exception {
    start(Map.of("HOTLINE_PHONE_SIP_SIGNAL_BUFFER", "4", "HOTLINE_PHONE_SIP_SIGNAL_RETRY_BASE_MS", "300"));
    intake.failNext.set(1_000_000);
    for (int i = 0; i < 3; i++) {
      peer.send(invite("drop-" + i, "z9hG4bK-drop" + i, ""));
    }
    peer.drain(Duration.ofMillis(300));
    Eventually.until(Duration.ofSeconds(3), "drops counted", () -> count("hotline.sip.signals", "outcome", "dropped") >= 5);
    intake.failNext.set(0);
    Eventually.until(Duration.ofSeconds(5), "the newest 4 stored", () -> intake.stored.size() == 4);
    assertThat(intake.of("drop-2")).hasSize(3);
  }

  private String publish(String branch, long cseq, String ifMatch, String expires, String body) {
    return "PUBLISH sip:agent07@127.0.0.1:" + port + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:" + peer.port() + ";branch=" + branch + "\r\n"
        + "Max-Forwards: 70\r\nFrom: <sip:agent07@127.0.0.1>;tag=pub\r\nTo: <sip:agent07@127.0.0.1>\r\n"
        + "Call-ID: pub-1\r\nCSeq: " + cseq + " PUBLISH\r\nEvent: dialog\r\n"
        + (expires == null ? "" : "Expires: " + expires + "\r\n")
        + (ifMatch == null ? "" : "SIP-If-Match: " + ifMatch + "\r\n")
        + (body.isEmpty() ? "" : "Content-Type: application/dialog-info+xml\r\n")
        + "Content-Length: " + body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
  }

  private static String doc(int version, String state, String event) {
    return "<?xml version=\"1.0\"?><dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" version=\"" + version
        + "\" state=\"full\" entity=\"sip:agent07@pbx\"><dialog id=\"p1\" call-id=\"p1@pbx\" direction=\"recipient\">"
        + "<state" + (event == null ? "" : " event=\"" + event + "\"") + ">" + state + "</state>"
        + "<remote><identity display=\"B\">sip:0987654321@pbx</identity></remote></dialog></dialog-info>";
  }

  @Test
  void publishEntityTagsExpiryStaleVersionsAndBadBodies() throws Exception {
    start(Map.of("HOTLINE_PHONE_SIP_PUBLISH_EXPIRES_SECONDS", "600"));
    peer.send(publish("z9hG4bK-p1", 1, null, "3600", doc(1, "early", null)));
    String r = peer.receive();
    assertThat(SipPeer.status(r)).isEqualTo(200);
    assertThat(SipPeer.header(r, "Expires")).isEqualTo("600");
    String etag1 = SipPeer.header(r, "SIP-ETag");
    assertThat(etag1).isNotBlank();
    // a retransmission is answered alike and not applied twice
    peer.send(publish("z9hG4bK-p1", 1, null, "3600", doc(1, "early", null)));
    assertThat(SipPeer.header(peer.receive(), "SIP-ETag")).isEqualTo(etag1);
    peer.send(publish("z9hG4bK-p2", 2, etag1, null, doc(3, "confirmed", null)));
    r = peer.receive();
    assertThat(SipPeer.status(r)).isEqualTo(200);
    String etag2 = SipPeer.header(r, "SIP-ETag");
    assertThat(etag2).isNotEqualTo(etag1);
    // version 2 after 3: stale, answered but ignored (it would have ended the call)
    peer.send(publish("z9hG4bK-p3", 3, etag1, null, doc(2, "terminated", "cancelled")));
    assertThat(SipPeer.status(peer.receive())).isEqualTo(200);
    // a refresh without body
    peer.send(publish("z9hG4bK-p4", 4, etag2, "60", ""));
    r = peer.receive();
    assertThat(SipPeer.status(r)).isEqualTo(200);
    assertThat(SipPeer.header(r, "Expires")).isEqualTo("60");
    // removal, then the tag is unknown
    peer.send(publish("z9hG4bK-p5", 5, etag2, "0", ""));
    assertThat(SipPeer.status(peer.receive())).isEqualTo(200);
    peer.send(publish("z9hG4bK-p6", 6, etag2, null, doc(4, "terminated", "remote-bye")));
    assertThat(SipPeer.status(peer.receive())).isEqualTo(412);
    // an initial PUBLISH without state, and one with a hostile body
    peer.send(publish("z9hG4bK-p7", 7, null, null, ""));
    assertThat(SipPeer.status(peer.receive())).isEqualTo(400);
    peer.send(publish("z9hG4bK-p8", 8, null, null, "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><dialog-info/>"));
    assertThat(SipPeer.status(peer.receive())).isEqualTo(400);
    Eventually.until(Duration.ofSeconds(3), "signals", () -> intake.of("p1@pbx").size() == 3);
    Thread.sleep(100);
    assertThat(intake.of("p1@pbx")).extracting(CallSignal::step).containsExactly(Step.OFFERED, Step.RINGING, Step.ANSWERED);
    assertThat(intake.of("p1@pbx").get(0).caller()).isEqualTo("0987654321");
    assertThat(count("hotline.sip.dialog.documents", "outcome", "stale")).isEqualTo(1);
    assertThat(count("hotline.sip.malformed", "transport", "body", "reason", "dialog_info_dtd")).isEqualTo(1);
  }

  /** Answers a SUBSCRIBE received by the peer (acting as the PBX notifier). */
  private String answerSubscribe(String subscribe, int status, String extra) {
    String to = SipPeer.header(subscribe, "To");
    String answer = "SIP/2.0 " + status + " Whatever\r\n" + String.join("", SipPeer.headers(subscribe, "Via").stream()
        .map(v -> "Via: " + v + "\r\n").toList())
        + "From: " + SipPeer.header(subscribe, "From") + "\r\n"
        + "To: " + to + (to.contains(";tag=") ? "" : ";tag=pbx1") + "\r\n"
        + "Call-ID: " + SipPeer.header(subscribe, "Call-ID") + "\r\n"
        + "CSeq: " + SipPeer.header(subscribe, "CSeq") + "\r\n"
        + "Contact: <sip:pbx@127.0.0.1:" + peer.port() + ">\r\n" + extra + "Content-Length: 0\r\n\r\n";
    peer.send(answer);
    return answer;
  }

  /** The next SUBSCRIBE that is not a retransmission of {@code previous} (Timer E copies are skipped). */
  private String nextSubscribe(Duration wait, String previous) {
    long end = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < end) {
      String m = peer.receive(Duration.ofMillis(200));
      if (m != null && m.startsWith("SUBSCRIBE ") && (previous == null
          || !(SipPeer.header(m, "Call-ID") + SipPeer.header(m, "CSeq")).equals(
              SipPeer.header(previous, "Call-ID") + SipPeer.header(previous, "CSeq")))) {
        return m;
      }
    }
    throw new AssertionError("no SUBSCRIBE within " + wait);
  }

  @Test
  void subscriptionIsRefreshedBeforeExpiryAndStartedOverAfterARefusalOrTermination() throws Exception {
    port = Ports.free();
    int pbx;
    try (SipPeer notifier = new SipPeer(0)) {
      pbx = notifier.port(); // only to learn a free port for the peer below
    }
    peer = null;
    Map<String, String> env = new HashMap<>(Map.of("HOTLINE_SIP_PORT", Integer.toString(port), "HOTLINE_PHONE_SIP_HOST", "127.0.0.1",
        "HOTLINE_PHONE_SIP_T1_MS", "50", "HOTLINE_PHONE_SIP_RESUBSCRIBE_SECONDS", "1",
        "HOTLINE_PHONE_SIP_SUBSCRIPTIONS", "sip:1022@127.0.0.1:" + pbx));
    SipConfig config = GatewayConfig.fromYaml(ConfigFiles.read("gateway.yaml"), env).sip();
    peer = new SipPeer(port, pbx);
    vertx.deployVerticle(new SipVerticle(config, intake, new MicrometerSipUasMetrics(registry), draining::get)).await();

    String first = nextSubscribe(Duration.ofSeconds(3), null);
    assertThat(first).startsWith("SUBSCRIBE sip:1022@127.0.0.1:" + pbx + " SIP/2.0");
    assertThat(SipPeer.header(first, "Event")).isEqualTo("dialog");
    assertThat(SipPeer.header(first, "Accept")).isEqualTo("application/dialog-info+xml");
    assertThat(SipPeer.header(first, "Contact")).contains("127.0.0.1:" + port);
    String callId = SipPeer.header(first, "Call-ID");
    answerSubscribe(first, 200, "Expires: 2\r\n");
    // refreshed at 80 % of 2 s, in the dialog: same Call-ID, our tag, the notifier's tag, next CSeq
    long t0 = System.nanoTime();
    String refresh = nextSubscribe(Duration.ofSeconds(4), first);
    assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(1200L, 2000L);
    assertThat(SipPeer.header(refresh, "Call-ID")).isEqualTo(callId);
    assertThat(SipPeer.header(refresh, "CSeq")).isEqualTo("2 SUBSCRIBE");
    assertThat(SipPeer.header(refresh, "To")).contains(";tag=pbx1");
    assertThat(refresh).startsWith("SUBSCRIBE sip:pbx@127.0.0.1:" + pbx);
    // the notifier forgot it: start over with a new Call-ID after resubscribeSeconds
    answerSubscribe(refresh, 481, "");
    String fresh = nextSubscribe(Duration.ofSeconds(4), refresh);
    assertThat(SipPeer.header(fresh, "Call-ID")).isNotEqualTo(callId);
    assertThat(SipPeer.header(fresh, "CSeq")).isEqualTo("1 SUBSCRIBE");
    answerSubscribe(fresh, 200, "Expires: 600\r\n");
    Eventually.until(Duration.ofSeconds(2), "active", () -> registry.find("hotline.sip.subscriptions").gauge().value() == 1);
    // a NOTIFY ending it with retry-after: the next SUBSCRIBE comes after about that long
    String notify = "NOTIFY sip:hotline-gateway@127.0.0.1:" + port + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + pbx
        + ";branch=z9hG4bK-nt1\r\nFrom: <sip:1022@127.0.0.1>;tag=pbx1\r\nTo: " + SipPeer.header(fresh, "From") + "\r\n"
        + "Call-ID: " + SipPeer.header(fresh, "Call-ID") + "\r\nCSeq: 1 NOTIFY\r\nEvent: dialog\r\n"
        + "Subscription-State: terminated;reason=timeout;retry-after=2\r\nContent-Length: 0\r\n\r\n";
    peer.send(notify);
    long t1 = System.nanoTime();
    String answer = peer.receive();
    while (answer.startsWith("SUBSCRIBE ")) {
      answer = peer.receive(); // a late Timer E copy
    }
    assertThat(SipPeer.status(answer)).isEqualTo(200);
    String again = nextSubscribe(Duration.ofSeconds(5), fresh);
    assertThat((System.nanoTime() - t1) / 1_000_000).isBetween(1800L, 3500L);
    assertThat(SipPeer.header(again, "Call-ID")).isNotEqualTo(SipPeer.header(fresh, "Call-ID"));
    // a NOTIFY for the ended subscription now matches nothing
    peer.send(notify.replace("z9hG4bK-nt1", "z9hG4bK-nt2").replace("1 NOTIFY", "2 NOTIFY"));
    String late = peer.receive();
    while (late.startsWith("SUBSCRIBE ")) {
      late = peer.receive();
    }
    assertThat(SipPeer.status(late)).isEqualTo(481);
  }

  @Test
  void tcpConnectionsAreBounded() throws Exception {
    start(Map.of("HOTLINE_PHONE_SIP_MAX_CONNECTIONS", "1"));
    try (java.net.Socket first = new java.net.Socket("127.0.0.1", port); java.net.Socket second = new java.net.Socket("127.0.0.1", port)) {
      second.setSoTimeout(3000);
      assertThat(second.getInputStream().read()).as("closed at once").isEqualTo(-1);
      first.getOutputStream().write(request("OPTIONS", "tc1", "z9hG4bK-tc1", 1, null, "").replace("SIP/2.0/UDP", "SIP/2.0/TCP")
          .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      first.setSoTimeout(3000);
      byte[] b = new byte[12];
      assertThat(new String(b, 0, first.getInputStream().read(b), java.nio.charset.StandardCharsets.UTF_8)).startsWith("SIP/2.0 200");
    }
    assertThat(count("hotline.sip.malformed", "reason", "connection_limit")).isEqualTo(1);
  }

  @Test
  void aBurstOfFailuresBacksOffPerRoundNotPerSignal() throws Exception {
    // 60 failed signals in one round must grow the backoff by one step, not sixty (30 s cap)
    start(Map.of("HOTLINE_PHONE_SIP_SIGNAL_RETRY_BASE_MS", "100", "HOTLINE_PHONE_SIP_SIGNAL_RETRY_MAX_MS", "30000"));
    intake.failNext.set(60);
    for (int i = 0; i < 20; i++) {
      peer.send(invite("burst-" + i, "z9hG4bK-burst" + i, ""));
    }
    peer.drain(Duration.ofMillis(200));
    Eventually.until(Duration.ofSeconds(3), "all 60 signals stored soon after the outage", () -> intake.stored.size() == 60);
  }
}
