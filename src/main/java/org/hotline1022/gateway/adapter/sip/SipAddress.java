package org.hotline1022.gateway.adapter.sip;

import java.util.Locale;
import java.util.Map;
import org.hotline1022.gateway.adapter.sip.SipParseException.Reason;

/**
 * A parsed name-addr or addr-spec (From, To, P-Asserted-Identity, Contact).
 *
 * @param displayName the display name without quotes or escapes, null when absent
 * @param uri the URI as sent (inside the angle brackets when there are any)
 * @param user the user part of a sip/sips URI (percent-decoded, user parameters dropped), or the
 *     number of a tel URI; null when the URI has none
 * @param host the host of a sip/sips URI, else null
 * @param tag the {@code tag} header parameter, null when absent
 * @param raw the header value as received
 */
public record SipAddress(String displayName, String uri, String user, String host, String tag, String raw) {

  /** Parses one name-addr ({@code "Name" <uri>;params}) or addr-spec ({@code uri;params}). */
  public static SipAddress parse(String value) throws SipParseException {
    String s = value.strip();
    String display = null;
    String uri;
    String params;
    int lt;
    if (s.startsWith("\"")) {
      StringBuilder b = new StringBuilder();
      int i = 1;
      for (; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '\\' && i + 1 < s.length()) {
          b.append(s.charAt(++i));
        } else if (c == '"') {
          break;
        } else {
          b.append(c);
        }
      }
      if (i >= s.length()) {
        throw bad("unterminated display name");
      }
      display = b.toString();
      lt = s.indexOf('<', i + 1);
      if (lt < 0 || !s.substring(i + 1, lt).isBlank()) {
        throw bad("quoted display name without <uri>");
      }
    } else {
      lt = s.indexOf('<');
      if (lt > 0) {
        display = s.substring(0, lt).strip();
        if (display.isEmpty()) {
          display = null;
        }
      }
    }
    if (lt >= 0) {
      int gt = s.indexOf('>', lt + 1);
      if (gt < 0) {
        throw bad("unterminated <uri>");
      }
      uri = s.substring(lt + 1, gt).strip();
      params = s.substring(gt + 1);
      if (!params.isBlank() && params.strip().charAt(0) != ';') {
        throw bad("text after <uri>");
      }
    } else {
      int semi = s.indexOf(';');
      uri = semi < 0 ? s : s.substring(0, semi).strip();
      params = semi < 0 ? "" : s.substring(semi);
    }
    int colon = uri.indexOf(':');
    if (colon <= 0 || SipValues.hasWhitespace(uri)) {
      throw bad("not a URI");
    }
    Map<String, String> p = SipValues.params(params);
    if (p == null) {
      throw bad("bad parameter");
    }
    String scheme = uri.substring(0, colon).toLowerCase(Locale.ROOT);
    String rest = uri.substring(colon + 1);
    String user = null;
    String host = null;
    if (scheme.equals("sip") || scheme.equals("sips")) {
      int q = rest.indexOf('?');
      if (q >= 0) {
        rest = rest.substring(0, q);
      }
      int at = rest.lastIndexOf('@');
      String hostPart = rest;
      if (at >= 0) {
        String userInfo = rest.substring(0, at);
        hostPart = rest.substring(at + 1);
        user = cut(cut(userInfo, ':'), ';');
        user = user.isEmpty() ? null : SipValues.percentDecode(user);
      }
      host = hostPart.startsWith("[")
          ? hostPart.substring(0, Math.max(hostPart.indexOf(']') + 1, 1))
          : cut(cut(hostPart, ';'), ':');
      if (host.isEmpty() || host.equals("[")) {
        throw bad("URI without host");
      }
    } else if (scheme.equals("tel")) {
      user = SipValues.percentDecode(cut(rest, ';'));
      if (user.isEmpty()) {
        throw bad("empty tel URI");
      }
    }
    String tag = p.get("tag");
    return new SipAddress(display, uri, user, host, tag == null || tag.isEmpty() ? null : tag, value);
  }

  private static String cut(String s, char c) {
    int i = s.indexOf(c);
    return i < 0 ? s : s.substring(0, i);
  }

  private static SipParseException bad(String what) {
    return new SipParseException(Reason.BAD_ADDRESS, "address: " + what);
  }
}
