package org.hotline1022.gateway.adapter.sip;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Lexical helpers for header values: list splitting, parameters, quoted strings, escapes. */
final class SipValues {

  private SipValues() {}

  /** Splits a list value at commas outside quoted strings and angle brackets; empty items dropped. */
  static List<String> splitList(String value) {
    List<String> out = new ArrayList<>(2);
    boolean quoted = false;
    int angle = 0;
    int from = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (quoted) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == '<') {
        angle++;
      } else if (c == '>' && angle > 0) {
        angle--;
      } else if (c == ',' && angle == 0) {
        addTrimmed(out, value.substring(from, i));
        from = i + 1;
      }
    }
    addTrimmed(out, value.substring(from));
    return out;
  }

  private static void addTrimmed(List<String> out, String s) {
    String t = s.strip();
    if (!t.isEmpty()) {
      out.add(t);
    }
  }

  /**
   * Parses {@code ;name[=value]} parameters (names lower-cased; a flag maps to ""). Quoted values
   * lose their quotes. Returns null when a parameter has no name.
   */
  static Map<String, String> params(String s) {
    Map<String, String> out = new LinkedHashMap<>();
    int i = 0;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (c == ';' || c == ' ' || c == '\t') {
        i++;
        continue;
      }
      int start = i;
      boolean quoted = false;
      while (i < n) {
        char d = s.charAt(i);
        if (quoted) {
          if (d == '\\') {
            i++;
          } else if (d == '"') {
            quoted = false;
          }
        } else if (d == '"') {
          quoted = true;
        } else if (d == ';') {
          break;
        }
        i++;
      }
      String p = s.substring(start, Math.min(i, n)).strip();
      int eq = p.indexOf('=');
      String name = (eq < 0 ? p : p.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        return null;
      }
      String value = eq < 0 ? "" : unquote(p.substring(eq + 1).strip());
      out.putIfAbsent(name, value);
    }
    return out;
  }

  static String unquote(String s) {
    if (s.length() >= 2 && s.charAt(0) == '"' && s.charAt(s.length() - 1) == '"') {
      StringBuilder b = new StringBuilder(s.length());
      for (int i = 1; i < s.length() - 1; i++) {
        char c = s.charAt(i);
        if (c == '\\' && i + 1 < s.length() - 1) {
          c = s.charAt(++i);
        }
        b.append(c);
      }
      return b.toString();
    }
    return s;
  }

  /** Decodes %XX escapes as UTF-8; input with a broken escape is returned unchanged. */
  static String percentDecode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    byte[] raw = s.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < raw.length; i++) {
      byte b = raw[i];
      if (b == '%') {
        if (i + 2 >= raw.length) {
          return s;
        }
        int hi = Character.digit(raw[i + 1], 16);
        int lo = Character.digit(raw[i + 2], 16);
        if (hi < 0 || lo < 0) {
          return s;
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else {
        out.write(b);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  static boolean hasWhitespace(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        return true;
      }
    }
    return false;
  }

  static String stripWhitespace(String s) {
    if (!hasWhitespace(s)) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        b.append(c);
      }
    }
    return b.toString();
  }
}
