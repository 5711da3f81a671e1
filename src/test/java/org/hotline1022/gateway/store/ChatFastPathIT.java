package org.hotline1022.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.hotline1022.gateway.support.PgServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Chat items that can only open a new inquiry are written set-based (V10); every other chat item
 * still goes one by one. One batch mixing both must give what the row-by-row V9 function gave:
 * same outcomes, same rows, same events in the same order.
 */
class ChatFastPathIT {
  @TempDir
  static Path dir;
  static PgServer pg;
  static Connection current;
  static Connection v9;
  static int codes;

  @BeforeAll
  static void start() throws Exception {
    pg = PgServer.start(dir.resolve("pg"));
    DbEndpoint ep = DbEndpoint.fromUrl(pg.url(), 5000);
    DatabaseVerticle.migrate(ep);
    current = DriverManager.getConnection(ep.jdbcUrl(), ep.user(), ep.password());
    try (Statement st = current.createStatement()) {
      st.execute("create database v9");
    }
    DbEndpoint old = DbEndpoint.local(pg.port(), "postgres", "v9", 5000);
    // the function as it was before the fast path, to compare against
    Flyway.configure().dataSource(old.jdbcUrl(), old.user(), old.password()).locations("classpath:db/migration")
        .outOfOrder(true).target("9").load().migrate();
    v9 = DriverManager.getConnection(old.jdbcUrl(), old.user(), old.password());
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {current, v9, pg}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  void oneBatchOfNewSendersRepeatSendersOpenInquiriesAndReplaysIsThreadedAsOneByOne() throws SQLException {
    Instant t0 = Instant.parse("2026-11-29T08:00:00Z");
    ingest(current, batch(chat(0, "facebook", "fp-open-1", "psid-open", "Anh Tuấn", t0),
        chat(1, "facebook", "fp-known-1", "psid-known", "Tên cũ", t0)));
    current.createStatement().execute("update inquiry set status = 'closed' where id = "
        + "(select inquiry_id from message where external_id = 'fp-known-1')");
    long mark = scalar(current, "select coalesce(max(seq), 0) from event");

    Instant t1 = t0.plusSeconds(60);
    Map<Integer, Row> out = ingest(current, batch(
        chat(0, "facebook", "fp-same-1", "psid-same", "Chị Lan", t1),        // new sender, first of two
        chat(1, "facebook", "fp-open-2", "psid-open", "Anh Tuấn", t1),       // joins the open inquiry
        chat(2, "facebook", "fp-new-1", "psid-new", "Cô Hoa", t1),           // new sender: new inquiry
        chat(3, "facebook", "fp-same-2", "psid-same", "Chị Lan", t1.plusSeconds(1)),  // joins item 0's
        chat(4, "facebook", "fp-open-1", "psid-open", "Anh Tuấn", t0),       // replay of a stored message
        chat(5, "facebook", "fp-known-2", "psid-known", "Tên mới", t1),      // closed inquiry only: new one
        chat(6, "facebook", "fp-same-2", "psid-same", "Chị Lan", t1.plusSeconds(1)),  // replay inside the batch
        chat(7, "zalo", "fp-new-1", "zu-new", "Bác Minh", t1)));             // same id, other channel: new

    long open = scalar(current, "select inquiry_id from message where external_id = 'fp-open-1'");
    assertThat(out.get(0).outcome + out.get(0).created).isEqualTo("storedtrue");
    assertThat(out.get(1).outcome + out.get(1).created + out.get(1).inquiryId).isEqualTo("storedfalse" + open);
    assertThat(out.get(2).outcome + out.get(2).created).isEqualTo("storedtrue");
    assertThat(out.get(3).outcome + out.get(3).created + out.get(3).inquiryId).isEqualTo("storedfalse" + out.get(0).inquiryId);
    assertThat(out.get(4).outcome + out.get(4).inquiryId).isEqualTo("duplicate" + open);
    assertThat(out.get(5).outcome + out.get(5).created).isEqualTo("storedtrue");
    assertThat(out.get(6).outcome + out.get(6).inquiryId).isEqualTo("duplicate" + out.get(0).inquiryId);
    assertThat(out.get(7).outcome + out.get(7).created).isEqualTo("storedtrue");
    assertThat(List.of(out.get(0).inquiryId, out.get(2).inquiryId, out.get(5).inquiryId, out.get(7).inquiryId, open))
        .doesNotHaveDuplicates();

    assertThat(scalar(current, "select message_count from inquiry where id = " + out.get(0).inquiryId)).isEqualTo(2);
    assertThat(scalar(current, "select message_count from inquiry where id = " + open)).isEqualTo(2);
    assertThat(scalar(current, "select count(*) from message where external_id like 'fp-%'")).isEqualTo(8);
    // a known contact writing again after its inquiry closed: its new name is kept, as one by one
    assertThat(text(current, "select display_name from contact where address = 'psid-known'")).isEqualTo("Tên mới");

    List<String> events = new ArrayList<>();
    try (ResultSet rs = current.createStatement().executeQuery(
        "select type, inquiry_id, payload from event where seq > " + mark + " order by seq")) {
      while (rs.next()) {
        JsonObject inquiry = new JsonObject(rs.getString(3)).getJsonObject("inquiry");
        events.add(rs.getString(1) + " " + rs.getLong(2) + " " + inquiry.getInteger("messageCount") + " "
            + inquiry.getJsonObject("contact").getString("name"));
      }
    }
    assertThat(events).containsExactly(
        "inquiry.created " + out.get(0).inquiryId + " 1 Chị Lan",
        "message.created " + open + " 2 Anh Tuấn",
        "inquiry.created " + out.get(2).inquiryId + " 1 Cô Hoa",
        "message.created " + out.get(0).inquiryId + " 2 Chị Lan",
        "inquiry.created " + out.get(5).inquiryId + " 1 Tên mới",
        "inquiry.created " + out.get(7).inquiryId + " 1 Bác Minh");
  }

  /** Two writer batches at once, each with the first message of the same new sender: one inquiry, as one by one. */
  @Test
  void aConcurrentBatchWithTheSameNewSenderJoinsTheInquiryItOpened() throws Exception {
    Instant t0 = Instant.parse("2026-11-29T10:00:00Z");
    DbEndpoint ep = DbEndpoint.fromUrl(pg.url(), 5000);
    try (Connection first = DriverManager.getConnection(ep.jdbcUrl(), ep.user(), ep.password());
        Connection second = DriverManager.getConnection(ep.jdbcUrl(), ep.user(), ep.password())) {
      first.setAutoCommit(false);
      Row opened = ingest(first, batch(chat(0, "zalo", "cc-1", "zu-race", "Anh Nam", t0))).get(0);
      CompletableFuture<Row> joined = CompletableFuture.supplyAsync(() -> {
        try {
          return ingest(second, batch(chat(0, "zalo", "cc-2", "zu-race", "Anh Nam", t0.plusSeconds(1)))).get(0);
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      Thread.sleep(300); // the second batch is now waiting on the contact the first one wrote
      first.commit();
      Row r = joined.get(10, TimeUnit.SECONDS);
      assertThat(opened.created).isTrue();
      assertThat(r.outcome + r.created + r.inquiryId).isEqualTo("storedfalse" + opened.inquiryId);
      assertThat(scalar(current, "select message_count from inquiry where id = " + opened.inquiryId)).isEqualTo(2);
    }
  }

  /** Seeded random batches run through V9's and V10's function: the citizen- and agent-visible results agree. */
  @ParameterizedTest
  @ValueSource(longs = {1, 22, 1022})
  void randomBatchesGiveWhatTheRowByRowFunctionGave(long seed) throws SQLException {
    Random rnd = new Random(seed);
    String p = "r" + seed + "-";
    Instant t = Instant.parse("2026-11-29T09:00:00Z");
    List<String> sent = new ArrayList<>();
    long markNow = scalar(current, "select coalesce(max(seq), 0) from event");
    long markOld = scalar(v9, "select coalesce(max(seq), 0) from event");
    for (int b = 0; b < 12; b++) {
      JsonArray items = new JsonArray();
      int n = 1 + rnd.nextInt(40);
      for (int i = 0; i < n; i++) {
        t = t.plusSeconds(rnd.nextInt(10) == 0 ? 5000 : rnd.nextInt(30)); // now and then past the window
        String channel = rnd.nextBoolean() ? "zalo" : "facebook";
        int kind = rnd.nextInt(10);
        if (kind == 0 && !sent.isEmpty()) { // a replay, of this batch or an earlier one
          items.add(new JsonObject(sent.get(rnd.nextInt(sent.size()))).put("idx", i));
          continue;
        }
        JsonObject item = kind == 1
            ? web(i, p + "w" + b + "-" + i, t)
            : chat(i, channel, p + b + "-" + i, p + "u" + rnd.nextInt(kind < 5 ? 6 : 400),
                rnd.nextInt(4) == 0 ? null : "Người " + rnd.nextInt(3), t);
        if (rnd.nextInt(8) == 0) {
          item.put("phone", "+8490" + rnd.nextInt(10));
        }
        items.add(item);
        sent.add(item.encode());
      }
      Map<Integer, Row> now = ingest(current, items);
      Map<Integer, Row> old = ingest(v9, items);
      assertThat(now.values().stream().map(Row::visible).toList())
          .as("batch %d results", b).isEqualTo(old.values().stream().map(Row::visible).toList());
      if (rnd.nextInt(3) == 0 && !now.isEmpty()) { // an agent closes one of them
        String code = now.values().iterator().next().trackingCode;
        for (Connection c : List.of(current, v9)) {
          c.createStatement().execute("update inquiry set status = 'closed' where tracking_code = '" + code + "'");
        }
      }
    }
    assertThat(events(current, markNow)).isEqualTo(events(v9, markOld));
    for (String q : List.of(
        "select m.external_id || ' ' || i.tracking_code || ' ' || m.channel from message m join inquiry i on i.id = m.inquiry_id"
            + " where m.external_id like '" + p + "%' order by 1",
        "select i.tracking_code || ' ' || i.status || ' ' || i.message_count || ' ' || i.version || ' ' || i.last_message_at"
            + " || ' ' || c.address from inquiry i join contact c on c.id = i.contact_id where c.address like '" + p + "%' order by 1",
        "select concat_ws(' ', channel, address, display_name, phone) from contact where address like '" + p + "%' order by 1")) {
      assertThat(lines(current, q)).as(q).isNotEmpty().isEqualTo(lines(v9, q));
    }
  }

  private static JsonArray batch(JsonObject... items) {
    return new JsonArray(List.of((Object[]) items));
  }

  private static JsonObject chat(int idx, String channel, String id, String address, String name, Instant at) {
    return item(idx, channel, id, address, at).put("display_name", name).put("new_thread", false)
        .put("window_seconds", 3600).put("body", "tin nhắn " + id);
  }

  private static JsonObject web(int idx, String id, Instant at) {
    return item(idx, "web", id, "anon:" + id, at).put("new_thread", true).put("window_seconds", 0)
        .put("subject", "Biểu mẫu").put("body", "nội dung " + id);
  }

  private static JsonObject item(int idx, String channel, String id, String address, Instant at) {
    return new JsonObject().put("idx", idx).put("channel", channel).put("external_id", id).put("address", address)
        .put("received_at", at.toString()).put("raw", "{}").put("topic", "other").put("priority", "normal")
        .put("department", "general").put("due_at", at.plusSeconds(86400).toString())
        .put("tracking_code", String.format("1022-TEST-%06d", ++codes));
  }

  private record Row(int idx, String outcome, long inquiryId, String trackingCode, String status, boolean created) {
    String visible() {
      return idx + " " + outcome + " " + trackingCode + " " + status + " " + created;
    }
  }

  private static Map<Integer, Row> ingest(Connection c, JsonArray items) throws SQLException {
    Map<Integer, Row> rows = new TreeMap<>();
    try (PreparedStatement ps = c.prepareStatement("select * from hotline_ingest(?::jsonb)")) {
      ps.setString(1, items.encode());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Row r = new Row(rs.getInt("idx"), rs.getString("outcome"), rs.getLong("inquiry_id"), rs.getString("tracking_code"),
              rs.getString("status"), rs.getBoolean("created"));
          assertThat(rows.put(r.idx, r)).as("one result per item").isNull();
        }
      }
    }
    assertThat(rows).hasSize(items.size());
    return rows;
  }

  /** Events in seq order, without what differs between two databases (ids, wall-clock times). */
  private static List<String> events(Connection c, long after) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = c.createStatement().executeQuery(
        "select type, department, payload from event where seq > " + after + " order by seq")) {
      while (rs.next()) {
        JsonObject payload = new JsonObject(rs.getString(3));
        JsonObject inquiry = payload.getJsonObject("inquiry");
        inquiry.remove("id");
        inquiry.remove("createdAt");
        inquiry.remove("updatedAt");
        JsonObject message = payload.getJsonObject("message");
        message.remove("id");
        message.remove("inquiryId");
        out.add(rs.getString(1) + " " + rs.getString(2) + " " + payload.encode());
      }
    }
    assertThat(out).isNotEmpty();
    return out;
  }

  private static List<String> lines(Connection c, String query) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = c.createStatement().executeQuery(query)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static long scalar(Connection c, String query) throws SQLException {
    try (ResultSet rs = c.createStatement().executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String text(Connection c, String query) throws SQLException {
    try (ResultSet rs = c.createStatement().executeQuery(query)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
