package org.hotline1022.gateway.deadline;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.hotline1022.gateway.config.DeadlineConfig;
import org.hotline1022.gateway.store.DbEndpoint;
import org.hotline1022.gateway.store.Schema;
import org.hotline1022.gateway.support.Eventually;
import org.hotline1022.gateway.support.PgServer;
import org.hotline1022.gateway.support.Rows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deadline events against a real Postgres with two watchers (two gateway processes) running. */
class DeadlineWatcherIT {
  private static final Duration LIMIT = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  /** Counts completed checks, so the test can wait for more checks to pass without timing them. */
  private static final class Counting implements DeadlineMetrics {
    final DeadlineMetrics inner;
    final AtomicInteger checks = new AtomicInteger();

    Counting(DeadlineMetrics inner) {
      this.inner = inner;
    }

    @Override
    public void open(long atRisk, long overdue) {
      inner.open(atRisk, overdue);
      checks.incrementAndGet();
    }

    @Override
    public void emitted(Type type, int count) {
      inner.emitted(type, count);
    }
  }

  @Test
  void eachOpenInquiryGetsEachDeadlineEventOnceWithTwoWatchersAndClosedOnesNone() throws Exception {
    try (PgServer pg = PgServer.start(dir.resolve("pg")); Rows rows = Rows.open(Schema.migrated(pg.url()))) {
      DbEndpoint db = Schema.migrated(pg.url());
      List<Long> overdue = new ArrayList<>();
      List<Long> warned = new ArrayList<>();
      List<Long> both = new ArrayList<>();
      List<Long> none = new ArrayList<>();
      String[] open = {"new", "assigned", "transferred", "callback"};
      for (int i = 0; i < 40; i++) {
        overdue.add(rows.inquiry("web", "SYT", open[i % 4], "-" + (i + 1) + " minutes"));
      }
      for (int i = 0; i < 30; i++) {
        warned.add(rows.inquiry("zalo", "CA", open[i % 4], (10 + i) + " minutes"));
      }
      for (int i = 0; i < 20; i++) {
        none.add(rows.inquiry("web", "SYT", "new", "5 hours"));
        none.add(rows.inquiry("web", "SYT", i % 2 == 0 ? "answered" : "closed", "-1 hour"));
        none.add(rows.inquiry("web", "SYT", i % 2 == 0 ? "answered" : "closed", "5 minutes"));
      }
      for (int i = 0; i < 5; i++) {
        both.add(rows.inquiry("email", "SYT", "new", "5 seconds")); // warned now, overdue a moment later
      }
      DeadlineConfig config = new DeadlineConfig(1, 60);
      List<Vertx> vertxes = new ArrayList<>();
      List<Counting> metrics = new ArrayList<>();
      List<PrometheusMeterRegistry> registries = new ArrayList<>();
      try {
        for (int w = 0; w < 2; w++) {
          Vertx v = Vertx.vertx();
          vertxes.add(v);
          PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
          registries.add(registry);
          Counting m = new Counting(new MicrometerDeadlineMetrics(registry));
          metrics.add(m);
          v.deployVerticle(new DeadlineWatcherVerticle(db, config, m)).await();
        }

        Eventually.until(LIMIT, "all deadline events", () ->
            rows.count("select count(*) from event where type = 'deadline.overdue'") >= 45
                && rows.count("select count(*) from event where type = 'deadline.warning'") >= 35);
        // more checks by both watchers must add nothing
        int[] seen = metrics.stream().mapToInt(m -> m.checks.get()).toArray();
        Eventually.until(LIMIT, "two more checks by each watcher",
            () -> metrics.get(0).checks.get() >= seen[0] + 2 && metrics.get(1).checks.get() >= seen[1] + 2);

        assertThat(rows.count("select count(*) from event where type = 'deadline.overdue'")).isEqualTo(45);
        assertThat(rows.count("select count(*) from event where type = 'deadline.warning'")).isEqualTo(35);
        assertThat(ids(rows, "deadline.overdue")).containsExactlyInAnyOrderElementsOf(concat(overdue, both));
        assertThat(ids(rows, "deadline.warning")).containsExactlyInAnyOrderElementsOf(concat(warned, both));
        assertThat(rows.count("select count(*) from event where inquiry_id in (" + join(none) + ")")).isZero();
        assertThat(rows.count("""
            select count(*) from event e join inquiry i on i.id = e.inquiry_id
            where e.type like 'deadline.%' and e.department = i.department and (e.payload->'inquiry'->>'id')::bigint = i.id
              and (e.payload->>'dueAt')::timestamptz = i.due_at""")).isEqualTo(80);
        JsonObject warning = new JsonObject(rows.string("select payload::text from event where type = 'deadline.warning' limit 1"));
        assertThat(warning.getInteger("leadSeconds")).isEqualTo(3600);
        assertThat(warning.getJsonObject("inquiry").getString("trackingCode")).startsWith("1022-");

        String scrape = registries.get(0).scrape();
        assertThat(scrape).contains("hotline_deadlines_at_risk 30.0").contains("hotline_deadlines_overdue 45.0");
        double overdueEvents = registries.stream().mapToDouble(r -> r.counter("hotline.deadline.events", "type", "overdue").count()).sum();
        double warningEvents = registries.stream().mapToDouble(r -> r.counter("hotline.deadline.events", "type", "warning").count()).sum();
        assertThat(overdueEvents).isEqualTo(45);
        assertThat(warningEvents).isEqualTo(35);
      } finally {
        for (Vertx v : vertxes) {
          v.close().await();
        }
      }
    }
  }

  @Test
  void inquiryAnsweredBeforeItsDueTimeGetsNoOverdueEvent() throws Exception {
    try (PgServer pg = PgServer.start(dir.resolve("pg")); Rows rows = Rows.open(Schema.migrated(pg.url()))) {
      DbEndpoint db = Schema.migrated(pg.url());
      long answered = rows.inquiry("zalo", "SYT", "assigned", "6 seconds");
      long open = rows.inquiry("zalo", "SYT", "assigned", "6 seconds");
      Counting m = new Counting(DeadlineMetrics.NOOP);
      Vertx v = Vertx.vertx();
      try {
        v.deployVerticle(new DeadlineWatcherVerticle(db, new DeadlineConfig(1, 60), m)).await();
        Eventually.until(LIMIT, "both warned", () -> rows.count("select count(*) from event where type = 'deadline.warning'") == 2);
        rows.execute("update inquiry set status = 'answered' where id = " + answered);
        Eventually.until(LIMIT, "open one overdue", () -> rows.count("select count(*) from event where type = 'deadline.overdue'") == 1);
        int seen = m.checks.get();
        Eventually.until(LIMIT, "two more checks", () -> m.checks.get() >= seen + 2);

        assertThat(ids(rows, "deadline.overdue")).containsExactly(open);
      } finally {
        v.close().await();
      }
    }
  }

  private static List<Long> ids(Rows rows, String type) throws Exception {
    String csv = rows.string("select string_agg(inquiry_id::text, ',') from event where type = '" + type + "'");
    List<Long> out = new ArrayList<>();
    for (String s : csv.split(",")) {
      out.add(Long.parseLong(s));
    }
    return out;
  }

  private static List<Long> concat(List<Long> a, List<Long> b) {
    List<Long> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static String join(List<Long> ids) {
    return String.join(",", ids.stream().map(String::valueOf).toList());
  }
}
