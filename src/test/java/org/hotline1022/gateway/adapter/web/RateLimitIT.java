package org.hotline1022.gateway.adapter.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.hotline1022.gateway.app.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client past its budget gets 429 + Retry-After, and nothing of it is stored. */
class RateLimitIT {
  @TempDir
  Path dataDir;

  @Test
  void aFloodingClientGets429WithRetryAfter() {
    try (TestGateway gw = TestGateway.start(dataDir, Map.of("HOTLINE_WEB_RATE_LIMIT", "60", "HOTLINE_WEB_RATE_BURST", "2"))) {
      int[] statuses = new int[6];
      for (int i = 0; i < statuses.length; i++) {
        var r = gw.http.post("/api/v1/web/inquiries").putHeader("Content-Type", "application/json")
            .sendBuffer(new JsonObject().put("text", "gửi liên tục " + i).toBuffer()).await();
        statuses[i] = r.statusCode();
        if (r.statusCode() == 429) {
          assertThat(r.getHeader("Retry-After")).isEqualTo("1");
          assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("rate_limited");
        }
      }
      assertThat(statuses).startsWith(201, 201, 201).contains(429);
      long stored = gw.count("select count(*) from message where body like 'gửi liên tục %'");
      long accepted = java.util.Arrays.stream(statuses).filter(s -> s == 201).count();
      assertThat(stored).isEqualTo(accepted);
      assertThat(gw.http.get("/metrics").send().await().bodyAsString())
          .contains("hotline_intake_rejected_total{channel=\"web\",reason=\"rate_limited\"}");
    }
  }
}
