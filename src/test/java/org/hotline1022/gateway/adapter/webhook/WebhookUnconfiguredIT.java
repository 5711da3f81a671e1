package org.hotline1022.gateway.adapter.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.util.Map;
import org.hotline1022.gateway.app.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A channel without its secret refuses everything with 503, signed or not, and stores nothing. */
class WebhookUnconfiguredIT {
  @TempDir
  static Path dataDir;
  static TestGateway gw;

  @BeforeAll
  static void start() {
    gw = TestGateway.start(dataDir, Map.of());
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void aChannelWithoutItsSecretAnswers503() {
    for (String path : new String[] {"/webhooks/facebook", "/webhooks/zalo"}) {
      var r = gw.http.post(path).putHeader("Content-Type", "application/json")
          .sendBuffer(Buffer.buffer("{\"object\":\"page\",\"entry\":[]}")).await();
      assertThat(r.statusCode()).as(path).isEqualTo(503);
      assertThat(r.getHeader("Retry-After")).isNotNull();
      assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("channel_not_configured");
    }
    // not even the unsigned Zalo probe, nor the Facebook handshake
    assertThat(gw.http.post("/webhooks/zalo").sendBuffer(Buffer.buffer("{}")).await().statusCode()).isEqualTo(503);
    assertThat(gw.http.get("/webhooks/facebook?hub.mode=subscribe&hub.challenge=1&hub.verify_token=").send().await().statusCode())
        .isEqualTo(503);
    assertThat(gw.count("select count(*) from message")).isZero();
    // said in readiness details, without making the process unready for its other channels
    var ready = gw.http.get("/health/ready").send().await();
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.bodyAsJsonObject().getJsonObject("details").getString("webhook.facebook")).startsWith("not_configured");
    assertThat(ready.bodyAsJsonObject().getJsonObject("details").getString("webhook.zalo")).startsWith("not_configured");
  }
}
