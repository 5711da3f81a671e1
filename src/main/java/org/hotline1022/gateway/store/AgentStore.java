package org.hotline1022.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What agents read and change: lists and search, one inquiry with its messages and events, the
 * commands (one {@code hotline_command} call each, atomic with its events), and event replays.
 */
public final class AgentStore {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AgentStore.class);
  private static final String INQUIRY_JSON = "hotline_inquiry_json(i, c)";
  private static final String EVENT_COLUMNS = "seq, type, at, department, payload";

  private final Pool pool;

  public AgentStore(Pool pool) {
    this.pool = pool;
  }

  public Future<JsonObject> list(InquiryFilter f) {
    List<Object> params = new ArrayList<>();
    StringBuilder where = new StringBuilder("true");
    anyOf(where, params, "i.status", f.statuses());
    anyOf(where, params, "i.department", f.departments());
    anyOf(where, params, "i.topic", f.topics());
    anyOf(where, params, "i.priority", f.priorities());
    anyOf(where, params, "i.channel", f.channels());
    if (f.scopeDepartment() != null) {
      params.add(f.scopeDepartment());
      where.append(" and i.department = $").append(params.size());
    }
    if (f.q() != null && !f.q().isBlank()) {
      // every word must appear (diacritics and case folded on both sides) in one message, or in the
      // contact's name and address; the trigram indexes on hotline_fold(...) serve these LIKEs
      String[] words = Arrays.stream(f.q().strip().split("\\s+")).limit(8)
          .map(w -> w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")).toArray(String[]::new);
      params.add(words);
      String patterns = "(array(select '%' || hotline_fold(w) || '%' from unnest($" + params.size() + "::text[]) w))";
      params.add(f.q().strip());
      where.append(" and (i.tracking_code ilike '%' || $").append(params.size()).append(" || '%'")
          .append(" or hotline_fold(coalesce(c.display_name, '') || ' ' || c.address) like all ").append(patterns)
          .append(" or exists (select 1 from message m where m.inquiry_id = i.id and hotline_fold(m.body) like all ").append(patterns)
          .append("))");
    }
    params.add(f.limit());
    params.add(f.offset());
    String sql = "select " + INQUIRY_JSON + " || jsonb_build_object('preview', (select left(m.body, 160) from message m"
        + " where m.inquiry_id = i.id and m.direction = 'in' order by m.id desc limit 1)) as inquiry,"
        + " count(*) over () as total from inquiry i join contact c on c.id = i.contact_id"
        + " where " + where + " order by (i.priority = 'urgent') desc, i.due_at, i.id limit $" + (params.size() - 1)
        + " offset $" + params.size();
    return pool.preparedQuery(sql).execute(Tuple.from(params)).map(rows -> {
      JsonArray items = new JsonArray();
      long total = 0;
      for (Row r : rows) {
        items.add(r.getValue("inquiry"));
        total = r.getLong("total");
      }
      if (rows.size() == 0 && f.offset() > 0) {
        total = -1; // past the end: the count is unknown without another query, and not needed
      }
      return new JsonObject().put("items", items).put("total", total).put("limit", f.limit()).put("offset", f.offset());
    }).recover(AgentStore::unavailable);
  }

  private static void anyOf(StringBuilder where, List<Object> params, String column, List<String> values) {
    if (values != null && !values.isEmpty()) {
      params.add(values.toArray(new String[0]));
      where.append(" and ").append(column).append(" = any($").append(params.size()).append(")");
    }
  }

  /** One inquiry with messages (notes included) and its events; empty when unknown or out of scope. */
  public Future<JsonObject> get(String trackingCode, String scopeDepartment) {
    String sql = "select i.id, " + INQUIRY_JSON + " as inquiry from inquiry i join contact c on c.id = i.contact_id"
        + " where i.tracking_code = $1 and ($2::text is null or i.department = $2)";
    return pool.preparedQuery(sql).execute(Tuple.of(trackingCode, scopeDepartment)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture((JsonObject) null);
      }
      Row r = rows.iterator().next();
      long id = r.getLong("id");
      JsonObject inquiry = (JsonObject) r.getValue("inquiry");
      Future<RowSet<Row>> messages = pool.preparedQuery(
              "select hotline_message_json(m, $2) as message, o.status as delivery, o.last_error from message m"
                  + " left join outbox o on o.message_id = m.id where m.inquiry_id = $1 order by m.id")
          .execute(Tuple.of(id, trackingCode));
      Future<RowSet<Row>> events = pool.preparedQuery("select " + EVENT_COLUMNS + " from event where inquiry_id = $1 order by seq limit 1000")
          .execute(Tuple.of(id));
      Future<RowSet<Row>> media = pool.preparedQuery(MEDIA_OF_INQUIRY).execute(Tuple.of(id));
      // a phone inquiry's calls and callback attempts (V6)
      Future<RowSet<Row>> calls = pool.preparedQuery("select hotline_call_json(p, p.state, null, $2) - 'source' as call from phone_call p"
              + " where p.inquiry_id = $1 order by coalesce(p.offered_at, p.ringing_at, p.answered_at, p.ended_at) limit 200")
          .execute(Tuple.of(id, trackingCode));
      Future<RowSet<Row>> callbacks = pool.preparedQuery("select jsonb_build_object('id', a.id, 'agent', a.agent, 'outcome', a.outcome,"
              + " 'note', a.note, 'at', a.at) as attempt from callback_attempt a where a.inquiry_id = $1 order by a.id limit 200")
          .execute(Tuple.of(id));
      return Future.all(messages, events, media, calls, callbacks).map(v -> {
        JsonArray ms = new JsonArray();
        for (Row m : messages.result()) {
          JsonObject message = (JsonObject) m.getValue("message");
          if (m.getString("delivery") != null) {
            message.put("delivery", m.getString("delivery")).put("deliveryError", m.getString("last_error"));
          }
          ms.add(message);
        }
        JsonArray es = new JsonArray();
        for (Row e : events.result()) {
          JsonObject ev = new JsonObject().put("type", e.getString("type")).put("seq", e.getLong("seq"))
              .put("at", e.getOffsetDateTime("at").toInstant().toString());
          JsonObject payload = (JsonObject) e.getValue("payload");
          if (payload != null) {
            // everything but the snapshots (the inquiry and its messages come with this answer already)
            payload.forEach(m -> {
              if (!m.getKey().equals("inquiry") && !m.getKey().equals("message")) {
                ev.put(m.getKey(), m.getValue());
              }
            });
            JsonObject message = payload.getJsonObject("message");
            if (message != null) {
              ev.put("messageId", message.getValue("id")).put("direction", message.getValue("direction"));
            }
          }
          es.add(ev);
        }
        JsonArray cs = new JsonArray();
        calls.result().forEach(c -> cs.add(c.getValue("call")));
        JsonArray as = new JsonArray();
        callbacks.result().forEach(a -> as.add(a.getValue("attempt")));
        return new JsonObject().put("inquiry", inquiry).put("messages", ms).put("events", es).put("media", mediaJson(media.result()))
            .put("calls", cs).put("callbacks", as);
      });
    }).recover(AgentStore::unavailable);
  }

  /**
   * Calls not yet ended (seen in the last 3 hours), oldest first: what rings or talks now. An officer
   * sees only calls that belong to an inquiry of their department.
   */
  public Future<JsonObject> liveCalls(String scopeDepartment) {
    String sql = "select hotline_call_json(p, p.state, null, i.tracking_code) - 'source'"
        + " || jsonb_build_object('since', coalesce(p.offered_at, p.ringing_at, p.answered_at)) as call"
        + " from phone_call p left join inquiry i on i.id = p.inquiry_id"
        + " where p.state <> 'ended' and p.updated_at > now() - interval '3 hours' and ($1::text is null or i.department = $1)"
        + " order by coalesce(p.offered_at, p.ringing_at, p.answered_at) limit 200";
    return pool.preparedQuery(sql).execute(Tuple.of(scopeDepartment)).map(rows -> {
      JsonArray items = new JsonArray();
      rows.forEach(r -> items.add(r.getValue("call")));
      return new JsonObject().put("items", items);
    }).recover(AgentStore::unavailable);
  }

  /**
   * Runs one command for an agent.
   *
   * @param scopeDepartment the officer's department, or null for agents who see everything
   * @return {@code {inquiry, messageId?, previousDepartment}}
   */
  public Future<JsonObject> command(String op, String trackingCode, String agent, String scopeDepartment, JsonObject args) {
    // callback has its own function (V6); the others share hotline_command (V3)
    var run = "callback".equals(op)
        ? pool.preparedQuery("select hotline_callback($1, $2, $3, $4::jsonb) as result").execute(Tuple.of(trackingCode, agent, scopeDepartment, args))
        : pool.preparedQuery("select hotline_command($1, $2, $3, $4, $5::jsonb) as result")
            .execute(Tuple.of(op, trackingCode, agent, scopeDepartment, args));
    return run
        .map(rows -> (JsonObject) rows.iterator().next().getValue("result"))
        .recover(e -> {
          if (e instanceof PgException pg && pg.getSqlState() != null) {
            switch (pg.getSqlState()) {
              case "HL400" -> {
                return Future.failedFuture(new CommandException("bad_request", pg.getErrorMessage()));
              }
              case "HL404" -> {
                return Future.failedFuture(new CommandException("not_found", "no such inquiry"));
              }
              case "HL409" -> {
                return Future.failedFuture(new CommandException("conflict", pg.getErrorMessage()));
              }
              default -> { }
            }
          }
          return unavailable(e);
        });
  }

  /**
   * Events after {@code since}, oldest first, for a replay, in {@link EventColumns#FEED}. An
   * officer's replay is filtered here already (their department, or transfers away from it).
   */
  public Future<RowSet<Row>> eventsAfter(long since, String scopeDepartment, int limit) {
    return pool.preparedQuery("select " + EventColumns.FEED + " from event where seq > $1 and ($2::text is null or department = $2"
            + " or payload->'change'->'from'->>'department' = $2) order by seq limit $3")
        .execute(Tuple.of(since, scopeDepartment, limit))
        .recover(AgentStore::unavailable);
  }

  private static final String MEDIA_OF_INQUIRY = "select md.id, md.message_id, md.idx, md.kind, md.name, md.status, md.content_type,"
      + " md.size from media md join message m on m.id = md.message_id where m.inquiry_id = $1 order by md.message_id, md.idx";

  /** The inquiry's downloaded attachments: what agents fetch at {@code /api/v1/media/{id}}. */
  private static JsonArray mediaJson(RowSet<Row> rows) {
    JsonArray out = new JsonArray();
    for (Row r : rows) {
      out.add(new JsonObject().put("id", r.getLong("id")).put("messageId", r.getLong("message_id")).put("index", r.getInteger("idx"))
          .put("kind", r.getString("kind")).put("name", r.getString("name")).put("status", r.getString("status"))
          .put("contentType", r.getString("content_type")).put("size", r.getLong("size")));
    }
    return out;
  }

  /** One attachment with its bytes; empty when unknown or its inquiry is out of the officer's scope. */
  public Future<MediaFile> media(long id, String scopeDepartment) {
    return pool.preparedQuery("select md.id, md.kind, md.name, md.status, md.content_type, md.bytes from media md"
            + " join message m on m.id = md.message_id join inquiry i on i.id = m.inquiry_id"
            + " where md.id = $1 and ($2::text is null or i.department = $2)")
        .execute(Tuple.of(id, scopeDepartment))
        .map(rows -> {
          if (rows.size() == 0) {
            return (MediaFile) null;
          }
          Row r = rows.iterator().next();
          return new MediaFile(r.getLong("id"), r.getString("kind"), r.getString("name"), r.getString("status"),
              r.getString("content_type"), r.getBuffer("bytes"));
        })
        .recover(AgentStore::unavailable);
  }

  private static <T> Future<T> unavailable(Throwable e) {
    if (!(e instanceof CommandException)) {
      LOG.warn("agent query failed [cause: {}]", e.toString());
    }
    return Future.failedFuture(e instanceof CommandException ? e : new CommandException("unavailable", "database unavailable"));
  }
}
