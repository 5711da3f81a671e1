package org.hotline1022.gateway.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.hotline1022.gateway.inquiry.Channel;

/**
 * The whole effective configuration, read once at startup from {@code conf/gateway.yaml} plus
 * {@code HOTLINE_*} environment overrides, validated, and handed down to the verticles.
 */
public record GatewayConfig(
    HttpConfig http,
    DbConfig db,
    Path dataDir,
    WriterConfig writer,
    WebConfig web,
    Map<Channel, Duration> threadingWindows,
    Duration shutdownGrace,
    Duration shutdownDrainDelay,
    AuthConfig auth,
    AgentsConfig agents,
    ReplyConfig reply,
    DeadlineConfig deadlines,
    MailConfig mail,
    List<String> unknownEnv,
    WebhookConfig webhooks,
    MetricsConfig metrics,
    ReconcileConfig reconcile,
    ZaloTokenConfig zaloToken,
    MediaConfig media,
    ReceiptConfig receipts,
    CallsConfig calls,
    HepConfig hep,
    SipConfig sip) {

  public GatewayConfig {
    if (shutdownDrainDelay.compareTo(shutdownGrace) >= 0) {
      throw new IllegalArgumentException("config shutdown.drainDelaySeconds: must be below shutdown.graceSeconds");
    }
  }

  public static GatewayConfig load() {
    return fromYaml(ConfigFiles.read("gateway.yaml"), System.getenv());
  }

  /** Builds the config from YAML text and an environment; throws IllegalArgumentException naming a bad key. */
  public static GatewayConfig fromYaml(String yaml, Map<String, String> env) {
    ConfigTree tree = ConfigTree.parse(yaml, env);
    ConfigTree.Section http = tree.section("http");
    ConfigTree.Section db = tree.section("db");
    ConfigTree.Section writer = tree.section("writer");
    ConfigTree.Section web = tree.section("web");
    ConfigTree.Section windows = tree.section("threading.windowMinutes");
    ConfigTree.Section auth = tree.section("auth");
    ConfigTree.Section agents = tree.section("agents");

    Map<Channel, Duration> threading = new EnumMap<>(Channel.class);
    for (Channel c : Channel.values()) {
      threading.put(c, Duration.ofMinutes(windows.number(c.tag(), c == Channel.WEB ? 0 : 1440, 0, 525_600)));
    }
    return new GatewayConfig(
        new HttpConfig(http.string("host", "0.0.0.0"), http.integer("port", 8080, 0, 65535), http.integer("instances", 2, 1, 64)),
        new DbConfig(db.string("url", ""), db.integer("poolSize", 4, 1, 100), db.integer("connectTimeoutMs", 5000, 100, 120_000),
            tree.section("embedded").integer("port", 0, 0, 65535)),
        Path.of(tree.root().string("dataDir", "./data")),
        new WriterConfig(writer.integer("queueCapacity", 20000, 1, 10_000_000), writer.integer("maxBatch", 400, 1, 5000),
            writer.integer("parallelBatches", 2, 1, 16), writer.number("ackTimeoutMs", 10_000, 100, 600_000),
            writer.integer("retryAfterSeconds", 2, 1, 3600)),
        new WebConfig(web.integer("maxBodyBytes", 65536, 1024, 10_485_760), web.integer("maxTextChars", 5000, 10, 1_000_000),
            web.integer("maxNameChars", 200, 10, 10_000), web.integer("rateLimit", 120, 0, 1_000_000),
            web.integer("rateBurst", 30, 0, 1_000_000), web.bool("trustForwardedFor", false)),
        Map.copyOf(threading),
        Duration.ofSeconds(tree.section("shutdown").integer("graceSeconds", 25, 1, 3600)),
        Duration.ofSeconds(tree.section("shutdown").integer("drainDelaySeconds", 0, 0, 600)),
        new AuthConfig(env.getOrDefault("HOTLINE_JWT_SECRET", ""), auth.string("publicKeyFile", ""), auth.string("privateKeyFile", ""),
            auth.string("issuer", "hotline-1022")),
        new AgentsConfig(agents.integer("writeQueueBytes", 262_144, 4096, 64 << 20), agents.integer("replayPageSize", 500, 10, 10_000),
            agents.integer("maxReplayBuffer", 10_000, 100, 1_000_000), agents.number("feedPollMs", 1000, 50, 60_000)),
        ReplyConfig.fromYaml(yaml, env),
        DeadlineConfig.fromYaml(yaml, env),
        MailConfig.fromYaml(yaml, env),
        List.copyOf(tree.unknownEnv()),
        WebhookConfig.fromYaml(yaml, env),
        MetricsConfig.fromYaml(yaml, env),
        ReconcileConfig.fromYaml(yaml, env),
        ZaloTokenConfig.fromYaml(yaml, env),
        MediaConfig.fromYaml(yaml, env),
        ReceiptConfig.fromYaml(yaml, env),
        CallsConfig.fromYaml(yaml, env),
        HepConfig.fromYaml(yaml, env),
        SipConfig.fromYaml(yaml, env));
  }

  /** One line for the startup log: everything but secrets. */
  public String describe() {
    return "http=" + http + " db=" + db.safeUrl() + " poolSize=" + db.poolSize() + " dataDir=" + dataDir
        + " writer=" + writer + " web=" + web + " threadingWindows=" + threadingWindows + " shutdownGrace=" + shutdownGrace
        + " shutdownDrainDelay=" + shutdownDrainDelay
        + " auth=" + auth + " agents=" + agents + " reply=" + reply + " deadlines=" + deadlines + " mail=" + mail + " metrics=" + metrics
        + " reconcile=" + reconcile + " zaloToken=" + zaloToken + " media=" + media + " receipts=" + receipts.channels()
        + " calls=" + calls + " hep=" + hep + " sip=" + sip;
  }
}
