package org.hotline1022.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.hotline1022.gateway.app.TestGateway;
import org.hotline1022.gateway.inquiry.CallCause;
import org.hotline1022.gateway.inquiry.CallSignal.Source;
import org.hotline1022.gateway.intake.CallResult;
import org.hotline1022.gateway.intake.IntakeException;
import org.hotline1022.gateway.support.AgentClient;
import org.hotline1022.gateway.support.PgServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Calls kept in Postgres: another gateway process carries on a call; a database outage is answered, not lost. */
class CallTwoGatewaysIT {
  @TempDir
  Path dir;

  @Test
  void aSecondProcessCarriesOnACallTheFirstStartedAndBothReportingItsEndEmitOnce() throws Exception {
    try (PgServer pg = PgServer.start(dir.resolve("pg"));
        TestGateway b = TestGateway.start(dir.resolve("b"), Map.of("HOTLINE_DB_URL", pg.url()))) {
      Instant t0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
      try (TestGateway a = TestGateway.start(dir.resolve("a"), Map.of("HOTLINE_DB_URL", pg.url()))) {
        a.gateway.callIntake().submit(Calls.offered("two-1", t0, "0912 222 001", Source.HEP)).await();
        a.gateway.callIntake().submit(Calls.ringing("two-1", t0.plusMillis(300), "0912 222 001", Source.HEP)).await();
      } // process A stops mid-call

      try (AgentClient agent = AgentClient.connect(b.vertx, b.port(), b.token("op-b", "operator", null))) {
        agent.answer(agent.send(new JsonObject().put("op", "subscribe")));
        CallResult end = b.gateway.callIntake()
            .submit(Calls.ended("two-1", t0.plusMillis(2300), "0912 222 001", CallCause.CANCEL, Source.HEP)).await();
        assertThat(end.outcome()).isEqualTo(CallResult.Outcome.STORED);
        JsonObject ev = agent.next(f -> "call.ended".equals(f.getString("type")) && "two-1".equals(f.getString("callId")),
            Duration.ofSeconds(5));
        assertThat(ev.getLong("ringMs")).as("ring time from A's offer to B's end").isEqualTo(2300);
        assertThat(ev.getString("trackingCode")).isEqualTo(end.trackingCode());
      }
      assertThat(b.count("select count(*) from phone_call where call_id = 'two-1'")).isEqualTo(1);
      assertThat(b.count("select count(*) from event where payload->>'callId' = 'two-1'")).isEqualTo(3);

      // two processes reporting the same steps of another call at the same moment: each step once
      try (TestGateway a = TestGateway.start(dir.resolve("a2"), Map.of("HOTLINE_DB_URL", pg.url()))) {
        List<Future<CallResult>> both = List.of(
            a.gateway.callIntake().submit(Calls.offered("two-2", t0, "0912 222 002", Source.HEP)),
            b.gateway.callIntake().submit(Calls.offered("two-2", t0, "0912 222 002", Source.DIALOG)),
            a.gateway.callIntake().submit(Calls.ended("two-2", t0.plusSeconds(4), "0912 222 002", CallCause.BUSY, Source.HEP)),
            b.gateway.callIntake().submit(Calls.ended("two-2", t0.plusSeconds(4), "0912 222 002", CallCause.BUSY, Source.DIALOG)));
        Future.all(both).await();
        assertThat(both.stream().filter(f -> f.result().outcome() == CallResult.Outcome.DUPLICATE)).hasSize(2);
      }
      assertThat(b.count("select count(*) from event where payload->>'callId' = 'two-2'")).isEqualTo(2);
      assertThat(b.count("select count(*) from message where external_id = 'two-2'")).isEqualTo(1);
    }
  }

  @Test
  void aDatabaseOutageIsAnsweredUnavailableAndARetryAfterItStoresTheCallOnce() throws Exception {
    try (PgServer pg = PgServer.start(dir.resolve("pg"));
        TestGateway gw = TestGateway.start(dir.resolve("g"), Map.of("HOTLINE_DB_URL", pg.url(), "HOTLINE_DB_CONNECT_TIMEOUT_MS", "1000"))) {
      Instant t0 = Instant.now();
      var signal = Calls.ended("down-1", t0, "0912 333 001", CallCause.NO_ANSWER, Source.OVERFLOW);
      // a durable commit first: it also flushes the migrations, which Flyway committed without waiting for the WAL
      gw.gateway.callIntake().submit(Calls.offered("down-0", t0, "0912 333 000", Source.OVERFLOW)).await();
      pg.kill();
      Throwable failure = gw.gateway.callIntake().submit(signal).transform(ar -> Future.succeededFuture(ar.cause())).await();
      assertThat(failure).isInstanceOf(IntakeException.class);
      assertThat(((IntakeException) failure).reason()).isIn(IntakeException.Reason.UNAVAILABLE, IntakeException.Reason.TIMEOUT);
      assertThat(gw.registry.get("hotline.call.signals").tags("source", "overflow", "step", "ended")
          .tag("outcome", ((IntakeException) failure).reason().tag()).counter().count())
          .isEqualTo(1);

      pg.restart();
      CallResult stored = null;
      for (int i = 0; i < 50 && stored == null; i++) {
        stored = gw.gateway.callIntake().submit(signal).otherwiseEmpty().await();
        if (stored == null) {
          Thread.sleep(200);
        }
      }
      assertThat(stored).isNotNull();
      assertThat(gw.gateway.callIntake().submit(signal).await().outcome()).isEqualTo(CallResult.Outcome.DUPLICATE);
      assertThat(gw.count("select count(*) from inquiry where status = 'callback'")).isEqualTo(1);
    }
  }

  @Test
  void aFullQueueAnswersOverloadedAndStoresEverythingItAccepted() throws Exception {
    try (TestGateway gw = TestGateway.start(dir.resolve("q"), Map.of("HOTLINE_PHONE_CALLS_QUEUE_CAPACITY", "20",
        "HOTLINE_PHONE_CALLS_MAX_BATCH", "10"))) {
      Instant t0 = Instant.now();
      List<Future<CallResult>> sent = new java.util.ArrayList<>();
      for (int i = 0; i < 400; i++) {
        sent.add(gw.gateway.callIntake().submit(Calls.ended("q-" + i, t0, String.format("0912%06d", i), CallCause.BUSY, Source.OVERFLOW)));
      }
      Future.join(sent).otherwiseEmpty().await();
      long overloaded = sent.stream().filter(f -> f.failed() && f.cause() instanceof IntakeException e
          && e.reason() == IntakeException.Reason.OVERLOADED).count();
      long stored = sent.stream().filter(Future::succeeded).count();
      assertThat(overloaded).isPositive();
      assertThat(stored + overloaded).isEqualTo(400);
      assertThat(gw.count("select count(*) from phone_call where call_id like 'q-%'")).isEqualTo(stored);
    }
  }
}
