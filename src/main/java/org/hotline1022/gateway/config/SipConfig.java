package org.hotline1022.gateway.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The SIP listener ({@code phone.sip:} in gateway.yaml): the overflow intake UAS and the dialog-event
 * input share it, on UDP and TCP. Timers are RFC 3261 Appendix A's and configurable so tests run in
 * seconds. {@code HOTLINE_SIP_PORT} is accepted as well as {@code HOTLINE_PHONE_SIP_PORT}.
 *
 * @param enabled false: no SIP listener
 * @param host address to bind
 * @param port UDP and TCP port (5060)
 * @param advertisedHost host written in our own Via and Contact (SUBSCRIBE); empty: the bind host, or
 *     127.0.0.1 when binding every address
 * @param answerCode final answer to an overflow INVITE: 486 (busy, queue full) or 480 (no agents)
 * @param retryAfterSeconds {@code Retry-After} on that answer
 * @param ringMs time between 180 and the final answer (0: at once)
 * @param t1Ms RFC 3261 T1 (500): Timer G starts here, Timer H = 64·T1
 * @param t2Ms RFC 3261 T2 (4000): Timer G's cap
 * @param t4Ms RFC 3261 T4 (5000): Timer I on UDP
 * @param maxTransactions server transactions kept at once; beyond: 503 + Retry-After
 * @param overloadRetryAfterSeconds {@code Retry-After} with that 503
 * @param maxConnections TCP connections at once; a connection beyond it is closed at once
 * @param subscriptions PBX URIs to SUBSCRIBE to for {@code Event: dialog}
 * @param subscribeExpiresSeconds {@code Expires} asked for (RFC 4235 default 3600)
 * @param resubscribeSeconds wait before re-subscribing after a failure or a {@code terminated} without retry-after
 * @param publishExpiresSeconds the longest PUBLISH lifetime granted (shorter requests are honoured)
 * @param maxPublications PUBLISH entity-tags kept at once; beyond: 503
 * @param maxDialogs dialog-event dialogs tracked at once (version and last state); oldest forgotten beyond
 * @param signalBuffer call signals kept for retry while intake fails; the oldest is dropped beyond
 * @param signalRetryBaseMs first retry delay of a failed signal; doubles up to signalRetryMaxMs
 * @param signalRetryMaxMs cap on that delay
 */
public record SipConfig(
    boolean enabled,
    String host,
    int port,
    String advertisedHost,
    int answerCode,
    int retryAfterSeconds,
    long ringMs,
    long t1Ms,
    long t2Ms,
    long t4Ms,
    int maxTransactions,
    int overloadRetryAfterSeconds,
    int maxConnections,
    List<String> subscriptions,
    int subscribeExpiresSeconds,
    int resubscribeSeconds,
    int publishExpiresSeconds,
    int maxPublications,
    int maxDialogs,
    int signalBuffer,
    long signalRetryBaseMs,
    long signalRetryMaxMs) {

  public static final String PORT_ENV = "HOTLINE_SIP_PORT";

  public SipConfig {
    subscriptions = List.copyOf(subscriptions);
  }

  /** Timer H and Timer J on UDP: 64·T1. */
  public long timerHMs() {
    return 64 * t1Ms;
  }

  /** The host to put in our own Via and Contact headers. */
  public String contactHost() {
    if (!advertisedHost.isBlank()) {
      return advertisedHost;
    }
    return host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
  }

  /** Reads {@code phone.sip}; throws IllegalArgumentException naming a bad key. */
  public static SipConfig fromYaml(String yaml, Map<String, String> env) {
    ConfigTree.Section s = ConfigTree.parse(yaml, env).section("phone.sip");
    int port = s.integer("port", 5060, 0, 65535);
    if (!env.containsKey("HOTLINE_PHONE_SIP_PORT") && env.containsKey(PORT_ENV)) {
      port = ConfigTree.parse("p: " + env.get(PORT_ENV).trim(), Map.of()).root().integer("p", 5060, 0, 65535);
    }
    int answer = s.integer("answerCode", 486, 400, 699);
    if (answer != 486 && answer != 480) {
      throw new IllegalArgumentException("config phone.sip.answerCode: " + answer + " is neither 486 nor 480");
    }
    long t1 = s.number("t1Ms", 500, 10, 60_000);
    return new SipConfig(
        s.bool("enabled", true),
        s.string("host", "0.0.0.0"),
        port,
        s.string("advertisedHost", ""),
        answer,
        s.integer("retryAfterSeconds", 30, 0, 86_400),
        s.number("ringMs", 0, 0, 60_000),
        t1,
        s.number("t2Ms", 4000, t1, 600_000),
        s.number("t4Ms", 5000, 0, 600_000),
        s.integer("maxTransactions", 20_000, 1, 10_000_000),
        s.integer("overloadRetryAfterSeconds", 5, 1, 3600),
        s.integer("maxConnections", 256, 1, 100_000),
        list(s.raw().get("subscriptions")),
        s.integer("subscribeExpiresSeconds", 3600, 10, 86_400),
        s.integer("resubscribeSeconds", 30, 1, 86_400),
        s.integer("publishExpiresSeconds", 3600, 10, 86_400),
        s.integer("maxPublications", 100_000, 1, 10_000_000),
        s.integer("maxDialogs", 100_000, 1, 10_000_000),
        s.integer("signalBuffer", 50_000, 1, 10_000_000),
        s.number("signalRetryBaseMs", 500, 10, 600_000),
        s.number("signalRetryMaxMs", 30_000, 10, 3_600_000));
  }

  /** A YAML list, or a comma-separated string (how an environment override arrives). */
  private static List<String> list(Object v) {
    List<String> out = new ArrayList<>();
    if (v instanceof List<?> l) {
      l.forEach(o -> out.add(String.valueOf(o).trim()));
    } else if (v != null) {
      out.addAll(Arrays.asList(String.valueOf(v).split(",")));
    }
    out.replaceAll(String::trim);
    out.removeIf(String::isEmpty);
    return out;
  }
}
