package org.hotline1022.gateway.adapter.sip;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.hotline1022.gateway.adapter.sip.SipParseException.Reason;

/**
 * RFC 3261 message parser, bounded (message, header count, line length) and strict where a wrong
 * guess would corrupt data (duplicate Content-Length, CSeq method mismatch), lenient where RFC 3261
 * asks for it (compact names, folded lines, LWS before the colon, CRLFs before the start line, bare
 * LF line ends). Everything it refuses is a {@link SipParseException}; nothing else escapes it.
 */
public final class SipParser {

  /** The datagram maximum (RFC 3261 §18.1.1); also the bound for one message on a stream. */
  public static final int MAX_MESSAGE_BYTES = 65_535;
  public static final int MAX_HEADERS = 128;
  public static final int MAX_LINE_CHARS = 8_192;

  private SipParser() {}

  /**
   * A UDP datagram (RFC 3261 §18.3): without Content-Length the body runs to the end of the
   * datagram; bytes beyond Content-Length are ignored; fewer is {@code TRUNCATED_BODY}.
   */
  public static SipMessage parseDatagram(Buffer datagram) throws SipParseException {
    if (datagram.length() > MAX_MESSAGE_BYTES) {
      throw new SipParseException(Reason.TOO_LARGE, "datagram over " + MAX_MESSAGE_BYTES + " bytes");
    }
    return parseDatagram(datagram.getBytes(), 0, datagram.length());
  }

  /** As {@link #parseDatagram(Buffer)} over {@code data[off, off+len)}. */
  public static SipMessage parseDatagram(byte[] data, int off, int len) throws SipParseException {
    if (len > MAX_MESSAGE_BYTES) {
      throw new SipParseException(Reason.TOO_LARGE, "datagram over " + MAX_MESSAGE_BYTES + " bytes");
    }
    int start = skipCrlf(data, off, off + len);
    int headEnd = headerEnd(data, start, off + len);
    if (headEnd < 0) {
      throw new SipParseException(Reason.TRUNCATED, "no blank line after the headers");
    }
    Head head = parseHead(data, start, headEnd);
    int available = off + len - headEnd;
    int bodyLength = head.contentLength < 0 ? available : head.contentLength;
    if (bodyLength > available) {
      throw new SipParseException(Reason.TRUNCATED_BODY, "body shorter than Content-Length");
    }
    byte[] body = new byte[bodyLength];
    System.arraycopy(data, headEnd, body, 0, bodyLength);
    return finish(head, body);
  }

  /** True for a datagram or read of CR/LF only: a keep-alive (RFC 5626 §3.5.1), not a message. */
  public static boolean isKeepAlive(Buffer data) {
    if (data.length() == 0) {
      return false;
    }
    for (int i = 0; i < data.length(); i++) {
      byte b = data.getByte(i);
      if (b != '\r' && b != '\n') {
        return false;
      }
    }
    return true;
  }

  static int skipCrlf(byte[] data, int from, int end) {
    int i = from;
    while (i < end && (data[i] == '\r' || data[i] == '\n')) {
      i++;
    }
    return i;
  }

  /** Index just after the blank line that ends the headers (CRLF CRLF or LF LF), or -1. */
  static int headerEnd(byte[] data, int from, int end) {
    for (int i = from; i < end; i++) {
      if (data[i] == '\n') {
        if (i + 1 < end && data[i + 1] == '\n') {
          return i + 2;
        }
        if (i + 2 < end && data[i + 1] == '\r' && data[i + 2] == '\n') {
          return i + 3;
        }
      }
    }
    return -1;
  }

  /** The start line and headers of one message, before its body. */
  static final class Head {
    String method;
    String requestUri;
    int status;
    String reason;
    final List<SipHeader> lines = new ArrayList<>(16);
    /** -1 when absent. */
    int contentLength = -1;
  }

  /** Parses {@code data[from, headEnd)}: start line and header lines, up to and including the blank line. */
  static Head parseHead(byte[] data, int from, int headEnd) throws SipParseException {
    if (headEnd - from > MAX_MESSAGE_BYTES) {
      throw new SipParseException(Reason.TOO_LARGE, "headers over " + MAX_MESSAGE_BYTES + " bytes");
    }
    Head head = new Head();
    String name = null;
    StringBuilder value = null;
    boolean first = true;
    int i = from;
    while (i < headEnd) {
      int nl = i;
      while (nl < headEnd && data[nl] != '\n') {
        nl++;
      }
      int lineEnd = nl > i && data[nl - 1] == '\r' ? nl - 1 : nl;
      if (lineEnd - i > MAX_LINE_CHARS) {
        throw new SipParseException(Reason.LINE_TOO_LONG, "line over " + MAX_LINE_CHARS + " chars");
      }
      String line = new String(data, i, lineEnd - i, StandardCharsets.UTF_8);
      i = nl + 1;
      if (line.indexOf('\r') >= 0) {
        // A bare CR is a line end to some peers: echoing it would let a sender inject headers.
        throw new SipParseException(Reason.BAD_HEADER, "bare CR inside a line");
      }
      if (first) {
        startLine(head, line);
        first = false;
        continue;
      }
      if (line.isEmpty()) {
        break;
      }
      char c0 = line.charAt(0);
      if (c0 == ' ' || c0 == '\t') {
        if (name == null) {
          throw new SipParseException(Reason.BAD_HEADER, "continuation line before any header");
        }
        value.append(' ').append(line.strip());
        if (value.length() > MAX_LINE_CHARS) {
          throw new SipParseException(Reason.LINE_TOO_LONG, "folded header over " + MAX_LINE_CHARS + " chars");
        }
        continue;
      }
      if (name != null) {
        addHeader(head, name, value.toString().strip());
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new SipParseException(Reason.BAD_HEADER, "header line without a name and colon");
      }
      String wireName = line.substring(0, colon).stripTrailing();
      if (!SipHeaderNames.isToken(wireName)) {
        throw new SipParseException(Reason.BAD_HEADER, "header name is not a token");
      }
      if (head.lines.size() >= MAX_HEADERS) {
        throw new SipParseException(Reason.TOO_MANY_HEADERS, "over " + MAX_HEADERS + " headers");
      }
      name = SipHeaderNames.canonical(wireName);
      value = new StringBuilder(line.length() - colon).append(line, colon + 1, line.length());
    }
    if (first) {
      throw new SipParseException(Reason.TRUNCATED, "empty message");
    }
    if (name != null) {
      addHeader(head, name, value.toString().strip());
    }
    return head;
  }

  private static void addHeader(Head head, String name, String value) throws SipParseException {
    if (name.equals("Content-Length")) {
      if (head.contentLength >= 0) {
        throw new SipParseException(Reason.DUPLICATE_HEADER, "Content-Length twice");
      }
      head.contentLength = contentLength(value);
    }
    head.lines.add(new SipHeader(name, value));
  }

  private static int contentLength(String value) throws SipParseException {
    if (value.isEmpty() || value.length() > 6) {
      throw new SipParseException(Reason.BAD_CONTENT_LENGTH, "Content-Length not a small number");
    }
    int n = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        throw new SipParseException(Reason.BAD_CONTENT_LENGTH, "Content-Length not a number");
      }
      n = n * 10 + (c - '0');
    }
    if (n > MAX_MESSAGE_BYTES) {
      throw new SipParseException(Reason.BAD_CONTENT_LENGTH, "Content-Length over the message bound");
    }
    return n;
  }

  private static void startLine(Head head, String line) throws SipParseException {
    String[] parts = splitStartLine(line.strip());
    if (parts.length >= 2 && parts[0].regionMatches(true, 0, "SIP/", 0, 4) && isStatus(parts[1])) {
      version(parts[0]);
      head.status = Integer.parseInt(parts[1]);
      head.reason = parts.length == 3 ? parts[2] : "";
      return;
    }
    if (parts.length != 3 || parts[2].indexOf(' ') >= 0 || parts[2].indexOf('\t') >= 0) {
      throw new SipParseException(Reason.BAD_START_LINE, "not a request or status line");
    }
    if (!SipHeaderNames.isToken(parts[0]) || !isUri(parts[1])) {
      throw new SipParseException(Reason.BAD_START_LINE, "bad method or Request-URI");
    }
    version(parts[2]);
    head.method = parts[0];
    head.requestUri = parts[1];
  }

  /** Up to three fields separated by runs of SP/HT (the third keeps its inner spaces); no regex on the hot path. */
  private static String[] splitStartLine(String s) {
    String[] out = new String[3];
    int n = 0;
    int i = 0;
    int len = s.length();
    while (i < len && n < 3) {
      while (i < len && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
        i++;
      }
      if (i == len) {
        break;
      }
      int start = i;
      if (n == 2) {
        out[n++] = s.substring(start);
        break;
      }
      while (i < len && s.charAt(i) != ' ' && s.charAt(i) != '\t') {
        i++;
      }
      out[n++] = s.substring(start, i);
    }
    return java.util.Arrays.copyOf(out, n);
  }

  /** scheme ":" rest, scheme = ALPHA *(ALPHA / DIGIT / "+" / "-" / "."), e.g. not {@code <sip:a@b>}. */
  static boolean isUri(String s) {
    int colon = s.indexOf(':');
    if (colon <= 0 || colon == s.length() - 1 || !((s.charAt(0) | 0x20) >= 'a' && (s.charAt(0) | 0x20) <= 'z')) {
      return false;
    }
    for (int i = 1; i < colon; i++) {
      char c = s.charAt(i);
      if (!(Character.isLetterOrDigit(c) && c < 128) && c != '+' && c != '-' && c != '.') {
        return false;
      }
    }
    return s.indexOf('<') < 0 && s.indexOf('>') < 0;
  }

  private static boolean isStatus(String s) {
    return s.length() == 3 && s.charAt(0) >= '1' && s.charAt(0) <= '6'
        && Character.isDigit(s.charAt(1)) && Character.isDigit(s.charAt(2));
  }

  private static void version(String v) throws SipParseException {
    if (!v.equalsIgnoreCase("SIP/2.0")) {
      throw new SipParseException(
          v.regionMatches(true, 0, "SIP/", 0, 4) ? Reason.BAD_VERSION : Reason.BAD_START_LINE,
          "not SIP/2.0");
    }
  }

  /** Validates the mandatory headers and builds the message. */
  static SipMessage finish(Head head, byte[] body) throws SipParseException {
    List<SipHeader> lines = Collections.unmodifiableList(new ArrayList<>(head.lines));
    Map<String, List<String>> values = SipMessage.index(lines);
    for (String single : new String[] {"call-id", "cseq", "from", "to", "max-forwards"}) {
      List<String> v = values.get(single);
      if (v == null || v.isEmpty()) {
        if (!single.equals("max-forwards")) {
          throw new SipParseException(Reason.MISSING_HEADER, single + " missing");
        }
      } else if (v.size() > 1) {
        throw new SipParseException(Reason.DUPLICATE_HEADER, single + " more than once");
      }
    }
    if (values.get("call-id").get(0).isEmpty() || SipValues.hasWhitespace(values.get("call-id").get(0))) {
      throw new SipParseException(Reason.BAD_HEADER, "Call-ID empty or with whitespace");
    }
    List<String> viaValues = values.get("via");
    if (viaValues == null || viaValues.isEmpty()) {
      throw new SipParseException(Reason.MISSING_HEADER, "via missing");
    }
    List<SipVia> vias = new ArrayList<>(viaValues.size());
    for (String v : viaValues) {
      vias.add(SipVia.parse(v));
    }
    SipCSeq cseq = SipCSeq.parse(values.get("cseq").get(0));
    if (head.method != null && !cseq.method().equals(head.method)) {
      throw new SipParseException(Reason.BAD_CSEQ, "CSeq method differs from the request method");
    }
    SipAddress from = SipAddress.parse(values.get("from").get(0));
    SipAddress to = SipAddress.parse(values.get("to").get(0));
    List<SipAddress> pai = new ArrayList<>(1);
    for (String v : values.getOrDefault("p-asserted-identity", List.of())) {
      try {
        pai.add(SipAddress.parse(v));
      } catch (SipParseException ignored) {
        // An optional identity we cannot read is not a reason to lose the call.
      }
    }
    return new SipMessage(head.method, head.requestUri, head.status, head.reason, lines, values, body,
        cseq, List.copyOf(vias), from, to, List.copyOf(pai));
  }

  /** Builds a message from parts with the parser's checks (IllegalArgumentException on failure). */
  static SipMessage assemble(String method, String requestUri, int status, String reason,
      List<SipHeader> headers, byte[] body) {
    Head head = new Head();
    if (method != null) {
      if (!SipHeaderNames.isToken(method) || requestUri == null || !isUri(requestUri)
          || SipValues.hasWhitespace(requestUri)) {
        throw new IllegalArgumentException("bad method or Request-URI");
      }
      head.method = method;
      head.requestUri = requestUri;
    } else {
      if (status < 100 || status > 699) {
        throw new IllegalArgumentException("status " + status);
      }
      head.status = status;
      head.reason = reason == null ? SipResponses.reasonPhrase(status) : reason;
    }
    for (SipHeader h : headers) {
      if (!SipHeaderNames.isToken(h.name()) || h.value().indexOf('\r') >= 0 || h.value().indexOf('\n') >= 0) {
        throw new IllegalArgumentException("bad header " + h.name());
      }
      if (!SipHeaderNames.canonical(h.name()).equals("Content-Length")) {
        head.lines.add(new SipHeader(SipHeaderNames.canonical(h.name()), h.value().strip()));
      }
    }
    byte[] b = body == null ? new byte[0] : body.clone();
    head.lines.add(new SipHeader("Content-Length", Integer.toString(b.length)));
    try {
      return finish(head, b);
    } catch (SipParseException e) {
      throw new IllegalArgumentException(e.reason().tag() + ": " + e.getMessage(), e);
    }
  }
}
