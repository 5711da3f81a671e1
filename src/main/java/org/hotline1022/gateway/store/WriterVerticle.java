package org.hotline1022.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.hotline1022.gateway.config.WriterConfig;
import org.hotline1022.gateway.intake.IngestResult;
import org.hotline1022.gateway.intake.Submission;
import org.hotline1022.gateway.intake.WriterProtocol;
import org.hotline1022.gateway.metrics.GatewayMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one batching writer (group commit, {@link GroupCommit}): whatever has queued while earlier
 * batches are in flight goes into the next {@code hotline_ingest} call, one statement and one round
 * trip per batch. Each submitter is answered only after its batch committed. Runs as a single
 * instance on its own event loop; all its state is confined to that loop.
 */
public final class WriterVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(WriterVerticle.class);
  // the batch travels as UTF-8 bytes: handed a jsonb string, the client re-encoded it char by char
  // (a third of the samples in a JFR profile of the gateway under a webhook load: Vietnamese text is UTF-16)
  private static final String INGEST = "select * from hotline_ingest(convert_from($1::bytea, 'UTF8')::jsonb)";

  private final DbEndpoint db;
  private final WriterConfig config;
  private final GatewayMetrics metrics;
  private Pool pool;
  private GroupCommit<Submission> commits;
  private MessageConsumer<Submission> consumer;

  public WriterVerticle(DbEndpoint db, WriterConfig config, GatewayMetrics metrics) {
    this.db = db;
    this.config = config;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    pool = db.pool(vertx, "hotline-writer", config.parallelBatches(), false);
    commits = new GroupCommit<>("writer", config.queueCapacity(), config.maxBatch(), config.parallelBatches(),
        items -> pool.preparedQuery(INGEST).execute(Tuple.of(SubmissionEncoder.encode(items).toBuffer())), WriterVerticle::results,
        new GroupCommit.Meter() {
          @Override
          public void batch(int size, long commitNanos) {
            metrics.batch(size, commitNanos);
          }

          @Override
          public void batchFailed(String cause) {
            metrics.batchFailed(cause);
          }
        }, s -> "channel: " + s.inbound().channel().tag(), LOG);
    metrics.queueDepth(commits::depth, config.queueCapacity());
    consumer = vertx.eventBus().localConsumer(WriterProtocol.ADDRESS, commits::offer);
    return consumer.completion();
  }

  private static Object[] results(RowSet<Row> rows, int size) {
    IngestResult[] results = new IngestResult[size];
    for (Row r : rows) {
      var due = r.getOffsetDateTime("due_at");
      results[r.getInteger("idx")] = new IngestResult(
          "duplicate".equals(r.getString("outcome")), r.getLong("inquiry_id"), r.getString("tracking_code"),
          r.getString("status"), r.getString("topic"), r.getString("priority"), r.getString("department"),
          due == null ? null : due.toInstant(), Boolean.TRUE.equals(r.getBoolean("created")));
    }
    return results;
  }

  /** Stops taking submissions, lets everything queued commit, then closes the pool. */
  @Override
  public Future<?> stop() {
    Future<?> unregister = consumer == null ? Future.succeededFuture() : consumer.unregister();
    Future<Void> drained = commits == null ? Future.succeededFuture() : commits.drain();
    return unregister.transform(ar -> drained).transform(ar -> pool == null ? Future.succeededFuture() : pool.close());
  }
}
