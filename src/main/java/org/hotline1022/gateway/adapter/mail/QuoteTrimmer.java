package org.hotline1022.gateway.adapter.mail;

import java.util.regex.Pattern;

/**
 * Cuts the quoted history off a reply for display: agents see what the citizen wrote this time,
 * while the whole message stays in the raw column. Recognises {@code >} quoting under an
 * attribution line (English and Vietnamese Gmail/Thunderbird), and Outlook's original-message
 * separators. Never returns empty text when the input had some: a mail that is all quote is kept.
 */
final class QuoteTrimmer {
  // "On Mon, 1 Dec 2026 at 10:00, A <a@b> wrote:" / "Vào Th 2, 1 thg 12, 2026 lúc 10:00 A <a@b> đã viết:"
  private static final Pattern ATTRIBUTION = Pattern.compile("(?i)^\\s*(on\\s.+|vào\\s.+|.+)\\s(wrote|đã viết|viết)\\s*:\\s*$");
  private static final Pattern SEPARATOR = Pattern.compile(
      "(?i)^\\s*(-{2,}\\s*(original message|tin nhắn gốc|thư gốc)\\s*-{2,}|_{20,})\\s*$");
  private static final Pattern OUTLOOK_FROM = Pattern.compile("(?i)^\\s*(from|từ)\\s*:.*$");

  private QuoteTrimmer() {}

  /** The text without trailing quoted history; the input itself when there is none. */
  static String trim(String text) {
    String[] lines = text.split("\n", -1);
    int cut = -1;
    for (int i = 0; i < lines.length && cut < 0; i++) {
      String line = lines[i];
      if (SEPARATOR.matcher(line).matches() || (line.strip().startsWith("_____") && i + 1 < lines.length
          && OUTLOOK_FROM.matcher(lines[i + 1]).matches())) {
        cut = i;
      } else if (ATTRIBUTION.matcher(line).matches() && nextContentIsQuote(lines, i + 1)) {
        cut = i;
      } else if (line.startsWith(">") && restIsQuoteOrBlank(lines, i)) {
        cut = i;
      }
    }
    if (cut < 0) {
      return text;
    }
    StringBuilder kept = new StringBuilder();
    for (int i = 0; i < cut; i++) {
      kept.append(lines[i]).append('\n');
    }
    String trimmed = kept.toString().strip();
    return trimmed.isEmpty() ? text : trimmed;
  }

  private static boolean nextContentIsQuote(String[] lines, int from) {
    for (int i = from; i < lines.length; i++) {
      if (!lines[i].isBlank()) {
        return lines[i].startsWith(">");
      }
    }
    return false;
  }

  private static boolean restIsQuoteOrBlank(String[] lines, int from) {
    for (int i = from; i < lines.length; i++) {
      if (!lines[i].isBlank() && !lines[i].startsWith(">")) {
        return false;
      }
    }
    return true;
  }
}
