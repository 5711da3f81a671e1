package org.hotline1022.gateway.adapter.sip;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds a response to a request (RFC 3261 §8.2.6): every Via in order (the top one stamped with
 * {@code received}/{@code rport} when the source is given, §18.2.1 and RFC 3581 §4), From, To (with
 * the UAS tag added unless the request already had one), Call-ID, CSeq, extra headers, and a
 * Content-Length matching the body.
 *
 * <pre>{@code
 * SipMessage busy = SipResponses.to(invite).status(486).toTag(tag).source("10.0.0.5", 5071)
 *     .header("Retry-After", "30").build();
 * }</pre>
 */
public final class SipResponses {

  private static final SecureRandom RANDOM = new SecureRandom();

  private static final Map<Integer, String> REASONS = Map.ofEntries(
      Map.entry(100, "Trying"), Map.entry(180, "Ringing"), Map.entry(181, "Call Is Being Forwarded"),
      Map.entry(182, "Queued"), Map.entry(183, "Session Progress"), Map.entry(200, "OK"),
      Map.entry(202, "Accepted"), Map.entry(302, "Moved Temporarily"), Map.entry(400, "Bad Request"),
      Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"), Map.entry(404, "Not Found"),
      Map.entry(405, "Method Not Allowed"), Map.entry(408, "Request Timeout"),
      Map.entry(412, "Conditional Request Failed"), Map.entry(413, "Request Entity Too Large"),
      Map.entry(415, "Unsupported Media Type"), Map.entry(420, "Bad Extension"),
      Map.entry(423, "Interval Too Brief"), Map.entry(480, "Temporarily Unavailable"),
      Map.entry(481, "Call/Transaction Does Not Exist"), Map.entry(482, "Loop Detected"),
      Map.entry(483, "Too Many Hops"), Map.entry(484, "Address Incomplete"),
      Map.entry(486, "Busy Here"), Map.entry(487, "Request Terminated"),
      Map.entry(488, "Not Acceptable Here"), Map.entry(489, "Bad Event"),
      Map.entry(500, "Server Internal Error"), Map.entry(501, "Not Implemented"),
      Map.entry(503, "Service Unavailable"), Map.entry(504, "Server Time-out"),
      Map.entry(505, "Version Not Supported"), Map.entry(513, "Message Too Large"),
      Map.entry(600, "Busy Everywhere"), Map.entry(603, "Decline"));

  private SipResponses() {}

  /** The standard reason phrase for a code, or a generic one for its class. */
  public static String reasonPhrase(int status) {
    String r = REASONS.get(status);
    if (r != null) {
      return r;
    }
    return switch (status / 100) {
      case 1 -> "Session Progress";
      case 2 -> "OK";
      case 3 -> "Redirection";
      case 4 -> "Client Error";
      case 5 -> "Server Error";
      default -> "Global Failure";
    };
  }

  /** A fresh To/From tag with 64 bits of randomness (§19.3 asks for at least 32). */
  public static String newTag() {
    byte[] b = new byte[8];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** A response with no tag, source stamping or extra headers (e.g. 100 Trying). */
  public static SipMessage create(SipMessage request, int status) {
    return to(request).status(status).build();
  }

  /** Starts a response to {@code request}. */
  public static Builder to(SipMessage request) {
    if (!request.isRequest()) {
      throw new IllegalArgumentException("not a request");
    }
    return new Builder(request);
  }

  /**
   * The top Via value with {@code received} added when the source address differs from sent-by
   * (or when {@code rport} was asked for) and {@code rport} filled with the source port.
   */
  public static String stampVia(SipVia via, String sourceHost, int sourcePort) {
    String raw = via.raw().strip();
    StringBuilder b = new StringBuilder(raw.length() + 40);
    if (via.rport() && via.rportValue() < 0) {
      // Replace the bare rport flag with its value (RFC 3581 §4).
      int i = indexOfParam(raw, "rport");
      b.append(raw, 0, i + "rport".length()).append('=').append(sourcePort).append(raw, i + "rport".length(), raw.length());
    } else {
      b.append(raw);
    }
    boolean needReceived = via.rport() || !via.host().equalsIgnoreCase(sourceHost);
    if (needReceived && via.received() == null) {
      b.append(";received=").append(sourceHost);
    }
    return b.toString();
  }

  private static int indexOfParam(String raw, String name) {
    int from = 0;
    while (true) {
      int i = raw.toLowerCase(java.util.Locale.ROOT).indexOf(';' + name, from);
      if (i < 0) {
        return raw.length();
      }
      int after = i + 1 + name.length();
      int j = after;
      while (j < raw.length() && (raw.charAt(j) == ' ' || raw.charAt(j) == '\t')) {
        j++;
      }
      if (j >= raw.length() || raw.charAt(j) == ';' || raw.charAt(j) == '=') {
        return i + 1;
      }
      from = after;
    }
  }

  /** Fluent response builder. */
  public static final class Builder {
    private final SipMessage request;
    private int status = 200;
    private String reason;
    private String toTag;
    private String sourceHost;
    private int sourcePort = -1;
    private final List<SipHeader> extra = new ArrayList<>(4);
    private byte[] body;

    private Builder(SipMessage request) {
      this.request = request;
    }

    public Builder status(int code) {
      this.status = code;
      return this;
    }

    /** Overrides the standard reason phrase. */
    public Builder reason(String phrase) {
      this.reason = phrase;
      return this;
    }

    /** The UAS tag for To (ignored when the request's To already carries one). */
    public Builder toTag(String tag) {
      this.toTag = tag;
      return this;
    }

    /** Where the request came from: stamps the top Via with received/rport. */
    public Builder source(String host, int port) {
      this.sourceHost = Objects.requireNonNull(host, "host");
      this.sourcePort = port;
      return this;
    }

    public Builder header(String name, String value) {
      extra.add(new SipHeader(name, value));
      return this;
    }

    public Builder body(String contentType, byte[] content) {
      extra.add(new SipHeader("Content-Type", contentType));
      this.body = content;
      return this;
    }

    public SipMessage build() {
      List<SipHeader> h = new ArrayList<>(8 + extra.size());
      List<SipVia> vias = request.vias();
      for (int i = 0; i < vias.size(); i++) {
        String v = i == 0 && sourceHost != null
            ? stampVia(vias.get(0), sourceHost, sourcePort)
            : vias.get(i).raw().strip();
        h.add(new SipHeader("Via", v));
      }
      h.add(new SipHeader("From", request.from().raw().strip()));
      String to = request.to().raw().strip();
      if (request.to().tag() == null && toTag != null) {
        to = to + ";tag=" + toTag;
      }
      h.add(new SipHeader("To", to));
      h.add(new SipHeader("Call-ID", request.callId()));
      h.add(new SipHeader("CSeq", request.cseq().toString()));
      h.addAll(extra);
      return SipMessage.response(status, reason, h, body);
    }
  }
}
