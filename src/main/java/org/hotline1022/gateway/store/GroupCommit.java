package org.hotline1022.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.Message;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.hotline1022.gateway.intake.IntakeException.Reason;
import org.slf4j.Logger;

/**
 * Group commit, shared by the writers: requests queue here, bounded; whatever queued while earlier
 * batches were in flight goes into the next batch statement (one round trip, one transaction), and
 * each requester is answered only after the commit. Deadlocks are retried; a batch the database
 * refuses for one item's data is split so only that item fails; anything else answers
 * "unavailable". Confined to the owning verticle's event loop.
 *
 * @param <T> what one request carries
 */
final class GroupCommit<T> {
  private static final int MAX_RETRIES = 3;
  /**
   * A batch starts beside one already in flight only when this many requests wait; fewer wait for the
   * running batch to finish. Otherwise the free slot takes every lone request the moment it arrives:
   * measured under a webhook load, 40 % of the batches held one request, each paying a statement and
   * a commit of its own, while the batches' events queue on one lock anyway.
   */
  static final int MIN_PARALLEL_BATCH = 16;

  /** Writes one batch: one statement whose rows carry each item's {@code idx} (its place in the batch). */
  interface Statement<T> {
    Future<RowSet<Row>> execute(List<T> items);
  }

  /** Turns the statement's rows into one reply per item, by index (null: no row for that item). */
  interface Results {
    Object[] of(RowSet<Row> rows, int size);
  }

  /** The writer's meters. */
  interface Meter {
    void batch(int size, long commitNanos);

    void batchFailed(String cause);
  }

  private record Pending<T>(T item, Message<T> message) {}

  private final String name;
  private final int capacity;
  private final int maxBatch;
  private final int parallel;
  private final Statement<T> statement;
  private final Results results;
  private final Meter meter;
  private final Function<T, String> describe;
  private final Logger log;
  private final ArrayDeque<Pending<T>> queue = new ArrayDeque<>();
  private volatile int depth;
  private int inFlight;
  private boolean stopping;
  private Promise<Void> drained;

  /** @param describe what a refused item may be logged as: ids and tags only, never content */
  GroupCommit(String name, int capacity, int maxBatch, int parallel, Statement<T> statement, Results results, Meter meter,
      Function<T, String> describe, Logger log) {
    this.name = name;
    this.capacity = capacity;
    this.maxBatch = maxBatch;
    this.parallel = parallel;
    this.statement = statement;
    this.results = results;
    this.meter = meter;
    this.describe = describe;
    this.log = log;
  }

  /** Requests waiting for a batch (read by the queue-depth gauge from any thread). */
  int depth() {
    return depth;
  }

  void offer(Message<T> message) {
    if (stopping) {
      message.fail(Reason.SHUTTING_DOWN.ordinal(), "shutting down");
    } else if (queue.size() >= capacity) {
      message.fail(Reason.OVERLOADED.ordinal(), name + " queue full");
    } else {
      queue.add(new Pending<>(message.body(), message));
      depth = queue.size();
      flush();
    }
  }

  /** Refuses new requests and completes once everything queued or in flight is answered. */
  Future<Void> drain() {
    stopping = true;
    log.info("{} draining [queued: {}, batchesInFlight: {}]", name, queue.size(), inFlight);
    drained = Promise.promise();
    if (inFlight == 0 && queue.isEmpty()) {
      drained.tryComplete();
    }
    return drained.future().onComplete(ar -> log.info("{} drained", name));
  }

  private void flush() {
    while (inFlight < parallel && !queue.isEmpty() && (inFlight == 0 || queue.size() >= MIN_PARALLEL_BATCH)) {
      int n = Math.min(maxBatch, queue.size());
      List<Pending<T>> batch = new ArrayList<>(n);
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

  /** Writes one batch and answers every requester in it; never fails (failures are answered). */
  private Future<Void> write(List<Pending<T>> batch, int attempt) {
    long start = System.nanoTime();
    return statement.execute(batch.stream().map(Pending::item).toList())
        .compose(rows -> {
          meter.batch(batch.size(), System.nanoTime() - start);
          answer(batch, rows);
          return Future.<Void>succeededFuture();
        }, failure -> recover(batch, attempt, failure));
  }

  private void answer(List<Pending<T>> batch, RowSet<Row> rows) {
    Object[] replies = results.of(rows, batch.size());
    for (int i = 0; i < replies.length; i++) {
      if (replies[i] == null) {
        batch.get(i).message().fail(Reason.UNAVAILABLE.ordinal(), "no result for the request");
      } else {
        batch.get(i).message().reply(replies[i]);
      }
    }
  }

  private Future<Void> recover(List<Pending<T>> batch, int attempt, Throwable failure) {
    String state = failure instanceof PgException pg ? pg.getSqlState() : null;
    if (state != null && (state.equals("40P01") || state.equals("40001")) && attempt < MAX_RETRIES) {
      meter.batchFailed("retried");
      return write(batch, attempt + 1);
    }
    if (state != null && (state.startsWith("22") || state.startsWith("23") || state.startsWith("54"))) {
      if (batch.size() > 1) {
        // one item's data was refused: write them one by one so only that one fails
        meter.batchFailed("split");
        Future<Void> chain = Future.succeededFuture();
        for (Pending<T> p : batch) {
          chain = chain.compose(v -> write(List.of(p), 0));
        }
        return chain;
      }
      meter.batchFailed("rejected");
      log.warn("{}: refused by the database [{}, sqlState: {}]", name, describe.apply(batch.get(0).item()), state);
      batch.get(0).message().fail(Reason.REJECTED.ordinal(), "refused by the database (" + state + ")");
      return Future.succeededFuture();
    }
    meter.batchFailed("unavailable");
    log.warn("{} batch failed [size: {}, cause: {}]", name, batch.size(), failure.toString());
    for (Pending<T> p : batch) {
      p.message().fail(Reason.UNAVAILABLE.ordinal(), "database unavailable");
    }
    return Future.succeededFuture();
  }
}
