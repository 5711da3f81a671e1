package org.hotline1022.gateway.config;

import java.util.Map;

/**
 * Media downloads of Zalo and Facebook attachments ({@code media:} in gateway.yaml).
 *
 * @param enabled whether this process runs the downloader
 * @param maxBytes largest attachment stored; a larger one keeps its metadata and is flagged {@code too_large}
 * @param maxAttempts attempts before a failing download is given up ({@code failed})
 * @param backoffBaseMs delay before the first retry; doubles per attempt, with jitter
 * @param backoffMaxMs cap on the delay between attempts
 * @param leaseSeconds a claimed download is invisible to other processes this long; longer than {@code timeoutMs}
 * @param pollIntervalMs how often the event log and the due downloads are looked at
 * @param concurrency downloads in flight per process
 * @param timeoutMs one download's time limit
 */
public record MediaConfig(boolean enabled, long maxBytes, int maxAttempts, long backoffBaseMs, long backoffMaxMs, int leaseSeconds,
    long pollIntervalMs, int concurrency, int timeoutMs) {

  public MediaConfig {
    if (leaseSeconds * 1000L <= timeoutMs) {
      throw new IllegalArgumentException("config media.leaseSeconds: must exceed media.timeoutMs");
    }
    if (backoffMaxMs < backoffBaseMs) {
      throw new IllegalArgumentException("config media.backoffMaxMs: must not be below media.backoffBaseMs");
    }
  }

  public static MediaConfig fromYaml(String yaml, Map<String, String> env) {
    ConfigTree.Section s = ConfigTree.parse(yaml, env).section("media");
    return new MediaConfig(s.bool("enabled", true), s.number("maxBytes", 10L << 20, 1, 512L << 20), s.integer("maxAttempts", 6, 1, 100),
        s.number("backoffBaseMs", 2000, 1, 86_400_000), s.number("backoffMaxMs", 300_000, 1, 86_400_000),
        s.integer("leaseSeconds", 120, 2, 86_400), s.number("pollIntervalMs", 1000, 10, 3_600_000), s.integer("concurrency", 4, 1, 64),
        s.integer("timeoutMs", 60_000, 100, 3_600_000));
  }
}
