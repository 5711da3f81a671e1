package org.hotline1022.gateway.adapter.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.hotline1022.gateway.adapter.webhook.facebook.FacebookFixtures;
import org.hotline1022.gateway.adapter.webhook.zalo.ZaloFixtures;
import org.hotline1022.gateway.app.TestGateway;
import org.hotline1022.gateway.reply.ProviderFake;
import org.hotline1022.gateway.reply.ReadApiFake;
import org.hotline1022.gateway.support.AgentClient;
import org.hotline1022.gateway.support.Eventually;
import org.hotline1022.gateway.support.PgServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhooks refused while the database is down are lost by the platforms (Zalo does not retry a 503,
 * Facebook gives up): reconciliation reads them back through the read APIs of {@link ProviderFake}
 * once the database is back. Also: a scheduled run with nothing missing stores nothing, and two
 * gateway processes never run one platform's reconciliation at the same time.
 */
class ReconcileOutageIT {
  @TempDir
  Path dir;
  Vertx fakeVertx;
  ProviderFake fake;

  @BeforeEach
  void startFake() {
    fakeVertx = Vertx.vertx();
    fake = new ProviderFake(fakeVertx);
  }

  @AfterEach
  void stopFake() {
    fake.close();
    fakeVertx.close().await();
  }

  Map<String, String> env(String dbUrl, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(Map.of("HOTLINE_FACEBOOK_APP_SECRET", FacebookFixtures.SECRET,
        "HOTLINE_FACEBOOK_PAGE_TOKEN", "page-token", "HOTLINE_WEBHOOKS_FACEBOOK_PAGE_ID", ReadApiFake.PAGE_ID,
        "HOTLINE_WEBHOOKS_FACEBOOK_GRAPH_BASE_URL", fake.baseUrl(), "HOTLINE_ZALO_OA_SECRET", ZaloFixtures.SECRET,
        "HOTLINE_ZALO_APP_ID", ZaloFixtures.APP_ID, "HOTLINE_ZALO_ACCESS_TOKEN", "zalo-token",
        "HOTLINE_WEBHOOKS_ZALO_API_BASE_URL", fake.baseUrl(), "HOTLINE_WRITER_ACK_TIMEOUT_MS", "3000"));
    if (dbUrl != null) {
      env.put("HOTLINE_DB_URL", dbUrl);
      env.put("HOTLINE_DB_CONNECT_TIMEOUT_MS", "1000");
    }
    env.putAll(extra);
    return env;
  }

  /** A citizen writes on Messenger: the platform keeps the message and posts its webhook once. */
  int facebook(TestGateway gw, String psid, String mid, String text, Instant at) {
    fake.reads.facebook(psid, mid, true, text, at);
    byte[] body = FacebookFixtures.envelope(new JsonObject().put("id", FacebookFixtures.PAGE)
        .put("messaging", new JsonArray().add(FacebookFixtures.text(psid, mid, at.toEpochMilli(), text)))).getBytes(StandardCharsets.UTF_8);
    return gw.http.post("/webhooks/facebook").putHeader("Content-Type", "application/json")
        .putHeader("X-Hub-Signature-256", "sha256=" + Signatures.toHex(Signatures.hmacSha256(FacebookFixtures.SECRET, body)))
        .sendBuffer(Buffer.buffer(body)).await().statusCode();
  }

  /** A citizen writes to the Zalo OA: the platform keeps the message and posts its event once. */
  int zalo(TestGateway gw, String user, String msgId, String text, Instant at) {
    fake.reads.zalo(user, msgId, true, text, at);
    String body = ZaloFixtures.text(user, msgId, at.toEpochMilli(), text);
    return gw.http.post("/webhooks/zalo").putHeader("Content-Type", "application/json").putHeader("X-ZEvent-Signature", ZaloFixtures.mac(body))
        .sendBuffer(Buffer.buffer(body)).await().statusCode();
  }

  static double counter(TestGateway gw, String name, String channel, String outcome) {
    var search = gw.registry.find(name).tag("channel", channel);
    if (outcome != null) {
      search = search.tag("outcome", outcome);
    }
    var c = search.counter();
    return c == null ? 0 : c.count();
  }

  static long rows(TestGateway gw, String channel, String externalId) {
    return gw.count("select count(*) from message where channel = '" + channel + "' and external_id = '" + externalId + "'");
  }

  @Test
  void messagesRefusedDuringADatabaseOutageAreRecoveredOnceTheDatabaseIsBack() throws Exception {
    try (PgServer pg = PgServer.start(dir.resolve("pg"));
        TestGateway gw = TestGateway.start(dir.resolve("gw"), env(pg.url(), Map.of("HOTLINE_WEBHOOKS_RECONCILE_INTERVAL_SECONDS", "3600",
            "HOTLINE_WEBHOOKS_RECONCILE_OUTAGE_CHECK_MS", "250")));
        AgentClient agent = AgentClient.connect(gw.vertx, gw.port(), gw.token("op-1", "operator", null))) {
      agent.answer(agent.send(new JsonObject().put("op", "subscribe")));
      Instant t0 = Instant.now().minusSeconds(120);
      // before the outage: stored through the webhook
      assertThat(facebook(gw, "2400000000000001", "m_before_1", "Nhà em bị ngập nước", t0)).isEqualTo(200);
      assertThat(zalo(gw, "8100000000000000001", "zbefore1", "Cây đổ chắn đường", t0)).isEqualTo(200);
      agent.next(f -> "m_before_1".equals(externalId(f)), Duration.ofSeconds(10));

      pg.kill();
      Map<String, String> missedFacebook = Map.of("m_out_1", "2400000000000001", "m_out_2", "2400000000000002", "m_out_3",
          "2400000000000002");
      Map<String, String> missedZalo = Map.of("zout1", "8100000000000000001", "zout2", "8100000000000000002");
      int i = 0;
      for (var e : missedFacebook.entrySet()) {
        assertThat(facebook(gw, e.getValue(), e.getKey(), "Đường ngập sâu, tin " + e.getKey(), t0.plusSeconds(10 + i++)))
            .as("refused during the outage").isEqualTo(503);
      }
      for (var e : missedZalo.entrySet()) {
        assertThat(zalo(gw, e.getValue(), e.getKey(), "Mất điện cả khu, tin " + e.getKey(), t0.plusSeconds(10 + i++)))
            .as("refused during the outage").isEqualTo(503);
      }
      // the platforms give up: no retry from here on

      pg.restart();
      Set<String> missed = new HashSet<>(missedFacebook.keySet());
      missed.addAll(missedZalo.keySet());
      Set<String> seen = new HashSet<>();
      while (!seen.containsAll(missed)) {
        seen.add(externalId(agent.next(f -> missed.contains(externalId(f)), Duration.ofSeconds(30))));
      }
      for (String id : missedFacebook.keySet()) {
        assertThat(rows(gw, "facebook", id)).as(id).isEqualTo(1);
      }
      for (String id : missedZalo.keySet()) {
        assertThat(rows(gw, "zalo", id)).as(id).isEqualTo(1);
      }
      assertThat(rows(gw, "facebook", "m_before_1")).isEqualTo(1);
      assertThat(rows(gw, "zalo", "zbefore1")).isEqualTo(1);
      // the same threading as the webhook: the earlier citizen's message joined the inquiry it had opened
      assertThat(gw.count("select count(distinct inquiry_id) from message where external_id in ('m_before_1', 'm_out_1')")).isEqualTo(1);
      assertThat(gw.count("select count(distinct inquiry_id) from message where external_id in ('zbefore1', 'zout1')")).isEqualTo(1);
      Eventually.until(Duration.ofSeconds(10), "recovered counters", () -> counter(gw, "hotline.reconcile.recovered", "facebook", null) == 3
          && counter(gw, "hotline.reconcile.recovered", "zalo", null) == 2);
      assertThat(counter(gw, "hotline.inquiries.received", "zalo", "stored")).as("1 by webhook, 2 recovered").isEqualTo(3);
      assertThat(counter(gw, "hotline.reconcile.runs", "facebook", "ok")).isGreaterThanOrEqualTo(1);
      assertThat(counter(gw, "hotline.reconcile.runs", "zalo", "ok")).isGreaterThanOrEqualTo(1);

      // the outage is over: no more runs until the schedule
      double runs = counter(gw, "hotline.reconcile.runs", "facebook", "ok");
      Thread.sleep(1500);
      assertThat(counter(gw, "hotline.reconcile.runs", "facebook", "ok")).isEqualTo(runs);
      assertThat(gw.count("select count(*) from message where channel in ('facebook', 'zalo')")).isEqualTo(7);
    }
  }

  @Test
  void aScheduledRunWithNothingMissingStoresNothing() throws Exception {
    try (TestGateway gw = TestGateway.start(dir.resolve("gw"), env(null, Map.of("HOTLINE_WEBHOOKS_RECONCILE_INTERVAL_SECONDS", "1")))) {
      Instant now = Instant.now();
      for (int i = 0; i < 3; i++) {
        assertThat(facebook(gw, "240000000000001" + i, "m_sched_" + i, "Hỏi lịch tiêm, tin " + i, now.minusSeconds(60 - i))).isEqualTo(200);
        assertThat(zalo(gw, "810000000000000001" + i, "zsched" + i, "Hỏi giấy tờ, tin " + i, now.minusSeconds(60 - i))).isEqualTo(200);
      }
      Eventually.until(Duration.ofSeconds(15), "two scheduled runs per platform",
          () -> counter(gw, "hotline.reconcile.runs", "facebook", "ok") >= 2 && counter(gw, "hotline.reconcile.runs", "zalo", "ok") >= 2);
      assertThat(counter(gw, "hotline.reconcile.recovered", "facebook", null)).isZero();
      assertThat(counter(gw, "hotline.reconcile.recovered", "zalo", null)).isZero();
      assertThat(gw.count("select count(*) from message where channel in ('facebook', 'zalo')")).isEqualTo(6);
      // re-reading stored messages is not a replay absorbed: only the webhooks' own counts
      assertThat(counter(gw, "hotline.inquiries.received", "facebook", "duplicate")).isZero();
      assertThat(counter(gw, "hotline.inquiries.received", "facebook", "stored")).isEqualTo(3);
      assertThat(fake.count(ReadApiFake.CONVERSATIONS_PATH)).isGreaterThanOrEqualTo(2);
      assertThat(fake.count(ReadApiFake.ZALO_RECENT_PATH)).isGreaterThanOrEqualTo(2);
    }
  }

  @Test
  void twoGatewayProcessesNeverReconcileOnePlatformAtTheSameTime() throws Exception {
    Map<String, String> extra = Map.of("HOTLINE_WEBHOOKS_RECONCILE_INTERVAL_SECONDS", "1", "HOTLINE_WEBHOOKS_RECONCILE_PAGE_SIZE", "1",
        "HOTLINE_ZALO_OA_SECRET", ""); // Facebook only: the fake's in-flight count is then one platform's
    Instant now = Instant.now();
    for (int i = 0; i < 3; i++) {
      fake.reads.facebook("240000000000002" + i, "m_two_" + i, true, "Tin " + i, now.minusSeconds(30 - i));
    }
    fake.readDelayMs = 250; // a run is 3 list pages: ~750 ms, against a 1 s schedule on each process
    try (PgServer pg = PgServer.start(dir.resolve("pg"));
        TestGateway a = TestGateway.start(dir.resolve("a"), env(pg.url(), extra));
        TestGateway b = TestGateway.start(dir.resolve("b"), env(pg.url(), extra))) {
      Eventually.until(Duration.ofSeconds(30), "several runs on each side and a collision",
          () -> counter(a, "hotline.reconcile.runs", "facebook", "ok") + counter(b, "hotline.reconcile.runs", "facebook", "ok") >= 6
              && counter(a, "hotline.reconcile.runs", "facebook", "locked") + counter(b, "hotline.reconcile.runs", "facebook", "locked") >= 1);
      assertThat(fake.maxReadsInFlight()).as("Graph reads open at once").isEqualTo(1);
      for (int i = 0; i < 3; i++) {
        assertThat(rows(a, "facebook", "m_two_" + i)).isEqualTo(1);
      }
      assertThat(counter(a, "hotline.reconcile.recovered", "facebook", null) + counter(b, "hotline.reconcile.recovered", "facebook", null))
          .isEqualTo(3);
    }
  }

  private static String externalId(JsonObject frame) {
    JsonObject message = frame.getJsonObject("message");
    return message == null ? null : message.getString("externalId");
  }
}
