package org.hotline1022.gateway.adapter.sip;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/** SIP texts for tests, written with LF and sent with CRLF. */
final class SipTexts {

  private SipTexts() {}

  static String crlf(String lf) {
    return lf.replace("\r\n", "\n").replace("\n", "\r\n");
  }

  static Buffer wire(String lf) {
    return Buffer.buffer(crlf(lf).getBytes(StandardCharsets.UTF_8));
  }

  static final String SDP = crlf("""
      v=0
      o=- 1 1 IN IP4 192.0.2.10
      s=-
      c=IN IP4 192.0.2.10
      t=0 0
      m=audio 4000 RTP/AVP 0
      """);

  /** An INVITE as a carrier trunk sends it toward the PBX, with an SDP body. */
  static String invite(String callId, String branch) {
    return crlf("""
        INVITE sip:1022@pbx.example.vn SIP/2.0
        Via: SIP/2.0/UDP 10.0.0.1:5060;branch=%s;rport
        Via: SIP/2.0/TCP trunk.example.vn:5061;branch=z9hG4bKtrunk1;received=192.0.2.7
        Max-Forwards: 70
        From: "Nguyen Van A" <sip:0912345678@trunk.example.vn>;tag=abc123
        To: <sip:1022@pbx.example.vn>
        Call-ID: %s
        CSeq: 1 INVITE
        Contact: <sip:0912345678@10.0.0.1:5060>
        P-Asserted-Identity: <sip:+84912345678@trunk.example.vn>, <tel:+84912345678>
        Content-Type: application/sdp
        Content-Length: %d

        """.formatted(branch, callId, SDP.length())) + SDP;
  }

  static String response(String callId, int status, String reason, String toTag, String cseqMethod) {
    return crlf("""
        SIP/2.0 %d %s
        Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK776asdhds;rport=5060
        From: "Nguyen Van A" <sip:0912345678@trunk.example.vn>;tag=abc123
        To: <sip:1022@pbx.example.vn>%s
        Call-ID: %s
        CSeq: 1 %s
        Content-Length: 0

        """.formatted(status, reason, toTag == null ? "" : ";tag=" + toTag, callId, cseqMethod));
  }
}
