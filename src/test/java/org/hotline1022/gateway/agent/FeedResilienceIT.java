package org.hotline1022.gateway.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.hotline1022.gateway.app.TestGateway;
import org.hotline1022.gateway.support.AgentClient;
import org.hotline1022.gateway.support.PgServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The database drops every gateway connection (failover, restart): no event is lost to the agents. */
class FeedResilienceIT {
  @TempDir
  Path dir;

  @Test
  void eventsCommittedWhileTheListenConnectionIsGoneStillReachAgents() throws Exception {
    try (PgServer pg = PgServer.start(dir.resolve("pg"));
        TestGateway gw = TestGateway.start(dir.resolve("gw"), Map.of("HOTLINE_DB_URL", pg.url()));
        AgentClient agent = AgentClient.connect(gw.vertx, gw.port(), gw.token("op", "operator", null));
        Connection admin = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres", "postgres", "")) {
      agent.answer(agent.send(new JsonObject().put("op", "subscribe")));
      String before = gw.post("trước sự cố");
      agent.next(f -> "inquiry.created".equals(f.getString("type")) && before.equals(f.getJsonObject("inquiry").getString("trackingCode")),
          Duration.ofSeconds(3));

      try (Statement st = admin.createStatement()) {
        // every backend but ours: the LISTEN connection, the writer's and the readers'
        st.execute("select pg_terminate_backend(pid) from pg_stat_activity where pid <> pg_backend_pid() and datname = 'postgres'");
        // events committed while the gateway has no LISTEN: they must not be lost
        st.execute("select hotline_append_events(array['test.event'], array[null::bigint], array[null::text], array['{\"n\":1}'::jsonb])");
      }
      JsonObject missed = agent.next(f -> "test.event".equals(f.getString("type")), Duration.ofSeconds(5));
      assertThat(missed.getInteger("n")).isEqualTo(1);

      // and the gateway's own writes recover too: a retrying citizen gets through
      String after = null;
      for (int i = 0; i < 50 && after == null; i++) {
        try {
          after = gw.post("sau sự cố");
        } catch (AssertionError retry) {
          Thread.sleep(100);
        }
      }
      String code = after;
      assertThat(code).isNotNull();
      agent.next(f -> "inquiry.created".equals(f.getString("type")) && code.equals(f.getJsonObject("inquiry").getString("trackingCode")),
          Duration.ofSeconds(5));
    }
  }
}
