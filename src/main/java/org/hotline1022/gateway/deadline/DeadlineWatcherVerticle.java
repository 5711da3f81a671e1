package org.hotline1022.gateway.deadline;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.hotline1022.gateway.config.DeadlineConfig;
import org.hotline1022.gateway.deadline.DeadlineMetrics.Type;
import org.hotline1022.gateway.store.DbEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends {@code deadline.warning} and {@code deadline.overdue} for open inquiries, once per
 * inquiry however many gateway processes run: each statement locks the due rows with
 * {@code FOR UPDATE SKIP LOCKED}, sets the inquiry's flag and appends the events in one transaction,
 * so a row another watcher flagged first is skipped or, re-checked after its lock, no longer matches.
 * Answered and closed inquiries are never picked. A citizen's message reopening an answered inquiry
 * sets a new due time and clears both flags (hotline_ingest, V10), so each event comes once per reopen.
 * Owns its pool; state is confined to its event loop.
 */
public final class DeadlineWatcherVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(DeadlineWatcherVerticle.class);
  private static final int LIMIT = 500;

  // $1 limit, $2 event type, $3 (warning only) lead in seconds; the flag column and condition differ per type
  private static final String EMIT = """
      with picked as (
        select id from inquiry
        where status not in ('closed', 'answered') and %1$s is null and %2$s
        order by due_at
        limit $1
        for update skip locked
      ), flagged as (
        update inquiry i set %1$s = now() from picked p where i.id = p.id
        returning i as inq
      ), ev as (
        select f.inq, c from flagged f join contact c on c.id = (f.inq).contact_id
      )
      select count(*)::int as n,
             hotline_append_events(
               array_agg($2::text order by (e.inq).due_at, (e.inq).id),
               array_agg((e.inq).id order by (e.inq).due_at, (e.inq).id),
               array_agg((e.inq).department order by (e.inq).due_at, (e.inq).id),
               array_agg(jsonb_build_object('inquiry', hotline_inquiry_json(e.inq, e.c), 'dueAt', (e.inq).due_at) %3$s
                         order by (e.inq).due_at, (e.inq).id))
      from ev e""";
  private static final String OVERDUE = EMIT.formatted("deadline_overdue_at", "due_at <= now()", "");
  // the lead is the configured one, but never more than a quarter of the inquiry's own window: an
  // urgent inquiry due in 15 minutes is warned 3m45s before, not the moment it arrives. The window
  // starts at creation, or at the citizen message that reopened an answered inquiry (V10). %1$s: row prefix
  private static final String LEAD =
      "least($3::int * interval '1 second', (%1$sdue_at - coalesce(%1$sreopened_at, %1$screated_at)) / 4)";
  private static final String WARNING = EMIT.formatted("deadline_warned_at",
      "due_at > now() and due_at <= now() + " + LEAD.formatted("inquiry."),
      "|| jsonb_build_object('leadSeconds', extract(epoch from " + LEAD.formatted("(e.inq).") + ")::int)");
  private static final String GAUGES = """
      select count(*) filter (where deadline_overdue_at is null) as at_risk,
             count(*) filter (where deadline_overdue_at is not null) as overdue
      from inquiry
      where status not in ('closed', 'answered') and (deadline_warned_at is not null or deadline_overdue_at is not null)""";

  private final DbEndpoint db;
  private final DeadlineConfig config;
  private final DeadlineMetrics metrics;
  private Pool pool;
  private long timerId = -1;
  private Future<Void> running = Future.succeededFuture();

  public DeadlineWatcherVerticle(DbEndpoint db, DeadlineConfig config, DeadlineMetrics metrics) {
    this.db = db;
    this.config = config;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    pool = db.pool(vertx, "hotline-deadlines", 2, false);
    timerId = vertx.setPeriodic(0, config.checkIntervalSeconds() * 1000L, id -> tick());
    return Future.succeededFuture();
  }

  private void tick() {
    if (!running.isComplete()) {
      return; // a slow check is still going; this tick is skipped, not queued
    }
    Tuple overdue = Tuple.of(LIMIT, Type.OVERDUE.eventType());
    Tuple warning = Tuple.of(LIMIT, Type.WARNING.eventType(), config.warningLeadMinutes() * 60);
    running = emit(Type.OVERDUE, OVERDUE, overdue)
        .compose(n -> emit(Type.WARNING, WARNING, warning))
        .compose(n -> pool.query(GAUGES).execute())
        .<Void>map(rows -> {
          var r = rows.iterator().next();
          metrics.open(r.getLong("at_risk"), r.getLong("overdue"));
          return null;
        })
        .onFailure(e -> LOG.warn("deadline check failed, next one in {} s [cause: {}]", config.checkIntervalSeconds(), e.toString()));
  }

  /** Appends events of one type until none are due; each round is its own transaction. */
  private Future<Integer> emit(Type type, String sql, Tuple args) {
    return pool.preparedQuery(sql).execute(args)
        .compose(rows -> {
          int n = rows.iterator().next().getInteger("n");
          if (n > 0) {
            metrics.emitted(type, n);
            LOG.info("deadline events appended [type: {}, count: {}]", type.tag(), n);
          }
          return n == LIMIT ? emit(type, sql, args) : Future.succeededFuture(n);
        });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timerId);
    return running.transform(ar -> pool.close());
  }
}
