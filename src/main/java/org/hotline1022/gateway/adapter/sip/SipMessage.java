package org.hotline1022.gateway.adapter.sip;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One immutable SIP request or response. Made by {@link SipParser} (validated: Call-ID, CSeq, From,
 * To and at least one Via present and well formed) or by {@link #request}/{@link #response}, which
 * apply the same checks and throw {@link IllegalArgumentException} on what the parser would refuse.
 */
public final class SipMessage {

  private final String method;
  private final String requestUri;
  private final int status;
  private final String reason;
  private final List<SipHeader> lines;
  private final Map<String, List<String>> values;
  private final byte[] body;
  private final SipCSeq cseq;
  private final List<SipVia> vias;
  private final SipAddress from;
  private final SipAddress to;
  private final List<SipAddress> pai;

  SipMessage(String method, String requestUri, int status, String reason, List<SipHeader> lines,
      Map<String, List<String>> values, byte[] body, SipCSeq cseq, List<SipVia> vias, SipAddress from,
      SipAddress to, List<SipAddress> pai) {
    this.method = method;
    this.requestUri = requestUri;
    this.status = status;
    this.reason = reason;
    this.lines = lines;
    this.values = values;
    this.body = body;
    this.cseq = cseq;
    this.vias = vias;
    this.from = from;
    this.to = to;
    this.pai = pai;
  }

  /** Builds a request; Content-Length is set from the body when serialized. */
  public static SipMessage request(String method, String requestUri, List<SipHeader> headers, byte[] body) {
    return SipParser.assemble(method, requestUri, 0, null, headers, body);
  }

  /** Builds a response; Content-Length is set from the body when serialized. */
  public static SipMessage response(int status, String reason, List<SipHeader> headers, byte[] body) {
    return SipParser.assemble(null, null, status, reason, headers, body);
  }

  public boolean isRequest() {
    return method != null;
  }

  /** The request method (case as sent), null for a response. */
  public String method() {
    return method;
  }

  public String requestUri() {
    return requestUri;
  }

  /** The status code of a response, 0 for a request. */
  public int status() {
    return status;
  }

  /** The reason phrase of a response (may be empty), null for a request. */
  public String reason() {
    return reason;
  }

  /** All values of a header in wire order (compact or full name, any case); list headers split. */
  public List<String> headers(String name) {
    List<String> v = values.get(SipHeaderNames.key(name));
    return v == null ? List.of() : v;
  }

  /** The first value of a header, or null. */
  public String header(String name) {
    List<String> v = values.get(SipHeaderNames.key(name));
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /** Every header line in wire order, unsplit (for echoing). */
  public List<SipHeader> headerLines() {
    return lines;
  }

  /** The body: Content-Length bytes (a copy). */
  public byte[] body() {
    return body.clone();
  }

  public int bodyLength() {
    return body.length;
  }

  public String callId() {
    return header("Call-ID");
  }

  public SipCSeq cseq() {
    return cseq;
  }

  /** Every Via value, top first. */
  public List<SipVia> vias() {
    return vias;
  }

  public SipVia topVia() {
    return vias.get(0);
  }

  public SipAddress from() {
    return from;
  }

  public SipAddress to() {
    return to;
  }

  /** The first parsable P-Asserted-Identity, or null (an unparsable one is ignored, not fatal). */
  public SipAddress pAssertedIdentity() {
    return pai.isEmpty() ? null : pai.get(0);
  }

  /** Every parsable P-Asserted-Identity (a sip and a tel URI may both be asserted). */
  public List<SipAddress> pAssertedIdentities() {
    return pai;
  }

  /** Wire form: start line, headers in order (Content-Length set to the body's length), body. */
  public Buffer toBuffer() {
    StringBuilder b = new StringBuilder(256 + lines.size() * 48);
    if (isRequest()) {
      b.append(method).append(' ').append(requestUri).append(" SIP/2.0\r\n");
    } else {
      b.append("SIP/2.0 ").append(status).append(' ').append(reason).append("\r\n");
    }
    boolean length = false;
    for (SipHeader h : lines) {
      b.append(h.name()).append(": ");
      if (h.name().equals("Content-Length")) {
        if (length) {
          b.setLength(b.length() - h.name().length() - 2);
          continue;
        }
        length = true;
        b.append(body.length);
      } else {
        b.append(h.value());
      }
      b.append("\r\n");
    }
    if (!length) {
      b.append("Content-Length: ").append(body.length).append("\r\n");
    }
    b.append("\r\n");
    Buffer out = Buffer.buffer(b.toString().getBytes(StandardCharsets.UTF_8));
    return body.length == 0 ? out : out.appendBytes(body);
  }

  @Override
  public String toString() {
    // Ids only: logs never carry numbers or bodies.
    return isRequest()
        ? "SipMessage[" + method + " call-id=" + callId() + " cseq=" + cseq + "]"
        : "SipMessage[" + status + " call-id=" + callId() + " cseq=" + cseq + "]";
  }

  /** Groups header lines by key, splitting list headers. */
  static Map<String, List<String>> index(List<SipHeader> lines) {
    Map<String, List<String>> m = new HashMap<>();
    for (SipHeader h : lines) {
      String key = SipHeaderNames.key(h.name());
      List<String> v = m.computeIfAbsent(key, k -> new ArrayList<>(1));
      if (SipHeaderNames.isList(key)) {
        v.addAll(SipValues.splitList(h.value()));
      } else {
        v.add(h.value());
      }
    }
    m.replaceAll((k, v) -> Collections.unmodifiableList(v));
    return Collections.unmodifiableMap(m);
  }
}
