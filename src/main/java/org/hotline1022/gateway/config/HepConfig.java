package org.hotline1022.gateway.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The HEP v3 collector and its call tracker ({@code phone.hep:} in gateway.yaml). Timers are
 * configurable so tests run in seconds. {@code HOTLINE_HEP_PORT} is accepted as well as
 * {@code HOTLINE_PHONE_HEP_PORT}.
 *
 * @param enabled false: no HEP listener
 * @param host address to bind (UDP and TCP)
 * @param port UDP and TCP port (9060)
 * @param t1Ms RFC 3261 T1 (500): an offered call without a final response is closed after 64·T1
 * @param ringTimeoutSeconds a ringing call without a final response is closed after this (proxy Timer C, 180 s)
 * @param maxCallMinutes an answered call without BYE (HEP loss) is closed and flagged after this
 * @param dedupWindowMs copies of one hop's message within this window are dropped
 * @param maxCalls calls tracked at once; beyond it new calls are refused and counted
 * @param sweepIntervalMs how often the sweepers look for calls to close
 * @param maxConnections TCP connections from HEP agents at once; more are closed
 * @param signalBuffer call signals kept for retry while the store fails; the oldest is dropped beyond
 * @param signalRetryBaseMs first retry delay of a failed signal; doubles up to signalRetryMaxMs
 * @param signalRetryMaxMs cap on that delay
 * @param signalsInFlight signals handed to intake and not yet committed, at most
 * @param allowFrom source addresses or CIDR blocks allowed to send HEP; empty = any
 */
public record HepConfig(
    boolean enabled,
    String host,
    int port,
    long t1Ms,
    int ringTimeoutSeconds,
    int maxCallMinutes,
    long dedupWindowMs,
    int maxCalls,
    long sweepIntervalMs,
    int maxConnections,
    int signalBuffer,
    long signalRetryBaseMs,
    long signalRetryMaxMs,
    int signalsInFlight,
    List<String> allowFrom) {

  public static final String PORT_ENV = "HOTLINE_HEP_PORT";

  public HepConfig {
    allowFrom = List.copyOf(allowFrom);
  }

  /** 64·T1: an offered call with no final response is given up (the caller's Timer B). */
  public long finalResponseTimeoutMs() {
    return 64 * t1Ms;
  }

  /** Reads {@code phone.hep}; throws IllegalArgumentException naming a bad key. */
  public static HepConfig fromYaml(String yaml, Map<String, String> env) {
    ConfigTree.Section s = ConfigTree.parse(yaml, env).section("phone.hep");
    int port = s.integer("port", 9060, 0, 65535);
    if (!env.containsKey("HOTLINE_PHONE_HEP_PORT") && env.containsKey(PORT_ENV)) {
      port = ConfigTree.parse("p: " + env.get(PORT_ENV).trim(), Map.of()).root().integer("p", 9060, 0, 65535);
    }
    long base = s.number("signalRetryBaseMs", 500, 10, 600_000);
    return new HepConfig(
        s.bool("enabled", true),
        s.string("host", "0.0.0.0"),
        port,
        s.number("t1Ms", 500, 10, 60_000),
        s.integer("ringTimeoutSeconds", 180, 1, 86_400),
        s.integer("maxCallMinutes", 240, 1, 10_080),
        s.number("dedupWindowMs", 2000, 0, 600_000),
        s.integer("maxCalls", 100_000, 1, 10_000_000),
        s.number("sweepIntervalMs", 1000, 10, 600_000),
        s.integer("maxConnections", 64, 1, 100_000),
        s.integer("signalBuffer", 50_000, 1, 10_000_000),
        base,
        s.number("signalRetryMaxMs", 30_000, base, 3_600_000),
        s.integer("signalsInFlight", 512, 1, 100_000),
        list(s.raw().get("allowFrom")));
  }

  /** A YAML list, or a comma-separated string (how an environment override arrives). */
  private static List<String> list(Object v) {
    List<String> out = new ArrayList<>();
    if (v instanceof List<?> l) {
      l.forEach(o -> out.add(String.valueOf(o)));
    } else if (v != null) {
      out.addAll(Arrays.asList(String.valueOf(v).split(",")));
    }
    out.replaceAll(String::trim);
    out.removeIf(String::isEmpty);
    return out;
  }
}
