package org.hotline1022.gateway.metrics;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.hotline1022.gateway.config.MetricsConfig;
import org.hotline1022.gateway.inquiry.Topic;
import org.hotline1022.gateway.store.DbEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recounts the open inquiries by topic and department on a timer for
 * {@code hotline_inquiries_open}. Every replica counts the whole database, so any one replica's
 * value is the truth (aggregate with {@code max}, never {@code sum}). The count walks the
 * {@code inquiry_queue} index over the open statuses only. A topic or department outside the
 * configured sets (a department removed from routing.yaml) is tagged {@code unknown}.
 */
public final class OpenInquiriesVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(OpenInquiriesVerticle.class);
  private static final String COUNT = """
      select topic, department, count(*) as n from inquiry
      where status in ('new', 'assigned', 'transferred', 'callback')
      group by topic, department""";

  private final DbEndpoint db;
  private final MetricsConfig config;
  private final Set<String> departments;
  private final GatewayMetrics metrics;
  private Pool pool;
  private long timerId = -1;
  private Future<?> running = Future.succeededFuture();

  public OpenInquiriesVerticle(DbEndpoint db, MetricsConfig config, Set<String> departments, GatewayMetrics metrics) {
    this.db = db;
    this.config = config;
    this.departments = Set.copyOf(departments);
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    pool = db.pool(vertx, "hotline-metrics", 1, false);
    timerId = vertx.setPeriodic(0, config.refreshSeconds() * 1000L, id -> refresh());
    return Future.succeededFuture();
  }

  private void refresh() {
    if (!running.isComplete()) {
      return; // a slow count is still going: skip this tick
    }
    running = pool.query(COUNT).execute()
        .onSuccess(rows -> {
          Map<String, Map<String, Long>> counts = new HashMap<>();
          for (Row r : rows) {
            counts.computeIfAbsent(topic(r.getString("topic")), k -> new HashMap<>())
                .merge(departments.contains(r.getString("department")) ? r.getString("department") : "unknown", r.getLong("n"), Long::sum);
          }
          metrics.openInquiries(counts);
        })
        .onFailure(e -> LOG.debug("cannot count open inquiries [cause: {}]", e.toString()));
  }

  private static String topic(String code) {
    try {
      return Topic.of(code).code();
    } catch (IllegalArgumentException e) {
      return "unknown";
    }
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timerId);
    return running.transform(ar -> pool.close());
  }
}
