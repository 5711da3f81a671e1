package org.hotline1022.gateway.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.hotline1022.gateway.app.TestGateway;
import org.hotline1022.gateway.inquiry.CallCause;
import org.hotline1022.gateway.inquiry.CallSignal.Source;
import org.hotline1022.gateway.store.Calls;
import org.hotline1022.gateway.support.AgentClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent command {@code callback} over REST and the WebSocket: attempts, status effects, errors. */
class CallbackCommandIT {
  @TempDir
  static Path dataDir;
  static TestGateway gw;
  static String operatorToken;

  @BeforeAll
  static void start() {
    gw = TestGateway.start(dataDir, Map.of());
    operatorToken = gw.token("op-7", "operator", null);
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  /** A missed call from {@code number}; returns its callback inquiry's tracking code. */
  private static String missedCall(String callId, String number) {
    return gw.gateway.callIntake().submit(Calls.ended(callId, Instant.now(), number, CallCause.NO_ANSWER, Source.HEP)).await()
        .trackingCode();
  }

  private static HttpResponse<Buffer> callback(String token, String code, JsonObject body) {
    var req = gw.http.post("/api/v1/inquiries/" + code + "/callback").putHeader("Content-Type", "application/json");
    if (token != null) {
      req.putHeader("Authorization", "Bearer " + token);
    }
    return req.sendBuffer(body.toBuffer()).await();
  }

  private static JsonObject inquiry(String code) {
    return gw.http.get("/api/v1/inquiries/" + code).putHeader("Authorization", "Bearer " + operatorToken).send().await()
        .bodyAsJsonObject();
  }

  @Test
  void attemptsAreRecordedAndReachedAssignsTheInquiryToTheAgent() {
    String code = missedCall("cb-1", "0912 111 001");
    try (AgentClient watcher = AgentClient.connect(gw.vertx, gw.port(), gw.token("sup-1", "supervisor", null))) {
      watcher.answer(watcher.send(new JsonObject().put("op", "subscribe")));

      var noAnswer = callback(operatorToken, code, new JsonObject().put("outcome", "no_answer").put("note", "Không nghe máy"));
      assertThat(noAnswer.statusCode()).isEqualTo(200);
      assertThat(noAnswer.bodyAsJsonObject().getJsonObject("inquiry").getString("status")).isEqualTo("callback");
      JsonObject ev = watcher.next(f -> "callback.attempted".equals(f.getString("type")), Duration.ofSeconds(5));
      assertThat(ev.getJsonObject("attempt").getString("outcome")).isEqualTo("no_answer");
      assertThat(ev.getJsonObject("attempt").getString("note")).isEqualTo("Không nghe máy");
      assertThat(ev.getString("by")).isEqualTo("op-7");

      // the same command over the WebSocket
      try (AgentClient agent = AgentClient.connect(gw.vertx, gw.port(), operatorToken)) {
        JsonObject ack = agent.answer(agent.send(new JsonObject().put("op", "callback").put("trackingCode", code).put("outcome", "reached")));
        assertThat(ack.getString("type")).isEqualTo("ack");
        assertThat(ack.getJsonObject("inquiry").getString("status")).isEqualTo("assigned");
        assertThat(ack.getJsonObject("inquiry").getString("assignee")).isEqualTo("op-7");
        assertThat(ack.getJsonObject("inquiry").getString("firstResponseAt")).isNotNull();
      }
      JsonObject reached = watcher.next(f -> "callback.attempted".equals(f.getString("type")), Duration.ofSeconds(5));
      assertThat(reached.getJsonObject("attempt").getInteger("number")).isEqualTo(2);
      assertThat(reached.getJsonObject("change").getJsonObject("to").getString("status")).isEqualTo("assigned");
    }
    JsonObject view = inquiry(code);
    assertThat(view.getJsonArray("callbacks")).hasSize(2);
    assertThat(view.getJsonArray("callbacks").getJsonObject(0).getString("agent")).isEqualTo("op-7");
    assertThat(view.getJsonArray("calls").getJsonObject(0).getString("callId")).isEqualTo("cb-1");
    assertThat(view.getJsonArray("calls").getJsonObject(0).getString("cause")).isEqualTo("noAnswer");
  }

  @Test
  void busyKeepsTheCallbackAndWrongNumberClosesIt() {
    String code = missedCall("cb-2", "0912 111 002");
    assertThat(callback(operatorToken, code, new JsonObject().put("outcome", "busy")).bodyAsJsonObject()
        .getJsonObject("inquiry").getString("status")).isEqualTo("callback");
    var wrong = callback(operatorToken, code, new JsonObject().put("outcome", "wrong_number"));
    assertThat(wrong.statusCode()).isEqualTo(200);
    assertThat(wrong.bodyAsJsonObject().getJsonObject("inquiry").getString("status")).isEqualTo("closed");
    assertThat(gw.count("select count(*) from event e join inquiry i on i.id = e.inquiry_id where i.tracking_code = '" + code
        + "' and e.type = 'callback.attempted' and e.payload->>'reason' = 'wrong_number'")).isEqualTo(1);
    // a closed inquiry takes no more attempts
    assertThat(callback(operatorToken, code, new JsonObject().put("outcome", "busy")).statusCode()).isEqualTo(409);
  }

  @Test
  void badRequestsAreRefusedLikeTheOtherCommands() {
    String code = missedCall("cb-3", "0912 111 003");
    assertThat(callback(operatorToken, code, new JsonObject()).statusCode()).isEqualTo(400);
    assertThat(callback(operatorToken, code, new JsonObject().put("outcome", "maybe")).statusCode()).isEqualTo(400);
    assertThat(callback(operatorToken, code, new JsonObject().put("outcome", 3)).statusCode()).isEqualTo(400);
    assertThat(callback(null, code, new JsonObject().put("outcome", "busy")).statusCode()).isEqualTo(401);
    assertThat(callback(gw.token("o", "officer", null), code, new JsonObject().put("outcome", "busy")).statusCode()).isEqualTo(403);
    assertThat(callback(operatorToken, "1022-ZZZZ-ZZZZ", new JsonObject().put("outcome", "busy")).statusCode()).isEqualTo(404);
    // an officer of another department does not see it (404, as if it did not exist)
    assertThat(callback(gw.token("of-syt", "officer", "SYT"), code, new JsonObject().put("outcome", "busy")).statusCode())
        .isEqualTo(404);
    // a web inquiry without a phone number cannot be called back
    String web = gw.post("Cho hỏi giờ làm việc của bộ phận một cửa");
    assertThat(callback(operatorToken, web, new JsonObject().put("outcome", "busy")).statusCode()).isEqualTo(409);
    assertThat(gw.count("select count(*) from callback_attempt a join inquiry i on i.id = a.inquiry_id where i.tracking_code = '"
        + code + "'")).isZero();
  }
}
