package org.hotline1022.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded default keeps its data across a stop and a start. */
class GatewayRestartIT {
  @TempDir
  Path dataDir;

  @Test
  void inquiryPostedBeforeARestartIsStillThereAfterIt() {
    String code;
    try (TestGateway gw = TestGateway.start(dataDir, Map.of())) {
      var r = gw.http.post("/api/v1/web/inquiries").putHeader("Content-Type", "application/json")
          .sendBuffer(new JsonObject().put("text", "Xin hỏi lịch tiêm mũi 3").toBuffer()).await();
      assertThat(r.statusCode()).isEqualTo(201);
      code = r.bodyAsJsonObject().getString("trackingCode");
    }
    try (TestGateway gw = TestGateway.start(dataDir, Map.of())) {
      var r = gw.http.get("/api/v1/web/inquiries/" + code).send().await();
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.bodyAsJsonObject().getString("status")).isEqualTo("new");
    }
  }
}
