package org.hotline1022.gateway.config;

import java.util.Map;

/**
 * The reply outbox dispatcher ({@code reply:} in gateway.yaml).
 *
 * @param pollIntervalMs how often the dispatcher looks for due rows when nothing wakes it
 * @param batchSize rows claimed at once, and the most sends one dispatcher has in flight
 * @param maxAttempts attempts before a still-failing reply is marked failed
 * @param backoffBaseMs delay before the first retry; doubles per attempt, with jitter
 * @param backoffMaxMs cap on the delay between attempts
 * @param leaseSeconds how long a claimed row stays invisible to other dispatchers; a send that
 *     takes longer is given up, and a row whose process died is retried after it
 */
public record ReplyConfig(long pollIntervalMs, int batchSize, int maxAttempts, long backoffBaseMs, long backoffMaxMs,
    int leaseSeconds) {

  public ReplyConfig {
    if (backoffMaxMs < backoffBaseMs) {
      throw new IllegalArgumentException("config reply.backoffMaxMs: must not be below reply.backoffBaseMs");
    }
  }

  /** From {@code conf/gateway.yaml} and the process environment. Blocking (reads a file): call at startup. */
  public static ReplyConfig load() {
    return fromYaml(ConfigFiles.read("gateway.yaml"), System.getenv());
  }

  /** Reads the {@code reply} section; throws IllegalArgumentException naming a bad key. */
  public static ReplyConfig fromYaml(String yaml, Map<String, String> env) {
    ConfigTree.Section s = ConfigTree.parse(yaml, env).section("reply");
    return new ReplyConfig(s.number("pollIntervalMs", 1000, 10, 3_600_000), s.integer("batchSize", 50, 1, 1000),
        s.integer("maxAttempts", 8, 1, 1000), s.number("backoffBaseMs", 2000, 1, 86_400_000),
        s.number("backoffMaxMs", 600_000, 1, 86_400_000), s.integer("leaseSeconds", 60, 1, 86_400));
  }
}
