package org.hotline1022.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.hotline1022.gateway.config.WriterConfig;
import org.hotline1022.gateway.intake.IngestResult;
import org.hotline1022.gateway.intake.IntakeException.Reason;
import org.hotline1022.gateway.intake.Submission;
import org.hotline1022.gateway.intake.WriterProtocol;
import org.hotline1022.gateway.metrics.GatewayMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one batching writer (group commit). Submissions queue here, bounded; whatever has queued while
 * earlier batches are in flight goes into the next {@code hotline_ingest} call, one statement and
 * one round trip per batch. Each submitter is answered only after its batch committed. Runs as a
 * single instance on its own event loop; all its state is confined to that loop.
 */
public final class WriterVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(WriterVerticle.class);
  private static final String INGEST = "select * from hotline_ingest($1::jsonb)";
  private static final int MAX_RETRIES = 3;

  private final DbEndpoint db;
  private final WriterConfig config;
  private final GatewayMetrics metrics;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private volatile int depth;
  private int inFlight;
  private boolean stopping;
  private Promise<Void> drained;
  private Pool pool;
  private MessageConsumer<Submission> consumer;

  private record Pending(Submission submission, Message<Submission> message) {}

  public WriterVerticle(DbEndpoint db, WriterConfig config, GatewayMetrics metrics) {
    this.db = db;
    this.config = config;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    pool = db.pool(vertx, "hotline-writer", config.parallelBatches(), false);
    metrics.queueDepth(() -> depth, config.queueCapacity());
    consumer = vertx.eventBus().localConsumer(WriterProtocol.ADDRESS, this::onSubmission);
    return consumer.completion();
  }

  private void onSubmission(Message<Submission> message) {
    if (stopping) {
      message.fail(Reason.SHUTTING_DOWN.ordinal(), "shutting down");
    } else if (queue.size() >= config.queueCapacity()) {
      message.fail(Reason.OVERLOADED.ordinal(), "writer queue full");
    } else {
      queue.add(new Pending(message.body(), message));
      depth = queue.size();
      flush();
    }
  }

  private void flush() {
    while (inFlight < config.parallelBatches() && !queue.isEmpty()) {
      int n = Math.min(config.maxBatch(), queue.size());
      List<Pending> batch = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        batch.add(queue.poll());
      }
      depth = queue.size();
      inFlight++;
      write(batch, 0).onComplete(done -> {
        inFlight--;
        flush();
        if (drained != null && inFlight == 0 && queue.isEmpty()) {
          drained.tryComplete();
        }
      });
    }
  }

  /** Writes one batch and answers every submitter in it; never fails (failures are answered). */
  private Future<Void> write(List<Pending> batch, int attempt) {
    long start = System.nanoTime();
    List<Submission> submissions = batch.stream().map(Pending::submission).toList();
    return pool.preparedQuery(INGEST).execute(Tuple.of(SubmissionEncoder.encode(submissions)))
        .compose(rows -> {
          metrics.batch(batch.size(), System.nanoTime() - start);
          answer(batch, rows);
          return Future.<Void>succeededFuture();
        }, failure -> recover(batch, attempt, failure));
  }

  private Future<Void> recover(List<Pending> batch, int attempt, Throwable failure) {
    String state = failure instanceof PgException pg ? pg.getSqlState() : null;
    if (state != null && (state.equals("40P01") || state.equals("40001")) && attempt < MAX_RETRIES) {
      metrics.batchFailed("retried");
      return write(batch, attempt + 1);
    }
    if (state != null && (state.startsWith("22") || state.startsWith("23") || state.startsWith("54"))) {
      if (batch.size() > 1) {
        // one item's data was refused: write them one by one so only that one fails
        metrics.batchFailed("split");
        Future<Void> chain = Future.succeededFuture();
        for (Pending p : batch) {
          chain = chain.compose(v -> write(List.of(p), 0));
        }
        return chain;
      }
      metrics.batchFailed("rejected");
      LOG.warn("submission refused by the database [channel: {}, sqlState: {}]",
          batch.get(0).submission().inbound().channel().tag(), state);
      batch.get(0).message().fail(Reason.REJECTED.ordinal(), "refused by the database (" + state + ")");
      return Future.succeededFuture();
    }
    metrics.batchFailed("unavailable");
    LOG.warn("writer batch failed [size: {}, cause: {}]", batch.size(), failure.toString());
    for (Pending p : batch) {
      p.message().fail(Reason.UNAVAILABLE.ordinal(), "database unavailable");
    }
    return Future.succeededFuture();
  }

  private static void answer(List<Pending> batch, RowSet<Row> rows) {
    IngestResult[] results = new IngestResult[batch.size()];
    for (Row r : rows) {
      var due = r.getOffsetDateTime("due_at");
      results[r.getInteger("idx")] = new IngestResult(
          "duplicate".equals(r.getString("outcome")), r.getLong("inquiry_id"), r.getString("tracking_code"),
          r.getString("status"), r.getString("topic"), r.getString("priority"), r.getString("department"),
          due == null ? null : due.toInstant(), Boolean.TRUE.equals(r.getBoolean("created")));
    }
    for (int i = 0; i < results.length; i++) {
      if (results[i] == null) {
        batch.get(i).message().fail(Reason.UNAVAILABLE.ordinal(), "no result for the submission");
      } else {
        batch.get(i).message().reply(results[i]);
      }
    }
  }

  /** Stops taking submissions, lets everything queued commit, then closes the pool. */
  @Override
  public Future<?> stop() {
    stopping = true;
    LOG.info("writer draining [queued: {}, batchesInFlight: {}]", queue.size(), inFlight);
    Future<?> unregister = consumer == null ? Future.succeededFuture() : consumer.unregister();
    drained = Promise.promise();
    if (inFlight == 0 && queue.isEmpty()) {
      drained.tryComplete();
    }
    return unregister.transform(ar -> drained.future())
        .onComplete(ar -> LOG.info("writer drained"))
        .transform(ar -> pool.close());
  }
}
