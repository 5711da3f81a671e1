package org.hotline1022.gateway.media;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import org.hotline1022.gateway.inquiry.Channel;

/** The downloader's statements; each is one statement, so one short transaction. */
final class MediaQueries {
  /**
   * Follows the event log from the worker's cursor: queues the image and file attachments of inbound
   * Zalo/Facebook messages and advances the cursor, atomically. The cursor row is locked with SKIP
   * LOCKED, so one process at a time does it and the others see nothing to do. Zalo files carry
   * their extension as content type, so a Zalo file is recognised by its event name. The cursor is
   * read as a scalar, so the log is entered at the cursor in its index: as a join, the server walked
   * the log from its start each round (146 ms per round after 100,000 events in the webhook bench).
   */
  private static final String DISCOVER = """
      with cur as (
        select seq from worker_cursor where name = 'media' for update skip locked
      ), batch as (
        select e.seq, e.payload from event e where e.seq > (select seq from cur) order by e.seq limit $1
      ), atts as (
        select m.id as message_id, m.channel, (a.ord - 1)::int as idx, a.att, m.facts
        from batch b
        join message m on m.id = (b.payload->'message'->>'id')::bigint
        cross join lateral jsonb_array_elements(m.attachments) with ordinality a(att, ord)
        where b.payload->'message'->>'direction' = 'in' and m.channel in ('zalo', 'facebook')
          and jsonb_typeof(m.attachments) = 'array'
      ), kinds as (
        select message_id, channel, idx, left(att->>'name', 500) as name, att->>'url' as url,
               case when att->>'contentType' in ('image', 'gif') then 'image'
                    when channel = 'facebook' and att->>'contentType' = 'file' then 'file'
                    when channel = 'zalo' and facts->>'event_name' like '%\\_file' then 'file' end as kind
        from atts
      ), ins as (
        insert into media (message_id, idx, channel, kind, name, url)
        select message_id, idx, channel, kind, name, url from kinds
        where kind is not null and url ~* '^https?://' and length(url) <= 4096
        on conflict (message_id, idx) do nothing
        returning id
      ), moved as (
        update worker_cursor w set seq = (select max(seq) from batch), updated_at = now()
        from cur where w.name = 'media' and exists (select 1 from batch)
        returning w.seq
      )
      select (select count(*) from batch) as events, (select count(*) from ins) as queued""";

  private static final String CLAIM = """
      with due as (
        select id from media where status = 'pending' and next_attempt_at <= now()
        order by next_attempt_at limit $1 for update skip locked
      )
      update media m set attempts = m.attempts + 1, next_attempt_at = now() + $2::int * interval '1 second'
      from due where m.id = due.id
      returning m.id, m.channel, m.url, m.attempts""";

  // Outcomes are recorded by the current claimant only (attempts unchanged since its claim).
  private static final String STORED = """
      update media set status = 'stored', bytes = $3, content_type = $4, size = $5, sha256 = $6, fetched_at = now(), last_error = null
      where id = $1 and status = 'pending' and attempts = $2""";
  private static final String TOO_LARGE = """
      update media set status = 'too_large', size = $3, content_type = $4, fetched_at = now(), last_error = 'too_large'
      where id = $1 and status = 'pending' and attempts = $2""";
  private static final String FAILED = """
      update media set status = $3, last_error = $4,
                       next_attempt_at = case when $3 = 'pending' then now() + $5::bigint * interval '1 millisecond' else next_attempt_at end
      where id = $1 and status = 'pending' and attempts = $2""";

  /** A claimed download; {@code channel} null when the row names none we know. */
  record Claimed(long id, Channel channel, String url, int attempts) {}

  private final Pool pool;

  MediaQueries(Pool pool) {
    this.pool = pool;
  }

  /** @return events read; 0 when another process holds the cursor or the log has nothing new */
  Future<Integer> discover(int limit) {
    return pool.preparedQuery(DISCOVER).execute(Tuple.of(limit)).map(rows -> rows.iterator().next().getLong("events").intValue());
  }

  Future<List<Claimed>> claim(int limit, int leaseSeconds) {
    return pool.preparedQuery(CLAIM).execute(Tuple.of(limit, leaseSeconds)).map(rows -> {
      List<Claimed> out = new ArrayList<>();
      for (Row r : rows) {
        Channel c;
        try {
          c = Channel.of(r.getString("channel"));
        } catch (IllegalArgumentException e) {
          c = null;
        }
        out.add(new Claimed(r.getLong("id"), c, r.getString("url"), r.getInteger("attempts")));
      }
      return out;
    });
  }

  Future<Boolean> stored(Claimed c, Buffer bytes, String contentType, String sha256) {
    return pool.preparedQuery(STORED).execute(Tuple.of(c.id(), c.attempts(), bytes, contentType, (long) bytes.length(), sha256))
        .map(rows -> rows.rowCount() > 0);
  }

  Future<Boolean> tooLarge(Claimed c, Long size, String contentType) {
    return pool.preparedQuery(TOO_LARGE).execute(Tuple.of(c.id(), c.attempts(), size, contentType)).map(rows -> rows.rowCount() > 0);
  }

  /** A failed attempt: retried {@code retryInMs} later, or given up when {@code last}. */
  Future<Boolean> failed(Claimed c, boolean last, String error, long retryInMs) {
    return pool.preparedQuery(FAILED).execute(Tuple.of(c.id(), c.attempts(), last ? "failed" : "pending", error, retryInMs))
        .map(rows -> rows.rowCount() > 0);
  }
}
