package org.hotline1022.gateway.adapter.sip;

import java.util.Locale;
import java.util.Map;
import org.hotline1022.gateway.adapter.sip.SipParseException.Reason;

/**
 * One parsed Via value.
 *
 * @param transport upper-case transport (UDP, TCP, TLS, SCTP, WS, ...)
 * @param host sent-by host (IPv6 references keep their brackets)
 * @param port sent-by port, or -1 when absent
 * @param branch the branch parameter, null when absent
 * @param rport true when an {@code rport} parameter is present (with or without value)
 * @param rportValue its value, or -1 when it has none
 * @param received the received parameter, null when absent
 * @param raw the value as received
 */
public record SipVia(
    String transport,
    String host,
    int port,
    String branch,
    boolean rport,
    int rportValue,
    String received,
    String raw) {

  /** RFC 3261 magic cookie: branches starting with it are unique per transaction. */
  public static final String MAGIC_COOKIE = "z9hG4bK";

  /** Parses one Via value: {@code SIP/2.0/UDP host[:port];params} (LWS allowed around '/' and ':'). */
  public static SipVia parse(String value) throws SipParseException {
    String s = stripComment(value).strip();
    int semi = s.indexOf(';');
    String head = semi < 0 ? s : s.substring(0, semi);
    int s1 = head.indexOf('/');
    int s2 = s1 < 0 ? -1 : head.indexOf('/', s1 + 1);
    if (s2 < 0 || !head.substring(0, s1).strip().equalsIgnoreCase("SIP")
        || !head.substring(s1 + 1, s2).strip().equals("2.0")) {
      throw bad("protocol is not SIP/2.0");
    }
    String rest = head.substring(s2 + 1).strip();
    int sp = 0;
    while (sp < rest.length() && rest.charAt(sp) != ' ' && rest.charAt(sp) != '\t') {
      sp++;
    }
    String transport = rest.substring(0, sp).toUpperCase(Locale.ROOT);
    String sentBy = SipValues.stripWhitespace(rest.substring(sp));
    if (!SipHeaderNames.isToken(transport) || sentBy.isEmpty()) {
      throw bad("no transport or sent-by");
    }
    String host;
    String portText = null;
    if (sentBy.startsWith("[")) {
      int close = sentBy.indexOf(']');
      if (close < 0) {
        throw bad("unterminated IPv6 reference");
      }
      host = sentBy.substring(0, close + 1);
      String after = sentBy.substring(close + 1);
      if (!after.isEmpty()) {
        if (after.charAt(0) != ':') {
          throw bad("text after IPv6 reference");
        }
        portText = after.substring(1);
      }
    } else {
      int colon = sentBy.indexOf(':');
      host = colon < 0 ? sentBy : sentBy.substring(0, colon);
      portText = colon < 0 ? null : sentBy.substring(colon + 1);
    }
    if (host.length() < 1 || host.length() > 255 || !validHost(host)) {
      throw bad("bad host");
    }
    int port = portText == null ? -1 : port(portText);
    Map<String, String> params = SipValues.params(semi < 0 ? "" : s.substring(semi));
    if (params == null) {
      throw bad("bad parameter");
    }
    String rport = params.get("rport");
    int rportValue = rport == null || rport.isEmpty() ? -1 : port(rport);
    String branch = params.get("branch");
    return new SipVia(transport, host, port, branch == null || branch.isEmpty() ? null : branch,
        rport != null, rportValue, params.get("received"), value);
  }

  private static boolean validHost(String host) {
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '-' || c == '_' || c == ':' || c == '[' || c == ']';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static int port(String text) throws SipParseException {
    if (text.isEmpty() || text.length() > 5) {
      throw bad("bad port");
    }
    int p = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        throw bad("bad port");
      }
      p = p * 10 + (c - '0');
    }
    if (p > 65535) {
      throw bad("bad port");
    }
    return p;
  }

  /** Via may carry RFC 822 comments "(...)" after the parameters; they mean nothing here. */
  private static String stripComment(String s) {
    int open = s.indexOf('(');
    return open < 0 || s.lastIndexOf('"') > open ? s : s.substring(0, open);
  }

  private static SipParseException bad(String what) {
    return new SipParseException(Reason.BAD_VIA, "Via: " + what);
  }

  /** host or host:port as sent. */
  public String sentBy() {
    return port < 0 ? host : host + ":" + port;
  }

  public boolean rfc3261Branch() {
    return branch != null && branch.startsWith(MAGIC_COOKIE);
  }
}
