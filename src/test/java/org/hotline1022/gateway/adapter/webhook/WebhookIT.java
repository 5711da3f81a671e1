package org.hotline1022.gateway.adapter.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.hotline1022.gateway.adapter.webhook.facebook.FacebookFixtures;
import org.hotline1022.gateway.adapter.webhook.zalo.ZaloFixtures;
import org.hotline1022.gateway.app.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signed Facebook and Zalo deliveries against a whole gateway on embedded Postgres: answers and rows. */
class WebhookIT {
  @TempDir
  static Path dataDir;
  static TestGateway gw;

  @BeforeAll
  static void start() {
    gw = TestGateway.start(dataDir, Map.of("HOTLINE_FACEBOOK_APP_SECRET", FacebookFixtures.SECRET,
        "HOTLINE_FACEBOOK_VERIFY_TOKEN", "verify-me", "HOTLINE_ZALO_OA_SECRET", ZaloFixtures.SECRET,
        "HOTLINE_ZALO_APP_ID", ZaloFixtures.APP_ID, "HOTLINE_WEBHOOKS_MAX_BODY_BYTES", "65536"));
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  static HttpResponse<Buffer> facebook(byte[] body, String signature) {
    var req = gw.http.post("/webhooks/facebook").putHeader("Content-Type", "application/json");
    if (signature != null) {
      req.putHeader("X-Hub-Signature-256", signature);
    }
    return req.sendBuffer(Buffer.buffer(body)).await();
  }

  static HttpResponse<Buffer> facebook(String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return facebook(bytes, "sha256=" + Signatures.toHex(Signatures.hmacSha256(FacebookFixtures.SECRET, bytes)));
  }

  static HttpResponse<Buffer> zalo(byte[] body, String signature) {
    var req = gw.http.post("/webhooks/zalo").putHeader("Content-Type", "application/json");
    if (signature != null) {
      req.putHeader("X-ZEvent-Signature", signature);
    }
    return req.sendBuffer(Buffer.buffer(body)).await();
  }

  static HttpResponse<Buffer> zalo(String body) {
    return zalo(body.getBytes(StandardCharsets.UTF_8), ZaloFixtures.mac(body));
  }

  static long messages(String channel, String idPrefix) {
    return gw.count("select count(*) from message where channel = '" + channel + "' and external_id like '" + idPrefix + "%'");
  }

  static double rejected(String channel, String reason) {
    var c = gw.registry.find("hotline.intake.rejected").tag("channel", channel).tag("reason", reason).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void aBatchedFacebookDeliveryStoresEveryMessageOnceAndAReplayNothingNew() {
    String body = FacebookFixtures.batch("fbb", 3, 2, System.currentTimeMillis());
    assertThat(facebook(body).statusCode()).isEqualTo(200);
    assertThat(messages("facebook", "fbb-")).isEqualTo(6);
    assertThat(gw.count("select count(*) from message where external_id = 'fbb-2-1' and body = 'Đường ngập ở phường 2 tin 1'"))
        .isEqualTo(1);

    assertThat(facebook(body).statusCode()).isEqualTo(200);
    assertThat(messages("facebook", "fbb-")).isEqualTo(6);
  }

  @Test
  void theDocumentedEscapedBodyIsVerifiedOverItsRawBytes() {
    HttpResponse<Buffer> r = facebook(FacebookFixtures.VECTOR_BODY.getBytes(StandardCharsets.US_ASCII), FacebookFixtures.VECTOR_SIGNATURE);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(gw.count("select count(*) from message where external_id = 'm_test_0001' and body = 'Xin chào, đường bị ngập'"))
        .isEqualTo(1);
  }

  @Test
  void aFacebookBodyChangedByOneByteIsRefusedAndNothingStored() {
    String body = FacebookFixtures.batch("fbx", 1, 2, System.currentTimeMillis());
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String sig = "sha256=" + Signatures.toHex(Signatures.hmacSha256(FacebookFixtures.SECRET, bytes));
    bytes[bytes.length - 10] ^= 1;
    double before = rejected("facebook", "bad_signature");

    assertThat(facebook(bytes, sig).statusCode()).isEqualTo(403);
    assertThat(facebook(body.getBytes(StandardCharsets.UTF_8), null).statusCode()).isEqualTo(401);
    assertThat(messages("facebook", "fbx-")).isZero();
    assertThat(rejected("facebook", "bad_signature")).isEqualTo(before + 1);
  }

  @Test
  void facebookHandshakeEchoesTheChallengeForTheVerifyToken() {
    var ok = gw.http.get("/webhooks/facebook?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=verify-me").send().await();
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.bodyAsString()).isEqualTo("1158201444");
    var wrong = gw.http.get("/webhooks/facebook?hub.mode=subscribe&hub.challenge=1&hub.verify_token=guess").send().await();
    assertThat(wrong.statusCode()).isEqualTo(403);
  }

  @Test
  void threeChatMessagesFromOnePersonMakeOneInquiryWithThreeMessages() {
    long now = System.currentTimeMillis();
    for (int i = 0; i < 3; i++) {
      var event = FacebookFixtures.text("77770000000000001", "fbt-" + i, now + i, "Cho em hỏi lịch tiêm, tin " + i);
      assertThat(facebook(FacebookFixtures.envelope(new io.vertx.core.json.JsonObject().put("id", FacebookFixtures.PAGE)
          .put("messaging", new io.vertx.core.json.JsonArray().add(event)))).statusCode()).isEqualTo(200);
    }
    assertThat(gw.count("select count(distinct inquiry_id) from message where external_id like 'fbt-%'")).isEqualTo(1);
    assertThat(gw.count("select i.message_count from inquiry i join message m on m.inquiry_id = i.id where m.external_id = 'fbt-0'"))
        .isEqualTo(3);
    assertThat(gw.count("select count(*) from inquiry i join contact c on c.id = i.contact_id"
        + " where c.channel = 'facebook' and c.address = '77770000000000001'")).isEqualTo(1);

    for (int i = 0; i < 3; i++) {
      assertThat(zalo(ZaloFixtures.text("8888000000000000001", "zt-" + i, now + i, "Khu phố em bị ngập, tin " + i)).statusCode())
          .isEqualTo(200);
    }
    assertThat(gw.count("select count(distinct inquiry_id) from message where external_id like 'zt-%'")).isEqualTo(1);
    assertThat(messages("zalo", "zt-")).isEqualTo(3);
  }

  @Test
  void aZaloEventIsStoredOnceAndAChangedOneRefused() {
    String body = ZaloFixtures.text("2468458835296197922", "zs-1", System.currentTimeMillis(), "Đường ngập nước ở phường 5");
    assertThat(zalo(body).statusCode()).isEqualTo(200);
    assertThat(zalo(body).statusCode()).isEqualTo(200);
    assertThat(messages("zalo", "zs-")).isEqualTo(1);

    String other = ZaloFixtures.text("2468458835296197922", "zs-2", System.currentTimeMillis(), "Cây đổ chắn đường");
    byte[] changed = other.getBytes(StandardCharsets.UTF_8);
    String mac = ZaloFixtures.mac(other);
    changed[changed.length - 5] ^= 1;
    assertThat(zalo(changed, mac).statusCode()).isEqualTo(403);
    assertThat(zalo(other.getBytes(StandardCharsets.UTF_8), null).statusCode()).isEqualTo(401);
    assertThat(messages("zalo", "zs-2")).isZero();
  }

  @Test
  void theUnsignedZaloProbeIsAnswered200AndStoredNowhere() {
    long before = gw.count("select count(*) from message where channel = 'zalo'");
    assertThat(zalo("{}".getBytes(StandardCharsets.UTF_8), null).statusCode()).isEqualTo(200);
    String follow = "{\"oa_id\":\"3886132808788086451\",\"follower\":{\"id\":\"246845883529619\"},\"event_name\":\"follow\","
        + "\"source\":\"oa_profile\",\"app_id\":\"" + ZaloFixtures.APP_ID + "\",\"timestamp\":\"1735689604000\"}";
    assertThat(zalo(follow).statusCode()).isEqualTo(200);
    assertThat(gw.count("select count(*) from message where channel = 'zalo'")).isEqualTo(before);
  }

  @Test
  void malformedOrOversizedBodiesAreTypedRejections() {
    assertThat(facebook("{\"object\":\"page\",\"entry\":").statusCode()).isEqualTo(400);
    assertThat(facebook("{\"object\":\"page\"}").statusCode()).isEqualTo(400);
    byte[] big = new byte[70_000];
    java.util.Arrays.fill(big, (byte) ' ');
    assertThat(facebook(big, "sha256=" + "0".repeat(64)).statusCode()).isEqualTo(413);
    assertThat(gw.http.get("/webhooks/zalo").send().await().statusCode()).isEqualTo(405);
  }
}
