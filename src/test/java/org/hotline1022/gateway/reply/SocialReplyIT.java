package org.hotline1022.gateway.reply;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.hotline1022.gateway.adapter.webhook.Signatures;
import org.hotline1022.gateway.adapter.webhook.facebook.FacebookFixtures;
import org.hotline1022.gateway.app.TestGateway;
import org.hotline1022.gateway.support.AgentClient;
import org.hotline1022.gateway.support.Eventually;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agent replies on Facebook and Zalo inquiries through the outbox dispatcher: a Messenger answer reaches the (fake) Send API,
 * a closed window becomes a permanent reply.failed, and a Zalo answer says clearly that there is no OA access token when the app id and secret are not set.
 */
class SocialReplyIT {
  @TempDir
  static Path dataDir;
  static Vertx fakeVertx;
  static ProviderFake fake;
  static TestGateway gw;

  @BeforeAll
  static void start() {
    fakeVertx = Vertx.vertx();
    fake = new ProviderFake(fakeVertx);
    gw = TestGateway.start(dataDir, Map.of("HOTLINE_FACEBOOK_APP_SECRET", FacebookFixtures.SECRET,
        "HOTLINE_FACEBOOK_PAGE_TOKEN", "page-token", "HOTLINE_WEBHOOKS_FACEBOOK_GRAPH_BASE_URL", fake.baseUrl(),
        "HOTLINE_REPLY_BACKOFF_BASE_MS", "50", "HOTLINE_REPLY_BACKOFF_MAX_MS", "200", "HOTLINE_ZALO_OA_SECRET",
        org.hotline1022.gateway.adapter.webhook.zalo.ZaloFixtures.SECRET, "HOTLINE_WEBHOOKS_ZALO_API_BASE_URL", fake.baseUrl()));
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
    fake.close();
    fakeVertx.close().await();
  }

  /** Delivers one signed Messenger message and returns its inquiry's tracking code. */
  static String inbound(String psid, String mid, String text) {
    byte[] body = FacebookFixtures.envelope(new JsonObject().put("id", FacebookFixtures.PAGE).put("messaging",
        new io.vertx.core.json.JsonArray().add(FacebookFixtures.text(psid, mid, System.currentTimeMillis(), text))))
        .getBytes(StandardCharsets.UTF_8);
    int status = gw.http.post("/webhooks/facebook")
        .putHeader("X-Hub-Signature-256", "sha256=" + Signatures.toHex(Signatures.hmacSha256(FacebookFixtures.SECRET, body)))
        .sendBuffer(Buffer.buffer(body)).await().statusCode();
    assertThat(status).isEqualTo(200);
    return gw.sql().query("select i.tracking_code from inquiry i join message m on m.inquiry_id = i.id where m.external_id = '" + mid + "'")
        .execute().await().iterator().next().getString(0);
  }

  static String outboxStatus(String code) {
    return gw.sql().query("select o.status from outbox o join inquiry i on i.id = o.inquiry_id where i.tracking_code = '" + code + "'")
        .execute().await().iterator().next().getString(0);
  }

  @Test
  void anAgentReplyIsDeliveredThroughTheSendApiOnce() throws Exception {
    String code = inbound("5550000000000001", "m_reply_1", "Cho hỏi giờ làm việc của phường");
    try (AgentClient agent = AgentClient.connect(gw.vertx, gw.port(), gw.token("op-1", "operator", null))) {
      JsonObject ack = agent.answer(agent.send(new JsonObject().put("op", "reply").put("trackingCode", code)
          .put("text", "Phường làm việc từ 7 giờ 30 đến 17 giờ.")));
      assertThat(ack.getString("type")).isEqualTo("ack");
    }
    Eventually.until(Duration.ofSeconds(20), "reply sent", () -> "sent".equals(outboxStatus(code)));
    assertThat(fake.calls).filteredOn(c -> c.body().getJsonObject("recipient").getString("id").equals("5550000000000001"))
        .singleElement().satisfies(c -> {
          assertThat(c.path()).isEqualTo(ProviderFake.GRAPH_PATH);
          assertThat(c.body().getJsonObject("message").getString("text")).isEqualTo("Phường làm việc từ 7 giờ 30 đến 17 giờ.");
        });
  }

  @Test
  void aClosedWindowIsAPermanentReplyFailedForTheAgent() throws Exception {
    String code = inbound("5550000000000002", "m_reply_2", "Tôi cần hỗ trợ");
    fake.next(ProviderFake.GRAPH_PATH, 400, ProviderFake.graphError(10, 2018278));
    try (AgentClient agent = AgentClient.connect(gw.vertx, gw.port(), gw.token("op-1", "operator", null))) {
      agent.answer(agent.send(new JsonObject().put("op", "subscribe")));
      agent.answer(agent.send(new JsonObject().put("op", "reply").put("trackingCode", code).put("text", "Trả lời muộn")));
      JsonObject failed = agent.next(f -> "reply.failed".equals(f.getString("type")) && code.equals(f.getString("trackingCode")),
          Duration.ofSeconds(20));
      assertThat(failed.getString("error")).isEqualTo("window_closed");
      assertThat(failed.getBoolean("permanent")).isTrue();
    }
    assertThat(outboxStatus(code)).isEqualTo("failed");
  }

  @Test
  void aRateLimitedReplyIsRetriedAndDelivered() throws Exception {
    String code = inbound("5550000000000003", "m_reply_3", "Xin hỏi lịch tiêm");
    fake.next(ProviderFake.GRAPH_PATH, 400, ProviderFake.graphError(613, -1));
    try (AgentClient agent = AgentClient.connect(gw.vertx, gw.port(), gw.token("op-1", "operator", null))) {
      agent.answer(agent.send(new JsonObject().put("op", "reply").put("trackingCode", code).put("text", "Lịch tiêm vào thứ Bảy.")));
    }
    Eventually.until(Duration.ofSeconds(20), "reply sent after a retry", () -> "sent".equals(outboxStatus(code)));
    assertThat(fake.calls).filteredOn(c -> c.body().getJsonObject("recipient").getString("id").equals("5550000000000003")).hasSize(2);
  }

  @Test
  void aZaloReplyFailsAtOnceWithNoAccessTokenWhenZaloOAuthIsNotConfigured() throws Exception {
    String body = org.hotline1022.gateway.adapter.webhook.zalo.ZaloFixtures.text("2468458835296190001", "z_reply_1",
        System.currentTimeMillis(), "Cho hỏi thủ tục đăng ký tạm trú");
    int status = gw.http.post("/webhooks/zalo").putHeader("X-ZEvent-Signature", org.hotline1022.gateway.adapter.webhook.zalo.ZaloFixtures.mac(body))
        .sendBuffer(Buffer.buffer(body)).await().statusCode();
    assertThat(status).isEqualTo(200);
    String code = gw.sql().query("select i.tracking_code from inquiry i join message m on m.inquiry_id = i.id where m.external_id = 'z_reply_1'")
        .execute().await().iterator().next().getString(0);
    try (AgentClient agent = AgentClient.connect(gw.vertx, gw.port(), gw.token("op-1", "operator", null))) {
      agent.answer(agent.send(new JsonObject().put("op", "subscribe")));
      agent.answer(agent.send(new JsonObject().put("op", "reply").put("trackingCode", code).put("text", "Mời bạn mang CCCD đến phường.")));
      JsonObject failed = agent.next(f -> "reply.failed".equals(f.getString("type")) && code.equals(f.getString("trackingCode")),
          Duration.ofSeconds(20));
      assertThat(failed.getString("error")).isEqualTo("no_access_token");
      assertThat(failed.getBoolean("permanent")).isTrue();
    }
    assertThat(fake.calls).noneMatch(c -> c.path().equals(ProviderFake.ZALO_PATH));
  }
}
