package org.hotline1022.gateway.app;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.hotline1022.gateway.config.ConfigFiles;
import org.hotline1022.gateway.config.GatewayConfig;
import org.hotline1022.gateway.support.Ports;

/**
 * A whole gateway in the test JVM, configured like production from conf/gateway.yaml plus
 * {@code HOTLINE_*} overrides, with its own Vert.x, a free HTTP port and a client for it.
 */
public final class TestGateway implements AutoCloseable {
  public final Vertx vertx;
  public final GatewayConfig config;
  public final Gateway gateway;
  public final WebClient http;
  public final PrometheusMeterRegistry registry;
  public static final String SECRET = "test-secret-test-secret-test-secret-0123456789";
  private Pool sql;

  private TestGateway(Map<String, String> env) {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    vertx = Main.newVertx(registry);
    config = GatewayConfig.fromYaml(ConfigFiles.read("gateway.yaml"), env);
    var routing = org.hotline1022.gateway.inquiry.Routing.load();
    gateway = new Gateway(vertx, config, registry, routing, Triages.fromConfig(config, routing));
    http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(config.http().port()),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(200));
  }

  /**
   * @param dataDir embedded Postgres data (ignored when {@code HOTLINE_DB_URL} is in {@code overrides})
   * @param overrides extra {@code HOTLINE_*} settings
   */
  public static TestGateway start(Path dataDir, Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>();
    env.put("HOTLINE_HTTP_PORT", String.valueOf(Ports.free()));
    env.put("HOTLINE_DATA_DIR", dataDir.toString());
    env.put("HOTLINE_WEB_RATE_LIMIT", "0");
    env.put("HOTLINE_JWT_SECRET", SECRET);
    env.put("HOTLINE_PHONE_HEP_PORT", String.valueOf(Ports.free()));
    env.put("HOTLINE_SIP_PORT", String.valueOf(Ports.free())); // never the shared 5060
    env.put("HOTLINE_PHONE_SIP_HOST", "127.0.0.1");
    env.putAll(overrides);
    TestGateway t = new TestGateway(env);
    t.gateway.start().await();
    return t;
  }

  /** A token signed with the gateway's key. */
  public String token(String sub, String role, String department) {
    var keys = org.hotline1022.gateway.agent.AuthKeys.resolve(config.auth(), config.dataDir(), config.db().embedded());
    return new org.hotline1022.gateway.agent.AgentAuth(vertx, keys).mint(
        new org.hotline1022.gateway.agent.Agent(sub, sub, java.util.Set.of(role), department), java.time.Duration.ofHours(1));
  }

  /** Posts a web inquiry and returns its tracking code. */
  public String post(String text) {
    var r = http.post("/api/v1/web/inquiries").putHeader("Content-Type", "application/json")
        .sendBuffer(new io.vertx.core.json.JsonObject().put("text", text).toBuffer()).await();
    if (r.statusCode() != 201) {
      throw new AssertionError("post answered " + r.statusCode() + " " + r.bodyAsString());
    }
    return r.bodyAsJsonObject().getString("trackingCode");
  }

  /** An intake on this gateway, as an adapter would hold one. */
  public org.hotline1022.gateway.intake.Intake intake() {
    var routing = org.hotline1022.gateway.inquiry.Routing.load();
    return new org.hotline1022.gateway.intake.Intake(vertx, Triages.fromConfig(config, routing),
        org.hotline1022.gateway.metrics.GatewayMetrics.NOOP, config.writer().ackTimeoutMs());
  }

  public int port() {
    return config.http().port();
  }

  /** A pool on the gateway's database for assertions. */
  public Pool sql() {
    if (sql == null) {
      sql = gateway.db().pool(vertx, "test-assertions", 4, false);
    }
    return sql;
  }

  public long count(String query) {
    return sql().query(query).execute().await().iterator().next().getLong(0);
  }

  @Override
  public void close() {
    try {
      gateway.stop().await();
    } finally {
      vertx.close().await();
    }
  }
}
