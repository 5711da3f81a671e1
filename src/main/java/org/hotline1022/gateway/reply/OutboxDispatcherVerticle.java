package org.hotline1022.gateway.reply;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.sqlclient.Pool;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.hotline1022.gateway.inquiry.Channel;
import org.hotline1022.gateway.config.ReplyConfig;
import org.hotline1022.gateway.reply.OutboxQueries.Claimed;
import org.hotline1022.gateway.reply.ReplyMetrics.Outcome;
import org.hotline1022.gateway.store.DbEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the reply outbox. Claims due rows with {@code FOR UPDATE SKIP LOCKED} (one short
 * transaction that leases them and counts the attempt), sends each outside any transaction, then
 * records the outcome with its {@code reply.sent}/{@code reply.failed} event in a second one. Any
 * number of instances in any number of processes can run; see docs/replies.md for the guarantees.
 * Wakes on its poll interval and on {@link OutboxSignals#WAKE}. Owns its pool; all state is confined
 * to its event loop.
 */
public final class OutboxDispatcherVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxDispatcherVerticle.class);
  private static final long BACKLOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final DbEndpoint db;
  private final ReplyConfig config;
  private final Map<Channel, ReplySender> senders = new EnumMap<>(Channel.class);
  private final ReplyMetrics metrics;
  private final Backoff backoff;
  private final long sendTimeoutMs;
  private final long stopGraceMs;
  private Pool pool;
  private OutboxQueries queries;
  private MessageConsumer<Object> wake;
  private long timerId = -1;
  private int inFlight;
  private boolean claiming;
  private boolean again;
  private boolean stopping;
  private boolean abandoned;
  private Promise<Void> idle;
  private long backlogAt = System.nanoTime() - BACKLOG_EVERY_NANOS;

  public OutboxDispatcherVerticle(DbEndpoint db, ReplyConfig config, Collection<? extends ReplySender> senders, ReplyMetrics metrics) {
    this(db, config, senders, metrics, new Random());
  }

  /** With a seeded {@code jitter} for tests. */
  OutboxDispatcherVerticle(DbEndpoint db, ReplyConfig config, Collection<? extends ReplySender> senders, ReplyMetrics metrics,
      Random jitter) {
    this.db = db;
    this.config = config;
    senders.forEach(s -> this.senders.put(s.channel(), s));
    this.metrics = metrics;
    this.backoff = new Backoff(config.backoffBaseMs(), config.backoffMaxMs(), jitter);
    long leaseMs = config.leaseSeconds() * 1000L;
    // give up on a send before the lease lets another dispatcher take the row
    this.sendTimeoutMs = leaseMs * 9 / 10;
    this.stopGraceMs = Math.min(5000, leaseMs / 2);
  }

  @Override
  public Future<?> start() {
    pool = db.pool(vertx, "hotline-outbox", 4, false);
    queries = new OutboxQueries(pool);
    wake = vertx.eventBus().localConsumer(OutboxSignals.WAKE, m -> poll());
    timerId = vertx.setPeriodic(config.pollIntervalMs(), id -> poll());
    return wake.completion().onSuccess(v -> poll());
  }

  /** Claims as many due rows as there is room for; called by the timer, wake-ups and finished sends. */
  private void poll() {
    if (stopping) {
      return;
    }
    refreshBacklog();
    int room = config.batchSize() - inFlight;
    if (claiming || room <= 0) {
      again = true;
      return;
    }
    claiming = true;
    again = false;
    queries.claim(room, config.leaseSeconds()).onComplete(ar -> {
      claiming = false;
      if (ar.failed()) {
        // rows stay pending; the next tick tries again
        LOG.warn("cannot claim outbox rows [cause: {}]", ar.cause().toString());
      } else {
        List<Claimed> rows = ar.result();
        rows.forEach(this::deliver);
        if (rows.size() == room || again) {
          poll();
        }
      }
      checkIdle();
    });
  }

  /** One unit of work: send, then record the outcome. Never fails; an unrecorded outcome is retried after the lease. */
  private void deliver(Claimed c) {
    inFlight++;
    send(c).transform(ar -> record(c, ar)).onComplete(ar -> {
      inFlight--;
      if (ar.failed() && !abandoned) {
        LOG.warn("cannot record reply outcome, retried after its lease [outboxId: {}, inquiryId: {}, cause: {}]",
            c.reply().outboxId(), c.reply().inquiryId(), ar.cause().toString());
      }
      // refill when half the room is free, not one row per finished send
      if (again && inFlight <= config.batchSize() / 2) {
        poll();
      }
      checkIdle();
    });
  }

  private Future<Void> send(Claimed c) {
    ReplySender sender = c.channel() == null ? null : senders.get(c.channel());
    if (sender == null) {
      return Future.failedFuture(DeliveryException.permanent("no_sender", "no sender for channel " + c.channelTag()));
    }
    try {
      return sender.send(c.reply()).timeout(sendTimeoutMs, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<Void> record(Claimed c, AsyncResult<Void> sent) {
    OutboundReply r = c.reply();
    if (abandoned) {
      return Future.failedFuture("dispatcher stopped");
    }
    if (sent.succeeded()) {
      return queries.markSent(c).map(age -> {
        metrics.attempt(c.channel(), Outcome.SENT);
        if (age != null) {
          metrics.delivered(c.channel(), (long) (age * 1e9));
        } else {
          // our lease ran out mid-send and another dispatcher settled the row: this was a second delivery
          LOG.info("reply delivered after its row was settled elsewhere [outboxId: {}]", r.outboxId());
        }
        LOG.debug("reply delivered [outboxId: {}, inquiryId: {}, channel: {}, attempts: {}]", r.outboxId(), r.inquiryId(),
            c.channelTag(), r.attempts());
        return null;
      });
    }
    DeliveryException e = sent.cause() instanceof TimeoutException
        ? DeliveryException.retryable("timeout", "no answer within " + sendTimeoutMs + " ms") : DeliveryException.of(sent.cause());
    boolean last = e.permanent() || r.attempts() >= config.maxAttempts();
    long retryInMs = last ? 0 : backoff.delayMs(r.attempts());
    return queries.markFailed(c, e, last, retryInMs).map(owned -> {
      if (!owned) {
        LOG.info("reply row re-claimed by another dispatcher, outcome dropped [outboxId: {}]", r.outboxId());
        return null;
      }
      metrics.attempt(c.channel(), last ? Outcome.FAILED : Outcome.RETRY);
      if (last) {
        LOG.warn("reply failed for good [outboxId: {}, inquiryId: {}, channel: {}, attempts: {}, code: {}, reason: {}]",
            r.outboxId(), r.inquiryId(), c.channelTag(), r.attempts(), e.code(), e.permanent() ? "permanent" : "attempts exhausted");
      } else {
        LOG.info("reply attempt failed, retrying [outboxId: {}, inquiryId: {}, channel: {}, attempts: {}, code: {}, retryInMs: {}]",
            r.outboxId(), r.inquiryId(), c.channelTag(), r.attempts(), e.code(), retryInMs);
      }
      return null;
    });
  }

  private void refreshBacklog() {
    long now = System.nanoTime();
    if (now - backlogAt < BACKLOG_EVERY_NANOS) {
      return;
    }
    backlogAt = now;
    queries.backlog().onSuccess(b -> metrics.backlog(b.pending(), b.oldestSeconds()))
        .onFailure(e -> LOG.debug("cannot count the outbox backlog [cause: {}]", e.toString()));
  }

  private void checkIdle() {
    if (idle != null && inFlight == 0 && !claiming) {
      idle.tryComplete();
    }
  }

  /**
   * Stops claiming and waits a short grace for sends in flight to be recorded. Sends still open after
   * it are abandoned: their rows are retried by any dispatcher once their lease runs out, as after a crash.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(timerId);
    idle = Promise.promise();
    checkIdle();
    var grace = vertx.timer(stopGraceMs, TimeUnit.MILLISECONDS);
    return wake.unregister()
        .transform(ar -> Future.any(idle.future(), grace))
        .transform(ar -> {
          grace.cancel();
          abandoned = true;
          if (inFlight > 0) {
            LOG.info("dispatcher stopped with sends in flight, retried after their lease [inFlight: {}]", inFlight);
          }
          return pool.close();
        });
  }
}
