package org.hotline1022.gateway.config;

import java.util.Map;

/**
 * The deadline watcher ({@code deadlines:} in gateway.yaml).
 *
 * @param checkIntervalSeconds how often open inquiries are checked against their due time
 * @param warningLeadMinutes how long before the due time {@code deadline.warning} is emitted
 */
public record DeadlineConfig(int checkIntervalSeconds, int warningLeadMinutes) {

  /** From {@code conf/gateway.yaml} and the process environment. Blocking (reads a file): call at startup. */
  public static DeadlineConfig load() {
    return fromYaml(ConfigFiles.read("gateway.yaml"), System.getenv());
  }

  /** Reads the {@code deadlines} section; throws IllegalArgumentException naming a bad key. */
  public static DeadlineConfig fromYaml(String yaml, Map<String, String> env) {
    ConfigTree.Section s = ConfigTree.parse(yaml, env).section("deadlines");
    return new DeadlineConfig(s.integer("checkIntervalSeconds", 30, 1, 86_400), s.integer("warningLeadMinutes", 60, 0, 525_600));
  }
}
