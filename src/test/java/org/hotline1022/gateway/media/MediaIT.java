package org.hotline1022.gateway.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.hotline1022.gateway.adapter.webhook.Signatures;
import org.hotline1022.gateway.adapter.webhook.facebook.FacebookFixtures;
import org.hotline1022.gateway.adapter.webhook.zalo.ZaloFixtures;
import org.hotline1022.gateway.app.TestGateway;
import org.hotline1022.gateway.reply.ProviderFake;
import org.hotline1022.gateway.support.Eventually;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Zalo and Facebook attachments downloaded into Postgres after their message commits, and served to agents. */
class MediaIT {
  static final int CAP = 100_000;

  @TempDir
  static Path dataDir;
  static Vertx fakeVertx;
  static ProviderFake fake;
  static TestGateway gw;

  @BeforeAll
  static void start() {
    fakeVertx = Vertx.vertx();
    fake = new ProviderFake(fakeVertx);
    // the fake is allowed as 127.0.0.1 only: "localhost" reaches the same fake but is outside the list
    Map<String, String> env = new HashMap<>(ProviderFake.MEDIA_SETTINGS);
    env.putAll(Map.of("HOTLINE_FACEBOOK_APP_SECRET", FacebookFixtures.SECRET, "HOTLINE_ZALO_OA_SECRET", ZaloFixtures.SECRET,
        "HOTLINE_MEDIA_MAX_BYTES", String.valueOf(CAP), "HOTLINE_MEDIA_BACKOFF_BASE_MS", "200", "HOTLINE_MEDIA_BACKOFF_MAX_MS", "400",
        "HOTLINE_MEDIA_POLL_INTERVAL_MS", "100"));
    gw = TestGateway.start(dataDir, env);
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
    fake.close();
    fakeVertx.close().await();
  }

  static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static void zalo(String body) {
    int status = gw.http.post("/webhooks/zalo").putHeader("X-ZEvent-Signature", ZaloFixtures.mac(body)).sendBuffer(Buffer.buffer(body))
        .await().statusCode();
    assertThat(status).isEqualTo(200);
  }

  static void facebook(String psid, String mid, String type, String url) {
    JsonObject item = new JsonObject().put("sender", new JsonObject().put("id", psid))
        .put("recipient", new JsonObject().put("id", FacebookFixtures.PAGE)).put("timestamp", System.currentTimeMillis())
        .put("message", new JsonObject().put("mid", mid).put("attachments",
            new JsonArray().add(new JsonObject().put("type", type).put("payload", new JsonObject().put("url", url)))));
    byte[] body = FacebookFixtures.envelope(new JsonObject().put("id", FacebookFixtures.PAGE).put("messaging", new JsonArray().add(item)))
        .getBytes(StandardCharsets.UTF_8);
    int status = gw.http.post("/webhooks/facebook")
        .putHeader("X-Hub-Signature-256", "sha256=" + Signatures.toHex(Signatures.hmacSha256(FacebookFixtures.SECRET, body)))
        .sendBuffer(Buffer.buffer(body)).await().statusCode();
    assertThat(status).isEqualTo(200);
  }

  /** The media row of a message's first attachment, once it left 'pending'. */
  static Row settled(String externalId) throws Exception {
    String q = "select md.*, i.tracking_code from media md join message m on m.id = md.message_id join inquiry i on i.id = m.inquiry_id"
        + " where m.external_id = $1 and md.idx = 0";
    Eventually.until(Duration.ofSeconds(20), "media of " + externalId + " settled", () -> {
      var rows = gw.sql().preparedQuery(q).execute(Tuple.of(externalId)).await();
      return rows.size() == 1 && !"pending".equals(rows.iterator().next().getString("status"));
    });
    return gw.sql().preparedQuery(q).execute(Tuple.of(externalId)).await().iterator().next();
  }

  static HttpResponse<Buffer> get(String path, String token) {
    return gw.http.get(path).putHeader("Authorization", "Bearer " + token).send().await();
  }

  static String operator() {
    return gw.token("op-1", "operator", null);
  }

  static double downloads(String channel, String outcome) {
    var c = gw.registry.find("hotline.media.downloads").tag("channel", channel).tag("outcome", outcome).counter();
    return c == null ? 0 : c.count();
  }

  /** Verifies that a Zalo image is stored with its hash and served to an agent, and listed in the inquiry. */
  @Test
  void aZaloImageIsStoredAndServedToAgents() throws Exception {
    byte[] jpeg = bytes(40_000, 1);
    String url = fake.file("/zdn/photo-1.jpg", "image/jpeg", jpeg);
    zalo(ZaloFixtures.attachment("user_send_image", "2468458835296300001", "media_msg_1", "image",
        new JsonObject().put("thumbnail", url + "?thumb").put("url", url)));

    Row m = settled("media_msg_1");
    assertThat(m.getString("status")).isEqualTo("stored");
    assertThat(m.getLong("size")).isEqualTo(40_000L);
    assertThat(m.getString("sha256")).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(jpeg)));

    JsonObject detail = get("/api/v1/inquiries/" + m.getString("tracking_code"), operator()).bodyAsJsonObject();
    JsonObject listed = detail.getJsonArray("media").getJsonObject(0);
    assertThat(listed.getLong("id")).isEqualTo(m.getLong("id"));
    assertThat(listed.getString("kind")).isEqualTo("image");

    HttpResponse<Buffer> served = get("/api/v1/media/" + listed.getLong("id"), operator());
    assertThat(served.statusCode()).isEqualTo(200);
    assertThat(served.getHeader("Content-Type")).isEqualTo("image/jpeg");
    assertThat(served.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(served.getHeader("Content-Disposition")).isNull();
    assertThat(served.body().getBytes()).isEqualTo(jpeg);

    // officers of another department do not see it; no token is 401
    String department = gw.sql().preparedQuery("select department from inquiry where tracking_code = $1")
        .execute(Tuple.of(m.getString("tracking_code"))).await().iterator().next().getString(0);
    assertThat(get("/api/v1/media/" + listed.getLong("id"), gw.token("off-1", "officer", department + "-other")).statusCode()).isEqualTo(404);
    assertThat(get("/api/v1/media/" + listed.getLong("id"), gw.token("off-2", "officer", department)).statusCode()).isEqualTo(200);
    assertThat(gw.http.get("/api/v1/media/" + listed.getLong("id")).send().await().statusCode()).isEqualTo(401);
  }

  /** Verifies that a file over the cap keeps its metadata, is flagged too_large and has no bytes stored. */
  @Test
  void anOversizedZaloFileIsFlaggedNotStored() throws Exception {
    String url = fake.file("/zdn/big.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", bytes(CAP + 1, 2));
    zalo(ZaloFixtures.attachment("user_send_file", "2468458835296300002", "media_msg_2", "file", new JsonObject()
        .put("size", String.valueOf(CAP + 1)).put("name", "don-phan-anh.docx").put("checksum", "x").put("type", "docx").put("url", url)));

    Row m = settled("media_msg_2");
    assertThat(m.getString("status")).isEqualTo("too_large");
    assertThat(m.getString("kind")).isEqualTo("file");
    assertThat(m.getString("name")).isEqualTo("don-phan-anh.docx");
    assertThat(m.getLong("size")).isEqualTo(CAP + 1L);
    assertThat(m.getBuffer("bytes")).isNull();
    assertThat(get("/api/v1/media/" + m.getLong("id"), operator()).statusCode()).isEqualTo(409);
    assertThat(downloads("zalo", "too_large")).isEqualTo(1);
  }

  /** Verifies that a 5xx from the CDN is retried and the file then stored once, served as a download. */
  @Test
  void aFacebookFileAfterA5xxIsStoredOnceAndServedAsADownload() throws Exception {
    byte[] pdf = ("%PDF-1.4 " + "Đơn phản ánh ".repeat(100)).getBytes(StandardCharsets.UTF_8);
    String url = fake.file("/fbcdn/don.pdf", "application/pdf", pdf);
    fake.next("/fbcdn/don.pdf", 503, new JsonObject().put("error", "busy"));
    facebook("5550000000000101", "m_media_3", "file", url);

    Row m = settled("m_media_3");
    assertThat(m.getString("status")).isEqualTo("stored");
    assertThat(m.getInteger("attempts")).isEqualTo(2);
    assertThat(fake.calls("/fbcdn/don.pdf")).hasSize(2);
    assertThat(gw.count("select count(*) from media md join message m on m.id = md.message_id where m.external_id = 'm_media_3'"))
        .isEqualTo(1);
    assertThat(downloads("facebook", "retry")).isEqualTo(1);
    assertThat(downloads("facebook", "stored")).isEqualTo(1);

    HttpResponse<Buffer> served = get("/api/v1/media/" + m.getLong("id"), operator());
    assertThat(served.statusCode()).isEqualTo(200);
    assertThat(served.getHeader("Content-Type")).isEqualTo("application/pdf");
    assertThat(served.getHeader("Content-Disposition")).startsWith("attachment;");
    assertThat(served.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(served.body().getBytes()).isEqualTo(pdf);
  }

  /** Verifies that an expired link (404) is given up at once, flagged failed, without retries. */
  @Test
  void anExpiredLinkIsFlaggedFailedWithoutRetries() throws Exception {
    fake.next("/zdn/expired.jpg", 404, new JsonObject().put("error", "gone"));
    zalo(ZaloFixtures.attachment("user_send_image", "2468458835296300006", "media_msg_6", "image",
        new JsonObject().put("url", fake.baseUrl() + "/zdn/expired.jpg")));
    Row m = settled("media_msg_6");
    assertThat(m.getString("status")).isEqualTo("failed");
    assertThat(m.getString("last_error")).isEqualTo("http_404");
    assertThat(m.getInteger("attempts")).isEqualTo(1);
    assertThat(fake.calls("/zdn/expired.jpg")).hasSize(1);
    assertThat(get("/api/v1/media/" + m.getLong("id"), operator()).statusCode()).isEqualTo(409);
  }

  /** Verifies that a URL on a host outside media.allowedHosts is flagged failed (refused_host), never requested nor retried. */
  @Test
  void aUrlOnAHostOutsideTheAllowListIsRefusedAndNeverRequested() throws Exception {
    double refused = downloads("zalo", "refused");
    fake.file("/zdn/internal.jpg", "image/jpeg", bytes(100, 7));
    zalo(ZaloFixtures.attachment("user_send_image", "2468458835296300007", "media_msg_7", "image",
        new JsonObject().put("url", fake.baseUrl().replace("127.0.0.1", "localhost") + "/zdn/internal.jpg")));

    Row m = settled("media_msg_7");
    assertThat(m.getString("status")).isEqualTo("failed");
    assertThat(m.getString("last_error")).isEqualTo("refused_host");
    assertThat(m.getInteger("attempts")).isEqualTo(1);
    assertThat(m.getBuffer("bytes")).isNull();
    assertThat(fake.calls("/zdn/internal.jpg")).isEmpty();
    assertThat(downloads("zalo", "refused")).isEqualTo(refused + 1);
    assertThat(get("/api/v1/media/" + m.getLong("id"), operator()).statusCode()).isEqualTo(409);
  }

  /** Verifies that a redirect is followed on allowed hosts, and a hop to a host outside the list is refused before it is requested. */
  @Test
  void aRedirectToAHostOutsideTheAllowListIsRefusedAndItsTargetNeverRequested() throws Exception {
    double refused = downloads("facebook", "refused");
    byte[] png = bytes(2_000, 8);
    fake.file("/zdn/real.png", "image/png", png);
    zalo(ZaloFixtures.attachment("user_send_image", "2468458835296300008", "media_msg_8", "image",
        new JsonObject().put("url", fake.redirect("/zdn/moved.png", fake.baseUrl() + "/zdn/real.png"))));
    fake.file("/fbcdn/secret.png", "image/png", bytes(100, 9));
    String away = fake.baseUrl().replace("127.0.0.1", "localhost") + "/fbcdn/secret.png";
    facebook("5550000000000109", "m_media_9", "image", fake.redirect("/fbcdn/hop.png", away));

    Row followed = settled("media_msg_8");
    assertThat(followed.getString("status")).isEqualTo("stored");
    assertThat(followed.getBuffer("bytes").getBytes()).isEqualTo(png);
    assertThat(fake.calls("/zdn/moved.png")).hasSize(1);
    assertThat(fake.calls("/zdn/real.png")).hasSize(1);

    Row m = settled("m_media_9");
    assertThat(m.getString("status")).isEqualTo("failed");
    assertThat(m.getString("last_error")).isEqualTo("refused_host");
    assertThat(m.getInteger("attempts")).isEqualTo(1);
    assertThat(fake.calls("/fbcdn/hop.png")).hasSize(1);
    assertThat(fake.calls("/fbcdn/secret.png")).isEmpty();
    assertThat(downloads("facebook", "refused")).isEqualTo(refused + 1);
  }

  /** Verifies that stickers, locations and links are not downloaded (only images and files are). */
  @Test
  void onlyImagesAndFilesAreQueued() throws Exception {
    zalo(ZaloFixtures.attachment("user_send_sticker", "2468458835296300004", "media_msg_4", "sticker",
        new JsonObject().put("id", "s1").put("url", fake.baseUrl() + "/zdn/sticker")));
    SocialCode.waitStored(gw, "media_msg_4");
    // a later image proves the worker has read past the sticker's event
    String url = fake.file("/zdn/photo-5.png", "image/png", bytes(100, 5));
    zalo(ZaloFixtures.attachment("user_send_image", "2468458835296300005", "media_msg_5", "image", new JsonObject().put("url", url)));
    settled("media_msg_5");
    assertThat(gw.count("select count(*) from media md join message m on m.id = md.message_id where m.external_id = 'media_msg_4'"))
        .isZero();
  }

  /** Small helper to wait for a message row. */
  static final class SocialCode {
    static void waitStored(TestGateway gw, String externalId) throws Exception {
      Eventually.until(Duration.ofSeconds(10), "stored " + externalId,
          () -> gw.count("select count(*) from message where external_id = '" + externalId + "'") == 1);
    }
  }
}
