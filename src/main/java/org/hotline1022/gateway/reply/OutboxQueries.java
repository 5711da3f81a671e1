package org.hotline1022.gateway.reply;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.hotline1022.gateway.inquiry.Channel;

/**
 * The outbox statements. Each is one statement, so one short transaction: the claim (lease and
 * attempt count), and each outcome together with its {@code reply.*} event.
 */
final class OutboxQueries {
  private static final String CLAIM = """
      with due as (
        select id from outbox
        where status = 'pending' and next_attempt_at <= now()
        order by next_attempt_at
        limit $1
        for update skip locked
      ), claimed as (
        update outbox o set attempts = o.attempts + 1, next_attempt_at = now() + $2::int * interval '1 second'
        from due where o.id = due.id
        returning o.id, o.message_id, o.inquiry_id, o.channel, o.attempts
      )
      select c.id, c.message_id, c.inquiry_id, c.channel, c.attempts, m.body, m.subject, i.tracking_code,
             i.thread_key, i.department, ct.address, ct.display_name,
             (select mi.external_id from message mi where mi.inquiry_id = c.inquiry_id and mi.direction = 'in'
              order by mi.id desc limit 1) as in_reply_to
      from claimed c
      join message m on m.id = c.message_id
      join inquiry i on i.id = c.inquiry_id
      join contact ct on ct.id = i.contact_id
      order by c.id""";

  // Delivered is a fact: it is recorded even if another dispatcher re-claimed the row meanwhile.
  private static final String SENT = """
      with done as (
        update outbox set status = 'sent', sent_at = now(), last_error = null
        where id = $1 and status = 'pending'
        returning extract(epoch from clock_timestamp() - created_at) as age
      )
      select age, hotline_append_events(array['reply.sent'], array[$2::bigint], array[$3::text], array[$4::jsonb]) from done""";

  // A failure is recorded only by the current claimant (attempts unchanged since the claim).
  private static final String FAILED = """
      with done as (
        update outbox set status = $5::text, last_error = $6::text,
                          next_attempt_at = case when $5::text = 'pending' then now() + $7::bigint * interval '1 millisecond'
                                                 else next_attempt_at end
        where id = $1 and status = 'pending' and attempts = $8
        returning id
      )
      select hotline_append_events(array['reply.failed'], array[$2::bigint], array[$3::text], array[$4::jsonb]) from done""";

  private static final String BACKLOG = """
      select channel, count(*) as n, extract(epoch from now() - min(created_at))::float8 as oldest
      from outbox where status = 'pending' group by channel""";

  /** A claimed row; {@code channel} is null when the stored channel names none we know. */
  record Claimed(OutboundReply reply, Channel channel, String channelTag, String department) {}

  private final Pool pool;

  OutboxQueries(Pool pool) {
    this.pool = pool;
  }

  Future<List<Claimed>> claim(int limit, int leaseSeconds) {
    return pool.preparedQuery(CLAIM).execute(Tuple.of(limit, leaseSeconds)).map(rows -> {
      List<Claimed> out = new ArrayList<>(rows.size());
      for (Row r : rows) {
        out.add(claimed(r));
      }
      return out;
    });
  }

  private static Claimed claimed(Row r) {
    String tag = r.getString("channel");
    Channel channel;
    try {
      channel = Channel.of(tag);
    } catch (IllegalArgumentException e) {
      channel = null;
    }
    OutboundReply reply = new OutboundReply(r.getLong("id"), r.getLong("message_id"), r.getLong("inquiry_id"),
        r.getString("tracking_code"), channel, r.getString("body"), r.getString("subject"), r.getString("address"),
        r.getString("display_name"), r.getString("thread_key"), r.getString("in_reply_to"), r.getInteger("attempts"));
    return new Claimed(reply, channel, tag, r.getString("department"));
  }

  /** @return seconds from the reply's commit to now, or null if the row was no longer pending */
  Future<Double> markSent(Claimed c) {
    OutboundReply r = c.reply();
    return pool.preparedQuery(SENT).execute(Tuple.of(r.outboxId(), r.inquiryId(), c.department(), event(c)))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getDouble("age"));
  }

  /**
   * Records a failed attempt: {@code retryInMs} later, or for good when {@code last}.
   *
   * @return false if the row was not ours any more (its lease ran out and another claimed it)
   */
  Future<Boolean> markFailed(Claimed c, DeliveryException e, boolean last, long retryInMs) {
    OutboundReply r = c.reply();
    JsonObject event = event(c).put("error", e.code()).put("detail", shorten(e.getMessage(), 300)).put("permanent", last);
    return pool.preparedQuery(FAILED).execute(Tuple.from(new Object[] {r.outboxId(), r.inquiryId(), c.department(), event,
            last ? "failed" : "pending", shorten(e.code() + ": " + e.getMessage(), 1000), retryInMs, r.attempts()}))
        .map(rows -> rows.size() > 0);
  }

  /** Pending rows by channel, and the oldest one's age in seconds. */
  record Backlog(Map<Channel, Long> pending, double oldestSeconds) {}

  Future<Backlog> backlog() {
    return pool.query(BACKLOG).execute().map(rows -> {
      Map<Channel, Long> pending = new EnumMap<>(Channel.class);
      double oldest = 0;
      for (var r : rows) {
        oldest = Math.max(oldest, r.getDouble("oldest"));
        try {
          pending.put(Channel.of(r.getString("channel")), r.getLong("n"));
        } catch (IllegalArgumentException e) {
          // a row naming no known channel: not deliverable, not counted
        }
      }
      return new Backlog(pending, oldest);
    });
  }

  private static JsonObject event(Claimed c) {
    OutboundReply r = c.reply();
    return new JsonObject().put("inquiryId", r.inquiryId()).put("trackingCode", r.trackingCode()).put("messageId", r.messageId())
        .put("channel", c.channelTag()).put("attempts", r.attempts());
  }

  private static String shorten(String s, int max) {
    if (s == null) {
      return "";
    }
    return s.length() <= max ? s : s.substring(0, max);
  }
}
