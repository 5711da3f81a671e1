package org.hotline1022.gateway.adapter.mail;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Readable text from an HTML body, for mail that has no text/plain part. A tag stripper, not a
 * renderer: block elements become line breaks, scripts and styles disappear, entities are decoded.
 * The original HTML stays in the raw message.
 */
final class HtmlText {
  private static final Pattern DROP = Pattern.compile("(?is)<(script|style|head|title)\\b.*?</\\1\\s*>|<!--.*?-->");
  private static final Pattern BREAK = Pattern.compile("(?i)<\\s*(br|/p|/div|/li|/tr|/h[1-6]|/blockquote|/table|hr)\\b[^>]*>");
  private static final Pattern LIST_ITEM = Pattern.compile("(?i)<\\s*li\\b[^>]*>");
  private static final Pattern TAG = Pattern.compile("(?s)<[^>]*>");
  private static final Pattern ENTITY = Pattern.compile("&(#\\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});");
  private static final Pattern SPACES = Pattern.compile("[ \\t\\x0B\\f\\u00A0]+");
  private static final Pattern BLANK_LINES = Pattern.compile("\\n\\s*\\n(\\s*\\n)+");
  private static final Map<String, String> NAMED = Map.of("amp", "&", "lt", "<", "gt", ">", "quot", "\"", "apos", "'",
      "nbsp", " ", "ndash", "–", "mdash", "—", "hellip", "…", "copy", "©");

  private HtmlText() {}

  static String toText(String html) {
    String s = DROP.matcher(html).replaceAll("");
    s = s.replace("\r\n", "\n").replace('\r', '\n').replace('\n', ' ');
    s = BREAK.matcher(s).replaceAll("\n");
    s = LIST_ITEM.matcher(s).replaceAll("\n- ");
    s = TAG.matcher(s).replaceAll("");
    s = decodeEntities(s);
    StringBuilder out = new StringBuilder(s.length());
    for (String line : s.split("\n", -1)) {
      out.append(SPACES.matcher(line).replaceAll(" ").strip()).append('\n');
    }
    return BLANK_LINES.matcher(out.toString()).replaceAll("\n\n").strip();
  }

  private static String decodeEntities(String s) {
    Matcher m = ENTITY.matcher(s);
    StringBuilder out = new StringBuilder(s.length());
    while (m.find()) {
      String e = m.group(1);
      String rep;
      if (e.startsWith("#x") || e.startsWith("#X")) {
        rep = codePoint(Integer.parseInt(e.substring(2), 16), m.group());
      } else if (e.startsWith("#")) {
        rep = codePoint(Integer.parseInt(e.substring(1)), m.group());
      } else {
        rep = NAMED.getOrDefault(e.toLowerCase(Locale.ROOT), m.group());
      }
      m.appendReplacement(out, Matcher.quoteReplacement(rep));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String codePoint(int cp, String original) {
    return Character.isValidCodePoint(cp) && cp != 0 ? new String(Character.toChars(cp)) : original;
  }
}
