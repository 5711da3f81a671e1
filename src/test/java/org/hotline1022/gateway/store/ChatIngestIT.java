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
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.hotline1022.gateway.inquiry.TrackingCodes;
import org.hotline1022.gateway.support.PgServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Chat batches straight into {@code hotline_ingest} (V11: a chat item that opens a new inquiry is
 * written set-based, the rest one by one; V12: its inquiry.created payload is built from the batch's
 * own values in one pass). What agents and citizens see must be what V10 gave:
 * result rows per item, inquiries, messages, contacts, and each inquiry's events in order. The
 * scenarios below assert V10's behaviour (they all pass against a V10 database); the random
 * differential runs the same traffic against a second database migrated up to V10 only.
 * Every test uses its own addresses and message ids, so they share one server.
 */
class ChatIngestIT {
  private static final int WINDOW = 1800;
  @TempDir
  static Path dir;
  static PgServer pg;
  static Connection db;
  static DbEndpoint endpoint;
  /** A second database on the same server, migrated up to V10 only: the reference V11 must match. */
  static Connection v10;

  @BeforeAll
  static void start() throws Exception {
    pg = PgServer.start(dir.resolve("pg"));
    DbEndpoint ep = Schema.migrated(pg.url());
    endpoint = ep;
    db = DriverManager.getConnection(ep.jdbcUrl(), ep.user(), ep.password());
    execute("create database v10");
    DbEndpoint ref = DbEndpoint.fromUrl(pg.url().substring(0, pg.url().lastIndexOf('/')) + "/v10", 5000);
    Flyway.configure().dataSource(ref.jdbcUrl(), ref.user(), ref.password()).locations("classpath:db/migration").outOfOrder(true)
        .target("10").load().migrate();
    v10 = DriverManager.getConnection(ref.jdbcUrl(), ref.user(), ref.password());
    // V11 is the first to pin planner settings on the function: proof each side runs the version meant
    assertThat(string(v10, "select coalesce(array_to_string(proconfig, ','), '') from pg_proc where proname = 'hotline_ingest'")).isEmpty();
    assertThat(string(db, "select array_to_string(proconfig, ',') from pg_proc where proname = 'hotline_ingest'"))
        .contains("enable_seqscan=off");
  }

  @AfterAll
  static void stop() throws Exception {
    if (v10 != null) {
      v10.close();
    }
    if (db != null) {
      db.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  // ---- 1, 8: one new contact writes three times in one batch

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"facebook", "zalo"})
  void threeMessagesFromANewContactInOneBatchAreAnnouncedAsV10Did(String channel) throws Exception {
    String p = uid("psid");
    Instant t = now();
    List<JsonObject> batch = List.of(chat(channel, p, uid("m"), t), chat(channel, p, uid("m"), t.plusSeconds(1)),
        chat(channel, p, uid("m"), t.plusSeconds(2)));
    List<Result> rows = ingest(batch);

    assertThat(rows).extracting(Result::outcome).containsOnly("stored");
    assertThat(rows).extracting(Result::created).containsExactly(true, false, false);
    long id = rows.get(0).inquiryId();
    assertThat(rows).extracting(Result::inquiryId).containsOnly(id);
    assertThat(rows).extracting(Result::trackingCode).containsOnly(batch.get(0).getString("tracking_code"));
    assertThat(rows).extracting(Result::status).containsOnly("new");
    assertThat(count("select message_count from inquiry where id = " + id)).isEqualTo(3);
    assertThat(externalIds(id)).containsExactly(ext(batch, 0), ext(batch, 1), ext(batch, 2));
    assertThat(count("select count(*) from inquiry i join contact c on c.id = i.contact_id where c.channel = '" + channel
        + "' and c.address = '" + p + "'")).isEqualTo(1);

    List<Event> events = events(id);
    assertThat(events.get(events.size() - 1).payload().getJsonObject("inquiry").getInteger("messageCount")).isEqualTo(3);
    assertEvents(id);
  }

  // ---- 2: many new conversations, some of them continued in the same batch

  @Test
  void fiftyNewPsidsAndTenContinuationsAreAnnouncedAsV10Did() throws Exception {
    Instant t = now();
    List<String> psids = new ArrayList<>();
    List<JsonObject> batch = new ArrayList<>();
    List<String> psidOf = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String p = uid("psid");
      psids.add(p);
      batch.add(chat("facebook", p, uid("m"), t.plusMillis(i)));
      psidOf.add(p);
      if (i % 5 == 4) {
        String earlier = psids.get(i - 4);
        batch.add(chat("facebook", earlier, uid("m"), t.plusMillis(100 + i)));
        psidOf.add(earlier);
      }
    }
    List<Result> rows = ingest(batch);

    Map<String, Long> inquiryOf = new HashMap<>();
    for (String p : psids) {
      List<Long> ids = inquiriesOf("facebook", p);
      assertThat(ids).as("inquiries of %s", p).hasSize(1);
      inquiryOf.put(p, ids.get(0));
    }
    assertThat(new HashSet<>(inquiryOf.values())).hasSize(50);
    Set<String> seen = new HashSet<>();
    for (Result r : rows) {
      String p = psidOf.get(r.idx());
      assertThat(r.outcome()).isEqualTo("stored");
      assertThat(r.inquiryId()).as("item %d", r.idx()).isEqualTo(inquiryOf.get(p));
      assertThat(r.created()).as("item %d", r.idx()).isEqualTo(seen.add(p));
      assertThat(count("select inquiry_id from message where channel = 'facebook' and external_id = '" + ext(batch, r.idx()) + "'"))
          .isEqualTo(r.inquiryId());
    }
    for (int i = 0; i < 50; i++) {
      long id = inquiryOf.get(psids.get(i));
      int expected = i % 5 == 0 ? 2 : 1;
      assertThat(count("select message_count from inquiry where id = " + id)).isEqualTo(expected);
      assertThat(externalIds(id)).hasSize(expected);
      assertEvents(id);
    }
  }

  // ---- 3: replays

  @Test
  void aReplayedBatchIsAnsweredWithTheOriginalInquiriesAndStoresNothing() throws Exception {
    String a = uid("psid");
    String b = uid("psid");
    Instant t = now();
    List<JsonObject> batch = List.of(chat("facebook", a, uid("m"), t), chat("facebook", b, uid("m"), t),
        chat("facebook", a, uid("m"), t.plusSeconds(1)), chat("facebook", b, uid("m"), t.plusSeconds(1)));
    List<Result> first = ingest(batch);
    long messages = count("select count(*) from message");
    long inquiries = count("select count(*) from inquiry");
    long contacts = count("select count(*) from contact");
    long lastSeq = count("select coalesce(max(seq), 0) from event");

    // the gateway draws a fresh tracking code at each attempt: the stored one must come back
    List<JsonObject> again = new ArrayList<>();
    for (JsonObject item : batch) {
      again.add(item.copy().put("tracking_code", TrackingCodes.random()));
    }
    List<Result> replay = ingest(again);

    for (int i = 0; i < batch.size(); i++) {
      assertThat(replay.get(i).outcome()).isEqualTo("duplicate");
      assertThat(replay.get(i).created()).isFalse();
      assertThat(replay.get(i).inquiryId()).isEqualTo(first.get(i).inquiryId());
      assertThat(replay.get(i).trackingCode()).isEqualTo(first.get(i).trackingCode());
    }
    assertThat(count("select count(*) from message")).isEqualTo(messages);
    assertThat(count("select count(*) from inquiry")).isEqualTo(inquiries);
    assertThat(count("select count(*) from contact")).isEqualTo(contacts);
    assertThat(count("select coalesce(max(seq), 0) from event")).isEqualTo(lastSeq);
    assertThat(count("select message_count from inquiry where id = " + first.get(0).inquiryId())).isEqualTo(2);
  }

  @Test
  void theSameMessageTwiceInOneBatchIsStoredOnce() throws Exception {
    String p = uid("psid");
    String m = uid("m");
    Instant t = now();
    List<Result> rows = ingest(List.of(chat("facebook", p, m, t), chat("facebook", p, m, t)));

    assertThat(rows).extracting(Result::outcome).containsExactly("stored", "duplicate");
    assertThat(rows).extracting(Result::created).containsExactly(true, false);
    long id = rows.get(0).inquiryId();
    assertThat(rows.get(1).inquiryId()).isEqualTo(id);
    assertThat(externalIds(id)).containsExactly(m);
    assertThat(count("select message_count from inquiry where id = " + id)).isEqualTo(1);
    assertThat(events(id)).extracting(Event::type).containsExactly("inquiry.created");
  }

  @Test
  void aReplayFirstThenANewMessageOfTheSameContactJoinsItsInquiry() throws Exception {
    String p = uid("psid");
    Instant t = now();
    JsonObject old = chat("facebook", p, uid("m"), t);
    long id = ingest(List.of(old)).get(0).inquiryId();

    JsonObject next = chat("facebook", p, uid("m"), t.plusSeconds(5));
    List<Result> rows = ingest(List.of(old.copy().put("tracking_code", TrackingCodes.random()), next));

    assertThat(rows).extracting(Result::outcome).containsExactly("duplicate", "stored");
    assertThat(rows).extracting(Result::inquiryId).containsOnly(id);
    assertThat(rows.get(1).created()).isFalse();
    assertThat(count("select message_count from inquiry where id = " + id)).isEqualTo(2);
    assertThat(events(id)).extracting(Event::type).containsExactly("inquiry.created", "message.created");
  }

  // ---- 4: joining an open inquiry, and when not to

  @Test
  void aMessageJoinsAnOpenInquiryButNotAClosedOrStaleOne() throws Exception {
    String p = uid("psid");
    Instant t = now();
    long first = ingest(List.of(chat("facebook", p, uid("m"), t))).get(0).inquiryId();

    JsonObject m2 = chat("facebook", p, uid("m"), t.plusSeconds(10));
    Result joined = ingest(List.of(m2)).get(0);
    assertThat(joined.outcome()).isEqualTo("stored");
    assertThat(joined.created()).isFalse();
    assertThat(joined.inquiryId()).isEqualTo(first);
    List<Event> events = events(first);
    assertThat(events).extracting(Event::type).containsExactly("inquiry.created", "message.created");
    assertThat(events.get(1).payload().getJsonObject("message").getString("externalId")).isEqualTo(m2.getString("external_id"));

    execute("update inquiry set status = 'closed', closed_at = now() where id = " + first);
    Result afterClose = ingest(List.of(chat("facebook", p, uid("m"), t.plusSeconds(20)))).get(0);
    assertThat(afterClose.created()).isTrue();
    assertThat(afterClose.inquiryId()).isNotEqualTo(first);
    assertThat(count("select message_count from inquiry where id = " + first)).isEqualTo(2);
    assertThat(events(afterClose.inquiryId())).extracting(Event::type).containsExactly("inquiry.created");

    execute("update inquiry set last_message_at = now() - interval '2 hours' where id = " + afterClose.inquiryId());
    Result afterWindow = ingest(List.of(chat("facebook", p, uid("m"), t.plusSeconds(30)))).get(0);
    assertThat(afterWindow.created()).isTrue();
    assertThat(afterWindow.inquiryId()).isNotIn(first, afterClose.inquiryId());
    assertThat(count("select message_count from inquiry where id = " + afterClose.inquiryId())).isEqualTo(1);
    assertThat(inquiriesOf("facebook", p)).hasSize(3);
  }

  // ---- 5: reopen

  @Test
  void aMessageOnAnAnsweredInquiryReopensItWithANewDeadline() throws Exception {
    String p = uid("psid");
    Instant t = now();
    long id = ingest(List.of(chat("zalo", p, uid("m"), t))).get(0).inquiryId();
    execute("update inquiry set status = 'answered', first_response_at = now() where id = " + id);

    JsonObject again = chat("zalo", p, uid("m"), t.plusSeconds(60));
    Result r = ingest(List.of(again)).get(0);

    assertThat(r.outcome()).isEqualTo("stored");
    assertThat(r.created()).isFalse();
    assertThat(r.inquiryId()).isEqualTo(id);
    assertThat(r.status()).isEqualTo("new");
    assertThat(string("select status from inquiry where id = " + id)).isEqualTo("new");
    assertThat(instant("select due_at from inquiry where id = " + id)).isEqualTo(Instant.parse(again.getString("due_at")));
    assertThat(instant("select reopened_at from inquiry where id = " + id)).isEqualTo(Instant.parse(again.getString("received_at")));
    List<Event> events = events(id);
    assertThat(events).extracting(Event::type).containsExactly("inquiry.created", "message.created", "inquiry.updated");
    JsonObject change = events.get(2).payload().getJsonObject("change");
    assertThat(events.get(2).payload().getString("by")).isEqualTo("system:reopen");
    assertThat(change.getString("op")).isEqualTo("reopen");
    assertThat(change.getJsonObject("from").getString("status")).isEqualTo("answered");
    assertThat(change.getJsonObject("to").getString("status")).isEqualTo("new");
  }

  // ---- 6: contact refresh

  @Test
  void aKnownContactWithoutAnOpenInquiryIsRenamedByItsNewMessage() throws Exception {
    String p = uid("psid");
    Instant t = now();
    long old = ingest(List.of(chat("facebook", p, uid("m"), t).put("display_name", "A"))).get(0).inquiryId();
    execute("update inquiry set status = 'closed', closed_at = now() where id = " + old);
    assertThat(string("select display_name from contact where channel = 'facebook' and address = '" + p + "'")).isEqualTo("A");

    Result r = ingest(List.of(chat("facebook", p, uid("m"), t.plusSeconds(5)).put("display_name", "B"))).get(0);

    assertThat(r.created()).isTrue();
    assertThat(string("select display_name from contact where channel = 'facebook' and address = '" + p + "'")).isEqualTo("B");
    List<Event> events = events(r.inquiryId());
    assertThat(events).extracting(Event::type).containsExactly("inquiry.created");
    assertThat(events.get(0).payload().getJsonObject("inquiry").getJsonObject("contact").getString("name")).isEqualTo("B");

    // a message without a name keeps the one we know
    Result joined = ingest(List.of(chat("facebook", p, uid("m"), t.plusSeconds(6)))).get(0);
    assertThat(joined.inquiryId()).isEqualTo(r.inquiryId());
    assertThat(string("select display_name from contact where channel = 'facebook' and address = '" + p + "'")).isEqualTo("B");
  }

  @Test
  void aNewContactRenamedLaterInTheSameBatchIsAnnouncedAsItWasWhenItsInquiryOpened() throws Exception {
    String p = uid("psid");
    Instant t = now();
    List<Result> rows = ingest(List.of(chat("facebook", p, uid("m"), t).put("display_name", "B"),
        chat("facebook", p, uid("m"), t.plusSeconds(1)).put("display_name", "C").put("thread_key", "post-9")));

    assertThat(rows).extracting(Result::created).containsExactly(true, true);
    assertThat(string("select display_name from contact where channel = 'facebook' and address = '" + p + "'")).isEqualTo("C");
    List<Event> first = events(rows.get(0).inquiryId());
    assertThat(first).extracting(Event::type).containsExactly("inquiry.created");
    // V10 announced the contact as the first message left it; V11 writes this event after the loop renamed it
    assertThat(first.get(0).payload().getJsonObject("inquiry").getJsonObject("contact").getString("name")).isEqualTo("B");
  }

  // ---- 7: thread keys (a comment thread under a post is its own conversation)

  @Test
  void aDifferentThreadKeyOpensItsOwnInquiryAndTheSameOneJoins() throws Exception {
    String p = uid("psid");
    Instant t = now();
    Result post1 = ingest(List.of(chat("facebook", p, uid("m"), t).put("thread_key", "post-1"))).get(0);
    Result post2 = ingest(List.of(chat("facebook", p, uid("m"), t.plusSeconds(1)).put("thread_key", "post-2"))).get(0);
    Result post1Again = ingest(List.of(chat("facebook", p, uid("m"), t.plusSeconds(2)).put("thread_key", "post-1"))).get(0);

    assertThat(post1.created()).isTrue();
    assertThat(post2.created()).isTrue();
    assertThat(post2.inquiryId()).isNotEqualTo(post1.inquiryId());
    assertThat(post1Again.created()).isFalse();
    assertThat(post1Again.inquiryId()).isEqualTo(post1.inquiryId());
    assertThat(string("select thread_key from inquiry where id = " + post2.inquiryId())).isEqualTo("post-2");
    assertThat(count("select message_count from inquiry where id = " + post1.inquiryId())).isEqualTo(2);
    assertThat(events(post1.inquiryId())).extracting(Event::type).containsExactly("inquiry.created", "message.created");
    assertThat(events(post2.inquiryId())).extracting(Event::type).containsExactly("inquiry.created");
  }

  // ---- 9: web forms in a chat batch

  @Test
  void webFormsInAChatBatchAreAnnouncedAsV10Did() throws Exception {
    String p = uid("psid");
    String web = uid("web");
    Instant t = now();
    List<JsonObject> batch = List.of(chat("facebook", p, uid("m"), t), web(web, uid("w"), t), chat("facebook", p, uid("m"), t.plusSeconds(1)),
        web(web, uid("w"), t.plusSeconds(1)));
    List<Result> rows = ingest(batch);

    assertThat(rows).extracting(Result::outcome).containsOnly("stored");
    assertThat(rows).extracting(Result::created).containsExactly(true, true, false, true);
    assertThat(rows.get(2).inquiryId()).isEqualTo(rows.get(0).inquiryId());
    assertThat(rows.get(3).inquiryId()).isNotIn(rows.get(0).inquiryId(), rows.get(1).inquiryId());
    assertThat(rows.get(1).inquiryId()).isNotEqualTo(rows.get(0).inquiryId());
    for (int i : new int[] {1, 3}) {
      long id = rows.get(i).inquiryId();
      assertThat(string("select channel from inquiry where id = " + id)).isEqualTo("web");
      assertThat(externalIds(id)).containsExactly(ext(batch, i));
      assertThat(events(id)).extracting(Event::type).containsExactly("inquiry.created");
    }
    assertThat(count("select message_count from inquiry where id = " + rows.get(0).inquiryId())).isEqualTo(2);
    assertEvents(rows.get(0).inquiryId());
  }

  // ---- 10: random batches, repeats and replays

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void randomChatBatchesAreAnnouncedAsV10Did(long seed) throws Exception {
    Random random = new Random(seed);
    String run = uid("r" + seed);
    List<String> pool = new ArrayList<>();
    Map<String, String> channelOf = new HashMap<>();
    for (int i = 0; i < 15; i++) {
      String p = run + "-p" + i;
      pool.add(p);
      channelOf.put(p, i % 4 == 3 ? "zalo" : "facebook");
    }
    Instant t0 = now();
    List<JsonObject> sent = new ArrayList<>();
    Set<String> seenExt = new HashSet<>();
    Map<String, Long> inquiryOfContact = new HashMap<>();
    Map<String, Long> inquiryOfExt = new HashMap<>();
    int serial = 0;
    for (int b = 0; b < 5; b++) {
      int size = 1 + random.nextInt(60);
      List<JsonObject> batch = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        Instant at = t0.plusSeconds(10L * b).plusMillis(i);
        if (!sent.isEmpty() && random.nextInt(5) == 0) {
          JsonObject replayed = sent.get(random.nextInt(sent.size())).copy().put("tracking_code", TrackingCodes.random());
          batch.add(replayed);
          sent.add(replayed);
        } else {
          String p = pool.get(random.nextInt(pool.size()));
          JsonObject item = chat(channelOf.get(p), p, run + "-m" + serial++, at);
          batch.add(item);
          sent.add(item);
        }
      }
      List<Result> rows = ingest(batch);
      for (Result r : rows) {
        JsonObject item = batch.get(r.idx());
        String ext = item.getString("external_id");
        String p = item.getString("address");
        String key = item.getString("channel") + "/" + ext;
        if (seenExt.add(key)) {
          assertThat(r.outcome()).as("batch %d item %d, first time seen", b, r.idx()).isEqualTo("stored");
          Long known = inquiryOfContact.get(p);
          assertThat(r.created()).as("batch %d item %d created", b, r.idx()).isEqualTo(known == null);
          if (known != null) {
            assertThat(r.inquiryId()).as("batch %d item %d joins", b, r.idx()).isEqualTo(known);
          }
          inquiryOfContact.put(p, r.inquiryId());
          inquiryOfExt.put(key, r.inquiryId());
        } else {
          assertThat(r.outcome()).as("batch %d item %d, replay", b, r.idx()).isEqualTo("duplicate");
          assertThat(r.created()).isFalse();
          assertThat(r.inquiryId()).isEqualTo(inquiryOfExt.get(key));
        }
      }
    }

    assertThat(count("select count(*) from message where external_id like '" + run + "-%'")).isEqualTo(seenExt.size());
    long messages = 0;
    long counted = 0;
    for (Map.Entry<String, Long> e : inquiryOfContact.entrySet()) {
      List<Long> ids = inquiriesOf(channelOf.get(e.getKey()), e.getKey());
      assertThat(ids).as("inquiries of %s", e.getKey()).containsExactly(e.getValue());
      assertThat(string("select status from inquiry where id = " + e.getValue())).isEqualTo("new");
      long id = e.getValue();
      List<Long> messageIds = messageIds(id);
      messages += messageIds.size();
      counted += count("select message_count from inquiry where id = " + id);
      assertEvents(id);
    }
    assertThat(counted).isEqualTo(messages);
    assertThat(messages).isEqualTo(seenExt.size());
  }

  // ---- the latest version against V10: the same random batches, closes, answers and stale threads on both

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {11, 12, 13, 14, 15, 16, 17, 18})
  void randomChatTrafficGivesTheSameEventsAsV10(long seed) throws Exception {
    Random random = new Random(seed);
    String run = uid("d" + seed);
    List<String[]> contacts = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      contacts.add(new String[] {i % 3 == 2 ? "zalo" : "facebook", run + "-p" + i});
    }
    String[] names = {null, null, "An", "Bình"};
    String[] threads = {null, null, null, "post-1", "post-2"};
    Instant t0 = now();
    List<JsonObject> sent = new ArrayList<>();
    int serial = 0;
    for (int b = 0; b < 6; b++) {
      int size = 1 + random.nextInt(60);
      List<JsonObject> batch = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        Instant at = t0.plusSeconds(20L * b).plusMillis(i);
        int pick = random.nextInt(20);
        JsonObject item;
        if (pick < 4 && !sent.isEmpty()) {
          item = sent.get(random.nextInt(sent.size())).copy().put("tracking_code", TrackingCodes.random());
        } else if (pick == 4) {
          item = web(run + "-w" + random.nextInt(3), run + "-m" + serial++, at);
        } else {
          String[] c = contacts.get(random.nextInt(contacts.size()));
          item = chat(c[0], c[1], run + "-m" + serial++, at).put("display_name", names[random.nextInt(names.length)])
              .put("thread_key", threads[random.nextInt(threads.length)])
              .put("phone", random.nextInt(4) == 0 ? "+8490" + random.nextInt(10) : null);
        }
        batch.add(item);
        sent.add(item);
      }
      List<Map<String, String>> got = ingestRows(db, batch);
      List<Map<String, String>> expected = ingestRows(v10, batch);
      for (int i = 0; i < batch.size(); i++) {
        assertThat(got.get(i)).as("seed %d batch %d item %d", seed, b, i).isEqualTo(expected.get(i));
      }
      // what agents and time do between batches, the same on both sides
      List<String> open = strings(db, "select tracking_code from inquiry i join contact c on c.id = i.contact_id where c.address like '" + run
          + "-%' and i.status <> 'closed' order by tracking_code");
      for (int k = random.nextInt(4); k > 0 && !open.isEmpty(); k--) {
        String code = open.remove(random.nextInt(open.size()));
        String change = switch (random.nextInt(4)) {
          case 0 -> "status = 'closed', closed_at = '" + t0 + "'";
          case 1 -> "status = 'answered', first_response_at = '" + t0 + "'";
          case 2 -> "status = 'answered', assignee = 'agent-1', first_response_at = '" + t0 + "'";
          default -> "last_message_at = last_message_at - interval '1 hour'";
        };
        for (Connection c : List.of(db, v10)) {
          execute(c, "update inquiry set " + change + " where tracking_code = '" + code + "'");
        }
      }
    }

    assertThat(snapshot(db, run, false)).as("seed %d: inquiries, messages, contacts", seed).isEqualTo(snapshot(v10, run, false));
    Map<String, String> got = snapshot(db, run, true);
    Map<String, String> expected = snapshot(v10, run, true);
    assertThat(got.keySet()).isEqualTo(expected.keySet());
    for (String code : new TreeSet<>(expected.keySet())) {
      // the first event that differs, so a report names one event rather than the whole log
      List<String> g = List.of(got.get(code).split("\n"));
      List<String> e = List.of(expected.get(code).split("\n"));
      for (int i = 0; i < Math.min(g.size(), e.size()); i++) {
        assertThat(g.get(i)).as("seed %d: inquiry %s event %d of %d (V10 wrote %d)", seed, code, i + 1, g.size(), e.size()).isEqualTo(e.get(i));
      }
      assertThat(g).as("seed %d: events of inquiry %s", seed, code).hasSameSizeAs(e);
    }
    // the comparison above leaves out row ids and write times: each side's own must match its rows
    for (Connection c : List.of(db, v10)) {
      assertThat(count(c, "select count(*) from event e join inquiry i on i.id = e.inquiry_id join contact ct on ct.id = i.contact_id"
          + " where ct.address like '" + run + "-%' and e.type = 'inquiry.created'")).isPositive();
      assertThat(count(c, "select count(*) from event e join inquiry i on i.id = e.inquiry_id join contact ct on ct.id = i.contact_id"
          + " where ct.address like '" + run + "-%' and e.type = 'inquiry.created' and ((e.payload->'inquiry'->>'id')::bigint <> i.id"
          + " or (e.payload->'message'->>'inquiryId')::bigint <> i.id"
          + " or (e.payload->'message'->>'id')::bigint <> (select min(m.id) from message m where m.inquiry_id = i.id)"
          + " or e.payload->'inquiry'->'createdAt' <> to_jsonb(i.created_at) or e.payload->'inquiry'->'updatedAt' <> to_jsonb(i.created_at))"))
          .as("seed %d: inquiry.created payloads whose ids or creation time are not their rows'", seed).isZero();
    }
  }

  /** Result rows by idx, every column but the inquiry id (ids are drawn differently; the tracking code names the inquiry). */
  private static List<Map<String, String>> ingestRows(Connection c, List<JsonObject> batch) throws SQLException {
    JsonArray items = new JsonArray();
    for (int i = 0; i < batch.size(); i++) {
      items.add(batch.get(i).copy().put("idx", i));
    }
    Map<Integer, Map<String, String>> byIdx = new HashMap<>();
    try (PreparedStatement st = c.prepareStatement("select * from hotline_ingest(?::jsonb)")) {
      st.setString(1, items.encode());
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          Map<String, String> row = new LinkedHashMap<>();
          for (String col : List.of("idx", "outcome", "tracking_code", "status", "topic", "priority", "department", "due_at", "created")) {
            row.put(col, rs.getString(col));
          }
          assertThat(byIdx.put(rs.getInt("idx"), row)).as("second result row for item %d", rs.getInt("idx")).isNull();
        }
      }
    }
    List<Map<String, String>> rows = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      assertThat(byIdx).as("result row for item %d", i).containsKey(i);
      rows.add(byIdx.get(i));
    }
    return rows;
  }

  /**
   * A run's inquiries by tracking code (with their contact and messages, in message order), or their
   * events in seq order, minus what differs by construction: row ids and the wall-clock times of the write.
   */
  private static Map<String, String> snapshot(Connection c, String run, boolean events) throws SQLException {
    String sql = events
        ? "select i.tracking_code, string_agg(e.type || ' ' || e.payload::text, E'\\n' order by e.seq) from inquiry i join contact c on c.id = i.contact_id "
            + "join event e on e.inquiry_id = i.id where c.address like ? group by i.tracking_code"
        : "select i.tracking_code, concat_ws(' | ', i.channel, c.address, c.display_name, c.phone, i.thread_key, i.status, i.assignee, "
            + "i.message_count, i.version, i.last_message_at, i.due_at, i.reopened_at, i.deadline_warned_at, i.subject, "
            + "(select string_agg(m.external_id || ':' || m.received_at || ':' || coalesce(m.facts::text, ''), ',' order by m.id) "
            + "from message m where m.inquiry_id = i.id)) from inquiry i join contact c on c.id = i.contact_id where c.address like ?";
    Map<String, String> out = new HashMap<>();
    try (PreparedStatement st = c.prepareStatement(sql)) {
      st.setString(1, run + "-%");
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), events ? withoutIds(rs.getString(2)) : rs.getString(2));
        }
      }
    }
    assertThat(out).isNotEmpty();
    return out;
  }

  private static String withoutIds(String events) {
    StringBuilder sb = new StringBuilder();
    for (String line : events.split("\n")) {
      int space = line.indexOf(' ');
      sb.append(line, 0, space).append(' ').append(strip(new JsonObject(line.substring(space + 1))).encode()).append('\n');
    }
    return sb.toString();
  }

  private static JsonObject strip(JsonObject o) {
    JsonObject out = new JsonObject();
    for (String key : o.fieldNames()) {
      if (List.of("id", "inquiryId", "createdAt", "updatedAt").contains(key)) {
        continue;
      }
      Object v = o.getValue(key);
      out.put(key, v instanceof JsonObject j ? strip(j) : v);
    }
    return out;
  }

  /**
   * An inquiry's events (no reopen), as V10 wrote them: one inquiry.created carrying the first
   * message (messageCount 1), then one message.created per later message, in message order.
   */
  private static void assertEvents(long id) throws SQLException {
    List<Long> messages = messageIds(id);
    List<Event> events = events(id);
    List<String> expected = new ArrayList<>(List.of("inquiry.created"));
    expected.addAll(Collections.nCopies(messages.size() - 1, "message.created"));
    assertThat(events).as("event types of inquiry %d", id).extracting(Event::type).containsExactlyElementsOf(expected);
    JsonObject first = events.get(0).payload();
    assertThat(first.getJsonObject("message").getLong("id")).isEqualTo(messages.get(0));
    assertThat(first.getJsonObject("inquiry").getInteger("messageCount")).isEqualTo(1);
    assertThat(events.subList(1, events.size())).as("message.created of inquiry %d, in seq order", id)
        .extracting(ev -> ev.payload().getJsonObject("message").getLong("id")).containsExactlyElementsOf(messages.subList(1, messages.size()));
  }

  // ---- concurrent batches: the other writer slot, or another replica

  @Test
  void aConcurrentBatchWithTheSameSenderWaitsAndJoinsTheInquiryTheFirstOpened() throws Exception {
    String p = uid("psid");
    Instant t = now();
    try (Connection a = DriverManager.getConnection(endpoint.jdbcUrl(), endpoint.user(), endpoint.password());
        Connection b = DriverManager.getConnection(endpoint.jdbcUrl(), endpoint.user(), endpoint.password())) {
      a.setAutoCommit(false);
      List<Result> first = ingest(a, List.of(chat("zalo", p, uid("m"), t)));   // not committed yet
      var second = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          return ingest(b, List.of(chat("zalo", p, uid("m"), t.plusSeconds(1)), chat("zalo", uid("psid"), uid("m"), t)));
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      Thread.sleep(500);
      assertThat(second).as("the second batch waits for the first one's commit").isNotDone();
      a.commit();
      List<Result> rows = second.get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(first.get(0).created()).isTrue();
      assertThat(rows.get(0).created()).as("joined, not a second inquiry").isFalse();
      assertThat(rows.get(0).inquiryId()).isEqualTo(first.get(0).inquiryId());
      assertThat(rows.get(1).created()).isTrue();
      assertThat(count("select count(*) from inquiry i join contact c on c.id = i.contact_id where c.address = '" + p + "'"))
          .isEqualTo(1);
      assertEvents(first.get(0).inquiryId());
    }
  }

  // ---- helpers

  record Result(int idx, String outcome, long inquiryId, String trackingCode, String status, boolean created) {}

  record Event(long seq, String type, JsonObject payload) {}

  /** Postgres keeps microseconds: a time that survives the round trip unchanged. */
  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }

  private static String uid(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }

  private static String ext(List<JsonObject> batch, int idx) {
    return batch.get(idx).getString("external_id");
  }

  /** A chat item as SubmissionEncoder writes it for a Facebook or Zalo message (threaded, 30 min window). */
  private static JsonObject chat(String channel, String address, String externalId, Instant at) {
    return item(channel, address, externalId, at, false, WINDOW);
  }

  /** A web form: always a new inquiry. */
  private static JsonObject web(String token, String externalId, Instant at) {
    return item("web", token, externalId, at, true, 0).put("subject", "Đơn thư").put("phone", "+84912345678");
  }

  private static JsonObject item(String channel, String address, String externalId, Instant at, boolean newThread, int window) {
    JsonObject o = new JsonObject();
    o.put("channel", channel).put("external_id", externalId).put("received_at", at.toString()).put("address", address)
        .put("display_name", null).put("phone", null).put("email", null).put("thread_key", null).put("new_thread", newThread)
        .put("window_seconds", window).put("district", null).put("subject", null).put("body", "xin chào " + externalId)
        .put("raw", "{}").put("topic", "other").put("priority", "normal").put("department", "general")
        .put("due_at", at.plusSeconds(86_400).toString()).put("tracking_code", TrackingCodes.random());
    return o;
  }

  /** One writer batch; rows come back sorted by idx, one per item. */
  private static List<Result> ingest(List<JsonObject> batch) throws SQLException {
    return ingest(db, batch);
  }

  private static List<Result> ingest(Connection c, List<JsonObject> batch) throws SQLException {
    JsonArray items = new JsonArray();
    for (int i = 0; i < batch.size(); i++) {
      items.add(batch.get(i).copy().put("idx", i));
    }
    Map<Integer, Result> byIdx = new LinkedHashMap<>();
    try (PreparedStatement st = c.prepareStatement("select * from hotline_ingest(?::jsonb)")) {
      st.setString(1, items.encode());
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          Result r = new Result(rs.getInt("idx"), rs.getString("outcome"), rs.getLong("inquiry_id"), rs.getString("tracking_code"),
              rs.getString("status"), rs.getBoolean("created"));
          assertThat(byIdx.put(r.idx(), r)).as("second result row for item %d", r.idx()).isNull();
        }
      }
    }
    List<Result> rows = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      assertThat(byIdx).as("result row for item %d", i).containsKey(i);
      rows.add(byIdx.get(i));
    }
    assertThat(byIdx).hasSize(batch.size());
    return rows;
  }

  private static List<Event> events(long inquiryId) throws SQLException {
    List<Event> events = new ArrayList<>();
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("select seq, type, payload from event where inquiry_id = " + inquiryId + " order by seq")) {
      while (rs.next()) {
        events.add(new Event(rs.getLong(1), rs.getString(2), new JsonObject(rs.getString(3))));
      }
    }
    return events;
  }

  private static List<Long> inquiriesOf(String channel, String address) throws SQLException {
    return longs("select i.id from inquiry i join contact c on c.id = i.contact_id where c.channel = '" + channel + "' and c.address = '"
        + address + "' order by i.id");
  }

  private static List<Long> messageIds(long inquiryId) throws SQLException {
    return longs("select id from message where inquiry_id = " + inquiryId + " order by id");
  }

  private static List<String> externalIds(long inquiryId) throws SQLException {
    return strings(db, "select external_id from message where inquiry_id = " + inquiryId + " order by id");
  }

  private static List<Long> longs(String sql) throws SQLException {
    List<Long> out = new ArrayList<>();
    try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getLong(1));
      }
    }
    return out;
  }

  private static long count(String sql) throws SQLException {
    return count(db, sql);
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      assertThat(rs.next()).as(sql).isTrue();
      return rs.getLong(1);
    }
  }

  private static String string(String sql) throws SQLException {
    return string(db, sql);
  }

  private static String string(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private static List<String> strings(Connection c, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static Instant instant(String sql) throws SQLException {
    try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getObject(1, OffsetDateTime.class).toInstant();
    }
  }

  private static void execute(String sql) throws SQLException {
    execute(db, sql);
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }
}
