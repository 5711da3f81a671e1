package org.hotline1022.gateway.reply;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.hotline1022.gateway.config.ReplyConfig;
import org.hotline1022.gateway.inquiry.Channel;
import org.hotline1022.gateway.store.DbEndpoint;
import org.hotline1022.gateway.store.Schema;
import org.hotline1022.gateway.support.Eventually;
import org.hotline1022.gateway.support.PgServer;
import org.hotline1022.gateway.support.Rows;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox dispatcher against a real Postgres, with fake senders and several dispatchers competing. */
class OutboxDispatcherIT {
  private static final Duration LIMIT = Duration.ofSeconds(60);

  @TempDir
  static Path dir;
  static PgServer pg;
  static DbEndpoint db;
  Rows rows;
  final List<Vertx> vertxes = new ArrayList<>();

  @BeforeAll
  static void startDb() throws Exception {
    pg = PgServer.start(dir.resolve("pg"));
    db = Schema.migrated(pg.url());
  }

  @AfterAll
  static void stopDb() throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  @BeforeEach
  void clean() throws Exception {
    rows = Rows.open(db);
    // rows a previous test left pending must not reach this test's senders
    rows.execute("update outbox set status = 'failed' where status = 'pending'; truncate event");
  }

  @AfterEach
  void close() throws Exception {
    for (Vertx v : vertxes) {
      v.close().await();
    }
    rows.close();
  }

  private static ReplyConfig config(int maxAttempts, long backoffBaseMs, long backoffMaxMs, int leaseSeconds) {
    return new ReplyConfig(50, 20, maxAttempts, backoffBaseMs, backoffMaxMs, leaseSeconds);
  }

  /** A dispatcher in its own Vert.x, as in its own gateway process. */
  private Vertx dispatcher(ReplyConfig config, ReplyMetrics metrics, ReplySender... senders) {
    Vertx v = Vertx.vertx();
    vertxes.add(v);
    v.deployVerticle(new OutboxDispatcherVerticle(db, config, List.of(senders), metrics, new Random(7))).await();
    return v;
  }

  private static Future<Void> later(long ms) {
    return Vertx.currentContext().owner().timer(ms, TimeUnit.MILLISECONDS).mapEmpty();
  }

  @Test
  void everyRowIsDeliveredExactlyOnceWithTwoDispatchersCompeting() throws Exception {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      long inquiry = rows.inquiry("zalo", i % 2 == 0 ? "SYT" : "CA", "assigned", "4 hours");
      rows.inbound(inquiry, "zalo", "zmsg-" + inquiry);
      for (int k = 0; k < 5; k++) {
        ids.add(rows.reply(inquiry, "zalo", "Trả lời " + k));
      }
    }
    // sends take a few ms (deterministic per row), so both dispatchers have rows in flight at once
    RecordingSender a = new RecordingSender(Channel.ZALO, (r, n) -> later(5 + r.outboxId() * 7919 % 20));
    RecordingSender b = new RecordingSender(Channel.ZALO, (r, n) -> later(5 + r.outboxId() * 7919 % 20));
    ReplyConfig config = config(5, 100, 1000, 30);
    dispatcher(config, ReplyMetrics.NOOP, a);
    dispatcher(config, ReplyMetrics.NOOP, b);

    String mine = " o.id between " + ids.get(0) + " and " + ids.get(ids.size() - 1);
    Eventually.until(LIMIT, "300 rows sent", () -> rows.count("select count(*) from outbox o where status = 'sent' and" + mine) == 300);

    Set<Long> sent = new HashSet<>(a.calls.keySet());
    sent.addAll(b.calls.keySet());
    assertThat(sent).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(a.totalCalls() + b.totalCalls()).as("sends in all").isEqualTo(300);
    assertThat(a.totalCalls()).as("dispatcher a's share").isPositive();
    assertThat(b.totalCalls()).as("dispatcher b's share").isPositive();
    assertThat(rows.count("select count(*) from outbox o where (attempts <> 1 or sent_at is null) and" + mine)).isZero();
    assertThat(rows.count("select count(*) from event where type = 'reply.sent'")).isEqualTo(300);
    assertThat(rows.count("select count(distinct payload->>'messageId') from event where type = 'reply.sent'")).isEqualTo(300);
    assertThat(rows.count("""
        select count(*) from event e join outbox o on o.message_id = (e.payload->>'messageId')::bigint
        join inquiry i on i.id = o.inquiry_id
        where e.type = 'reply.sent' and e.inquiry_id = i.id and e.department = i.department
          and e.payload->>'trackingCode' = i.tracking_code and e.payload->>'channel' = 'zalo'
          and (e.payload->>'attempts')::int = 1""")).isEqualTo(300);
    OutboundReply one = a.seen.isEmpty() ? b.seen.values().iterator().next() : a.seen.values().iterator().next();
    assertThat(one.inReplyTo()).isEqualTo("zmsg-" + one.inquiryId());
    assertThat(one.contactAddress()).startsWith("addr-");
    assertThat(one.text()).startsWith("Trả lời");
  }

  @Test
  void transientFailureIsRetriedAfterBackoffAndThenSucceeds() throws Exception {
    long inquiry = rows.inquiry("facebook", "SYT", "assigned", "4 hours");
    long outbox = rows.reply(inquiry, "facebook", "Xin chào");
    RecordingSender s = new RecordingSender(Channel.FACEBOOK,
        (r, n) -> n <= 2 ? Future.failedFuture(DeliveryException.retryable("http_5xx", "HTTP 503")) : Future.succeededFuture());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    dispatcher(config(5, 200, 1000, 30), new MicrometerReplyMetrics(registry), s);

    Eventually.until(LIMIT, "retried row sent", () -> "sent".equals(rows.string("select status from outbox where id = " + outbox)));

    List<Instant> calls = s.calls.get(outbox);
    assertThat(calls).hasSize(3);
    // equal jitter: never sooner than half the exponential step (200 ms, then 400 ms)
    assertThat(Duration.between(calls.get(0), calls.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(100));
    assertThat(Duration.between(calls.get(1), calls.get(2))).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    assertThat(rows.count("select attempts from outbox where id = " + outbox)).isEqualTo(3);
    assertThat(rows.string("select last_error from outbox where id = " + outbox)).isNull();
    assertThat(rows.count("""
        select count(*) from event where type = 'reply.failed' and payload->>'error' = 'http_5xx'
        and payload->>'permanent' = 'false'""")).isEqualTo(2);
    assertThat(rows.string("select payload::text from event where type = 'reply.sent'"))
        .isNotNull().satisfies(p -> assertThat(new JsonObject(p).getInteger("attempts")).isEqualTo(3));
    String scrape = registry.scrape();
    assertThat(scrape).contains("hotline_replies_total{channel=\"facebook\",outcome=\"retry\"} 2.0")
        .contains("hotline_replies_total{channel=\"facebook\",outcome=\"sent\"} 1.0")
        .contains("hotline_reply_delivery_seconds_count{channel=\"facebook\"} 1")
        .contains("hotline_outbox_backlog");
  }

  @Test
  void permanentFailureIsRecordedOnceAndNeverRetried() throws Exception {
    long inquiry = rows.inquiry("zalo", "CA", "assigned", "4 hours");
    long refused = rows.reply(inquiry, "zalo", "Câu trả lời");
    RecordingSender s = new RecordingSender(Channel.ZALO, (r, n) -> r.outboxId() == refused
        ? Future.failedFuture(DeliveryException.permanent("window_closed", "outside the 7-day window"))
        : Future.succeededFuture());
    Vertx v = dispatcher(config(5, 10, 20, 30), ReplyMetrics.NOOP, s);

    Eventually.until(LIMIT, "row failed", () -> "failed".equals(rows.string("select status from outbox where id = " + refused)));
    // a later reply goes through the same dispatcher: by then a retry (10-20 ms backoff) would have shown
    long later = rows.reply(inquiry, "zalo", "Bổ sung");
    for (int i = 0; i < 3; i++) {
      v.eventBus().publish(OutboxSignals.WAKE, null);
      Eventually.until(LIMIT, "later row sent", () -> "sent".equals(rows.string("select status from outbox where id = " + later)));
    }

    assertThat(s.callsFor(refused)).isEqualTo(1);
    assertThat(rows.string("select last_error from outbox where id = " + refused)).startsWith("window_closed");
    assertThat(rows.count("select attempts from outbox where id = " + refused)).isEqualTo(1);
    String failed = rows.string("select payload::text from event where type = 'reply.failed'");
    assertThat(new JsonObject(failed).getBoolean("permanent")).isTrue();
    assertThat(new JsonObject(failed).getString("error")).isEqualTo("window_closed");
    assertThat(rows.count("select count(*) from event where type = 'reply.failed'")).isEqualTo(1);
    assertThat(rows.count("select count(*) from event where type = 'reply.sent'")).isEqualTo(1);
  }

  @Test
  void replyStillFailingWhenAttemptsRunOutIsMarkedFailed() throws Exception {
    long inquiry = rows.inquiry("email", "SYT", "assigned", "4 hours");
    long outbox = rows.reply(inquiry, "email", "Kính gửi");
    RecordingSender s = new RecordingSender(Channel.EMAIL, (r, n) -> Future.failedFuture(new IllegalStateException("smtp down")));
    dispatcher(config(3, 10, 40, 30), ReplyMetrics.NOOP, s);

    Eventually.until(LIMIT, "row failed", () -> "failed".equals(rows.string("select status from outbox where id = " + outbox)));

    assertThat(s.callsFor(outbox)).isEqualTo(3);
    assertThat(rows.count("select attempts from outbox where id = " + outbox)).isEqualTo(3);
    assertThat(rows.string("select last_error from outbox where id = " + outbox)).startsWith("error: ");
    assertThat(rows.string("""
        select string_agg(payload->>'permanent', ',' order by seq) from event where type = 'reply.failed'"""))
        .isEqualTo("false,false,true");
  }

  @Test
  void rowOfAChannelWithoutSenderFailsPermanently() throws Exception {
    long inquiry = rows.inquiry("phone", "SYT", "callback", "4 hours");
    long outbox = rows.reply(inquiry, "phone", "Gọi lại");
    RecordingSender web = new RecordingSender(Channel.WEB, (r, n) -> Future.succeededFuture());
    dispatcher(config(5, 10, 20, 30), ReplyMetrics.NOOP, web);

    Eventually.until(LIMIT, "row failed", () -> "failed".equals(rows.string("select status from outbox where id = " + outbox)));

    assertThat(rows.string("select last_error from outbox where id = " + outbox)).startsWith("no_sender");
    assertThat(rows.string("select payload->>'error' from event where type = 'reply.failed'")).isEqualTo("no_sender");
    assertThat(web.totalCalls()).isZero();
  }

  @Test
  void rowOfADispatcherKilledMidSendGoesToAnotherOnlyAfterItsLease() throws Exception {
    long inquiry = rows.inquiry("zalo", "SYT", "assigned", "4 hours");
    long outbox = rows.reply(inquiry, "zalo", "Trả lời");
    RecordingSender hangs = new RecordingSender(Channel.ZALO, (r, n) -> Promise.<Void>promise().future());
    Vertx first = dispatcher(config(5, 10, 20, 3), ReplyMetrics.NOOP, hangs);
    Eventually.until(LIMIT, "first dispatcher sending", () -> hangs.callsFor(outbox) == 1);
    Instant leaseEnd = Instant.ofEpochMilli(
        rows.count("select (extract(epoch from next_attempt_at) * 1000)::bigint from outbox where id = " + outbox));

    vertxes.remove(first);
    first.close().await(); // the send never completes: nothing is recorded for it

    assertThat(rows.string("select status from outbox where id = " + outbox)).isEqualTo("pending");
    assertThat(rows.count("select count(*) from event")).isZero();
    RecordingSender works = new RecordingSender(Channel.ZALO, (r, n) -> Future.succeededFuture());
    dispatcher(config(5, 10, 20, 3), ReplyMetrics.NOOP, works);

    Eventually.until(LIMIT, "row sent by the second", () -> "sent".equals(rows.string("select status from outbox where id = " + outbox)));
    assertThat(works.callsFor(outbox)).isEqualTo(1);
    assertThat(works.calls.get(outbox).get(0)).as("taken over after the lease").isAfterOrEqualTo(leaseEnd.minusMillis(50));
    assertThat(works.seen.get(outbox).attempts()).isEqualTo(2);
    assertThat(rows.count("select count(*) from event where type = 'reply.sent'")).isEqualTo(1);
  }
}
