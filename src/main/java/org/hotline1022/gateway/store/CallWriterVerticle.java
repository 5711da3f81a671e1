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
import org.hotline1022.gateway.config.CallsConfig;
import org.hotline1022.gateway.intake.CallMetrics;
import org.hotline1022.gateway.intake.CallResult;
import org.hotline1022.gateway.intake.CallSubmission;
import org.hotline1022.gateway.intake.IntakeException.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The call writer (group commit, like {@link WriterVerticle}): call signals queue here, bounded;
 * whatever queued while earlier batches were in flight goes into the next
 * {@code hotline_call_signals} call, one statement and one transaction per batch, and each sender is
 * answered after the commit. A single instance; its state is confined to its event loop.
 */
public final class CallWriterVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(CallWriterVerticle.class);
  private static final String SIGNALS = "select * from hotline_call_signals($1::jsonb, $2, $3)";
  private static final int MAX_RETRIES = 3;

  private final DbEndpoint db;
  private final CallsConfig config;
  private final String zone;
  private final CallMetrics metrics;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private volatile int depth;
  private int inFlight;
  private boolean stopping;
  private Promise<Void> drained;
  private Pool pool;
  private MessageConsumer<CallSubmission> consumer;

  private record Pending(CallSubmission submission, Message<CallSubmission> message) {}

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
    metrics.queueDepth(() -> depth);
    // the zone formats call times in Postgres: one it does not know would fail every batch, so fail here
    return pool.preparedQuery("select now() at time zone $1").execute(Tuple.of(zone))
        .recover(e -> Future.failedFuture(new IllegalArgumentException(
            "routing.yaml time_zone " + zone + " is not a Postgres time zone: " + e.getMessage())))
        .compose(ok -> {
          consumer = vertx.eventBus().localConsumer(CallSubmission.ADDRESS, this::onSignal);
          return consumer.completion();
        });
  }

  private void onSignal(Message<CallSubmission> message) {
    if (stopping) {
      message.fail(Reason.SHUTTING_DOWN.ordinal(), "shutting down");
    } else if (queue.size() >= config.queueCapacity()) {
      message.fail(Reason.OVERLOADED.ordinal(), "call writer queue full");
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

  /** Writes one batch and answers every sender in it; never fails (failures are answered). */
  private Future<Void> write(List<Pending> batch, int attempt) {
    long start = System.nanoTime();
    List<CallSubmission> signals = batch.stream().map(Pending::submission).toList();
    return pool.preparedQuery(SIGNALS)
        .execute(Tuple.of(CallSignalEncoder.encode(signals), (int) Math.min(Integer.MAX_VALUE, config.windowMinutes() * 60), zone))
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
        // one signal's data was refused: write them one by one so only that one fails
        metrics.batchFailed("split");
        Future<Void> chain = Future.succeededFuture();
        for (Pending p : batch) {
          chain = chain.compose(v -> write(List.of(p), 0));
        }
        return chain;
      }
      metrics.batchFailed("rejected");
      LOG.warn("call signal refused by the database [source: {}, step: {}, sqlState: {}]",
          batch.get(0).submission().signal().source(), batch.get(0).submission().signal().step(), state);
      batch.get(0).message().fail(Reason.REJECTED.ordinal(), "refused by the database (" + state + ")");
      return Future.succeededFuture();
    }
    metrics.batchFailed("unavailable");
    LOG.warn("call writer batch failed [size: {}, cause: {}]", batch.size(), failure.toString());
    for (Pending p : batch) {
      p.message().fail(Reason.UNAVAILABLE.ordinal(), "database unavailable");
    }
    return Future.succeededFuture();
  }

  private static void answer(List<Pending> batch, RowSet<Row> rows) {
    CallResult[] results = new CallResult[batch.size()];
    for (Row r : rows) {
      results[r.getInteger("idx")] = new CallResult(CallResult.Outcome.of(r.getString("outcome")), r.getLong("inquiry_id"),
          r.getString("tracking_code"), Boolean.TRUE.equals(r.getBoolean("created")));
    }
    for (int i = 0; i < results.length; i++) {
      if (results[i] == null) {
        batch.get(i).message().fail(Reason.UNAVAILABLE.ordinal(), "no result for the signal");
      } else {
        batch.get(i).message().reply(results[i]);
      }
    }
  }

  /** Stops taking signals, lets everything queued commit, then closes the pool. */
  @Override
  public Future<?> stop() {
    stopping = true;
    Future<?> unregister = consumer == null ? Future.succeededFuture() : consumer.unregister();
    drained = Promise.promise();
    if (inFlight == 0 && queue.isEmpty()) {
      drained.tryComplete();
    }
    return unregister.transform(ar -> drained.future())
        .onComplete(ar -> LOG.info("call writer drained"))
        .transform(ar -> pool.close());
  }
}
