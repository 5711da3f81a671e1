package org.hotline1022.gateway.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.hotline1022.gateway.inquiry.Channel;

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
 * @param allowedHosts per channel, the hosts (and their subdomains) a download may connect to; lower case, no
 *     trailing dot; a channel absent or empty downloads nothing
 * @param allowHttp whether plain http URLs are fetched (tests); otherwise https only
 * @param allowPrivateAddresses whether a host may resolve to a loopback, link-local, private, multicast or
 *     unspecified address (tests on 127.0.0.1); otherwise such a download is refused
 * @param maxRedirects redirects followed per download, each hop checked like the first URL
 */
public record MediaConfig(boolean enabled, long maxBytes, int maxAttempts, long backoffBaseMs, long backoffMaxMs, int leaseSeconds,
    long pollIntervalMs, int concurrency, int timeoutMs, Map<Channel, List<String>> allowedHosts, boolean allowHttp,
    boolean allowPrivateAddresses, int maxRedirects) {

  private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");
  private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9a-f:.]*:[0-9a-f:.]*");

  public MediaConfig {
    if (leaseSeconds * 1000L <= timeoutMs) {
      throw new IllegalArgumentException("config media.leaseSeconds: must exceed media.timeoutMs");
    }
    if (backoffMaxMs < backoffBaseMs) {
      throw new IllegalArgumentException("config media.backoffMaxMs: must not be below media.backoffBaseMs");
    }
    Map<Channel, List<String>> hosts = new EnumMap<>(Channel.class);
    allowedHosts.forEach((c, l) -> hosts.put(c, List.copyOf(l)));
    allowedHosts = Map.copyOf(hosts);
  }

  /** The allowed host suffixes of {@code channel}; empty when none (or {@code channel} is null). */
  public List<String> allowedHosts(Channel channel) {
    return channel == null ? List.of() : allowedHosts.getOrDefault(channel, List.of());
  }

  public static MediaConfig fromYaml(String yaml, Map<String, String> env) {
    ConfigTree.Section s = ConfigTree.parse(yaml, env).section("media");
    Map<Channel, List<String>> hosts = new EnumMap<>(Channel.class);
    ConfigTree.Section allowed = s.child("allowedHosts");
    for (Channel c : new Channel[] {Channel.ZALO, Channel.FACEBOOK}) {
      hosts.put(c, hosts(allowed.raw().get(c.tag()), "media.allowedHosts." + c.tag()));
    }
    return new MediaConfig(s.bool("enabled", true), s.number("maxBytes", 10L << 20, 1, 512L << 20), s.integer("maxAttempts", 6, 1, 100),
        s.number("backoffBaseMs", 2000, 1, 86_400_000), s.number("backoffMaxMs", 300_000, 1, 86_400_000),
        s.integer("leaseSeconds", 120, 2, 86_400), s.number("pollIntervalMs", 1000, 10, 3_600_000), s.integer("concurrency", 4, 1, 64),
        s.integer("timeoutMs", 60_000, 100, 3_600_000), hosts, s.bool("allowHttp", false), s.bool("allowPrivateAddresses", false),
        s.integer("maxRedirects", 3, 0, 20));
  }

  /**
   * A YAML list or a comma-separated string (an environment override): each entry a DNS name (matched
   * with its subdomains) or an IP literal (matched exactly), lower-cased, without a leading or trailing
   * dot. Wildcards, ports, paths and user info are refused so that an entry means what it reads.
   */
  private static List<String> hosts(Object v, String key) {
    List<String> raw = new ArrayList<>();
    if (v instanceof List<?> l) {
      l.forEach(o -> raw.add(String.valueOf(o)));
    } else if (v != null) {
      raw.addAll(Arrays.asList(String.valueOf(v).split(",")));
    }
    List<String> out = new ArrayList<>();
    for (String entry : raw) {
      String h = entry.strip().toLowerCase(Locale.ROOT);
      if (h.startsWith("[") && h.endsWith("]")) {
        h = h.substring(1, h.length() - 1);
      }
      h = h.replaceAll("^\\.+|\\.+$", "");
      if (h.isEmpty()) {
        continue;
      }
      if (!IP_LITERAL.matcher(h).matches() && !Arrays.stream(h.split("\\.", -1)).allMatch(label -> LABEL.matcher(label).matches())) {
        throw new IllegalArgumentException("config " + key + ": not a host name or IP address: " + entry.strip());
      }
      out.add(h);
    }
    return out;
  }
}
