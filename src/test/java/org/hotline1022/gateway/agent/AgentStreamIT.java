package org.hotline1022.gateway.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hotline1022.gateway.app.TestGateway;
import org.hotline1022.gateway.support.AgentClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Agents on /agent/ws against a real gateway and Postgres: live events, replay, scope, lag. */
class AgentStreamIT {
  @TempDir
  static Path dataDir;
  static TestGateway gw;

  @BeforeAll
  static void start() {
    gw = TestGateway.start(dataDir, Map.of("HOTLINE_AGENTS_WRITE_QUEUE_BYTES", "131072"));
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  private static AgentClient operator() {
    return AgentClient.connect(gw.vertx, gw.port(), gw.token("op-1", "operator", null));
  }

  @Test
  void anAgentConnectedBeforeAPostReceivesInquiryCreatedWithinASecond() {
    try (AgentClient agent = operator()) {
      JsonObject hello = agent.next("hello");
      assertThat(hello.getJsonObject("agent").getString("sub")).isEqualTo("op-1");
      agent.answer(agent.send(new JsonObject().put("op", "subscribe")));

      long posted = System.nanoTime();
      String code = gw.post("Tôi bị sốt và ho, có cần đi xét nghiệm không?");
      JsonObject event = agent.next(f -> "inquiry.created".equals(f.getString("type"))
          && code.equals(f.getJsonObject("inquiry").getString("trackingCode")), Duration.ofSeconds(1));
      assertThat(System.nanoTime() - posted).isLessThan(Duration.ofSeconds(1).toNanos());
      assertThat(event.getLong("seq")).isPositive();
      assertThat(event.getString("at")).isNotBlank();
      assertThat(event.getJsonObject("message").getString("text")).isEqualTo("Tôi bị sốt và ho, có cần đi xét nghiệm không?");
    }
  }

  @Test
  void anAgentThatMisses500EventsGetsExactlyThoseInOrderWithSince() {
    long since;
    try (AgentClient agent = operator()) {
      agent.answer(agent.send(new JsonObject().put("op", "subscribe")));
      String code = gw.post("trước khi mất kết nối");
      since = agent.next(f -> "inquiry.created".equals(f.getString("type"))
          && code.equals(f.getJsonObject("inquiry").getString("trackingCode")), Duration.ofSeconds(5)).getLong("seq");
    }
    // while disconnected: 500 events
    List<Future<?>> posts = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      posts.add(gw.http.post("/api/v1/web/inquiries").putHeader("Content-Type", "application/json")
          .sendBuffer(new JsonObject().put("text", "sự kiện bị lỡ số " + i).toBuffer()));
    }
    Future.all(posts).await();
    List<Long> expected = new ArrayList<>();
    gw.sql().query("select seq from event where seq > " + since + " order by seq").execute().await()
        .forEach(r -> expected.add(r.getLong(0)));
    assertThat(expected).hasSize(500);

    try (AgentClient agent = operator()) {
      agent.answer(agent.send(new JsonObject().put("op", "subscribe").put("since", since)));
      List<JsonObject> replayed = agent.events(500, Duration.ofSeconds(20));
      assertThat(replayed.stream().map(f -> f.getLong("seq")).toList()).isEqualTo(expected);
      assertThat(agent.next("replay.done").getLong("seq")).isEqualTo(expected.get(499));
      // live continues after the replay, with no duplicate
      String after = gw.post("sau khi kết nối lại");
      JsonObject next = agent.next(f -> f.containsKey("seq") && f.getString("type").contains("."), Duration.ofSeconds(5));
      assertThat(next.getJsonObject("inquiry").getString("trackingCode")).isEqualTo(after);
      assertThat(next.getLong("seq")).isGreaterThan(expected.get(499));
    }
  }

  @Test
  void anOfficerNeverReceivesAnotherDepartmentsInquiry() {
    try (AgentClient officer = AgentClient.connect(gw.vertx, gw.port(), gw.token("of-syt", "officer", "SYT"));
        AgentClient operator = operator()) {
      officer.answer(officer.send(new JsonObject().put("op", "subscribe")));
      operator.answer(operator.send(new JsonObject().put("op", "subscribe")));
      String police = gw.post("Có nhóm thanh niên đánh nhau, gây rối trật tự trước cổng chợ, đề nghị công an xử lý");
      String health = gw.post("Bệnh viện huyện có khám bảo hiểm y tế vào thứ bảy không?");

      List<JsonObject> seenByOperator = operator.events(2, Duration.ofSeconds(5));
      assertThat(seenByOperator).extracting(f -> f.getJsonObject("inquiry").getString("trackingCode")).containsExactly(police, health);
      assertThat(seenByOperator.get(0).getJsonObject("inquiry").getString("department")).isEqualTo("CA");
      assertThat(seenByOperator.get(1).getJsonObject("inquiry").getString("department")).isEqualTo("SYT");

      List<JsonObject> seenByOfficer = officer.events(2, Duration.ofSeconds(2));
      assertThat(seenByOfficer).extracting(f -> f.getJsonObject("inquiry").getString("trackingCode")).containsExactly(health);

      // nor through a replay, nor through REST
      try (AgentClient again = AgentClient.connect(gw.vertx, gw.port(), gw.token("of-syt", "officer", "SYT"))) {
        again.answer(again.send(new JsonObject().put("op", "subscribe").put("since", seenByOperator.get(0).getLong("seq") - 1)));
        List<JsonObject> replay = again.events(2, Duration.ofSeconds(2));
        assertThat(replay).extracting(f -> f.getJsonObject("inquiry").getString("trackingCode")).containsExactly(health);
      }
      var rest = gw.http.get("/api/v1/inquiries/" + police).putHeader("Authorization", "Bearer " + gw.token("of-syt", "officer", "SYT"))
          .send().await();
      assertThat(rest.statusCode()).isEqualTo(404);
    }
  }

  @Test
  void aStalledClientIsToldItLaggedWithoutDelayingOthers() throws Exception {
    AgentClient stalled = operator();
    AgentClient healthy = operator();
    try {
      stalled.answer(stalled.send(new JsonObject().put("op", "subscribe")));
      long from = healthy.answer(healthy.send(new JsonObject().put("op", "subscribe"))).getLong("seq");
      stalled.ws.pause(); // reads nothing from now on: the server's write queue for it fills up

      String big = "Xin hỏi về chính sách hỗ trợ người lao động. ".repeat(90);
      List<Future<?>> posts = new ArrayList<>();
      for (int i = 0; i < 1500; i++) {
        posts.add(gw.http.post("/api/v1/web/inquiries").putHeader("Content-Type", "application/json")
            .sendBuffer(new JsonObject().put("text", big + i).toBuffer()));
      }
      Future.all(posts).await();
      long done = System.nanoTime();

      // the healthy agent gets all 1,500, in order, without duplicates; should it itself fall behind
      // in a burst on a busy machine, it does what a real client does: reconnect with since
      List<Long> seqs = new ArrayList<>();
      long last = from;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (seqs.size() < 1500 && System.nanoTime() < deadline) {
        JsonObject f = healthy.frames.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
        if (f == null) {
          if (healthy.isClosed()) {
            healthy.close();
            healthy = operator();
            healthy.answer(healthy.send(new JsonObject().put("op", "subscribe").put("since", last)));
          }
          continue;
        }
        if ("inquiry.created".equals(f.getString("type"))) {
          assertThat(f.getLong("seq")).isGreaterThan(last);
          last = f.getLong("seq");
          seqs.add(last);
        }
      }
      long caughtUp = System.nanoTime();
      assertThat(seqs).hasSize(1500);
      assertThat(Duration.ofNanos(caughtUp - done)).isLessThan(Duration.ofSeconds(10));

      stalled.ws.resume();
      JsonObject lagged = stalled.next("lagged");
      assertThat(lagged.getLong("seq")).isPositive();
      long closeBy = System.currentTimeMillis() + 10_000;
      while (!stalled.isClosed() && System.currentTimeMillis() < closeBy) {
        Thread.sleep(50);
      }
      assertThat(stalled.isClosed()).isTrue();
    } finally {
      stalled.close();
      healthy.close();
    }
  }

  @Test
  void commandsChangeTheInquiryAndEveryAgentSeesTheChange() {
    try (AgentClient agent = operator(); AgentClient watcher = operator()) {
      watcher.answer(watcher.send(new JsonObject().put("op", "subscribe")));
      String code = gw.post("Đề nghị hỗ trợ gạo cho hộ nghèo ở xã bị lũ cô lập");

      JsonObject claim = agent.answer(agent.send(new JsonObject().put("op", "claim").put("trackingCode", code)));
      assertThat(claim.getString("type")).isEqualTo("ack");
      assertThat(claim.getJsonObject("inquiry").getString("status")).isEqualTo("assigned");
      assertThat(claim.getJsonObject("inquiry").getString("assignee")).isEqualTo("op-1");

      JsonObject note = agent.answer(agent.send(new JsonObject().put("op", "note").put("trackingCode", code).put("text", "đã gọi xã")));
      assertThat(note.getString("type")).isEqualTo("ack");

      JsonObject reply = agent.answer(agent.send(new JsonObject().put("op", "reply").put("trackingCode", code)
          .put("text", "Xã đã nhận thông tin và sẽ cấp gạo trong hôm nay.")));
      assertThat(reply.getJsonObject("inquiry").getString("status")).isEqualTo("answered");
      assertThat(reply.getJsonObject("inquiry").getString("firstResponseAt")).isNotNull();

      String before = claim.getJsonObject("inquiry").getString("department");
      String target = before.equals("CA") ? "MTTQ" : "CA";
      JsonObject transfer = agent.answer(agent.send(new JsonObject().put("op", "transfer").put("trackingCode", code).put("department", target)));
      assertThat(transfer.getJsonObject("inquiry").getString("department")).isEqualTo(target);
      assertThat(transfer.getJsonObject("inquiry").getString("status")).isEqualTo("transferred");
      JsonObject badDept = agent.answer(agent.send(new JsonObject().put("op", "transfer").put("trackingCode", code).put("department", "NOPE")));
      assertThat(badDept.getString("code")).isEqualTo("bad_request");

      JsonObject update = agent.answer(agent.send(new JsonObject().put("op", "update").put("trackingCode", code).put("priority", "urgent")));
      assertThat(update.getJsonObject("inquiry").getString("priority")).isEqualTo("urgent");

      JsonObject close = agent.answer(agent.send(new JsonObject().put("op", "close").put("trackingCode", code)));
      assertThat(close.getJsonObject("inquiry").getString("status")).isEqualTo("closed");
      JsonObject late = agent.answer(agent.send(new JsonObject().put("op", "reply").put("trackingCode", code).put("text", "x")));
      assertThat(late.getString("code")).isEqualTo("conflict");
      JsonObject unknown = agent.answer(agent.send(new JsonObject().put("op", "claim").put("trackingCode", "1022-ZZZZ-ZZZZ")));
      assertThat(unknown.getString("code")).isEqualTo("not_found");
      JsonObject ping = agent.answer(agent.send(new JsonObject().put("op", "ping")));
      assertThat(ping.getString("type")).isEqualTo("ack");

      // the watcher saw the whole story, in order
      List<JsonObject> all = watcher.events(8, Duration.ofSeconds(5));
      assertThat(all).filteredOn(f -> "reply.sent".equals(f.getString("type"))).singleElement()
          .satisfies(f -> assertThat(f.getString("trackingCode")).isEqualTo(code));
      List<JsonObject> story = all.stream().filter(f -> !f.getString("type").startsWith("reply.")).toList();
      assertThat(story).extracting(f -> f.getString("type")).containsExactly("inquiry.created", "inquiry.updated", "message.created",
          "message.created", "inquiry.updated", "inquiry.updated", "inquiry.updated");
      assertThat(story.get(2).getJsonObject("message").getString("direction")).isEqualTo("note");
      assertThat(story.get(3).getJsonObject("message").getString("direction")).isEqualTo("out");
      assertThat(story.get(4).getJsonObject("change").getJsonObject("from").getString("department")).isEqualTo(before);
      assertThat(story.get(4).getJsonObject("change").getJsonObject("to").getString("department")).isEqualTo(target);
      assertThat(story.get(4).getString("by")).isEqualTo("op-1");

      // the citizen sees the answer, never the note
      JsonObject citizen = gw.http.get("/api/v1/web/inquiries/" + code).send().await().bodyAsJsonObject();
      assertThat(citizen.getJsonArray("answers")).hasSize(1);
      assertThat(citizen.getJsonArray("answers").getJsonObject(0).getString("text")).isEqualTo("Xã đã nhận thông tin và sẽ cấp gạo trong hôm nay.");
      assertThat(citizen.getString("status")).isEqualTo("closed");
      assertThat(citizen.encode()).doesNotContain("đã gọi xã");
    }
  }

  @Test
  void restListsSearchesWithoutDiacriticsAndRunsCommands() {
    String code = gw.post("Con tôi bị khó thở, môi tím tái, cần cấp cứu gấp ở phường Đông Thọ");
    String token = gw.token("sup-1", "supervisor", null);
    var found = gw.http.get("/api/v1/inquiries").addQueryParam("q", "kho tho moi tim").putHeader("Authorization", "Bearer " + token)
        .send().await();
    assertThat(found.statusCode()).isEqualTo(200);
    JsonArray items = found.bodyAsJsonObject().getJsonArray("items");
    assertThat(items).isNotEmpty();
    assertThat(items.getJsonObject(0).getString("trackingCode")).isEqualTo(code);
    assertThat(items.getJsonObject(0).getString("priority")).isEqualTo("urgent");

    var dong = gw.http.get("/api/v1/inquiries").addQueryParam("q", "dong tho").putHeader("Authorization", "Bearer " + token).send().await();
    assertThat(dong.bodyAsJsonObject().getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("trackingCode"))).contains(code);

    var urgentFirst = gw.http.get("/api/v1/inquiries?status=new&limit=5").putHeader("Authorization", "Bearer " + token).send().await();
    assertThat(urgentFirst.bodyAsJsonObject().getJsonArray("items").getJsonObject(0).getString("priority")).isEqualTo("urgent");

    var claim = gw.http.post("/api/v1/inquiries/" + code.toLowerCase() + "/claim").putHeader("Authorization", "Bearer " + token).send().await();
    assertThat(claim.statusCode()).isEqualTo(200);
    assertThat(claim.bodyAsJsonObject().getJsonObject("inquiry").getString("assignee")).isEqualTo("sup-1");

    var one = gw.http.get("/api/v1/inquiries/" + code).putHeader("Authorization", "Bearer " + token).send().await();
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(one.bodyAsJsonObject().getJsonArray("messages")).hasSize(1);
    assertThat(one.bodyAsJsonObject().getJsonArray("events")).extracting(e -> ((JsonObject) e).getString("type"))
        .containsExactly("inquiry.created", "inquiry.updated");

    var bad = gw.http.post("/api/v1/inquiries/" + code + "/update").putHeader("Authorization", "Bearer " + token)
        .sendJsonObject(new JsonObject().put("topic", "astrology")).await();
    assertThat(bad.statusCode()).isEqualTo(400);
  }
}
