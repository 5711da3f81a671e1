package org.hotline1022.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.hotline1022.gateway.adapter.webhook.Signatures;
import org.hotline1022.gateway.adapter.webhook.facebook.FacebookFixtures;
import org.hotline1022.gateway.adapter.webhook.zalo.ZaloFixtures;
import org.hotline1022.gateway.agent.Agent;
import org.hotline1022.gateway.agent.AgentAuth;
import org.hotline1022.gateway.agent.AuthKeys;
import org.hotline1022.gateway.config.AuthConfig;
import org.hotline1022.gateway.store.DbEndpoint;
import org.hotline1022.gateway.support.AgentClient;
import org.hotline1022.gateway.support.Eventually;
import org.hotline1022.gateway.support.PgServer;
import org.hotline1022.gateway.support.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real jar in its own process on an external Postgres, under web-form and signed Facebook and
 * Zalo webhook load, with agents connected, gets SIGTERM (what Kubernetes sends): every request
 * answered 200/201 is stored exactly once, the rest got 503 or a connection error, readiness turned
 * false while the listeners still served the drain delay, the agents were told to reconnect (frame
 * {@code shutdown} + close 1012), and the process exited by itself within the grace period.
 */
class SigtermUnderLoadIT {
  private static final int GRACE_SECONDS = 20;
  private static final int DRAIN_DELAY_SECONDS = 3;
  private static final int WEB_CLIENTS = 8;
  private static final int FACEBOOK_CLIENTS = 3;
  private static final int ZALO_CLIENTS = 3;

  @TempDir
  Path tmp;

  private PgServer pg;
  private Process gateway;
  private Vertx vertx;
  private final List<AgentClient> agents = new ArrayList<>();

  /** Outcome of every id sent: HTTP status, or -1 for a connection error. */
  private final Map<String, Integer> web = new ConcurrentHashMap<>();
  private final Map<String, Integer> facebook = new ConcurrentHashMap<>();
  private final Map<String, Integer> zalo = new ConcurrentHashMap<>();
  private final AtomicInteger successes = new AtomicInteger();
  /** nanoTime of the SIGTERM; 0 before. */
  private final AtomicLong sigterm = new AtomicLong();
  private final AtomicInteger successAfterSigterm = new AtomicInteger();
  /** Answers after the SIGTERM that told the client to drop its keep-alive connection. */
  private final AtomicInteger closeAfterSigterm = new AtomicInteger();

  @AfterEach
  void cleanUp() throws Exception {
    agents.forEach(a -> {
      try {
        a.close();
      } catch (RuntimeException e) {
        // already closed by the server
      }
    });
    if (gateway != null && gateway.isAlive()) {
      gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void sigtermUnderWebAndWebhookLoadLosesNothingAcknowledgedAndExitsWithinTheGracePeriod() throws Exception {
    pg = PgServer.start(tmp.resolve("pg"));
    int port = Ports.free();
    Path log = tmp.resolve("gateway.log");
    gateway = startJar(port, log);
    vertx = Vertx.vertx();
    WebClient http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
        .setConnectTimeout(2000).setIdleTimeout(30), new PoolOptions().setHttp1MaxSize(64));
    awaitReady(http, log);

    // GIVEN agents following the stream and steady load on every HTTP channel
    AuthKeys keys = AuthKeys.resolve(new AuthConfig(TestGateway.SECRET, "", "", "hotline-1022"), tmp, false);
    AgentAuth auth = new AgentAuth(vertx, keys);
    for (int i = 0; i < 3; i++) {
      AgentClient a = AgentClient.connect(vertx, port, auth.mint(new Agent("agent-" + i, "Agent " + i, Set.of("operator"), null),
          Duration.ofHours(1)));
      a.next("hello");
      a.answer(a.send(new JsonObject().put("op", "subscribe")));
      agents.add(a);
    }
    List<Future<Void>> loops = new ArrayList<>();
    for (int c = 0; c < WEB_CLIENTS; c++) {
      loops.add(loop(() -> postForm(http)));
    }
    for (int c = 0; c < FACEBOOK_CLIENTS; c++) {
      int client = c;
      loops.add(loop(() -> postFacebook(http, client)));
    }
    for (int c = 0; c < ZALO_CLIENTS; c++) {
      int client = c;
      loops.add(loop(() -> postZalo(http, client)));
    }
    Eventually.until(Duration.ofSeconds(60), "load on every channel", () -> successes.get() >= 150 && count(facebook, 200) >= 10 && count(zalo, 200) >= 10);

    // WHEN Kubernetes stops the pod
    long t0 = System.nanoTime();
    sigterm.set(t0);
    gateway.destroy(); // SIGTERM
    // readiness is off at once, while the listeners still take traffic for the drain delay
    int ready = -2;
    long readyDeadline = t0 + TimeUnit.SECONDS.toNanos(DRAIN_DELAY_SECONDS);
    while (System.nanoTime() < readyDeadline) {
      ready = http.get("/health/ready").send().map(HttpResponse::statusCode).otherwise(-1).await();
      if (ready == 503) {
        break;
      }
      Thread.sleep(50);
    }
    long readyOffMs = (System.nanoTime() - t0) / 1_000_000;
    boolean exited = gateway.waitFor(GRACE_SECONDS + 15, TimeUnit.SECONDS);
    long exitMs = (System.nanoTime() - t0) / 1_000_000;
    Future.join(loops).await(30, TimeUnit.SECONDS);
    String gatewayLog = Files.readString(log);
    System.out.printf("SIGTERM figures: readiness 503 after %d ms, exit after %d ms (grace %d s), acknowledged web %d, facebook %d,"
        + " zalo %d; successes after SIGTERM %d (Connection: close on %d); web outcomes %s%n", readyOffMs, exitMs, GRACE_SECONDS,
        count(web, 201), count(facebook, 200), count(zalo, 200), successAfterSigterm.get(), closeAfterSigterm.get(), histogram(web));
    gatewayLog.lines().filter(l -> l.contains("shutdown") || l.contains("drained") || l.contains("draining") || l.contains("stopped"))
        .forEach(l -> System.out.println("  gateway: " + l));

    // THEN the process ended by itself, gracefully, within the grace period
    assertThat(exited).as("the gateway exited; log tail:\n" + tail(gatewayLog)).isTrue();
    assertThat(exitMs).as("exit within shutdown.graceSeconds").isLessThan(GRACE_SECONDS * 1000L);
    assertThat(gateway.exitValue()).as("143 = ended by SIGTERM after the hooks ran (1 would be the hard deadline)").isEqualTo(143);
    assertThat(gatewayLog).contains("shutdown complete; exiting").doesNotContain("halting now");
    assertThat(ready).as("readiness 503 during the drain delay").isEqualTo(503);
    assertThat(successAfterSigterm.get()).as("listeners kept serving during the drain delay").isPositive();
    assertThat(closeAfterSigterm.get()).as("drain-delay answers carry Connection: close").isPositive();

    // the agents were told to reconnect elsewhere, and the sockets closed with 1012 (service restart)
    for (AgentClient a : agents) {
      JsonObject frame = a.next(f -> "shutdown".equals(f.getString("type")), Duration.ofSeconds(5));
      assertThat(frame.getBoolean("reconnect")).isTrue();
      assertThat(frame.getLong("seq")).isNotNull().isNotNegative();
      Eventually.until(Duration.ofSeconds(5), "agent socket closed", a::isClosed);
      assertThat(a.ws.closeStatusCode()).isEqualTo((short) 1012);
    }

    // every answer was a success, a 503 or a connection error; every success is stored, once
    for (Map<String, Integer> outcomes : List.of(web, facebook, zalo)) {
      assertThat(outcomes.values()).allSatisfy(s -> assertThat(s).isIn(200, 201, 503, -1));
    }
    Map<String, Long> stored = storedCounts();
    assertThat(stored.values()).as("no external id stored twice").allSatisfy(n -> assertThat(n).isEqualTo(1L));
    assertAcknowledgedStored("web", web, stored, 201);
    assertAcknowledgedStored("facebook", facebook, stored, 200);
    assertAcknowledgedStored("zalo", zalo, stored, 200);
  }

  private static void assertAcknowledgedStored(String channel, Map<String, Integer> outcomes, Map<String, Long> stored, int success) {
    List<String> lost = new ArrayList<>();
    outcomes.forEach((id, status) -> {
      if (status == success && !stored.containsKey(channel + "/" + id)) {
        lost.add(id);
      }
    });
    assertThat(lost).as(channel + ": acknowledged but not stored").isEmpty();
  }

  // ------------------------------------------------------------------ the process

  private Process startJar(int port, Path log) throws IOException {
    Path jar = Path.of("target", "hotline-gateway.jar");
    assertThat(jar).as("the shaded jar (mvn package runs before the ITs)").exists();
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
        "-XX:+UseSerialGC", "-jar", jar.toString());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("HOTLINE_"));
    env.putAll(Map.of("HOTLINE_DB_URL", pg.url(), "HOTLINE_HTTP_PORT", String.valueOf(port), "HOTLINE_JWT_SECRET", TestGateway.SECRET,
        "HOTLINE_WEB_RATE_LIMIT", "0", "HOTLINE_DATA_DIR", tmp.resolve("data").toString(),
        "HOTLINE_SHUTDOWN_GRACE_SECONDS", String.valueOf(GRACE_SECONDS),
        "HOTLINE_SHUTDOWN_DRAIN_DELAY_SECONDS", String.valueOf(DRAIN_DELAY_SECONDS)));
    env.putAll(Map.of("HOTLINE_FACEBOOK_APP_SECRET", FacebookFixtures.SECRET, "HOTLINE_FACEBOOK_VERIFY_TOKEN", "verify-me",
        "HOTLINE_ZALO_OA_SECRET", ZaloFixtures.SECRET, "HOTLINE_ZALO_APP_ID", ZaloFixtures.APP_ID));
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    return pb.start();
  }

  private void awaitReady(WebClient http, Path log) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < end) {
      if (!gateway.isAlive()) {
        throw new AssertionError("the gateway died at startup:\n" + tail(Files.readString(log)));
      }
      int status = http.get("/health/ready").send().map(HttpResponse::statusCode).otherwise(-1).await();
      if (status == 200) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("the gateway was not ready within 120 s:\n" + tail(Files.readString(log)));
  }

  // ------------------------------------------------------------------ the load

  private final AtomicInteger seq = new AtomicInteger();

  /**
   * Runs one client's requests back to back until a connection error after the SIGTERM (the
   * listeners are gone) or 60 s, whichever is first. Each request records its own outcome.
   */
  private Future<Void> loop(java.util.function.Supplier<Future<Integer>> request) {
    Promise<Void> done = Promise.promise();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    step(request, done, end);
    return done.future();
  }

  private void step(java.util.function.Supplier<Future<Integer>> request, Promise<Void> done, long end) {
    if (System.nanoTime() > end) {
      done.complete();
      return;
    }
    request.get().onComplete(ar -> {
      int status = ar.succeeded() ? ar.result() : -1;
      boolean afterSigterm = sigterm.get() != 0;
      if (status == 200 || status == 201) {
        successes.incrementAndGet();
        if (afterSigterm) {
          successAfterSigterm.incrementAndGet();
        }
      }
      if (afterSigterm && status == -1) {
        done.complete();
      } else {
        vertx.runOnContext(v -> step(request, done, end));
      }
    });
  }

  /** A web form, half as JSON and half form-urlencoded, with its own submissionId. */
  private Future<Integer> postForm(WebClient http) {
    int n = seq.incrementAndGet();
    String id = String.format("sigterm-web-%06d", n);
    String text = "Hỏi về thủ tục cấp giấy phép lái xe, yêu cầu số " + n;
    Future<HttpResponse<Buffer>> sent = n % 2 == 0
        ? http.post("/api/v1/web/inquiries").putHeader("Content-Type", "application/json")
            .sendBuffer(new JsonObject().put("text", text).put("submissionId", id).put("name", "Nguyễn Văn A").toBuffer())
        : http.post("/api/v1/web/inquiries").sendForm(MultiMap.caseInsensitiveMultiMap().add("text", text).add("submissionId", id)
            .add("name", "Trần Thị B"));
    return record(web, List.of(id), sent);
  }

  /** A signed Facebook delivery of two messages from this client's user. */
  private Future<Integer> postFacebook(WebClient http, int client) {
    int n = seq.incrementAndGet();
    String psid = "9100000000000" + client;
    long ts = System.currentTimeMillis();
    List<String> mids = List.of("sigterm-fb-" + n + "-a", "sigterm-fb-" + n + "-b");
    JsonArray messaging = new JsonArray();
    for (int i = 0; i < mids.size(); i++) {
      messaging.add(FacebookFixtures.text(psid, mids.get(i), ts + i, "Đường ngập ở phường " + client + ", tin " + n));
    }
    byte[] body = FacebookFixtures.envelope(new JsonObject().put("id", FacebookFixtures.PAGE).put("time", ts).put("messaging", messaging))
        .getBytes(StandardCharsets.UTF_8);
    String signature = "sha256=" + Signatures.toHex(Signatures.hmacSha256(FacebookFixtures.SECRET, body));
    return record(facebook, mids, http.post("/webhooks/facebook").putHeader("Content-Type", "application/json")
        .putHeader("X-Hub-Signature-256", signature).sendBuffer(Buffer.buffer(body)));
  }

  /** A signed Zalo user_send_text event from this client's user. */
  private Future<Integer> postZalo(WebClient http, int client) {
    int n = seq.incrementAndGet();
    String msgId = "sigterm-zalo-" + n;
    String body = ZaloFixtures.text("880000000000000000" + client, msgId, System.currentTimeMillis(), "Khu phố em bị ngập, tin " + n);
    return record(zalo, List.of(msgId), http.post("/webhooks/zalo").putHeader("Content-Type", "application/json")
        .putHeader("X-ZEvent-Signature", ZaloFixtures.mac(body)).sendBuffer(Buffer.buffer(body, StandardCharsets.UTF_8.name())));
  }

  private Future<Integer> record(Map<String, Integer> outcomes, List<String> ids, Future<HttpResponse<Buffer>> sent) {
    return sent.map(r -> {
      if (sigterm.get() != 0 && "close".equalsIgnoreCase(r.getHeader("Connection"))) {
        closeAfterSigterm.incrementAndGet();
      }
      return r.statusCode();
    }).otherwise(-1).onSuccess(status -> ids.forEach(id -> outcomes.put(id, status)));
  }

  // ------------------------------------------------------------------ the evidence

  /** {@code channel/external_id} → rows, for every message this test sent. */
  private Map<String, Long> storedCounts() {
    Pool pool = DbEndpoint.fromUrl(pg.url(), 5000).pool(vertx, "sigterm-assert", 1, false);
    try {
      Map<String, Long> out = new HashMap<>();
      for (Row r : pool.query("select channel, external_id, count(*) from message where external_id like 'sigterm-%' group by 1, 2")
          .execute().await()) {
        out.put(r.getString(0) + "/" + r.getString(1), r.getLong(2));
      }
      return out;
    } finally {
      pool.close().await();
    }
  }

  private static long count(Map<String, Integer> outcomes, int status) {
    return outcomes.values().stream().filter(s -> s == status).count();
  }

  private static Map<Integer, Long> histogram(Map<String, Integer> outcomes) {
    Map<Integer, Long> h = new java.util.TreeMap<>();
    outcomes.values().forEach(s -> h.merge(s, 1L, Long::sum));
    return h;
  }

  private static String tail(String log) {
    List<String> lines = log.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }
}
