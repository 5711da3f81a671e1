package org.hotline1022.gateway.reply;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.hotline1022.gateway.app.TestGateway;
import org.hotline1022.gateway.config.ReplyConfig;
import org.hotline1022.gateway.support.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A web citizen sees an agent's answer at the status endpoint once the dispatcher has delivered it, not before. */
class WebReplyDeliveryIT {
  @TempDir
  Path dataDir;

  @Test
  void webAnswerBecomesVisibleToTheCitizenOnlyAfterDispatch() throws Exception {
    try (TestGateway gw = TestGateway.start(dataDir, Map.of())) {
      var created = gw.http.post("/api/v1/web/inquiries").putHeader("Content-Type", "application/json")
          .sendBuffer(new JsonObject().put("text", "Xin hỏi lịch tiêm mũi 3").toBuffer()).await();
      assertThat(created.statusCode()).isEqualTo(201);
      String code = created.bodyAsJsonObject().getString("trackingCode");

      // what the agent reply command commits: an outbound message and its outbox row, in one transaction
      String answer = "Lịch tiêm mũi 3 tại trạm y tế phường từ thứ Hai.";
      gw.sql().withTransaction(conn -> conn.preparedQuery("""
              insert into message (inquiry_id, channel, external_id, direction, author, body, received_at)
              select id, 'web', 'reply-1', 'out', 'agent-1', $2, now() from inquiry where tracking_code = $1
              returning id, inquiry_id""").execute(Tuple.of(code, answer))
          .compose(rows -> {
            var r = rows.iterator().next();
            return conn.preparedQuery("insert into outbox (message_id, inquiry_id, channel) values ($1, $2, 'web')")
                .execute(Tuple.of(r.getLong("id"), r.getLong("inquiry_id")));
          })).await();

      assertThat(answers(gw, code)).as("before dispatch").isEmpty();

      String dispatcher = gw.vertx.deployVerticle(new OutboxDispatcherVerticle(gw.gateway.db(), new ReplyConfig(100, 10, 3, 100, 1000, 30),
          List.of(new WebReplySender()), ReplyMetrics.NOOP)).await();
      gw.vertx.eventBus().publish(OutboxSignals.WAKE, null);

      Eventually.until(Duration.ofSeconds(30), "answer visible", () -> !answers(gw, code).isEmpty());
      JsonArray shown = answers(gw, code);
      assertThat(shown).hasSize(1);
      assertThat(shown.getJsonObject(0).getString("text")).isEqualTo(answer);
      assertThat(gw.count("select count(*) from event where type = 'reply.sent'")).isEqualTo(1);
      gw.vertx.undeploy(dispatcher).await(); // before the gateway stops its database
    }
  }

  private static JsonArray answers(TestGateway gw, String code) {
    var r = gw.http.get("/api/v1/web/inquiries/" + code).send().await();
    assertThat(r.statusCode()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("answers");
  }
}
