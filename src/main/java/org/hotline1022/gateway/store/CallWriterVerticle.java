package org.hotline1022.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.hotline1022.gateway.config.CallsConfig;
import org.hotline1022.gateway.intake.CallMetrics;
import org.hotline1022.gateway.intake.CallResult;
import org.hotline1022.gateway.intake.CallSubmission;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The call writer (group commit, {@link GroupCommit}, like {@link WriterVerticle}): whatever call
 * signals queued while earlier batches were in flight go into the next {@code hotline_call_signals}
 * call, one statement and one transaction per batch, and each sender is answered after the commit.
 * A single instance; its state is confined to its event loop.
 */
public final class CallWriterVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(CallWriterVerticle.class);
  private static final String SIGNALS = "select * from hotline_call_signals($1::jsonb, $2, $3)";

  private final DbEndpoint db;
  private final CallsConfig config;
  private final String zone;
  private final CallMetrics metrics;
  private Pool pool;
  private GroupCommit<CallSubmission> commits;
  private MessageConsumer<CallSubmission> consumer;

  /** @param zone the time zone call times are written in, in the messages calls leave (routing.yaml's) */
  public CallWriterVerticle(DbEndpoint db, CallsConfig config, String zone, CallMetrics metrics) {
    this.db = db;
    this.config = config;
    this.zone = zone;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    pool = db.pool(vertx, "hotline-call-writer", config.parallelBatches(), false);
    int windowSeconds = (int) Math.min(Integer.MAX_VALUE, config.windowMinutes() * 60);
    commits = new GroupCommit<>("call writer", config.queueCapacity(), config.maxBatch(), config.parallelBatches(),
        items -> pool.preparedQuery(SIGNALS).execute(Tuple.of(CallSignalEncoder.encode(items), windowSeconds, zone)),
        CallWriterVerticle::results,
        new GroupCommit.Meter() {
          @Override
          public void batch(int size, long commitNanos) {
            metrics.batch(size, commitNanos);
          }

          @Override
          public void batchFailed(String cause) {
            metrics.batchFailed(cause);
          }
        }, c -> "source: " + c.signal().source() + ", step: " + c.signal().step(), LOG);
    metrics.queueDepth(commits::depth);
    // the zone formats call times in Postgres: one it does not know would fail every batch, so fail here
    return pool.preparedQuery("select now() at time zone $1").execute(Tuple.of(zone))
        .recover(e -> Future.failedFuture(new IllegalArgumentException(
            "routing.yaml time_zone " + zone + " is not a Postgres time zone: " + e.getMessage())))
        .compose(ok -> {
          consumer = vertx.eventBus().localConsumer(CallSubmission.ADDRESS, commits::offer);
          return consumer.completion();
        });
  }

  private static Object[] results(RowSet<Row> rows, int size) {
    CallResult[] results = new CallResult[size];
    for (Row r : rows) {
      results[r.getInteger("idx")] = new CallResult(CallResult.Outcome.of(r.getString("outcome")), r.getLong("inquiry_id"),
          r.getString("tracking_code"), Boolean.TRUE.equals(r.getBoolean("created")));
    }
    return results;
  }

  /** Stops taking signals, lets everything queued commit, then closes the pool. */
  @Override
  public Future<?> stop() {
    Future<?> unregister = consumer == null ? Future.succeededFuture() : consumer.unregister();
    Future<Void> drained = commits == null ? Future.succeededFuture() : commits.drain();
    return unregister.transform(ar -> drained).transform(ar -> pool == null ? Future.succeededFuture() : pool.close());
  }
}
