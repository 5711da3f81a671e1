package org.hotline1022.gateway.adapter.sip;

import java.util.Locale;

/** Small URI helpers for the user part of {@code sip:}, {@code sips:} and {@code tel:} URIs. */
final class SipUris {
  private SipUris() {}

  /**
   * The user part: {@code sip:0912345678@pbx;user=phone} → {@code 0912345678}, {@code tel:+84912345678;ext=1}
   * → {@code +84912345678}; null for a URI without one (or null). Angle brackets are tolerated.
   */
  static String user(String uri) {
    if (uri == null) {
      return null;
    }
    String u = uri.trim();
    if (u.startsWith("<")) {
      int end = u.indexOf('>');
      u = end < 0 ? u.substring(1) : u.substring(1, end);
    }
    String lower = u.toLowerCase(Locale.ROOT);
    String rest;
    if (lower.startsWith("sip:")) {
      rest = u.substring(4);
    } else if (lower.startsWith("sips:")) {
      rest = u.substring(5);
    } else if (lower.startsWith("tel:")) {
      String n = u.substring(4);
      int semi = n.indexOf(';');
      n = semi < 0 ? n : n.substring(0, semi);
      return n.isBlank() ? null : n;
    } else {
      return null;
    }
    int at = rest.indexOf('@');
    if (at <= 0) {
      return null;
    }
    String user = rest.substring(0, at);
    int colon = user.indexOf(':'); // user:password
    user = colon < 0 ? user : user.substring(0, colon);
    int semi = user.indexOf(';'); // user parameters (RFC 4694 style)
    user = semi < 0 ? user : user.substring(0, semi);
    return user.isBlank() ? null : unescape(user);
  }

  /** %XX escapes in a user part; a malformed escape leaves the text as it was. */
  private static String unescape(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      int hi = c == '%' && i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
      int lo = hi >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
      if (lo >= 0) {
        b.append((char) (hi * 16 + lo));
        i += 2;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
