package org.hotline1022.gateway.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Stream;
import org.hotline1022.gateway.app.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every way a token can be wrong, on REST and on the WebSocket handshake. */
class AuthIT {
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

  private static String sign(String secret, JsonObject claims, JWTOptions options) {
    JWTAuth jwt = JWTAuth.create(gw.vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    return jwt.generateToken(claims, options.setAlgorithm("HS256"));
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static Stream<Arguments> tokens() {
    JsonObject operator = new JsonObject().put("sub", "x").put("roles", new io.vertx.core.json.JsonArray().add("operator"));
    String good = sign(TestGateway.SECRET, operator, new JWTOptions().setIssuer("hotline-1022").setExpiresInMinutes(5));
    String[] parts = good.split("\\.");
    return Stream.of(
        Arguments.of("missing", null, 401),
        Arguments.of("malformed", "not-a-jwt", 401),
        Arguments.of("expired", sign(TestGateway.SECRET, operator.copy().put("exp", System.currentTimeMillis() / 1000 - 3600),
            new JWTOptions().setIssuer("hotline-1022")), 401),
        Arguments.of("wrongly signed", sign("another-secret-another-secret-another-secret", operator,
            new JWTOptions().setIssuer("hotline-1022").setExpiresInMinutes(5)), 401),
        Arguments.of("unsigned (alg none)", b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".", 401),
        Arguments.of("tampered claims", parts[0] + "." + b64(operator.copy().put("roles", new io.vertx.core.json.JsonArray().add("admin"))
            .put("iss", "hotline-1022").encode()) + "." + parts[2], 401),
        Arguments.of("no agent role", sign(TestGateway.SECRET, new JsonObject().put("sub", "x").put("roles",
            new io.vertx.core.json.JsonArray().add("citizen")), new JWTOptions().setIssuer("hotline-1022").setExpiresInMinutes(5)), 403),
        Arguments.of("officer without department", gw.token("o", "officer", null), 403),
        Arguments.of("valid", good, 200));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tokens")
  void restAndWebSocketRefuseBadTokens(String name, String token, int status) {
    var req = gw.http.get("/api/v1/inquiries");
    if (token != null) {
      req.putHeader("Authorization", "Bearer " + token);
    }
    assertThat(req.send().await().statusCode()).as("REST, %s", name).isEqualTo(status);

    var ws = gw.http.get("/agent/ws" + (token == null ? "" : "?access_token=" + token)).putHeader("Connection", "Upgrade")
        .putHeader("Upgrade", "websocket").putHeader("Sec-WebSocket-Version", "13").putHeader("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
        .send().await();
    assertThat(ws.statusCode()).as("WebSocket handshake, %s", name).isEqualTo(status == 200 ? 101 : status);
  }

  @org.junit.jupiter.api.Test
  void aLiveSocketIsClosedWhenItsTokenExpires() throws Exception {
    JsonObject operator = new JsonObject().put("sub", "short").put("roles", new io.vertx.core.json.JsonArray().add("operator"));
    String token = sign(TestGateway.SECRET, operator, new JWTOptions().setIssuer("hotline-1022").setExpiresInSeconds(1));
    try (var agent = org.hotline1022.gateway.support.AgentClient.connect(gw.vertx, gw.port(), token)) {
      agent.answer(agent.send(new JsonObject().put("op", "subscribe")));
      String code = gw.post("Cho em hỏi lịch tiêm vắc xin cho trẻ ở phường");
      // live while the token is valid
      assertThat(agent.next(f -> "inquiry.created".equals(f.getString("type")), java.time.Duration.ofSeconds(2))
          .getJsonObject("inquiry").getString("trackingCode")).isEqualTo(code);

      // exp + the gateway's 5 s of allowed clock skew
      long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
      while (!agent.isClosed() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(agent.isClosed()).as("closed once the token expired").isTrue();
      assertThat(agent.ws.closeStatusCode()).isEqualTo((short) 4401);
      // and the same token cannot open a new one (exp has whole seconds: the check refuses from the next one)
      Thread.sleep(1100);
      var again = gw.http.get("/agent/ws?access_token=" + token).putHeader("Connection", "Upgrade").putHeader("Upgrade", "websocket")
          .putHeader("Sec-WebSocket-Version", "13").putHeader("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==").send().await();
      assertThat(again.statusCode()).isEqualTo(401);
    }
  }
}
