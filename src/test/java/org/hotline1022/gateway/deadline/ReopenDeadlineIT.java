package org.hotline1022.gateway.deadline;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.hotline1022.gateway.app.TestGateway;
import org.hotline1022.gateway.config.DeadlineConfig;
import org.hotline1022.gateway.inquiry.Channel;
import org.hotline1022.gateway.inquiry.Classification;
import org.hotline1022.gateway.inquiry.Classifier;
import org.hotline1022.gateway.inquiry.Contact;
import org.hotline1022.gateway.inquiry.Inbound;
import org.hotline1022.gateway.inquiry.Routing;
import org.hotline1022.gateway.intake.IngestResult;
import org.hotline1022.gateway.intake.Intake;
import org.hotline1022.gateway.support.AgentClient;
import org.hotline1022.gateway.support.Eventually;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A citizen writing again on an answered Zalo inquiry restarts its answer clock: new due time from
 * routing, flags cleared, agents told, the watcher announces the new deadline once more (with a
 * second watcher process running). A message joining an inquiry still open moves nothing.
 */
class ReopenDeadlineIT {
  private static final Duration LIMIT = Duration.ofSeconds(60);
  private static final Classifier CLASSIFIER = Classifier.load();
  private static final Routing ROUTING = Routing.load();

  @TempDir
  static Path dataDir;
  static TestGateway gw;
  static Intake intake;

  @BeforeAll
  static void start() {
    // Zalo threads by contact (default window 24 h); the watcher checks every second
    gw = TestGateway.start(dataDir, Map.of("HOTLINE_DEADLINES_CHECK_INTERVAL_SECONDS", "1"));
    intake = gw.intake();
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void aNewMessageOnAnAnsweredInquiryGetsAFreshDeadlineAndAgentsSeeIt() throws Exception {
    String text = "Cho em hỏi thủ tục nhận trợ cấp cho hộ nghèo";
    IngestResult first = intake.submit(zalo("ro-1", "zro-1", text, now())).await();
    long id = first.inquiryId();
    // the earlier deadline passed and was announced
    exec("update inquiry set due_at = now() - interval '1 minute', deadline_warned_at = now() - interval '2 minutes',"
        + " deadline_overdue_at = now() where id = " + id);
    Instant oldDue = row(id).getOffsetDateTime("due_at").toInstant();

    try (AgentClient agent = operator()) {
      answer(agent, first.trackingCode());

      Instant at = now();
      String again = text + ", em cần giấy xác nhận gì nữa ạ?";
      IngestResult next = intake.submit(zalo("ro-2", "zro-1", again, at)).await();
      Instant due = dueFor(again, at);

      assertThat(next.created()).isFalse();
      assertThat(next.trackingCode()).isEqualTo(first.trackingCode());
      assertThat(next.status()).isEqualTo("assigned"); // the agent who answered keeps it
      assertThat(next.dueAt()).isEqualTo(due);
      Row r = row(id);
      assertThat(r.getOffsetDateTime("due_at").toInstant()).isEqualTo(due);
      assertThat(r.getOffsetDateTime("reopened_at").toInstant()).isEqualTo(at);
      assertThat(r.getValue("deadline_warned_at")).isNull();
      assertThat(r.getValue("deadline_overdue_at")).isNull();

      JsonObject message = agent.next(f -> "message.created".equals(f.getString("type"))
          && "ro-2".equals(f.getJsonObject("message").getString("externalId")), Duration.ofSeconds(10));
      assertThat(instant(message.getJsonObject("inquiry").getString("dueAt"))).isEqualTo(due);
      JsonObject updated = agent.next(f -> "inquiry.updated".equals(f.getString("type"))
          && first.trackingCode().equals(f.getJsonObject("inquiry").getString("trackingCode")), Duration.ofSeconds(10));
      assertThat(updated.getLong("seq")).isEqualTo(message.getLong("seq") + 1);
      assertThat(updated.getString("by")).isEqualTo("system:reopen");
      assertThat(instant(updated.getJsonObject("inquiry").getString("dueAt"))).isEqualTo(due);
      assertThat(updated.getJsonObject("inquiry").getString("status")).isEqualTo("assigned");
      JsonObject change = updated.getJsonObject("change");
      assertThat(change.getString("op")).isEqualTo("reopen");
      assertThat(change.getJsonObject("from").getString("status")).isEqualTo("answered");
      assertThat(instant(change.getJsonObject("from").getString("dueAt"))).isEqualTo(oldDue);
      assertThat(change.getJsonObject("to").getString("status")).isEqualTo("assigned");
      assertThat(instant(change.getJsonObject("to").getString("dueAt"))).isEqualTo(due);
    }
    assertThat(gw.count("select count(*) from event where type = 'inquiry.updated' and inquiry_id = " + id
        + " and payload->'change'->>'op' = 'reopen'")).isEqualTo(1);
  }

  @Test
  void theWatcherAnnouncesTheNewDeadlineOnceMoreWithTwoProcesses() throws Exception {
    String text = "Xin hỏi về chế độ hỗ trợ người khuyết tật";
    Duration window = windowOf(text);
    // the first message was sent long enough ago that its deadline has passed: the watcher marks it overdue
    IngestResult first = intake.submit(zalo("rw-1", "zrw-1", text, now().minus(window).minusSeconds(60))).await();
    long id = first.inquiryId();
    Eventually.until(LIMIT, "the first overdue", () -> count("deadline.overdue", id) == 1);
    exec("update inquiry set deadline_warned_at = now() - interval '2 minutes' where id = " + id); // warned before, too

    Counting metrics = new Counting();
    Vertx second = Vertx.vertx();
    try (AgentClient agent = operator()) {
      second.deployVerticle(new DeadlineWatcherVerticle(gw.gateway.db(), new DeadlineConfig(1, 60), metrics)).await();
      answer(agent, first.trackingCode());

      // the citizen's new question, sent so that its own deadline is 10 s away
      Instant at = now().minus(window).plusSeconds(10);
      IngestResult next = intake.submit(zalo("rw-2", "zrw-1", text + " (hỏi thêm)", at)).await();
      assertThat(next.trackingCode()).isEqualTo(first.trackingCode());
      Instant due = dueFor(text + " (hỏi thêm)", at);
      assertThat(next.dueAt()).isEqualTo(due);

      Eventually.until(LIMIT, "warned and overdue again",
          () -> count("deadline.warning", id) == 1 && count("deadline.overdue", id) == 2);
      int seen = metrics.checks.get();
      Eventually.until(LIMIT, "two more checks", () -> metrics.checks.get() >= seen + 2);
      int seenAgain = metrics.checks.get();
      Eventually.until(LIMIT, "and two more", () -> metrics.checks.get() >= seenAgain + 2);

      assertThat(count("deadline.warning", id)).isEqualTo(1);
      assertThat(count("deadline.overdue", id)).isEqualTo(2);
      long reopenSeq = gw.count("select seq from event where type = 'inquiry.updated' and inquiry_id = " + id);
      // both announcements after the reopen carry the new due time; the warning's lead counts from the reopen
      assertThat(gw.count("select count(*) from event where inquiry_id = " + id + " and type like 'deadline.%' and seq > "
          + reopenSeq + " and (payload->>'dueAt')::timestamptz = '" + due + "'")).isEqualTo(2);
      assertThat(gw.count("select (payload->>'leadSeconds')::int from event where type = 'deadline.warning' and inquiry_id = " + id))
          .isEqualTo(Math.min(3600, window.toSeconds() / 4));
      Row r = row(id);
      assertThat(r.getString("status")).isEqualTo("assigned");
      assertThat(r.getValue("deadline_warned_at")).isNotNull();
      assertThat(r.getValue("deadline_overdue_at")).isNotNull();
    } finally {
      second.close().await();
    }
  }

  @Test
  void aMessageJoiningAnOpenInquiryKeepsItsDeadlineAndFlags() throws Exception {
    String text = "Cho hỏi giờ làm việc của bộ phận một cửa";
    IngestResult first = intake.submit(zalo("ko-1", "zko-1", text, now().minusSeconds(30))).await();
    long id = first.inquiryId();
    exec("update inquiry set deadline_warned_at = now() where id = " + id); // announced, not yet answered
    Row before = row(id);

    IngestResult next = intake.submit(zalo("ko-2", "zko-1", "Em hỏi thêm: thứ bảy có làm không ạ?", now())).await();

    assertThat(next.created()).isFalse();
    assertThat(next.trackingCode()).isEqualTo(first.trackingCode());
    assertThat(next.dueAt()).isEqualTo(first.dueAt());
    Row after = row(id);
    assertThat(after.getString("status")).isEqualTo("new");
    assertThat(after.getInteger("message_count")).isEqualTo(2);
    assertThat(after.getOffsetDateTime("due_at")).isEqualTo(before.getOffsetDateTime("due_at"));
    assertThat(after.getOffsetDateTime("deadline_warned_at")).isEqualTo(before.getOffsetDateTime("deadline_warned_at"));
    assertThat(after.getValue("reopened_at")).isNull();
    assertThat(gw.count("select count(*) from event where type = 'inquiry.updated' and inquiry_id = " + id)).isZero();
  }

  /** Counts completed checks of the second watcher, so the test waits for checks, not for time. */
  private static final class Counting implements DeadlineMetrics {
    final AtomicInteger checks = new AtomicInteger();

    @Override
    public void open(long atRisk, long overdue) {
      checks.incrementAndGet();
    }

    @Override
    public void emitted(Type type, int count) {}
  }

  private static AgentClient operator() {
    AgentClient agent = AgentClient.connect(gw.vertx, gw.port(), gw.token("op-1", "operator", null));
    agent.answer(agent.send(new JsonObject().put("op", "subscribe")));
    return agent;
  }

  private static void answer(AgentClient agent, String code) {
    JsonObject reply = agent.answer(agent.send(new JsonObject().put("op", "reply").put("trackingCode", code)
        .put("text", "Anh/chị mang CCCD đến UBND xã để được hướng dẫn.")));
    assertThat(reply.getJsonObject("inquiry").getString("status")).isEqualTo("answered");
  }

  private static Inbound zalo(String msgId, String user, String text, Instant at) {
    return new Inbound(Channel.ZALO, msgId, at, Contact.of(user, "Người dùng " + user), null, false, null, null, text, null,
        "{\"event_name\":\"user_send_text\"}", Map.of());
  }

  /** Millisecond precision, so what Postgres stores (microseconds) compares equal. */
  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }

  /** The due time intake computes for this text received at {@code at} (the classifier, then conf/routing.yaml). */
  private static Instant dueFor(String text, Instant at) {
    Classification c = CLASSIFIER.classify(text);
    return ROUTING.dueAt(c.topic(), c.priority(), at);
  }

  /** The text's answer window (wall clock: business hours are off in conf/routing.yaml). */
  private static Duration windowOf(String text) {
    Instant t = now();
    Duration w = Duration.between(t, dueFor(text, t));
    assertThat(dueFor(text + " (hỏi thêm)", t)).as("both messages get the same window").isEqualTo(t.plus(w));
    return w;
  }

  private static Instant instant(String iso) {
    return OffsetDateTime.parse(iso).toInstant();
  }

  private static long count(String type, long inquiryId) {
    return gw.count("select count(*) from event where type = '" + type + "' and inquiry_id = " + inquiryId);
  }

  private static Row row(long id) {
    return gw.sql().preparedQuery("select * from inquiry where id = $1").execute(Tuple.of(id)).await().iterator().next();
  }

  private static void exec(String sql) {
    gw.sql().query(sql).execute().await();
  }
}
