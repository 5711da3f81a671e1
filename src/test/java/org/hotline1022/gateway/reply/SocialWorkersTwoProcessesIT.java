package org.hotline1022.gateway.reply;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.hotline1022.gateway.adapter.webhook.zalo.ZaloFixtures;
import org.hotline1022.gateway.app.TestGateway;
import org.hotline1022.gateway.support.Eventually;
import org.hotline1022.gateway.support.PgServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The media downloader and the receipt worker in two gateway processes on one Postgres: every job done once. */
class SocialWorkersTwoProcessesIT {
  @TempDir
  Path dir;

  /**
   * Verifies that with two processes polling every 50 ms, each image is fetched from the CDN once and
   * stored once, and each new inquiry gets exactly one receipt.
   */
  @Test
  void twoProcessesFetchEachImageOnceAndSendEachReceiptOnce() throws Exception {
    Vertx fakeVertx = Vertx.vertx();
    try (ProviderFake fake = new ProviderFake(fakeVertx).zaloTokens(ZaloTokenIT.APP_SECRET, "at-w", "rt-w");
        PgServer pg = PgServer.start(dir.resolve("pg"))) {
      Map<String, String> env = new HashMap<>(Map.of("HOTLINE_DB_URL", pg.url(), "HOTLINE_ZALO_OA_SECRET", ZaloFixtures.SECRET,
          "HOTLINE_ZALO_APP_ID", ZaloFixtures.APP_ID, "HOTLINE_ZALO_APP_SECRET", ZaloTokenIT.APP_SECRET, "HOTLINE_ZALO_REFRESH_TOKEN", "rt-w",
          "HOTLINE_ZALO_ACCESS_TOKEN", "at-w", "HOTLINE_WEBHOOKS_ZALO_API_BASE_URL", fake.baseUrl(),
          "HOTLINE_WEBHOOKS_ZALO_OAUTH_BASE_URL", fake.baseUrl(), "HOTLINE_RECEIPTS_ZALO", "true"));
      env.put("HOTLINE_RECEIPTS_POLL_INTERVAL_MS", "50");
      env.put("HOTLINE_MEDIA_POLL_INTERVAL_MS", "50");
      env.putAll(ProviderFake.MEDIA_SETTINGS);
      try (TestGateway a = TestGateway.start(dir.resolve("a"), env);
          TestGateway b = TestGateway.start(dir.resolve("b"), env)) {
        int n = 20;
        for (int i = 0; i < n; i++) {
          String url = fake.file("/zdn/two-" + i + ".jpg", "image/jpeg", ("jpeg-" + i).getBytes());
          String user = "24684588352966000" + (10 + i);
          SocialTraffic.zalo(i % 2 == 0 ? a : b, ZaloFixtures.attachment("user_send_image", user, "two_msg_" + i, "image",
              new JsonObject().put("url", url)), "two_msg_" + i);
        }
        Eventually.until(Duration.ofSeconds(30), "all images stored", () -> a.count("select count(*) from media where status = 'stored'") == n);
        Eventually.until(Duration.ofSeconds(30), "all receipts sent", () -> a.count(
            "select count(*) from outbox o join message m on m.id = o.message_id where m.author = 'system:receipt' and o.status = 'sent'") == n);
        Thread.sleep(500); // a second fetch or receipt would show up by now
        for (int i = 0; i < n; i++) {
          assertThat(fake.calls("/zdn/two-" + i + ".jpg")).as("fetches of image " + i).hasSize(1);
          String user = "24684588352966000" + (10 + i);
          assertThat(fake.calls(ProviderFake.ZALO_PATH).stream()
              .filter(c -> c.body().getJsonObject("recipient").getString("user_id").equals(user))).as("receipts to " + user).hasSize(1);
        }
        assertThat(a.count("select count(*) from media")).isEqualTo(n);
        assertThat(a.count("select count(*) from message where author = 'system:receipt'")).isEqualTo(n);
      }
    } finally {
      fakeVertx.close().await();
    }
  }
}
