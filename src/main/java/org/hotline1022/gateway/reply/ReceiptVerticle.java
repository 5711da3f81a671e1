package org.hotline1022.gateway.reply;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.hotline1022.gateway.config.ReceiptConfig;
import org.hotline1022.gateway.inquiry.Channel;
import org.hotline1022.gateway.reply.SocialMetrics.ReceiptOutcome;
import org.hotline1022.gateway.store.DbEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Automatic receipts: follows the event log from the {@code receipts} cursor and, for every
 * {@code inquiry.created} on a channel with receipts on, queues an outbound message with the tracking
 * code and its outbox row ({@code hotline_queue_receipt}); the outbox dispatcher delivers it with the
 * channel's sender. One transaction per round holds the cursor row (SKIP LOCKED: one process at a
 * time), queues and advances the cursor, so a crash repeats a round at worst, and the message's
 * external id {@code receipt:<inquiry id>} makes a repeat a no-op. Never for auto-submitted, bounce or
 * list mail (the mail adapter's {@code auto} fact), nor for Facebook comments: the Send API reaches a
 * commenter only through one private reply per comment, which is the agent's; nor for anonymous Zalo
 * users, whose ids are conversation-scoped and not reachable by the consultation API the sender uses.
 */
public final class ReceiptVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ReceiptVerticle.class);
  private static final int BATCH = 500;

  private static final String LOCK = "select seq from worker_cursor where name = 'receipts' for update skip locked";
  private static final String READ = """
      select e.seq, e.type, i.id, i.channel, i.tracking_code,
             i.created_at > now() - $2::int * interval '1 minute' as fresh,
             m.facts->>'auto' as auto, m.facts->>'kind' as kind, m.facts->>'event_name' as event_name
      from (select seq, type, inquiry_id, payload from event where seq > $1 order by seq limit $3) e
      left join inquiry i on i.id = e.inquiry_id and e.type = 'inquiry.created'
      left join message m on e.type = 'inquiry.created' and m.id = (e.payload->'message'->>'id')::bigint
      order by e.seq""";
  private static final String QUEUE = """
      select u.id, hotline_queue_receipt(u.id, u.t) as message_id from unnest($1::bigint[], $2::text[]) u(id, t)""";
  private static final String ADVANCE = "update worker_cursor set seq = $1, updated_at = now() where name = 'receipts'";

  private final DbEndpoint db;
  private final ReceiptConfig config;
  private final SocialMetrics metrics;
  private Pool pool;
  private long timerId = -1;
  private boolean busy;

  public ReceiptVerticle(DbEndpoint db, ReceiptConfig config, SocialMetrics metrics) {
    this.db = db;
    this.config = config;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    pool = db.cursorPool(vertx, "hotline-receipts", 1, false);
    timerId = vertx.setPeriodic(config.pollIntervalMs(), id -> tick());
    LOG.info("automatic receipts on [channels: {}]", config.channels());
    return Future.succeededFuture();
  }

  private void tick() {
    if (busy) {
      return;
    }
    busy = true;
    round().onComplete(ar -> {
      busy = false;
      if (ar.failed()) {
        // the class only: a driver message may quote parameters (the receipt text)
        LOG.warn("receipt round failed, retried next tick [cause: {}]", ar.cause().getClass().getName());
      } else if (ar.result() == BATCH) {
        tick(); // more of the log to read
      }
    });
  }

  /** A decision for one new inquiry. */
  private record Decision(long inquiryId, Channel channel, String text, ReceiptOutcome outcome) {}

  /** One round; @return events read (0 when another process holds the cursor). */
  private Future<Integer> round() {
    List<Decision> decided = new ArrayList<>();
    return pool.withTransaction(conn -> conn.query(LOCK).execute().compose(cur -> {
      if (cur.size() == 0) {
        return Future.succeededFuture(0);
      }
      long from = cur.iterator().next().getLong(0);
      return conn.preparedQuery(READ).execute(Tuple.of(from, config.maxAgeMinutes(), BATCH)).compose(rows -> {
        long last = from;
        for (Row r : rows) {
          last = r.getLong("seq");
          Decision d = decide(r);
          if (d != null) {
            decided.add(d);
          }
        }
        if (rows.size() == 0) {
          return Future.succeededFuture(0);
        }
        int read = rows.size();
        long upTo = last;
        return queue(conn, decided).compose(v -> conn.preparedQuery(ADVANCE).execute(Tuple.of(upTo))).map(v -> read);
      });
    })).onSuccess(read -> {
      Map<Channel, Integer> queued = new EnumMap<>(Channel.class);
      for (Decision d : decided) {
        metrics.receipt(d.channel(), d.outcome());
        if (d.outcome() == ReceiptOutcome.QUEUED) {
          queued.merge(d.channel(), 1, Integer::sum);
          LOG.debug("receipt queued [inquiryId: {}, channel: {}]", d.inquiryId(), d.channel().tag());
        }
      }
      if (!queued.isEmpty()) {
        vertx.eventBus().publish(OutboxSignals.WAKE, null);
      }
    });
  }

  private Decision decide(Row r) {
    if (!"inquiry.created".equals(r.getString("type")) || r.getLong("id") == null) {
      return null;
    }
    Channel channel;
    try {
      channel = Channel.of(r.getString("channel"));
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (!config.channels().contains(channel)) {
      return null;
    }
    long id = r.getLong("id");
    ReceiptOutcome outcome;
    if (channel == Channel.EMAIL && r.getString("auto") != null) {
      outcome = ReceiptOutcome.SKIPPED_AUTO;
    } else if (channel == Channel.FACEBOOK && "comment".equals(r.getString("kind"))) {
      outcome = ReceiptOutcome.SKIPPED_COMMENT;
    } else if (channel == Channel.ZALO && r.getString("event_name") != null && r.getString("event_name").startsWith("anonymous_")) {
      outcome = ReceiptOutcome.SKIPPED_ANONYMOUS;
    } else if (!Boolean.TRUE.equals(r.getBoolean("fresh"))) {
      outcome = ReceiptOutcome.SKIPPED_OLD;
    } else {
      outcome = ReceiptOutcome.QUEUED;
    }
    return new Decision(id, channel, config.textFor(r.getString("tracking_code")), outcome);
  }

  /** Queues the receipts decided; one that already existed turns its decision into DUPLICATE. */
  private Future<Void> queue(SqlConnection conn, List<Decision> decided) {
    List<Decision> toQueue = decided.stream().filter(d -> d.outcome() == ReceiptOutcome.QUEUED).toList();
    if (toQueue.isEmpty()) {
      return Future.succeededFuture();
    }
    Long[] ids = toQueue.stream().map(Decision::inquiryId).toArray(Long[]::new);
    String[] texts = toQueue.stream().map(Decision::text).toArray(String[]::new);
    return conn.preparedQuery(QUEUE).execute(Tuple.tuple().addArrayOfLong(ids).addArrayOfString(texts)).map(rows -> {
      for (Row r : rows) {
        if (r.getLong("message_id") == null) {
          long id = r.getLong("id");
          decided.replaceAll(d -> d.inquiryId() == id ? new Decision(id, d.channel(), d.text(), ReceiptOutcome.DUPLICATE) : d);
        }
      }
      return null;
    });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timerId);
    return pool.close();
  }
}
