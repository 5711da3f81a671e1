package org.hotline1022.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.hotline1022.gateway.adapter.webhook.Signatures;
import org.hotline1022.gateway.adapter.webhook.facebook.FacebookFixtures;
import org.hotline1022.gateway.adapter.webhook.zalo.ZaloFixtures;
import org.hotline1022.gateway.agent.SessionCounts;
import org.hotline1022.gateway.config.MailConfig;
import org.hotline1022.gateway.app.TestGateway;
import org.hotline1022.gateway.inquiry.Channel;
import org.hotline1022.gateway.inquiry.Routing;
import org.hotline1022.gateway.inquiry.Topic;
import org.hotline1022.gateway.intake.IntakeException;
import org.hotline1022.gateway.support.AgentClient;
import org.hotline1022.gateway.support.Eventually;
import org.hotline1022.gateway.support.Ports;
import org.hotline1022.gateway.support.Promtool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One gateway, traffic on every channel the tests can drive (web form, signed Facebook and Zalo
 * webhooks, e-mail over IMAP, a HEP-mirrored call and an overflow SIP call, agents on the WebSocket with a reply), then one scrape of
 * {@code /metrics}: the README's Metrics table must list exactly the {@code hotline_*} families
 * scraped, every tag value must come from the documented set, and {@code promtool check metrics}
 * must accept the whole exposition without a lint warning.
 */
class MetricsCatalogueIT {
  @TempDir
  static Path dataDir;
  static GreenMail mail;
  static TestGateway gw;
  static String text;
  static Scrape scrape;

  @BeforeAll
  static void trafficOnEveryChannelThenOneScrape() throws Exception {
    int imapPort = Ports.free();
    mail = new GreenMail(new ServerSetup[] {new ServerSetup(imapPort, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
    mail.start();
    GreenMailUser mailbox = mail.setUser("ops@tinh.gov.vn", "ops", "secret");
    Map<String, String> env = new HashMap<>();
    env.put("HOTLINE_FACEBOOK_APP_SECRET", FacebookFixtures.SECRET);
    env.put("HOTLINE_FACEBOOK_VERIFY_TOKEN", "verify-me");
    env.put("HOTLINE_ZALO_OA_SECRET", ZaloFixtures.SECRET);
    env.put("HOTLINE_ZALO_APP_ID", ZaloFixtures.APP_ID);
    env.put("HOTLINE_IMAP_URL", "imap://ops:secret@127.0.0.1:" + imapPort + "/INBOX");
    env.put("HOTLINE_MAIL_RECONNECT_BASE_MS", "100");
    env.put("HOTLINE_METRICS_REFRESH_SECONDS", "1");
    gw = TestGateway.start(dataDir, env);

    // agents first, so every event below is pushed (and its push latency measured)
    AgentClient operator = AgentClient.connect(gw.vertx, gw.port(), gw.token("op-1", "operator", null));
    operator.answer(operator.send(new JsonObject().put("op", "subscribe")));
    AgentClient officer = AgentClient.connect(gw.vertx, gw.port(), gw.token("off-1", "officer", "SYT"));
    officer.answer(officer.send(new JsonObject().put("op", "subscribe")));

    // web: stored, duplicate (same submission id), bad input
    String code = gw.post("Xin hỏi lịch tiêm mũi 3 ở trạm y tế phường Điện Biên");
    JsonObject form = new JsonObject().put("text", "Đường Lê Lai bị ngập sâu").put("submissionId", "ops-metrics-0001");
    assertThat(web(form)).isEqualTo(201);
    assertThat(web(form)).isEqualTo(200);
    assertThat(web(new JsonObject().put("text", ""))).isEqualTo(400);
    assertThat(gw.http.post("/api/v1/web/inquiries").putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer("{\"text\":\"" + "x".repeat(70_000) + "\"}")).await().statusCode()).isEqualTo(400); // body_too_large
    assertThat(gw.http.get("/api/v1/web/inquiries/NOSUCHCODE").send().await().statusCode()).isEqualTo(404);

    // Facebook and Zalo: signed deliveries stored, a replay absorbed, wrong signatures refused
    String fb = FacebookFixtures.batch("ops-fb", 1, 2, System.currentTimeMillis());
    assertThat(facebook(fb, sign(fb))).isEqualTo(200);
    assertThat(facebook(fb, sign(fb))).isEqualTo(200);
    assertThat(facebook(fb, sign(fb + " "))).isEqualTo(403);
    assertThat(gw.http.post("/webhooks/facebook").putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(fb)).await()
        .statusCode()).isEqualTo(401);
    assertThat(facebook("{\"object\":", sign("{\"object\":"))).isEqualTo(400);
    String zalo = ZaloFixtures.text("2468458835296197922", "ops-zalo-1", System.currentTimeMillis(), "Chốt kiểm dịch Bỉm Sơn mở mấy giờ?");
    assertThat(zalo(zalo, ZaloFixtures.mac(zalo))).isEqualTo(200);
    assertThat(zalo(zalo, ZaloFixtures.mac(zalo + " "))).isEqualTo(403);

    // e-mail through IMAP
    mailbox.deliver(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream("""
        From: dan@example.vn\r
        To: ops@tinh.gov.vn\r
        Subject: Hỏi về trợ cấp\r
        Message-ID: <ops-metrics@example.vn>\r
        Content-Type: text/plain; charset=utf-8\r
        \r
        Gia đình tôi chưa nhận được trợ cấp tháng này.\r
        """.getBytes(StandardCharsets.UTF_8))));

    // phone: the 13 HEP packets Kamailio mirrored for one answered call, then one overflow call
    // to the SIP listener answered busy
    replayHepCall();
    overflowCallAnsweredBusy();
    Eventually.until(Duration.ofSeconds(30), "both calls ended and stored",
        () -> gw.count("select count(*) from phone_call where state = 'ended'") == 2);
    assertThat(gw.count("select count(*) from phone_call where 'hep' = any(sources) and cause = 'normalClearing'")).isEqualTo(1);
    assertThat(gw.count("select count(*) from phone_call where 'overflow' = any(sources) and cause = 'busy'")).isEqualTo(1);

    Eventually.until(Duration.ofSeconds(30), "mail stored", () -> gw.count("select count(*) from message where channel = 'email'") == 1);

    // an agent answers the web inquiry; the web channel's sender delivers it
    assertThat(operator.answer(operator.send(new JsonObject().put("op", "claim").put("trackingCode", code))).getString("type"))
        .isEqualTo("ack");
    assertThat(operator.answer(operator.send(new JsonObject().put("op", "reply").put("trackingCode", code)
        .put("text", "Trạm y tế phường tiêm mũi 3 từ thứ Hai."))).getString("type")).isEqualTo("ack");
    Eventually.until(Duration.ofSeconds(30), "reply delivered", () -> gw.count("select count(*) from event where type = 'reply.sent'") == 1);

    Eventually.until(Duration.ofSeconds(30), "gauges refreshed", () -> {
      Scrape s = Scrape.parse(scrapeText());
      // recounted after the last change: the mail's inquiry is open (the phone inquiries count too, so not a total)
      return s.sum("hotline_inquiries_open", Map.of("topic", "social_welfare", "department", "SLDTBXH")) == 1
          && s.sum("hotline_stream_push_latency_seconds_count", Map.of()) > 0
          && s.sum("hotline_replies_total", Map.of("outcome", "sent")) == 1;
    });
    text = scrapeText();
    Files.writeString(Path.of("target", "metrics-scrape.txt"), text); // for a human reading a failure
    scrape = Scrape.parse(text);
    operator.close();
    officer.close();
  }

  @AfterAll
  static void stop() {
    try {
      if (gw != null) {
        gw.close();
      }
    } finally {
      if (mail != null) {
        mail.stop();
      }
    }
  }

  /** Each recorded packet is prefixed by its length (uint32), as in HepDecoderTest. */
  private static void replayHepCall() throws Exception {
    byte[] rec;
    try (var in = MetricsCatalogueIT.class.getResourceAsStream("/sip/hep/kamailio-answered-call.hep")) {
      rec = in.readAllBytes();
    }
    ByteBuffer all = ByteBuffer.wrap(rec);
    int packets = 0;
    try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      while (all.hasRemaining()) {
        byte[] p = new byte[all.getInt()];
        all.get(p);
        udp.send(new DatagramPacket(p, p.length, InetAddress.getLoopbackAddress(), gw.config.hep().port()));
        packets++;
      }
    }
    assertThat(packets).isEqualTo(13);
  }

  /** INVITE over UDP: 100, 180, then 486 (the default answer), which gets its ACK. */
  private static void overflowCallAnsweredBusy() throws Exception {
    try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      udp.setSoTimeout(5000);
      int sip = gw.config.sip().port();
      String via = "SIP/2.0/UDP 127.0.0.1:" + udp.getLocalPort() + ";branch=z9hG4bK-ops-metrics-1";
      String from = "<sip:0912345678@127.0.0.1>;tag=ops-metrics-from";
      String to = "<sip:1022@127.0.0.1:" + sip + ">";
      String callId = "ops-metrics-overflow-1@127.0.0.1";
      send(udp, sip, "INVITE sip:1022@127.0.0.1:" + sip + " SIP/2.0\r\nVia: " + via + "\r\nMax-Forwards: 70\r\nFrom: " + from
          + "\r\nTo: " + to + "\r\nCall-ID: " + callId + "\r\nCSeq: 1 INVITE\r\nContact: <sip:0912345678@127.0.0.1:"
          + udp.getLocalPort() + ">\r\nContent-Length: 0\r\n\r\n");
      List<String> answers = new ArrayList<>();
      String fin = null;
      while (fin == null) {
        byte[] buf = new byte[65_535];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        udp.receive(p);
        String r = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
        answers.add(r.substring(0, r.indexOf("\r\n")));
        if (!r.startsWith("SIP/2.0 1")) {
          fin = r;
        }
      }
      assertThat(answers).containsExactly("SIP/2.0 100 Trying", "SIP/2.0 180 Ringing", "SIP/2.0 486 Busy Here");
      String toTag = fin.lines().filter(l -> l.regionMatches(true, 0, "To:", 0, 3)).findFirst().orElseThrow().substring(3).trim();
      // the ACK of a non-2xx final answer is part of the INVITE transaction: same branch
      send(udp, sip, "ACK sip:1022@127.0.0.1:" + sip + " SIP/2.0\r\nVia: " + via + "\r\nMax-Forwards: 70\r\nFrom: " + from
          + "\r\nTo: " + toTag + "\r\nCall-ID: " + callId + "\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n");
    }
  }

  private static void send(DatagramSocket udp, int port, String text) throws Exception {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    udp.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
  }

  private static String scrapeText() {
    var r = gw.http.get("/metrics").send().await();
    assertThat(r.statusCode()).isEqualTo(200);
    return r.bodyAsString();
  }

  private static int web(JsonObject form) {
    return gw.http.post("/api/v1/web/inquiries").putHeader("Content-Type", "application/json").sendBuffer(form.toBuffer()).await()
        .statusCode();
  }

  private static String sign(String body) {
    return "sha256=" + Signatures.toHex(Signatures.hmacSha256(FacebookFixtures.SECRET, body.getBytes(StandardCharsets.UTF_8)));
  }

  private static int facebook(String body, String signature) {
    return gw.http.post("/webhooks/facebook").putHeader("Content-Type", "application/json").putHeader("X-Hub-Signature-256", signature)
        .sendBuffer(Buffer.buffer(body)).await().statusCode();
  }

  private static int zalo(String body, String mac) {
    return gw.http.post("/webhooks/zalo").putHeader("Content-Type", "application/json").putHeader("X-ZEvent-Signature", mac)
        .sendBuffer(Buffer.buffer(body)).await().statusCode();
  }

  @Test
  void trafficShowsInTheBusinessMeters() {
    assertThat(scrape.sum("hotline_inquiries_received_total", Map.of("channel", "web", "outcome", "stored"))).isEqualTo(2);
    assertThat(scrape.sum("hotline_inquiries_received_total", Map.of("channel", "web", "outcome", "duplicate"))).isEqualTo(1);
    assertThat(scrape.sum("hotline_inquiries_duplicates_total", Map.of("channel", "facebook"))).isEqualTo(2);
    assertThat(scrape.sum("hotline_inquiries_received_total", Map.of("channel", "email", "outcome", "stored"))).isEqualTo(1);
    assertThat(scrape.sum("hotline_intake_rejected_total", Map.of("channel", "zalo", "reason", "bad_signature"))).isEqualTo(1);
    assertThat(scrape.sum("hotline_intake_rejected_total", Map.of("channel", "web", "reason", "bad_input"))).isEqualTo(1);
    assertThat(scrape.sum("hotline_agent_sessions", Map.of("role", "operator"))).isEqualTo(1);
    assertThat(scrape.sum("hotline_agent_sessions", Map.of("role", "officer"))).isEqualTo(1);
    assertThat(scrape.sum("hotline_database_up", Map.of())).isEqualTo(1);
    // the answered web inquiry is no longer open; the mail (social welfare) is
    assertThat(scrape.sum("hotline_inquiries_open", Map.of("topic", "social_welfare", "department", "SLDTBXH"))).isEqualTo(1);
    // stored and duplicate deliveries are both acknowledged
    assertThat(scrape.sum("hotline_intake_ack_latency_seconds_count", Map.of("channel", "facebook"))).isEqualTo(4);
    // the mirrored call answered and hung up, the overflow call answered busy
    assertThat(scrape.sum("hotline_calls_total", Map.of("source", "hep", "cause", "normalClearing"))).isEqualTo(1);
    assertThat(scrape.sum("hotline_calls_total", Map.of("source", "overflow", "cause", "busy"))).isEqualTo(1);
    assertThat(scrape.sum("hotline_sip_overflow_calls_total", Map.of("cause", "busy"))).isEqualTo(1);
    assertThat(scrape.sum("hotline_sip_requests_total", Map.of("method", "INVITE", "status", "486"))).isEqualTo(1);
    assertThat(scrape.sum("hotline_hep_packets_total", Map.of())).isEqualTo(13);
  }

  @Test
  void everyScrapedFamilyIsInTheReadmeTableAndEveryRowIsScraped() throws Exception {
    Catalogue catalogue = Catalogue.readme();
    Set<String> documented = catalogue.rows().keySet();
    Set<String> scraped = new TreeSet<>();
    for (String family : scrape.types().keySet()) {
      if (!family.startsWith("hotline_")) {
        continue;
      }
      String name = scrape.documentedName(family);
      // Micrometer adds <timer>_max and <summary>_max gauges next to a histogram: part of that row
      if (name.endsWith("_max") && documented.contains(name.substring(0, name.length() - 4))) {
        continue;
      }
      scraped.add(name);
    }
    assertThat(new TreeSet<>(documented)).as("documented in README but not scraped (not marked TODO)")
        .containsAll(scraped);
    Set<String> missing = documented.stream().filter(n -> !scraped.contains(n) && !catalogue.rows().get(n).coming())
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(missing).as("README rows never scraped after traffic on every channel").isEmpty();
    for (String name : scraped) {
      String family = scrape.types().containsKey(name) ? name : name.substring(0, name.length() - "_total".length());
      assertThat(catalogue.rows().get(name).type()).as("type of " + name).isEqualTo(scrape.types().get(family));
    }
  }

  @Test
  void everyTagValueComesFromItsDocumentedSet() throws Exception {
    Catalogue catalogue = Catalogue.readme();
    // the shared sets are the code's own fixed sets
    assertThat(catalogue.sharedSets().get("channel")).isEqualTo(Arrays.stream(Channel.values()).map(Channel::tag)
        .collect(Collectors.toSet()));
    assertThat(catalogue.sharedSets().get("topic")).containsAll(Arrays.stream(Topic.values()).map(Topic::code).toList())
        .contains("unknown").hasSize(Topic.values().length + 1);
    assertThat(catalogue.sharedSets().get("role")).containsExactlyInAnyOrderElementsOf(SessionCounts.ROLE_ORDER);
    assertThat(catalogue.sharedSets().get("department")).containsExactlyInAnyOrderElementsOf(
        concat(Routing.load().departments().keySet(), "unknown"));
    assertThat(catalogue.allowed("hotline_inquiries_received_total", "outcome"))
        .containsExactlyInAnyOrderElementsOf(MicrometerGatewayMetrics.OUTCOMES)
        .containsAll(Arrays.stream(IntakeException.Reason.values()).map(IntakeException.Reason::tag).toList());
    assertThat(catalogue.allowed("hotline_writer_batch_failures_total", "cause"))
        .containsExactlyInAnyOrderElementsOf(MicrometerGatewayMetrics.BATCH_FAILURE_CAUSES);

    // config-bounded sets: the built-in names are listed, the rest come from the configuration
    assertThat(catalogue.configSets()).containsExactly("mailbox");
    assertThat(catalogue.sharedSets().get("mailbox")).containsExactly(MailConfig.MAIN);
    Map<String, Set<String>> configured = Map.of("mailbox",
        gw.config.mail().mailboxes().stream().map(MailConfig.Mailbox::name).collect(Collectors.toSet()));

    List<String> violations = new ArrayList<>();
    for (Scrape.Sample s : scrape.samples()) {
      String family = scrape.family(s.name());
      if (!family.startsWith("hotline_")) {
        continue;
      }
      String row = scrape.documentedName(family);
      if (!catalogue.rows().containsKey(row) && row.endsWith("_max")) {
        row = row.substring(0, row.length() - 4);
      }
      for (var label : s.labels().entrySet()) {
        if (label.getKey().equals("le") || label.getKey().equals("quantile")) {
          continue;
        }
        Set<String> allowed = catalogue.allowed(row, label.getKey());
        if (allowed != null && catalogue.configSets().contains(label.getKey())) {
          allowed = configured.get(label.getKey()); // e.g. the mailbox names this gateway was given
        }
        if (allowed == null || !allowed.contains(label.getValue())) {
          violations.add(s.name() + "{" + label.getKey() + "=\"" + label.getValue() + "\"} allowed: " + allowed);
        }
      }
    }
    assertThat(violations).as("tag values outside the README's sets").isEmpty();
  }

  @Test
  void vertxAndJvmMetersCarryOnlyBoundedLabels() {
    Set<String> allowed = Set.of("route", "method", "code", "pool_type", "pool_name", "side", "failure", // Vert.x
        "area", "id", "gc", "action", "cause", "state", "runtime", "vendor", "version", "pool"); // JVM
    Set<String> seen = new TreeSet<>();
    Set<String> routes = new TreeSet<>();
    for (Scrape.Sample s : scrape.samples()) {
      if (!s.name().startsWith("hotline_")) {
        seen.addAll(s.labels().keySet());
        if (s.labels().containsKey("route")) {
          routes.add(s.labels().get("route"));
        }
      }
    }
    seen.removeAll(Set.of("le", "quantile"));
    assertThat(allowed).as("label names on Vert.x and JVM meters").containsAll(seen);
    // route templates, never a concrete tracking code or id
    assertThat(routes).noneMatch(r -> r.contains("NOSUCHCODE")).isNotEmpty();
  }

  private static List<String> concat(Set<String> set, String extra) {
    List<String> out = new ArrayList<>(set);
    out.add(extra);
    return out;
  }

  @Test
  void promtoolAcceptsTheWholeScrapeWithoutALintWarning() throws Exception {
    Path dir = Files.createTempDirectory(dataDir, "promtool");
    Promtool.Result r = Promtool.run(dir, text, "check", "metrics");
    assertThat(r.output()).as("promtool check metrics output").isBlank();
    assertThat(r.exit()).isZero();
  }
}
