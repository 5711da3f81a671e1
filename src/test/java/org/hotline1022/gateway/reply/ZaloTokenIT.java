package org.hotline1022.gateway.reply;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hotline1022.gateway.adapter.webhook.zalo.ZaloFixtures;
import org.hotline1022.gateway.app.TestGateway;
import org.hotline1022.gateway.support.AgentClient;
import org.hotline1022.gateway.support.Eventually;
import org.hotline1022.gateway.support.PgServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Zalo OA access token kept in Postgres and refreshed with the single-use refresh token, against
 * the fake's OAuth endpoint (which rotates refresh tokens and refuses a spent one).
 */
class ZaloTokenIT {
  static final String APP_SECRET = "zalo-app-secret-for-tests";

  @TempDir
  Path dir;
  Vertx fakeVertx;
  ProviderFake fake;

  @BeforeEach
  void fake() {
    fakeVertx = Vertx.vertx();
    fake = new ProviderFake(fakeVertx);
  }

  @AfterEach
  void stop() {
    fake.close();
    fakeVertx.close().await();
  }

  Map<String, String> env(PgServer pg, String refreshToken, String accessToken) {
    Map<String, String> env = new HashMap<>(Map.of("HOTLINE_DB_URL", pg.url(), "HOTLINE_ZALO_OA_SECRET", ZaloFixtures.SECRET,
        "HOTLINE_ZALO_APP_ID", ZaloFixtures.APP_ID, "HOTLINE_ZALO_APP_SECRET", APP_SECRET, "HOTLINE_ZALO_REFRESH_TOKEN", refreshToken,
        "HOTLINE_WEBHOOKS_ZALO_API_BASE_URL", fake.baseUrl(), "HOTLINE_WEBHOOKS_ZALO_OAUTH_BASE_URL", fake.baseUrl(),
        "HOTLINE_REPLY_BACKOFF_BASE_MS", "100", "HOTLINE_REPLY_BACKOFF_MAX_MS", "400"));
    env.put("HOTLINE_ZALO_ACCESS_TOKEN", accessToken);
    return env;
  }

  static double refreshes(TestGateway gw, String outcome) {
    var c = gw.registry.find("hotline.token.refresh").tag("provider", "zalo").tag("outcome", outcome).counter();
    return c == null ? 0 : c.count();
  }

  /**
   * Verifies that two gateway processes replying while the access token expires make exactly one
   * refresh call between them, and that every reply reaches the citizen once.
   */
  @Test
  void twoProcessesReplyingAcrossAnExpiryRefreshOnceAndDeliverEveryReplyOnce() throws Exception {
    fake.zaloTokens(APP_SECRET, "at-0", "rt-0");
    try (PgServer pg = PgServer.start(dir.resolve("pg"));
        TestGateway a = TestGateway.start(dir.resolve("a"), env(pg, "rt-0", "at-0"));
        TestGateway b = TestGateway.start(dir.resolve("b"), env(pg, "rt-0", "at-0"))) {
      // GIVEN a reply delivered with the bootstrap token, then the token expires at Zalo
      String first = SocialTraffic.zaloText(a, "2468458835296100000", "tok_msg_0", "Cho hỏi giờ tiếp dân");
      SocialTraffic.reply(a, first, "Từ 7 giờ 30.");
      Eventually.until(Duration.ofSeconds(20), "first reply sent", () -> a.count("select count(*) from outbox where status = 'sent'") == 1);
      fake.expireAccessToken();

      // WHEN agents on both processes answer ten inquiries
      List<String> users = new ArrayList<>();
      for (int i = 1; i <= 10; i++) {
        String user = "24684588352961000" + (10 + i);
        users.add(user);
        String code = SocialTraffic.zaloText(i % 2 == 0 ? a : b, user, "tok_msg_" + i, "Phản ánh số " + i + " về đường ngập");
        SocialTraffic.reply(i % 2 == 0 ? a : b, code, "Đã tiếp nhận phản ánh số " + i + ".");
      }

      // THEN every reply is sent, with one refresh in all
      Eventually.until(Duration.ofSeconds(30), "all replies sent", () -> a.count("select count(*) from outbox where status = 'sent'") == 11);
      assertThat(fake.calls(ProviderFake.OAUTH_PATH)).singleElement().satisfies(c -> {
        assertThat(c.headers()).containsEntry("secret_key", APP_SECRET);
        assertThat(c.body().getString("refresh_token")).isEqualTo("rt-0");
        assertThat(c.body().getString("app_id")).isEqualTo(ZaloFixtures.APP_ID);
        assertThat(c.body().getString("grant_type")).isEqualTo("refresh_token");
      });
      for (String user : users) {
        assertThat(fake.calls(ProviderFake.ZALO_PATH).stream()
            .filter(c -> c.body().getJsonObject("recipient").getString("user_id").equals(user))
            .filter(c -> "fake-access-1".equals(c.headers().get("access_token"))))
            .as("accepted sends to " + user).hasSize(1);
      }
      // the new pair is stored: the spent refresh token is gone, and no secret is in the metrics
      assertThat(a.count("select count(*) from oauth_token where refresh_token = 'fake-refresh-1' and access_token = 'fake-access-1'"))
          .isEqualTo(1);
      assertThat(refreshes(a, "refreshed") + refreshes(b, "refreshed")).isEqualTo(1);
      assertThat(a.registry.scrape() + b.registry.scrape()).doesNotContain("fake-access").doesNotContain("rt-0");
    }
  }

  /**
   * Verifies that a refresh token Zalo refuses becomes a permanent reply.failed the agent sees and a
   * metric, and that later replies fail at once without asking Zalo again.
   */
  @Test
  void aRefusedRefreshTokenFailsRepliesForTheAgentWithoutARetryStorm() throws Exception {
    fake.zaloTokens(APP_SECRET, "at-valid-elsewhere", "rt-current");
    try (PgServer pg = PgServer.start(dir.resolve("pg"));
        TestGateway gw = TestGateway.start(dir.resolve("g"), env(pg, "rt-spent", "at-stale"));
        AgentClient agent = AgentClient.connect(gw.vertx, gw.port(), gw.token("op-1", "operator", null))) {
      agent.answer(agent.send(new JsonObject().put("op", "subscribe")));
      String code = SocialTraffic.zaloText(gw, "2468458835296200001", "rej_msg_1", "Cho hỏi thủ tục tạm trú");
      SocialTraffic.reply(gw, code, "Mời bạn mang CCCD đến phường.");
      JsonObject failed = agent.next(f -> "reply.failed".equals(f.getString("type")) && code.equals(f.getString("trackingCode")),
          Duration.ofSeconds(20));
      assertThat(failed.getString("error")).isEqualTo("token_refresh_rejected");
      assertThat(failed.getBoolean("permanent")).isTrue();

      for (int i = 2; i <= 4; i++) {
        String next = SocialTraffic.zaloText(gw, "246845883529620000" + i, "rej_msg_" + i, "Phản ánh " + i);
        SocialTraffic.reply(gw, next, "Trả lời " + i);
        JsonObject f = agent.next(e -> "reply.failed".equals(e.getString("type")) && next.equals(e.getString("trackingCode")),
            Duration.ofSeconds(20));
        assertThat(f.getString("error")).isEqualTo("token_refresh_rejected");
      }
      assertThat(fake.calls(ProviderFake.OAUTH_PATH)).hasSize(1);
      // only the first reply reached Zalo (with the stale token); the later ones failed before calling it
      assertThat(fake.calls(ProviderFake.ZALO_PATH)).hasSize(1);
      assertThat(gw.registry.scrape()).contains("hotline_token_refresh_total{outcome=\"rejected\",provider=\"zalo\"} 1.0");
      assertThat(gw.count("select count(*) from outbox where status = 'failed'")).isEqualTo(4);
      // operations see why in the readiness details (without the process turning unready)
      JsonObject ready = gw.http.get("/health/ready").send().await().bodyAsJsonObject();
      assertThat(ready.getJsonObject("details").getString("zalo.token")).startsWith("refresh_rejected");
    }
  }

  /**
   * Verifies that a token of unknown age is refreshed ahead of need by the periodic check, once, and
   * that a restart with the same first-run refresh token keeps the rotated pair instead of the spent seed.
   */
  @Test
  void theCheckRefreshesAheadOfExpiryOnceAndARestartKeepsTheRotatedPair() throws Exception {
    fake.zaloTokens(APP_SECRET, "at-0", "rt-0");
    try (PgServer pg = PgServer.start(dir.resolve("pg"))) {
      Map<String, String> env = env(pg, "rt-0", "at-0");
      env.put("HOTLINE_WEBHOOKS_ZALO_TOKEN_CHECK_SECONDS", "1");
      try (TestGateway gw = TestGateway.start(dir.resolve("g1"), env)) {
        Eventually.until(Duration.ofSeconds(10), "refreshed by the check", () -> fake.calls(ProviderFake.OAUTH_PATH).size() == 1);
        Thread.sleep(2500); // more checks: the new token has 25 h left, over the 12 h lead
        assertThat(fake.calls(ProviderFake.OAUTH_PATH)).hasSize(1);
        String code = SocialTraffic.zaloText(gw, "2468458835296500001", "ahead_msg_1", "Hỏi giờ làm việc");
        SocialTraffic.reply(gw, code, "Từ 7 giờ 30.");
        Eventually.until(Duration.ofSeconds(20), "sent", () -> gw.count("select count(*) from outbox where status = 'sent'") == 1);
        assertThat(fake.calls(ProviderFake.ZALO_PATH)).singleElement()
            .satisfies(c -> assertThat(c.headers()).containsEntry("access_token", "fake-access-1"));
        assertThat(gw.count("select count(*) from oauth_token where expires_at > now() + interval '24 hours'")).isEqualTo(1);
      }
      // same environment again: the seed was adopted already, the rotated pair stays
      try (TestGateway gw = TestGateway.start(dir.resolve("g2"), env)) {
        Thread.sleep(2500);
        assertThat(gw.count("select count(*) from oauth_token where refresh_token = 'fake-refresh-1'")).isEqualTo(1);
        assertThat(fake.calls(ProviderFake.OAUTH_PATH)).hasSize(1);
      }
      // an admin authorised again and deployed a new refresh token: adopted once, then rotated as usual
      fake.zaloTokens(APP_SECRET, null, "rt-new");
      env.put("HOTLINE_ZALO_REFRESH_TOKEN", "rt-new");
      env.remove("HOTLINE_ZALO_ACCESS_TOKEN");
      try (TestGateway gw = TestGateway.start(dir.resolve("g3"), env)) {
        Eventually.until(Duration.ofSeconds(10), "new seed refreshed", () -> fake.calls(ProviderFake.OAUTH_PATH).size() == 2);
        assertThat(fake.calls(ProviderFake.OAUTH_PATH).get(1).body().getString("refresh_token")).isEqualTo("rt-new");
        Eventually.until(Duration.ofSeconds(5), "stored", () -> gw.count("select count(*) from oauth_token where refresh_token = 'fake-refresh-2'") == 1);
      }
      // and the old environment (rt-0) coming back does not bring the spent token back
      env.put("HOTLINE_ZALO_REFRESH_TOKEN", "rt-0");
      try (TestGateway gw = TestGateway.start(dir.resolve("g4"), env)) {
        Thread.sleep(1500);
        assertThat(gw.count("select count(*) from oauth_token where refresh_token = 'fake-refresh-2'")).isEqualTo(1);
        assertThat(fake.calls(ProviderFake.OAUTH_PATH)).hasSize(2);
      }
    }
  }
}
