package org.hotline1022.gateway.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.hotline1022.gateway.app.TestGateway;
import org.hotline1022.gateway.support.AgentClient;
import org.hotline1022.gateway.support.PgServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two gateway processes on one Postgres, as two replicas behind a Kubernetes Service. */
class TwoGatewaysIT {
  @TempDir
  Path dir;

  @Test
  void anAgentOnProcessBSeesWhatWasPostedToProcessAAndItsCommands() throws Exception {
    try (PgServer pg = PgServer.start(dir.resolve("pg"));
        TestGateway a = TestGateway.start(dir.resolve("a"), Map.of("HOTLINE_DB_URL", pg.url()));
        TestGateway b = TestGateway.start(dir.resolve("b"), Map.of("HOTLINE_DB_URL", pg.url()));
        AgentClient onB = AgentClient.connect(b.vertx, b.port(), b.token("op-b", "operator", null));
        AgentClient onA = AgentClient.connect(a.vertx, a.port(), a.token("op-a", "operator", null))) {
      onB.answer(onB.send(new JsonObject().put("op", "subscribe")));

      String code = a.post("Xin hỏi điều kiện cách ly tại nhà cho F1");
      JsonObject created = onB.next(f -> "inquiry.created".equals(f.getString("type")), Duration.ofSeconds(2));
      assertThat(created.getJsonObject("inquiry").getString("trackingCode")).isEqualTo(code);

      // a command on A reaches the agent on B too
      JsonObject ack = onA.answer(onA.send(new JsonObject().put("op", "claim").put("trackingCode", code)));
      assertThat(ack.getString("type")).isEqualTo("ack");
      JsonObject updated = onB.next(f -> "inquiry.updated".equals(f.getString("type")), Duration.ofSeconds(2));
      assertThat(updated.getJsonObject("inquiry").getString("assignee")).isEqualTo("op-a");
      assertThat(updated.getLong("seq")).isGreaterThan(created.getLong("seq"));
    }
  }
}
