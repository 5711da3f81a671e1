package org.hotline1022.gateway.adapter.sip;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.hotline1022.gateway.app.TestGateway;
import org.hotline1022.gateway.support.AgentClient;
import org.hotline1022.gateway.support.Eventually;
import org.hotline1022.gateway.support.Ports;
import org.hotline1022.gateway.support.Sipp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sip.md §8 items B1–B3 and C1–C7 end to end: sipp as the PBX against a whole gateway (embedded
 * Postgres), asserting the stored call rows and callback inquiries and the call events an agent
 * receives, not only sipp's exit code. Counts are reduced (the bench runs the full ones); timers are
 * short (T1 100 ms: Timer H 6.4 s) and the intake rings 2.5 s before answering busy.
 */
class SipGatewayIT {
  @TempDir
  static Path dir;
  static TestGateway gw;
  static int sip;
  static int pbx;
  AgentClient agent;

  @BeforeAll
  static void start() {
    Sipp.assumeInstalled();
    pbx = Ports.free();
    gw = TestGateway.start(dir.resolve("data"), Map.of("HOTLINE_PHONE_SIP_T1_MS", "100", "HOTLINE_PHONE_SIP_T2_MS", "400",
        "HOTLINE_PHONE_SIP_T4_MS", "500", "HOTLINE_PHONE_SIP_RING_MS", "2500", "HOTLINE_PHONE_SIP_RESUBSCRIBE_SECONDS", "1",
        "HOTLINE_PHONE_SIP_SUBSCRIPTIONS", "sip:1022@127.0.0.1:" + pbx));
    sip = gw.config.sip().port();
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  @BeforeEach
  void connect() {
    agent = AgentClient.connect(gw.vertx, gw.port(), gw.token("op-sip", "operator", null));
    agent.answer(agent.send(new JsonObject().put("op", "subscribe")));
  }

  @AfterEach
  void disconnect() {
    agent.close();
  }

  /** A caller file of distinct numbers (09xx xxx xxx), so each missed call is its own callback inquiry. */
  static String callers(String name, int first, int n) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, "SEQUENTIAL\n" + IntStream.range(first, first + n)
        .mapToObj(i -> String.format("09%08d;Nguoi goi %d", i, i)).collect(Collectors.joining("\n")) + "\n");
    return f.toString();
  }

  private static long count(String sql, Object... params) {
    return gw.sql().preparedQuery(sql).execute(Tuple.from(params)).await().iterator().next().getLong(0);
  }

  private static Row call(String callId) {
    var rows = gw.sql().preparedQuery("select * from phone_call where call_id = $1").execute(Tuple.of(callId)).await();
    return rows.size() == 0 ? null : rows.iterator().next();
  }

  /**
   * The call ids per call event type the agent received for calls whose id contains {@code marker},
   * read until every type in {@code want} has that many calls (or the wait is over).
   */
  private Map<String, Set<String>> events(String marker, Map<String, Integer> want, Duration wait) {
    Map<String, Set<String>> seen = new java.util.HashMap<>();
    long end = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < end && !want.entrySet().stream()
        .allMatch(w -> seen.getOrDefault(w.getKey(), Set.of()).size() >= w.getValue())) {
      JsonObject f = agent.frames.poll();
      if (f == null) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      } else if (f.getString("type", "").startsWith("call.") && f.getString("callId", "").contains(marker)) {
        seen.computeIfAbsent(f.getString("type"), k -> new java.util.HashSet<>()).add(f.getString("callId"));
      }
    }
    return seen;
  }

  private void overflow(String transport, String callersFile, int calls) throws Exception {
    Sipp.Result r = Sipp.scenario("pbx_uac_overflow.xml").to("127.0.0.1", sip).transport(transport).inf(callersFile).calls(calls)
        .rate(50).limit(500).timeout(Duration.ofSeconds(60)).run();
    assertThat(r.exit()).as(r.describe()).isZero();
    assertThat(r.successful()).isEqualTo(calls);
    assertThat(r.count("_486_Retrans")).as("every 486 ACKed at once: none retransmitted").isZero();
  }

  @Test
  void c1OptionsOverUdpAndTcp() {
    for (String t : new String[] {"u1", "t1"}) {
      Sipp.Result r = Sipp.scenario("pbx_options.xml").to("127.0.0.1", sip).transport(t).calls(1).timeout(Duration.ofSeconds(10)).run();
      assertThat(r.exit()).as(r.describe()).isZero();
    }
    assertThat(count("select count(*) from phone_call where call_id like '%opt%'")).isZero();
  }

  @Test
  void c2MissedOverflowCallsBecomeCallbackInquiriesAndAgentsSeeThem() throws Exception {
    int n = 100;
    long before = count("select count(*) from inquiry where channel = 'phone' and status = 'callback'");
    overflow("u1", callers("c2.csv", 12_000_000, n), n);
    Eventually.until(Duration.ofSeconds(20), n + " overflow rows ended busy", () -> count(
        "select count(*) from phone_call where 'overflow' = any(sources) and state = 'ended' and cause = 'busy' and caller like '+84912%'")
        == n);
    assertThat(count("select count(*) from inquiry where channel = 'phone' and status = 'callback'") - before).isEqualTo(n);
    assertThat(count("select count(distinct inquiry_id) from phone_call where caller like '+84912%' and 'overflow' = any(sources)"))
        .isEqualTo(n);
    Map<String, Set<String>> ev = events("@127.0.0.1", Map.of("call.offered", n, "call.ringing", n, "call.ended", n),
        Duration.ofSeconds(20));
    assertThat(ev.get("call.offered")).hasSize(n);
    assertThat(ev.get("call.ringing")).hasSize(n);
    assertThat(ev.get("call.ended")).hasSize(n);
  }

  @Test
  void c6OverflowOverTcp() throws Exception {
    int n = 30;
    overflow("t1", callers("c6.csv", 16_000_000, n), n);
    Eventually.until(Duration.ofSeconds(20), "tcp rows", () -> count(
        "select count(*) from phone_call where state = 'ended' and cause = 'busy' and caller like '+84916%'") == n);
    assertThat(count("select count(*) from inquiry i join contact c on c.id = i.contact_id where c.address like '+84916%'"
        + " and i.status = 'callback'")).isEqualTo(n);
  }

  @Test
  void c3AbandonedWhileRingingIsACallbackWithItsRingTime() throws Exception {
    int n = 20;
    Sipp.Result r = Sipp.scenario("pbx_uac_abandon.xml").to("127.0.0.1", sip).inf(callers("c3.csv", 13_000_000, n)).calls(n).rate(10)
        .timeout(Duration.ofSeconds(30)).run();
    assertThat(r.exit()).as(r.describe()).isZero();
    Eventually.until(Duration.ofSeconds(20), "abandoned rows", () -> count(
        "select count(*) from phone_call where cause = 'cancel' and caller like '+84913%'") == n);
    assertThat(count("select count(*) from phone_call where caller like '+84913%' and ring_ms between 1300 and 3000")).isEqualTo(n);
    assertThat(count("select count(*) from inquiry i join contact c on c.id = i.contact_id where c.address like '+84913%'"
        + " and i.status = 'callback'")).isEqualTo(n);
    Map<String, Set<String>> ev = events("@127.0.0.1", Map.of("call.ended", n), Duration.ofSeconds(20));
    assertThat(ev.get("call.ended")).hasSize(n);
  }

  @Test
  void c4RetransmittedInviteIsStoredOnce() throws Exception {
    int n = 10;
    Sipp.Result r = Sipp.scenario("pbx_uac_overflow_retrans.xml").to("127.0.0.1", sip).inf(callers("c4.csv", 14_000_000, n)).calls(n)
        .rate(10).timeout(Duration.ofSeconds(30)).run();
    assertThat(r.exit()).as(r.describe()).isZero();
    Eventually.until(Duration.ofSeconds(20), "rows", () -> count(
        "select count(*) from phone_call where state = 'ended' and caller like '+84914%'") == n);
    // one call row, one inquiry and exactly three call events per call despite the second INVITE
    assertThat(count("select count(*) from event e where e.type like 'call.%' and e.payload->>'callId' in "
        + "(select call_id from phone_call where caller like '+84914%')")).isEqualTo(3L * n);
    assertThat(count("select count(*) from inquiry i join contact c on c.id = i.contact_id where c.address like '+84914%'")).isEqualTo(n);
  }

  @Test
  void c4NoAckTheBusyAnswerIsRetransmittedUntilTimerH() throws Exception {
    Sipp.Result r = Sipp.scenario("pbx_uac_overflow_noack.xml").to("127.0.0.1", sip).inf(callers("c4n.csv", 14_500_000, 1)).calls(1)
        .timeout(Duration.ofSeconds(25)).run();
    assertThat(r.exit()).as(r.describe()).isZero();
    // Timer G: +100, 300, 700, 1100, ... ms until Timer H at 6.4 s: 16 copies, then silence
    assertThat(r.count("_486_Retrans")).isBetween(14L, 17L);
    assertThat(count("select count(*) from phone_call where caller = '+84914500000' and cause = 'busy'")).isEqualTo(1);
  }

  @Test
  void c5AnswersGoToTheSourcePortWithRportAndReceived() throws Exception {
    Sipp s = Sipp.scenario("pbx_uac_overflow_rport.xml").to("127.0.0.1", sip).inf(callers("c5.csv", 15_000_000, 1)).calls(1)
        .arg("-trace_logs", "-log_file", "logs.log").timeout(Duration.ofSeconds(15));
    Sipp.Result r = s.run();
    assertThat(r.exit()).as(r.describe()).isZero();
    assertThat(Files.readString(r.dir().resolve("logs.log"))).contains("rport=" + s.localPort()).contains("received=received=127.0.0.1")
        .contains("second=10.9.9.9:5070");
    Eventually.until(Duration.ofSeconds(10), "row", () -> count("select count(*) from phone_call where caller = '+84915000000'") == 1);
  }

  @Test
  void c7StrayByeAndCancelGet481AndStoreNothing() {
    long calls = count("select count(*) from phone_call");
    Sipp.Result r = Sipp.scenario("pbx_stray_bye_cancel.xml").to("127.0.0.1", sip).calls(3).rate(10).timeout(Duration.ofSeconds(10)).run();
    assertThat(r.exit()).as(r.describe()).isZero();
    assertThat(r.successful()).isEqualTo(3);
    assertThat(count("select count(*) from phone_call")).isEqualTo(calls);
  }

  @Test
  void b1SubscriptionFeedsAgentsAndTheGatewayResubscribesAfterTerminated() throws Exception {
    Sipp.Running notifier = Sipp.scenario("pbx_notifier_dialog.xml").localPort(pbx).calls(1).timeout(Duration.ofSeconds(30)).start();
    Sipp.Result r = notifier.await();
    assertThat(r.exit()).as(r.describe()).isZero();
    String callId = "c1-" + notifier.pid() + "@pbx";
    Map<String, Set<String>> ev = events(callId, Map.of("call.offered", 1, "call.ringing", 1, "call.answered", 1, "call.ended", 1),
        Duration.ofSeconds(15));
    assertThat(ev.keySet()).containsExactlyInAnyOrder("call.offered", "call.ringing", "call.answered", "call.ended");
    Row row = call(callId);
    assertThat(row.getString("state")).isEqualTo("ended");
    assertThat(row.getString("cause")).isEqualTo("normalClearing");
    assertThat(row.getString("agent")).isEqualTo("agent07");
    assertThat(row.getString("caller")).isEqualTo("+84912345678");
    assertThat(row.getString("caller_name")).isEqualTo("Nguyen Van A");
    assertThat(row.getArrayOfStrings("sources")).containsExactly("dialog");
    assertThat(count("select count(*) from inquiry where id = $1 and status = 'new'", row.getLong("inquiry_id"))).isEqualTo(1);
    // 'terminated;reason=noresource': the gateway subscribes again (resubscribeSeconds = 1)
    Sipp.Result again = Sipp.scenario("pbx_notifier_dialog.xml").localPort(pbx).calls(1).timeout(Duration.ofSeconds(15)).run();
    assertThat(again.exit()).as("second SUBSCRIBE: " + again.describe()).isZero();
  }

  @Test
  void b2StaleVersionIgnoredAndUnknownNotifyBadEventUnknownEtagRefused() throws Exception {
    Sipp.Result neg = Sipp.scenario("pbx_dialog_negatives.xml").to("127.0.0.1", sip).calls(2).rate(10).timeout(Duration.ofSeconds(10))
        .run();
    assertThat(neg.exit()).as("481, 489, 412: " + neg.describe()).isZero();
    assertThat(count("select count(*) from phone_call where call_id like 'x%@pbx'")).isZero();
    // B1 may still hold the notifier port's subscription: wait for the gateway's next SUBSCRIBE
    Sipp.Running notifier = Sipp.scenario("pbx_notifier_dialog_stale.xml").localPort(pbx).calls(1).timeout(Duration.ofSeconds(30))
        .start();
    Sipp.Result r = notifier.await();
    assertThat(r.exit()).as(r.describe()).isZero();
    String callId = "c1-" + notifier.pid() + "@pbx";
    Eventually.until(Duration.ofSeconds(10), "row", () -> call(callId) != null && "ended".equals(call(callId).getString("state")));
    Row row = call(callId);
    assertThat(row.getString("cause")).isEqualTo("cancel");
    assertThat(row.getValue("answered_at")).as("the stale 'confirmed' was ignored").isNull();
    assertThat(count("select count(*) from event where type = 'call.answered' and payload->>'callId' = $1", callId)).isZero();
  }

  @Test
  void b3PublishLoadStoresEveryTimeline() throws Exception {
    int n = 200;
    Sipp.Result r = Sipp.scenario("pbx_publish_dialog.xml").to("127.0.0.1", sip).inf(callers("b3.csv", 17_000_000, n)).calls(n)
        .rate(100).limit(500).timeout(Duration.ofSeconds(60)).run();
    assertThat(r.exit()).as(r.describe()).isZero();
    assertThat(r.count("_200_Recv")).isEqualTo(3L * n);
    Eventually.until(Duration.ofSeconds(20), n + " timelines", () -> count(
        "select count(*) from phone_call where caller like '+84917%' and state = 'ended' and cause = 'normalClearing'"
            + " and answered_at is not null and agent = 'agent07'") == n);
    assertThat(count("select count(*) from inquiry i join contact c on c.id = i.contact_id where c.address like '+84917%'"
        + " and i.status = 'new'")).isEqualTo(n);
  }
}
