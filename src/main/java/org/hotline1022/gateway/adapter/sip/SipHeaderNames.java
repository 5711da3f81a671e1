package org.hotline1022.gateway.adapter.sip;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Header name rules: compact forms (RFC 3261 §7.3.3 and later RFCs), canonical spelling, lists. */
final class SipHeaderNames {

  private static final Map<String, String> CANONICAL = new HashMap<>();

  /** Headers whose values are comma-separated lists (RFC 3261 §7.3.1), split by {@code headers()}. */
  private static final Set<String> LISTS = Set.of(
      "via", "route", "record-route", "contact", "allow", "supported", "require", "proxy-require",
      "unsupported", "accept", "accept-encoding", "accept-language", "content-encoding",
      "content-language", "p-asserted-identity", "path", "service-route", "allow-events",
      "in-reply-to", "alert-info", "call-info", "error-info", "reply-to");

  /** Headers that must appear at most once (a second one is ambiguous, e.g. body smuggling). */
  private static final Set<String> SINGLE = Set.of("call-id", "cseq", "from", "to", "content-length", "max-forwards");

  static {
    for (String n : new String[] {
        "Via", "From", "To", "Call-ID", "CSeq", "Contact", "Content-Length", "Content-Type",
        "Content-Encoding", "Content-Language", "Content-Disposition", "Max-Forwards", "Route",
        "Record-Route", "Allow", "Supported", "Require", "Proxy-Require", "Unsupported", "Accept",
        "Accept-Encoding", "Accept-Language", "Expires", "Min-Expires", "Retry-After", "Subject",
        "User-Agent", "Server", "Date", "Timestamp", "Organization", "Priority", "Reply-To",
        "In-Reply-To", "Alert-Info", "Call-Info", "Error-Info", "Warning", "MIME-Version",
        "Authorization", "Proxy-Authorization", "WWW-Authenticate", "Proxy-Authenticate",
        "Authentication-Info", "P-Asserted-Identity", "P-Preferred-Identity", "Privacy", "Path",
        "Service-Route", "Event", "Allow-Events", "Subscription-State", "Refer-To", "Referred-By",
        "Session-Expires", "Min-SE", "RSeq", "RAck", "SIP-ETag", "SIP-If-Match", "Reason",
        "Identity", "Identity-Info", "Accept-Contact", "Reject-Contact", "Request-Disposition",
        "Replaces", "Diversion", "Remote-Party-ID"}) {
      CANONICAL.put(n.toLowerCase(Locale.ROOT), n);
    }
    String[][] compact = {
        {"i", "Call-ID"}, {"m", "Contact"}, {"e", "Content-Encoding"}, {"l", "Content-Length"},
        {"c", "Content-Type"}, {"f", "From"}, {"s", "Subject"}, {"k", "Supported"}, {"t", "To"},
        {"v", "Via"}, {"o", "Event"}, {"u", "Allow-Events"}, {"r", "Refer-To"}, {"b", "Referred-By"},
        {"x", "Session-Expires"}, {"y", "Identity"}, {"n", "Identity-Info"}, {"a", "Accept-Contact"},
        {"j", "Reject-Contact"}, {"d", "Request-Disposition"}};
    for (String[] c : compact) {
      CANONICAL.put(c[0], c[1]);
    }
  }

  private SipHeaderNames() {}

  /** The full, canonical spelling of a name as sent (compact forms expanded; unknown names kept). */
  static String canonical(String wireName) {
    String c = CANONICAL.get(wireName.toLowerCase(Locale.ROOT));
    return c != null ? c : wireName;
  }

  /** The lookup key: lower-case full name. */
  static String key(String name) {
    return canonical(name).toLowerCase(Locale.ROOT);
  }

  static boolean isList(String key) {
    return LISTS.contains(key);
  }

  static boolean isSingle(String key) {
    return SINGLE.contains(key);
  }

  /** RFC 3261 token characters (header names, methods). */
  static boolean isToken(CharSequence s) {
    if (s.length() == 0) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      boolean ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
          || "-.!%*_+`'~".indexOf(ch) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
