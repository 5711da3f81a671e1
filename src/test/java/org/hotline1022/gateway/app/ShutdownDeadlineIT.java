package org.hotline1022.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.hotline1022.gateway.support.Eventually;
import org.hotline1022.gateway.support.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request that never finishes (a client that sent half its body and went quiet) must not hold the
 * stop past the grace period: the HTTP drain is cut at its deadline, the writer still drains and the
 * embedded database still stops, all within {@code shutdown.graceSeconds}.
 */
class ShutdownDeadlineIT {
  @TempDir
  Path dataDir;

  @Test
  void aRequestThatNeverEndsCannotHoldTheStopPastTheGracePeriod() throws Exception {
    TestGateway gw = TestGateway.start(dataDir, Map.of("HOTLINE_SHUTDOWN_GRACE_SECONDS", "8"));
    int dbPort = gw.gateway.db().connectOptions().getPort();
    try (Socket stuck = new Socket("127.0.0.1", gw.port())) {
      // GIVEN a request in progress whose body will never arrive
      OutputStream out = stuck.getOutputStream();
      out.write(("POST /api/v1/web/inquiries HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
          + "Content-Length: 500\r\n\r\n{\"text\":\"Hỏi về").getBytes(StandardCharsets.UTF_8));
      out.flush();
      assertThat(gw.post("Hỏi về lịch tiêm vắc xin cho trẻ")).startsWith("1022-"); // the gateway is serving
      Thread.sleep(200);

      // WHEN it stops with an 8 s grace period (listeners drain until 6 s; the last 2 s are the writer's and the database's)
      long start = System.nanoTime();
      gw.gateway.stop().await();
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      // THEN the stop waited for the stuck request only until the drain deadline, then went on to the end
      assertThat(took).as("bounded by shutdown.graceSeconds").isLessThan(Duration.ofMillis(8500))
          .as("the drain waited for the request in flight").isGreaterThan(Duration.ofSeconds(4));
      assertThat(Ports.open(gw.port())).as("listener closed").isFalse();
      Eventually.until(Duration.ofSeconds(5), "embedded database stopped", () -> !Ports.open(dbPort));
    } finally {
      gw.vertx.close().await();
    }
  }
}
