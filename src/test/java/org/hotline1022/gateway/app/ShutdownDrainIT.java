package org.hotline1022.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Row;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A graceful stop under load: every submission answered 201 is stored, and the stop is quick. */
class ShutdownDrainIT {
  @TempDir
  Path dataDir;
  private static volatile boolean stopping;

  @Test
  void stoppingUnderLoadLosesNothingThatWasAcknowledged() throws Exception {
    Map<String, Integer> outcome = new ConcurrentHashMap<>();
    TestGateway gw = TestGateway.start(dataDir, Map.of());
    WebClient client = gw.http;
    AtomicInteger seq = new AtomicInteger();
    AtomicInteger running = new AtomicInteger(32);
    Promise<Void> done = Promise.promise();
    // loops run until the stop refuses them (or 60 s); the stop comes once load is established, however slow the machine
    long end = System.currentTimeMillis() + 60_000;
    for (int c = 0; c < 32; c++) {
      loop(client, outcome, seq, end, running, done);
    }
    org.hotline1022.gateway.support.Eventually.until(Duration.ofSeconds(30), "60 acknowledged submissions",
        () -> outcome.values().stream().filter(s -> s == 201).count() >= 60);
    long started = System.nanoTime();
    stopping = true;
    gw.gateway.stop().await();
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    done.future().await();
    gw.vertx.close().await();

    assertThat(took).isLessThan(Duration.ofSeconds(10));
    assertThat(outcome.values()).allSatisfy(s -> assertThat(s).isIn(201, 503, -1));
    Set<String> acknowledged = new HashSet<>();
    outcome.forEach((id, s) -> {
      if (s == 201) {
        acknowledged.add(id);
      }
    });
    assertThat(acknowledged).hasSizeGreaterThan(50);

    try (TestGateway again = TestGateway.start(dataDir, Map.of())) {
      Set<String> stored = new HashSet<>();
      for (Row r : again.sql().query("select external_id from message where external_id like 'drain-%'").execute().await()) {
        stored.add(r.getString(0));
      }
      assertThat(stored).containsAll(acknowledged);
    }
  }

  private static void loop(WebClient client, Map<String, Integer> outcome, AtomicInteger seq, long end, AtomicInteger running,
      Promise<Void> done) {
    if (System.currentTimeMillis() > end) {
      if (running.decrementAndGet() == 0) {
        done.complete();
      }
      return;
    }
    String id = String.format("drain-%06d", seq.incrementAndGet());
    client.post("/api/v1/web/inquiries").putHeader("Content-Type", "application/json")
        .sendBuffer(new JsonObject().put("text", "Hỏi về giấy phép lái xe " + id).put("submissionId", id).toBuffer())
        .onComplete(ar -> {
          int status = ar.succeeded() ? ar.result().statusCode() : -1;
          outcome.put(id, status);
          // once the gateway is stopping, a refused connection ends this client
          loop(client, outcome, seq, stopping && status == -1 ? 0 : end, running, done);
        });
  }
}
