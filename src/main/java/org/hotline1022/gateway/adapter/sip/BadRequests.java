package org.hotline1022.gateway.adapter.sip;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A {@code 400 Bad Request} for a request the parser refused, when the text still shows what a
 * response must echo (RFC 3261 §8.2.6): a request line (not ACK) and Via, From, To, Call-ID and
 * CSeq lines. Only the head (at most the parser's bound) is scanned, line by line, and nothing of the
 * input but those header values goes back. Anything less is not answerable: the caller only counts it.
 */
final class BadRequests {
  private BadRequests() {}

  static Buffer answer(Buffer data) {
    int n = Math.min(data.length(), SipParser.MAX_MESSAGE_BYTES);
    String text = data.getString(0, n, StandardCharsets.ISO_8859_1.name());
    int end = text.indexOf("\r\n\r\n");
    String[] lines = (end < 0 ? text : text.substring(0, end)).split("\r\n", SipParser.MAX_HEADERS + 2);
    int first = 0;
    while (first < lines.length && lines[first].isEmpty()) {
      first++;
    }
    if (first >= lines.length) {
      return null;
    }
    String[] start = lines[first].split(" ");
    if (start.length != 3 || !start[2].equals("SIP/2.0") || start[0].equals("ACK") || !start[0].chars().allMatch(Character::isLetter)) {
      return null;
    }
    List<String> vias = new ArrayList<>();
    String from = null;
    String to = null;
    String callId = null;
    String cseq = null;
    for (int i = first + 1; i < lines.length && i <= SipParser.MAX_HEADERS + first; i++) {
      String line = lines[i];
      int colon = line.indexOf(':');
      if (colon <= 0 || line.length() > SipParser.MAX_LINE_CHARS || !clean(line)) {
        continue;
      }
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      switch (name) {
        case "via", "v" -> vias.add(value);
        case "from", "f" -> from = from == null ? value : from;
        case "to", "t" -> to = to == null ? value : to;
        case "call-id", "i" -> callId = callId == null ? value : callId;
        case "cseq" -> cseq = cseq == null ? value : cseq;
        default -> { }
      }
    }
    if (vias.isEmpty() || from == null || to == null || callId == null || cseq == null || callId.isEmpty()) {
      return null;
    }
    StringBuilder b = new StringBuilder(256).append("SIP/2.0 400 Bad Request\r\n");
    vias.forEach(v -> b.append("Via: ").append(v).append("\r\n"));
    b.append("From: ").append(from).append("\r\n");
    b.append("To: ").append(to).append(to.toLowerCase(Locale.ROOT).contains(";tag=") ? "" : ";tag=" + SipResponses.newTag()).append("\r\n");
    b.append("Call-ID: ").append(callId).append("\r\n");
    b.append("CSeq: ").append(cseq).append("\r\n");
    b.append("Content-Length: 0\r\n\r\n");
    return Buffer.buffer(b.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  /** No control characters that could split our own response into extra lines. */
  private static boolean clean(String line) {
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c < 0x20 && c != '\t' || c == 0x7f) {
        return false;
      }
    }
    return true;
  }
}
