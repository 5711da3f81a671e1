package org.hotline1022.gateway.stream;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import org.hotline1022.gateway.intake.LocalCodec;
import org.hotline1022.gateway.store.DbEndpoint;
import org.hotline1022.gateway.store.EventColumns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the event log for this process: LISTENs for the writers' NOTIFY and reads new rows by
 * seq, then publishes them to the process's agent hubs. A NOTIFY is only a hint: the log is also
 * re-read on a timer and after every reconnect, so a lost NOTIFY or a dropped connection delays
 * events but never loses them. One instance per process.
 */
public final class EventFeedVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(EventFeedVerticle.class);
  private static final String CHANNEL = "hotline_events";
  private static final int PAGE = 1000;
  private static final String READ = "select " + EventColumns.FEED + " from event where seq > $1 order by seq limit " + PAGE;

  private final DbEndpoint db;
  private final StreamHead head;
  private final long pollMs;
  private Pool pool;
  private PgSubscriber subscriber;
  private long cursor;
  private boolean reading;
  private boolean again;
  private DeliveryOptions delivery;

  public EventFeedVerticle(DbEndpoint db, StreamHead head, long pollMs) {
    this.db = db;
    this.head = head;
    this.pollMs = pollMs;
  }

  /** Registers the batch codec; once per Vert.x instance, before deploying. */
  public static void registerCodec(io.vertx.core.Vertx vertx) {
    vertx.eventBus().registerCodec(new LocalCodec<>(FeedBatch.class));
  }

  private boolean stopping;

  @Override
  public Future<?> start() {
    delivery = new DeliveryOptions().setLocalOnly(true).setCodecName(new LocalCodec<>(FeedBatch.class).name());
    pool = db.cursorPool(vertx, "hotline-feed", 1, false);
    subscriber = PgSubscriber.subscriber(vertx, db.connectOptions()).reconnectPolicy(retries -> 1000L);
    subscriber.channel(CHANNEL)
        .subscribeHandler(v -> read()) // after every (re)connect: catch up on what was missed
        .handler(payload -> {
          try {
            head.known(Long.parseLong(payload));
          } catch (NumberFormatException ignored) {
            // a foreign NOTIFY on our channel: still a reason to look
          }
          read();
        });
    subscriber.closeHandler(v -> {
      if (!stopping) { // closed by stop(): not a lost connection
        LOG.warn("event feed lost its LISTEN connection; reconnecting");
      }
    });
    vertx.setPeriodic(pollMs, id -> read());
    // live from the current end of the log: history is served by 'since' replays, not pushed
    return pool.query("select coalesce(max(seq), 0) from event").execute()
        .map(rows -> rows.iterator().next().getLong(0))
        .onSuccess(seq -> {
          cursor = seq;
          head.delivered(seq);
        })
        .compose(seq -> subscriber.connect().otherwise(e -> {
          LOG.warn("event feed cannot LISTEN yet; polling until it can [cause: {}]", e.toString());
          return null;
        }));
  }

  private void read() {
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    again = false;
    pool.preparedQuery(READ).execute(Tuple.of(cursor))
        .onSuccess(rows -> {
          List<FeedEvent> events = new ArrayList<>(rows.size());
          for (Row row : rows) {
            events.add(FeedEvent.of(row));
          }
          if (!events.isEmpty()) {
            cursor = events.get(events.size() - 1).seq();
            head.known(cursor);
            vertx.eventBus().publish(FeedBatch.ADDRESS, FeedBatch.of(events), delivery);
            head.delivered(cursor);
          }
          again |= rows.size() == PAGE;
        })
        .onFailure(e -> LOG.warn("event feed read failed; retrying [cursor: {}, cause: {}]", cursor, e.toString()))
        .onComplete(ar -> {
          reading = false;
          if (again) {
            read();
          }
        });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    return subscriber.close().eventually(() -> pool.close());
  }
}
