package org.hotline1022.gateway.adapter.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.SqlConnection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hotline1022.gateway.app.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Back-pressure: a full writer queue answers 503 + Retry-After at once; what was queued still commits. */
class OverloadIT {
  @TempDir
  Path dataDir;

  @Test
  void fullQueueAnswers503WithRetryAfterAndQueuedSubmissionsStillCommit() throws Exception {
    try (TestGateway gw = TestGateway.start(dataDir, Map.of(
        "HOTLINE_WRITER_QUEUE_CAPACITY", "2", "HOTLINE_WRITER_PARALLEL_BATCHES", "1", "HOTLINE_WRITER_MAX_BATCH", "1"))) {
      // GIVEN a database that stalls writes: a transaction holding the message table
      SqlConnection blocker = gw.sql().getConnection().await();
      blocker.query("begin").execute().await();
      blocker.query("lock table message in access exclusive mode").execute().await();

      // WHEN 1 submission is in flight, 2 wait in the queue, and 3 more arrive
      List<Future<HttpResponse<Buffer>>> accepted = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        accepted.add(post(gw, "queued " + i));
        Thread.sleep(150); // let each reach the writer in order
      }
      List<HttpResponse<Buffer>> refused = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        refused.add(post(gw, "refused " + i).await());
      }

      // THEN the extra ones are refused at once, with Retry-After, and nothing of theirs is stored
      assertThat(refused).allSatisfy(r -> {
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.getHeader("Retry-After")).isEqualTo("2");
        assertThat(r.bodyAsJsonObject().getString("reason")).isEqualTo("overloaded");
      });
      assertThat(accepted).noneMatch(Future::isComplete);

      // AND when the database moves again, the queued ones commit and get their 201
      blocker.query("commit").execute().await();
      blocker.close().await();
      Future.all(accepted).await();
      assertThat(accepted).allSatisfy(f -> assertThat(f.result().statusCode()).isEqualTo(201));
      assertThat(gw.count("select count(*) from message where body like 'queued %'")).isEqualTo(3);
      assertThat(gw.count("select count(*) from message where body like 'refused %'")).isZero();
      assertThat(gw.http.get("/metrics").send().await().bodyAsString())
          .contains("hotline_inquiries_received_total{channel=\"web\",outcome=\"overloaded\"} 3.0");
    }
  }

  private static Future<HttpResponse<Buffer>> post(TestGateway gw, String text) {
    return gw.http.post("/api/v1/web/inquiries").putHeader("Content-Type", "application/json")
        .sendBuffer(new JsonObject().put("text", text).toBuffer());
  }
}
