package org.hotline1022.gateway.adapter.sip.hep;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hotline1022.gateway.app.TestGateway;
import org.hotline1022.gateway.support.AgentClient;
import org.hotline1022.gateway.support.Eventually;
import org.hotline1022.gateway.support.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sip.md §8 A2 and A3: sipp calls through a real Kamailio proxy that mirrors every message as HEP3
 * to the gateway (13 packets per call for one hop); asserts the stored call rows, the inquiries and
 * the call events an agent receives. Kamailio runs in the foreground with its own runtime dir and
 * pid file on random ports, never on 5060, and is stopped by PID at the end.
 */
class HepKamailioIT {
  @TempDir
  static Path dir;
  static TestGateway gw;
  static Process kamailio;
  static int proxyPort;
  static int calleePort;
  static String sipp;

  @BeforeAll
  static void start() throws Exception {
    String kamailioBin = LoopbackPeers.require("kamailio");
    sipp = LoopbackPeers.require("sipp");
    int hepPort = Ports.free();
    gw = TestGateway.start(dir.resolve("data"), Map.of("HOTLINE_PHONE_HEP_PORT", String.valueOf(hepPort),
        "HOTLINE_PHONE_HEP_HOST", "127.0.0.1", "HOTLINE_PHONE_HEP_T1_MS", "100"));
    proxyPort = Ports.free();
    calleePort = Ports.free();
    Path run = Files.createDirectories(dir.resolve("kamailio-run"));
    String cfg = Files.readString(LoopbackPeers.resource("kamailio-hep.cfg", dir))
        .replace("@PORT@", String.valueOf(proxyPort)).replace("@UAS_PORT@", String.valueOf(calleePort))
        .replace("@HEP_PORT@", String.valueOf(hepPort)).replace("@MPATH@", LoopbackPeers.modulePath());
    Path cfgFile = LoopbackPeers.text(dir, "kamailio.cfg", cfg);
    Path log = dir.resolve("kamailio.log");
    kamailio = LoopbackPeers.start(run, log, List.of(kamailioBin, "-DD", "-E", "-f", cfgFile.toString(),
        "-P", run.resolve("kamailio.pid").toString(), "-Y", run.toString(), "-w", run.toString(), "-m", "64", "-M", "8"));
    Eventually.until(Duration.ofSeconds(15), "kamailio listening on " + proxyPort + "; log:\n" + LoopbackPeers.tail(log),
        () -> {
          if (!kamailio.isAlive()) {
            throw new AssertionError("kamailio exited " + kamailio.exitValue() + ":\n" + LoopbackPeers.tail(log));
          }
          return Ports.open(proxyPort);
        });
  }

  @AfterAll
  static void stop() {
    LoopbackPeers.stop(kamailio);
    if (gw != null) {
      gw.close();
    }
  }

  /** Runs a callee scenario and a caller scenario through the proxy; returns sipp's caller exit code. */
  private static int run(String name, List<String> callee, List<String> caller) throws Exception {
    Path work = Files.createDirectories(dir.resolve(name));
    List<String> uas = new ArrayList<>(List.of(sipp, "-i", "127.0.0.1", "-p", String.valueOf(calleePort), "-nostdin",
        "-timeout", "120s", "-trace_err"));
    uas.addAll(callee);
    Process far = LoopbackPeers.start(work, work.resolve("callee.log"), uas);
    try {
      Thread.sleep(300);
      List<String> uac = new ArrayList<>(List.of(sipp, "127.0.0.1:" + proxyPort, "-i", "127.0.0.1", "-p",
          String.valueOf(Ports.free()), "-nostdin", "-timeout", "90s", "-timeout_error", "-trace_err"));
      uac.addAll(caller);
      Path log = work.resolve("caller.log");
      int exit = LoopbackPeers.await(LoopbackPeers.start(work, log, uac), 120, log);
      assertThat(exit).as("sipp caller exit; log:\n%s", LoopbackPeers.tail(log)).isZero();
      return exit;
    } finally {
      LoopbackPeers.stop(far);
    }
  }

  private static long count(String sql) {
    return gw.count(sql);
  }

  /** The rows a query returns, one JSON object a line, for an assertion's description. */
  private static String rows(String sql) {
    StringBuilder out = new StringBuilder();
    for (Row r : gw.sql().query(sql).execute().await()) {
      out.append(r.getString(0)).append('\n');
    }
    return out.toString();
  }

  private static List<JsonObject> callEvents(AgentClient agent, String type, String callerPrefix, int n, Duration wait) {
    List<JsonObject> out = new ArrayList<>();
    long end = System.nanoTime() + wait.toNanos();
    while (out.size() < n && System.nanoTime() < end) {
      try {
        out.add(agent.next(e -> type.equals(e.getString("type")) && e.getString("caller") != null
            && e.getString("caller").startsWith(callerPrefix), Duration.ofMillis(Math.max(1, (end - System.nanoTime()) / 1_000_000))));
      } catch (AssertionError timedOut) {
        break;
      }
    }
    return out;
  }

  /** A2: 100 answered calls, 13 HEP packets each, become 100 answered call rows and 100 inquiries. */
  @Test
  void answeredCallsThroughTheProxyAreStoredOnceEach() throws Exception {
    Path callers = LoopbackPeers.callers(dir, "answered.csv", "091200", 100);
    Path uac = LoopbackPeers.resource("pbx_uac_answered.xml", dir);
    try (AgentClient agent = AgentClient.connect(gw.vertx, gw.port(), gw.token("op-a2", "operator", null))) {
      agent.answer(agent.send(new JsonObject().put("op", "subscribe")));
      run("a2", List.of("-sn", "uas"), List.of("-sf", uac.toString(), "-inf", callers.toString(), "-m", "100",
          "-r", "20", "-d", "500"));

      String mine = "caller like '+8491200%'";
      Eventually.until(Duration.ofSeconds(20), "100 ended calls stored",
          () -> count("select count(*) from phone_call where " + mine + " and state = 'ended'") == 100);
      assertThat(count("select count(*) from phone_call where " + mine)).isEqualTo(100);
      String complete = "cause = 'normalClearing' and answered_at is not null and ringing_at is not null"
          + " and talk_ms >= 400 and 'hep' = any(sources)";
      assertThat(count("select count(*) from phone_call where " + mine + " and " + complete))
          .as(() -> "calls with a complete timeline; the others (CI logs):\n" + rows("select row_to_json(p)::text from phone_call p where "
              + mine + " and not coalesce(" + complete + ", false)"))
          .isEqualTo(100);
      assertThat(count("select count(*) from phone_call where " + mine + " and facts->>'byeFrom' = 'caller'")).isEqualTo(100);
      // No duplicate inquiries despite 13 HEP packets per call: one per call, status new.
      assertThat(count("select count(*) from inquiry i join contact c on c.id = i.contact_id where c.address like '+8491200%'"))
          .isEqualTo(100);
      assertThat(count("select count(*) from inquiry i join contact c on c.id = i.contact_id where c.address like '+8491200%'"
          + " and i.status = 'new' and i.channel = 'phone'")).isEqualTo(100);
      assertThat(count("select count(*) from event e where e.type = 'call.answered' and e.payload->>'caller' like '+8491200%'"))
          .isEqualTo(100);

      List<JsonObject> ended = callEvents(agent, "call.ended", "+8491200", 100, Duration.ofSeconds(15));
      assertThat(ended).hasSize(100).allSatisfy(e -> {
        assertThat(e.getString("cause")).isEqualTo("normalClearing");
        assertThat(e.getLong("talkMs")).isGreaterThanOrEqualTo(400);
      });
    }
    double duplicates = gw.registry.get("hotline.hep.packets").tag("outcome", "duplicate").counter().count();
    double tracked = gw.registry.get("hotline.hep.packets").tag("outcome", "tracked").counter().count();
    assertThat(tracked + duplicates).isGreaterThanOrEqualTo(100 * 10);
    assertThat(gw.registry.get("hotline.hep.decode.errors").tag("reason", "bad_magic").counter().count()).isZero();
  }

  /** A3: a 486 from the far end is a missed (busy) call and a callback inquiry. */
  @Test
  void busyFarEndIsAMissedCallWithACallbackInquiry() throws Exception {
    Path callers = LoopbackPeers.callers(dir, "busy.csv", "091300", 10);
    Path uas = LoopbackPeers.resource("gw_stub_busy.xml", dir);
    Path uac = LoopbackPeers.resource("pbx_uac_overflow.xml", dir);
    try (AgentClient agent = AgentClient.connect(gw.vertx, gw.port(), gw.token("op-a3b", "operator", null))) {
      agent.answer(agent.send(new JsonObject().put("op", "subscribe")));
      run("a3-busy", List.of("-sf", uas.toString(), "-m", "10"),
          List.of("-sf", uac.toString(), "-inf", callers.toString(), "-m", "10", "-r", "10"));

      String mine = "caller like '+8491300%'";
      Eventually.until(Duration.ofSeconds(20), "10 busy calls stored",
          () -> count("select count(*) from phone_call where " + mine + " and state = 'ended'") == 10);
      assertThat(count("select count(*) from phone_call where " + mine + " and cause = 'busy' and answered_at is null"
          + " and facts->>'sipCode' = '486' and not flagged")).isEqualTo(10);
      assertThat(count("select count(*) from inquiry i join contact c on c.id = i.contact_id where c.address like '+8491300%'"
          + " and i.status = 'callback'")).isEqualTo(10);
      List<JsonObject> ended = callEvents(agent, "call.ended", "+8491300", 10, Duration.ofSeconds(15));
      assertThat(ended).hasSize(10).allSatisfy(e -> assertThat(e.getString("cause")).isEqualTo("busy"));
    }
  }

  /** A3: CANCEL after 1.5 s of ringing, then 487, is an abandoned call with its ring time. */
  @Test
  void cancelWhileRingingIsAbandonedWithItsRingTime() throws Exception {
    Path callers = LoopbackPeers.callers(dir, "abandon.csv", "091400", 10);
    Path uas = LoopbackPeers.resource("gw_stub_ring.xml", dir);
    Path uac = LoopbackPeers.resource("pbx_uac_abandon.xml", dir);
    try (AgentClient agent = AgentClient.connect(gw.vertx, gw.port(), gw.token("op-a3c", "operator", null))) {
      agent.answer(agent.send(new JsonObject().put("op", "subscribe")));
      run("a3-abandon", List.of("-sf", uas.toString(), "-m", "10"),
          List.of("-sf", uac.toString(), "-inf", callers.toString(), "-m", "10", "-r", "10"));

      String mine = "caller like '+8491400%'";
      Eventually.until(Duration.ofSeconds(20), "10 abandoned calls stored",
          () -> count("select count(*) from phone_call where " + mine + " and state = 'ended'") == 10);
      assertThat(count("select count(*) from phone_call where " + mine + " and cause = 'cancel' and ringing_at is not null"))
          .isEqualTo(10);
      for (Row r : gw.sql().query("select ring_ms, extract(epoch from ended_at - ringing_at) * 1000 as rang from phone_call where "
          + mine).execute().await()) {
        assertThat(r.getLong("ring_ms")).isBetween(1400L, 4000L);
        assertThat(r.getDouble("rang")).isBetween(1400.0, 4000.0);
      }
      assertThat(count("select count(*) from inquiry i join contact c on c.id = i.contact_id where c.address like '+8491400%'"
          + " and i.status = 'callback'")).isEqualTo(10);
      List<JsonObject> ended = callEvents(agent, "call.ended", "+8491400", 10, Duration.ofSeconds(15));
      assertThat(ended).hasSize(10).allSatisfy(e -> assertThat(e.getString("cause")).isEqualTo("cancel"));
    }
  }
}
