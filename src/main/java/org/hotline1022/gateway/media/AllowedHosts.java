package org.hotline1022.gateway.media;

import java.util.List;
import java.util.Locale;

/**
 * Host allow-list matching for media URLs. A host matches an entry when it equals it or ends with
 * {@code "." + entry} (a label boundary: {@code x.fbcdn.net} matches {@code fbcdn.net},
 * {@code evilfbcdn.net} does not). IP-literal entries match only themselves, and a host is compared as
 * written: {@code 0177.0.0.1} or {@code 2130706433} never stands for {@code 127.0.0.1}.
 */
final class AllowedHosts {
  private AllowedHosts() {}

  /** Lower case, without IPv6 brackets and one trailing dot (the DNS root); null for an empty or odd host. */
  static String normalize(String host) {
    if (host == null) {
      return null;
    }
    String h = host.strip().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    // an empty label (a second trailing dot, "..") or anything outside a host's alphabet is no host we allow
    if (h.isEmpty() || h.startsWith(".") || h.contains("..") || !h.chars().allMatch(AllowedHosts::hostChar)) {
      return null;
    }
    return h;
  }

  static boolean allowed(String host, List<String> entries) {
    String h = normalize(host);
    if (h == null) {
      return false;
    }
    for (String e : entries) {
      if (h.equals(e) || (!literal(e) && h.endsWith("." + e))) {
        return true;
      }
    }
    return false;
  }

  private static boolean literal(String entry) {
    return entry.indexOf(':') >= 0 || entry.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
  }

  private static boolean hostChar(int c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' || c == ':';
  }
}
