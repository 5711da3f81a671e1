package org.hotline1022.gateway.adapter.webhook;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.hotline1022.gateway.inquiry.Inbound;
import org.hotline1022.gateway.intake.IngestResult;
import org.hotline1022.gateway.intake.RunLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconciliation run of one platform: take the platform's run lock (one process at a time),
 * read recent citizens' messages, submit them one by one through intake (already stored ones come
 * back as duplicates and change nothing), release the lock. A run cut short, by a read error or by
 * intake, has stored only whole messages; the next run reads them again and the dedupe absorbs them.
 */
public final class Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  /** How a run ended, what it read and how many of those were missing from the store. */
  public record Result(RunOutcome outcome, int fetched, int recovered) {}

  private final RunLock lock;
  private final Function<Inbound, Future<IngestResult>> submit;
  private final ReconcileMetrics metrics;

  public Reconciler(RunLock lock, Function<Inbound, Future<IngestResult>> submit, ReconcileMetrics metrics) {
    this.lock = lock;
    this.submit = submit;
    this.metrics = metrics;
  }

  /** Never fails: every ending is a {@link Result} with its outcome counted. */
  public Future<Result> run(PlatformReader reader, Instant since) {
    if (!reader.configured()) {
      return Future.succeededFuture(counted(reader, new Result(RunOutcome.NOT_CONFIGURED, 0, 0)));
    }
    return lock.tryAcquire("reconcile:" + reader.channel().tag())
        .transform(ar -> {
          if (ar.failed()) {
            return Future.succeededFuture(new Result(RunOutcome.DB_UNAVAILABLE, 0, 0));
          }
          if (ar.result() == null) {
            return Future.succeededFuture(new Result(RunOutcome.LOCKED, 0, 0));
          }
          RunLock.Held held = ar.result();
          return reader.fetch(since).compose(this::submitAll).eventually(held::release);
        })
        .otherwise(e -> {
          LOG.error("reconciliation failed unexpectedly [channel: {}]", reader.channel().tag(), e);
          return new Result(RunOutcome.UNREACHABLE, 0, 0);
        })
        .map(r -> counted(reader, r));
  }

  private Future<Result> submitAll(PlatformReader.Fetched fetched) {
    List<Inbound> inbounds = fetched.inbounds();
    int[] stored = {0};
    Future<Void> chain = Future.succeededFuture();
    // one at a time: a run is a background trickle, never a burst in front of live webhooks
    for (Inbound in : inbounds) {
      chain = chain.compose(v -> submit.apply(in).map(r -> {
        if (!r.duplicate()) {
          stored[0]++;
        }
        return null;
      }));
    }
    return chain.transform(ar -> {
      RunOutcome outcome = ar.failed() ? RunOutcome.INTAKE_FAILED
          : fetched.failure() != null ? fetched.failure().outcome() : RunOutcome.OK;
      return Future.succeededFuture(new Result(outcome, inbounds.size(), stored[0]));
    });
  }

  private Result counted(PlatformReader reader, Result r) {
    metrics.run(reader.channel(), r.outcome());
    if (r.recovered() > 0) {
      metrics.recovered(reader.channel(), r.recovered());
    }
    if (r.outcome() == RunOutcome.NOT_CONFIGURED) {
      LOG.debug("reconciliation not configured [channel: {}]", reader.channel().tag());
    } else if (r.outcome() == RunOutcome.OK || r.outcome() == RunOutcome.LOCKED) {
      LOG.info("reconciliation run [channel: {}, outcome: {}, fetched: {}, recovered: {}]", reader.channel().tag(), r.outcome().tag(),
          r.fetched(), r.recovered());
    } else {
      LOG.warn("reconciliation run [channel: {}, outcome: {}, fetched: {}, recovered: {}]", reader.channel().tag(), r.outcome().tag(),
          r.fetched(), r.recovered());
    }
    return r;
  }
}
