package org.hotline1022.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hotline1022.gateway.store.Calls.answered;
import static org.hotline1022.gateway.store.Calls.ended;
import static org.hotline1022.gateway.store.Calls.offered;
import static org.hotline1022.gateway.store.Calls.ringing;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.hotline1022.gateway.app.TestGateway;
import org.hotline1022.gateway.inquiry.CallCause;
import org.hotline1022.gateway.inquiry.CallSignal;
import org.hotline1022.gateway.inquiry.CallSignal.Source;
import org.hotline1022.gateway.intake.BatchedCallIntake;
import org.hotline1022.gateway.intake.CallResult;
import org.hotline1022.gateway.intake.IntakeException;
import org.hotline1022.gateway.support.AgentClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Call signals through the gateway's CallIntake into Postgres: call rows, call events, inquiries (sip.md §6). */
class CallStoreIT {
  @TempDir
  static Path dataDir;
  static TestGateway gw;
  static BatchedCallIntake calls;

  @BeforeAll
  static void start() {
    gw = TestGateway.start(dataDir, Map.of("HOTLINE_THREADING_WINDOW_MINUTES_PHONE", "60"));
    calls = gw.gateway.callIntake();
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  private static CallResult send(CallSignal s) {
    return calls.submit(s).await();
  }

  private static Row call(String callId) {
    return gw.sql().preparedQuery("select * from phone_call where call_id = $1").execute(Tuple.of(callId)).await().iterator().next();
  }

  private static long count(String sql, Object... params) {
    return gw.sql().preparedQuery(sql).execute(Tuple.from(params)).await().iterator().next().getLong(0);
  }

  @Test
  void anAbandonedCallBecomesOneCallbackInquiryAndAConnectedAgentSeesCallEnded() {
    try (AgentClient operator = AgentClient.connect(gw.vertx, gw.port(), gw.token("op-1", "operator", null))) {
      operator.answer(operator.send(new JsonObject().put("op", "subscribe")));
      Instant t0 = Instant.now();
      send(offered("miss-1@pbx", t0, "0912 345 678", Source.HEP));
      JsonObject live = operator.next(f -> "call.offered".equals(f.getString("type")) && "miss-1@pbx".equals(f.getString("callId")),
          Duration.ofSeconds(5));
      assertThat(live.getString("caller")).isEqualTo("+84912345678");
      assertThat(live.containsKey("trackingCode")).isFalse();

      send(ringing("miss-1@pbx", t0.plusMillis(200), "0912 345 678", Source.HEP));
      CallResult end = send(ended("miss-1@pbx", t0.plusMillis(1700), "0912 345 678", CallCause.CANCEL, Source.HEP));

      assertThat(end.outcome()).isEqualTo(CallResult.Outcome.STORED);
      assertThat(end.created()).isTrue();
      JsonObject ev = operator.next(f -> "call.ended".equals(f.getString("type")) && "miss-1@pbx".equals(f.getString("callId")),
          Duration.ofSeconds(5));
      assertThat(ev.getString("cause")).isEqualTo("cancel");
      assertThat(ev.getLong("ringMs")).isEqualTo(1700);
      assertThat(ev.getString("trackingCode")).isEqualTo(end.trackingCode());
      assertThat(ev.getString("source")).isEqualTo("hep");

      Row row = call("miss-1@pbx");
      assertThat(row.getString("caller")).isEqualTo("+84912345678");
      assertThat(row.getString("state")).isEqualTo("ended");
      assertThat(row.getLong("ring_ms")).isEqualTo(1700);
      Row inquiry = gw.sql().preparedQuery("select i.status, i.channel, c.address, i.message_count from inquiry i join contact c on c.id = i.contact_id"
          + " where i.tracking_code = $1").execute(Tuple.of(end.trackingCode())).await().iterator().next();
      assertThat(inquiry.getString("status")).isEqualTo("callback");
      assertThat(inquiry.getString("channel")).isEqualTo("phone");
      assertThat(inquiry.getString("address")).isEqualTo("+84912345678");
      assertThat(count("select count(*) from message where external_id = $1 and body like 'Cuộc gọi bị bỏ dở%'", "miss-1@pbx")).isEqualTo(1);
    }
  }

  @Test
  void threeMissedCallsFromOneNumberWithinTheWindowJoinOneInquiry() {
    Instant t0 = Instant.now();
    CallResult first = send(ended("rep-1", t0, "0987 000 111", CallCause.BUSY, Source.OVERFLOW));
    CallResult second = send(ended("rep-2", t0.plusSeconds(60), "+84 987 000 111", CallCause.NO_ANSWER, Source.HEP));
    CallResult third = send(ended("rep-3", t0.plusSeconds(120), "84987000111", CallCause.CANCEL, Source.HEP));
    CallResult other = send(ended("rep-4", t0.plusSeconds(130), "0987 000 222", CallCause.BUSY, Source.HEP));

    assertThat(List.of(second.trackingCode(), third.trackingCode())).containsOnly(first.trackingCode());
    assertThat(other.trackingCode()).isNotEqualTo(first.trackingCode());
    assertThat(count("select count(*) from message m join inquiry i on i.id = m.inquiry_id where i.tracking_code = $1",
        first.trackingCode())).isEqualTo(3);
    assertThat(count("select message_count from inquiry where tracking_code = $1", first.trackingCode())).isEqualTo(3);
  }

  @Test
  void theSameSignalsTwiceAndFromTwoSourcesAreStoredOnce() {
    Instant t0 = Instant.now();
    List<CallSignal> signals = List.of(offered("dup-1", t0, "0912 000 333", Source.HEP),
        ringing("dup-1", t0.plusMillis(100), "0912 000 333", Source.HEP),
        ended("dup-1", t0.plusSeconds(3), "0912 000 333", CallCause.NO_ANSWER, Source.HEP));
    for (CallSignal s : signals) {
      assertThat(send(s).outcome()).isEqualTo(CallResult.Outcome.STORED);
    }
    for (CallSignal s : signals) {
      assertThat(send(s).outcome()).isEqualTo(CallResult.Outcome.DUPLICATE);
      CallSignal fromDialog = new CallSignal(s.callId(), s.step(), s.at().plusMillis(5), s.caller(), null, null, s.cause(),
          Source.DIALOG, null, Map.of());
      assertThat(send(fromDialog).outcome()).isEqualTo(CallResult.Outcome.DUPLICATE);
    }
    assertThat(count("select count(*) from event where payload->>'callId' = $1", "dup-1")).isEqualTo(3);
    assertThat(count("select count(*) from message where external_id = $1", "dup-1")).isEqualTo(1);
    assertThat(call("dup-1").getArrayOfStrings("sources")).containsExactly("dialog", "hep");
    assertThat(count("select count(*) from inquiry i join contact c on c.id = i.contact_id where c.address = '+84912000333'"))
        .isEqualTo(1);
  }

  @Test
  void anAnsweredCallOpensANewInquiryThatLearnsItsTalkTime() {
    Instant t0 = Instant.now();
    send(offered("ans-1", t0, "0912 000 444", Source.HEP));
    CallResult answered = send(answered("ans-1", t0.plusSeconds(4), "0912 000 444", "201", Source.HEP));
    send(ended("ans-1", t0.plusSeconds(94), "0912 000 444", CallCause.NORMAL_CLEARING, Source.HEP));

    assertThat(answered.created()).isTrue();
    Row row = call("ans-1");
    assertThat(row.getLong("ring_ms")).isEqualTo(4000);
    assertThat(row.getLong("talk_ms")).isEqualTo(90_000);
    assertThat(row.getString("agent")).isEqualTo("201");
    Row inquiry = gw.sql().preparedQuery("select i.status, m.facts from inquiry i join message m on m.inquiry_id = i.id"
        + " where i.tracking_code = $1").execute(Tuple.of(answered.trackingCode())).await().iterator().next();
    assertThat(inquiry.getString("status")).isEqualTo("new");
    assertThat(((JsonObject) inquiry.getValue("facts")).getLong("talkMs")).isEqualTo(90_000);
  }

  @Test
  void anAnsweredCallFromANumberWaitingForACallbackSettlesThatInquiry() {
    Instant t0 = Instant.now();
    CallResult missed = send(ended("settle-1", t0, "0912 000 456", CallCause.BUSY, Source.OVERFLOW));
    send(offered("settle-2", t0.plusSeconds(300), "0912 000 456", Source.HEP));
    CallResult answered = send(answered("settle-2", t0.plusSeconds(305), "0912 000 456", "202", Source.HEP));

    assertThat(answered.trackingCode()).isEqualTo(missed.trackingCode());
    assertThat(answered.created()).isFalse();
    assertThat(count("select count(*) from inquiry where status = 'new' and tracking_code = $1", missed.trackingCode())).isEqualTo(1);
    assertThat(count("select message_count from inquiry where tracking_code = $1", missed.trackingCode())).isEqualTo(2);
  }

  @Test
  void anEndSeenBeforeTheOfferMakesOneCorrectRow() {
    Instant t0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    // a gateway restarted mid-call sees the end first; the offer and ringing arrive later (a slow input)
    CallResult end = send(ended("late-1", t0.plusSeconds(5), "0912 000 555", CallCause.BUSY, Source.HEP));
    CallResult offer = send(offered("late-1", t0, "0912 000 555", Source.DIALOG));
    CallResult ring = send(ringing("late-1", t0.plusSeconds(1), "0912 000 555", Source.DIALOG));

    assertThat(end.outcome()).isEqualTo(CallResult.Outcome.STORED);
    assertThat(offer.outcome()).isEqualTo(CallResult.Outcome.LATE);
    assertThat(ring.outcome()).isEqualTo(CallResult.Outcome.LATE);
    Row row = call("late-1");
    assertThat(row.getString("state")).isEqualTo("ended");
    assertThat(row.getString("cause")).isEqualTo("busy");
    assertThat(row.getLong("ring_ms")).isEqualTo(5000);
    assertThat(row.getOffsetDateTime("offered_at").toInstant()).isEqualTo(t0);
    assertThat(count("select count(*) from event where payload->>'callId' = 'late-1'")).isEqualTo(1); // call.ended only
    assertThat(count("select count(*) from message where external_id = 'late-1'")).isEqualTo(1);
  }

  @Test
  void aRejectedCallLeavesARowAndAnEventButNoInquiry() {
    Instant t0 = Instant.now();
    CallResult r = send(ended("rej-1", t0, "0912 000 666", CallCause.REJECTED, Source.HEP));
    assertThat(r.inquiryId()).isNull();
    assertThat(count("select count(*) from event where type = 'call.ended' and payload->>'callId' = 'rej-1' and department is null"))
        .isEqualTo(1);
    assertThat(count("select count(*) from message where external_id = 'rej-1'")).isZero();
  }

  @Test
  void anOfficerSeesCallEventsOfTheirDepartmentsInquiriesOnly() {
    try (AgentClient own = AgentClient.connect(gw.vertx, gw.port(), gw.token("of-vp", "officer", "VPUBND"));
        AgentClient other = AgentClient.connect(gw.vertx, gw.port(), gw.token("of-syt", "officer", "SYT"))) {
      own.answer(own.send(new JsonObject().put("op", "subscribe")));
      other.answer(other.send(new JsonObject().put("op", "subscribe")));
      Instant t0 = Instant.now();
      send(offered("scope-1", t0, "0912 000 777", Source.HEP));
      send(ended("scope-1", t0.plusSeconds(2), "0912 000 777", CallCause.NO_ANSWER, Source.HEP));

      // callbacks go to routing's department for the 'other' topic (VPUBND)
      JsonObject seen = own.next(f -> "call.ended".equals(f.getString("type")) && "scope-1".equals(f.getString("callId")),
          Duration.ofSeconds(5));
      assertThat(seen.getString("trackingCode")).isNotBlank();
      List<JsonObject> otherSaw = other.events(10, Duration.ofSeconds(2));
      assertThat(otherSaw).noneMatch(f -> "scope-1".equals(f.getString("callId")));
      assertThat(otherSaw).noneMatch(f -> f.getString("type").startsWith("inquiry.") || f.getString("type").startsWith("call."));
    }
  }

  private static io.vertx.core.json.JsonArray liveCalls(String token) {
    var r = gw.http.get("/api/v1/calls").putHeader("Authorization", "Bearer " + token).send().await();
    assertThat(r.statusCode()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("items");
  }

  @Test
  void theCallsListShowsWhatRingsNowInTheAgentsScope() {
    String operator = gw.token("op-2", "operator", null);
    Instant t0 = Instant.now();
    send(offered("now-1", t0, "0912 000 999", Source.DIALOG));
    send(ringing("now-1", t0.plusMillis(100), "0912 000 999", Source.DIALOG));
    JsonObject ringing = liveCalls(operator).stream().map(JsonObject.class::cast)
        .filter(c -> "now-1".equals(c.getString("callId"))).findFirst().orElseThrow();
    assertThat(ringing.getString("state")).isEqualTo("ringing");
    assertThat(ringing.getString("caller")).isEqualTo("+84912000999");
    assertThat(ringing.getString("since")).isNotBlank();
    // an officer sees only calls that belong to an inquiry of their department: none rings for them yet
    assertThat(liveCalls(gw.token("of-vp2", "officer", "VPUBND"))).noneMatch(c -> "now-1".equals(((JsonObject) c).getString("callId")));

    // an answered call has its inquiry (VPUBND): that department's officer sees it while it lasts, another does not
    send(answered("now-2", t0, "0912 000 998", "203", Source.HEP));
    assertThat(liveCalls(gw.token("of-vp2", "officer", "VPUBND"))).anyMatch(c -> "now-2".equals(((JsonObject) c).getString("callId"))
        && "answered".equals(((JsonObject) c).getString("state")) && ((JsonObject) c).getString("trackingCode") != null);
    assertThat(liveCalls(gw.token("of-syt2", "officer", "SYT"))).noneMatch(c -> "now-2".equals(((JsonObject) c).getString("callId")));
    send(ended("now-2", t0.plusSeconds(30), "0912 000 998", CallCause.NORMAL_CLEARING, Source.HEP));

    send(ended("now-1", t0.plusSeconds(8), "0912 000 999", CallCause.NO_ANSWER, Source.DIALOG));
    assertThat(liveCalls(operator)).noneMatch(c -> "now-1".equals(((JsonObject) c).getString("callId")));
    assertThat(gw.http.get("/api/v1/calls").send().await().statusCode()).isEqualTo(401);
  }

  @Test
  void theDatabaseAgreesWithCallCauseOnWhichCallsNeedACallback() {
    for (CallCause cause : CallCause.values()) {
      boolean sql = gw.sql().preparedQuery("select hotline_call_needs_callback($1)").execute(Tuple.of(cause.tag())).await()
          .iterator().next().getBoolean(0);
      assertThat(sql).as(cause.tag()).isEqualTo(cause.needsCallback());
      // and every cause is a stored value the call row accepts
      send(ended("cause-" + cause.tag(), Instant.now(), null, cause, Source.HEP));
    }
    assertThat(count("select count(*) from phone_call where call_id like 'cause-%'")).isEqualTo(CallCause.values().length);
    // no number: no callback inquiry (nobody to call); the row and the event are kept
    assertThat(count("select count(*) from phone_call where call_id like 'cause-%' and inquiry_id is not null")).isEqualTo(1);
  }

  @Test
  void metricsCountCallsBySourceAndCauseAndSignalsByOutcome() {
    Instant t0 = Instant.now();
    send(ended("m-1", t0, "0912 100 001", CallCause.CONGESTION, Source.OVERFLOW));
    send(ended("m-1", t0, "0912 100 001", CallCause.CONGESTION, Source.HEP));
    String text = gw.http.get("/metrics").send().await().bodyAsString();
    assertThat(text).containsPattern("hotline_calls_total\\{cause=\"congestion\",source=\"overflow\"} 1\\.0")
        .containsPattern("hotline_call_signals_total\\{outcome=\"duplicate\",source=\"hep\",step=\"ended\"} [1-9]")
        .contains("hotline_call_writer_batch_size_count").contains("hotline_call_writer_commit_seconds_bucket")
        .contains("hotline_call_writer_queue_depth");
    // the HEP copy was a duplicate: its series stays at the 0 it started from
    assertThat(text).contains("hotline_calls_total{cause=\"congestion\",source=\"hep\"} 0.0");
  }

  @Test
  void aHostileCallIdIsRefused() {
    CallSignal s = offered("x".repeat(300), Instant.now(), "0912 000 888", Source.HEP);
    Throwable failure = calls.submit(s).transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())).await();
    assertThat(failure).isInstanceOf(IntakeException.class);
    assertThat(((IntakeException) failure).reason()).isEqualTo(IntakeException.Reason.REJECTED);
  }
}
