package org.hotline1022.gateway.adapter.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.SqlConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.hotline1022.gateway.adapter.webhook.facebook.FacebookFixtures;
import org.hotline1022.gateway.app.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A delivery only part of which fits in the writer's queue is answered 503; the platform's retry completes it, once. */
class WebhookOverloadIT {
  @TempDir
  Path dataDir;

  @Test
  void aPartlyRefusedDeliveryIsAnswered503AndItsRetryStoresEachMessageOnce() throws Exception {
    try (TestGateway gw = TestGateway.start(dataDir, Map.of("HOTLINE_FACEBOOK_APP_SECRET", FacebookFixtures.SECRET,
        "HOTLINE_WRITER_QUEUE_CAPACITY", "6", "HOTLINE_WRITER_PARALLEL_BATCHES", "1", "HOTLINE_WRITER_MAX_BATCH", "1"))) {
      // GIVEN a database that stalls writes, and a first delivery of 6 messages filling the writer's queue
      SqlConnection blocker = gw.sql().getConnection().await();
      blocker.query("begin").execute().await();
      blocker.query("lock table message in access exclusive mode").execute().await();
      Future<HttpResponse<Buffer>> filling = send(gw, FacebookFixtures.batch("fill", 3, 2, System.currentTimeMillis()));
      Thread.sleep(300); // let its submissions reach the writer

      // WHEN a second delivery of 2 messages arrives: at most one of them fits
      String body = FacebookFixtures.batch("ovl", 1, 2, System.currentTimeMillis());
      HttpResponse<Buffer> first = send(gw, body).await();

      // THEN it is refused as a whole, with Retry-After, and the first one is still waiting for its commit
      assertThat(first.statusCode()).isEqualTo(503);
      assertThat(first.getHeader("Retry-After")).isEqualTo("2");
      assertThat(first.bodyAsJsonObject().getString("error")).isEqualTo("overloaded");
      assertThat(filling.isComplete()).isFalse();

      // AND once the database moves, the first gets its 200 and the platform's retry of the second stores it, nothing twice
      blocker.query("commit").execute().await();
      blocker.close().await();
      assertThat(filling.await().statusCode()).isEqualTo(200);
      assertThat(send(gw, body).await().statusCode()).isEqualTo(200);
      assertThat(gw.count("select count(*) from message where external_id like 'fill-%'")).isEqualTo(6);
      assertThat(gw.count("select count(*) from message where external_id like 'ovl-%'")).isEqualTo(2);
    }
  }

  private static Future<HttpResponse<Buffer>> send(TestGateway gw, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return gw.http.post("/webhooks/facebook").putHeader("Content-Type", "application/json")
        .putHeader("X-Hub-Signature-256", "sha256=" + Signatures.toHex(Signatures.hmacSha256(FacebookFixtures.SECRET, bytes)))
        .sendBuffer(Buffer.buffer(bytes));
  }
}
