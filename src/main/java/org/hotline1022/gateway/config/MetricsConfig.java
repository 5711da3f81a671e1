package org.hotline1022.gateway.config;

import java.util.Map;

/**
 * Meters read from the database ({@code metrics:} in gateway.yaml).
 *
 * @param refreshSeconds how often {@code hotline_inquiries_open} is recounted (one grouped count over
 *     open inquiries, by every replica: each one's value is the whole database's)
 */
public record MetricsConfig(int refreshSeconds) {

  /** Reads the {@code metrics} section; throws IllegalArgumentException naming a bad key. */
  public static MetricsConfig fromYaml(String yaml, Map<String, String> env) {
    ConfigTree.Section s = ConfigTree.parse(yaml, env).section("metrics");
    return new MetricsConfig(s.integer("refreshSeconds", 30, 1, 3600));
  }
}
