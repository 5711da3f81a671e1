package org.hotline1022.gateway.adapter.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Row;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.hotline1022.gateway.app.TestGateway;
import org.hotline1022.gateway.support.PgServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database dies (SIGKILL) in the middle of a load: every submission that got a 201 must be in
 * the database after crash recovery; the others got 503 or a broken connection, never a 201.
 */
class DatabaseKillIT {
  @TempDir
  Path pgDir;
  @TempDir
  Path dataDir;

  @Test
  void every201IsCommittedWhenTheDatabaseIsKilledMidLoad() throws Exception {
    try (PgServer pg = PgServer.start(pgDir.resolve("pg"));
        TestGateway gw = TestGateway.start(dataDir, Map.of("HOTLINE_DB_URL", pg.url(), "HOTLINE_DB_CONNECT_TIMEOUT_MS", "1000"))) {
      Map<String, Integer> outcome = new ConcurrentHashMap<>();
      AtomicInteger seq = new AtomicInteger();
      long end = System.currentTimeMillis() + 4000;
      Promise<Void> done = Promise.promise();
      AtomicInteger running = new AtomicInteger(32);
      // 32 clients submit back to back for 4 s; the database is killed after 1.5 s
      for (int c = 0; c < 32; c++) {
        loop(gw, outcome, seq, end, running, done);
      }
      Thread.sleep(1500);
      long before = outcome.values().stream().filter(s -> s == 201).count();
      pg.kill();
      done.future().await();

      long created = outcome.values().stream().filter(s -> s == 201).count();
      long refused = outcome.values().stream().filter(s -> s == 503 || s == -1).count();
      assertThat(before).as("201s before the kill").isGreaterThan(50);
      assertThat(refused).as("503s or broken connections after the kill").isGreaterThan(0);
      assertThat(outcome.values()).allSatisfy(s -> assertThat(s).isIn(201, 503, -1));

      pg.restart();
      Set<String> stored = storedIds(gw, pg);
      Set<String> acknowledged = new HashSet<>();
      outcome.forEach((id, status) -> {
        if (status == 201) {
          acknowledged.add(id);
        }
      });
      assertThat(stored).containsAll(acknowledged);
      assertThat(created).isEqualTo(acknowledged.size());

      // and the gateway recovers by itself once the database is back
      int status = -1;
      for (int i = 0; i < 50 && status != 201; i++) {
        status = gw.http.post("/api/v1/web/inquiries").putHeader("Content-Type", "application/json")
            .sendBuffer(new JsonObject().put("text", "sau sự cố").toBuffer()).await().statusCode();
        Thread.sleep(200);
      }
      assertThat(status).isEqualTo(201);
    }
  }

  private static void loop(TestGateway gw, Map<String, Integer> outcome, AtomicInteger seq, long end, AtomicInteger running,
      Promise<Void> done) {
    if (System.currentTimeMillis() > end) {
      if (running.decrementAndGet() == 0) {
        done.complete();
      }
      return;
    }
    String id = String.format("kill-%06d", seq.incrementAndGet());
    gw.http.post("/api/v1/web/inquiries").putHeader("Content-Type", "application/json")
        .sendBuffer(new JsonObject().put("text", "Hỏi về phong tỏa khu dân cư " + id).put("submissionId", id).toBuffer())
        .onComplete(ar -> {
          outcome.put(id, ar.succeeded() ? ar.result().statusCode() : -1);
          loop(gw, outcome, seq, end, running, done);
        });
  }

  private static Set<String> storedIds(TestGateway gw, PgServer pg) {
    var pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(pg.url())).using(gw.vertx).build();
    try {
      Set<String> ids = new HashSet<>();
      for (Row r : pool.query("select external_id from message where channel = 'web' and external_id like 'kill-%'").execute().await()) {
        ids.add(r.getString(0));
      }
      return ids;
    } finally {
      pool.close().await();
    }
  }
}
