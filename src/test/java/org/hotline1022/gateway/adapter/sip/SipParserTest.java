package org.hotline1022.gateway.adapter.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hotline1022.gateway.adapter.sip.SipTexts.crlf;
import static org.hotline1022.gateway.adapter.sip.SipTexts.wire;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.hotline1022.gateway.adapter.sip.SipParseException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SipParserTest {

  @Test
  void inviteHeadersViasIdentitiesAndBody() throws Exception {
    SipMessage m = SipParser.parseDatagram(wire(SipTexts.invite("c1@10.0.0.1", "z9hG4bK776asdhds")));

    assertThat(m.isRequest()).isTrue();
    assertThat(m.method()).isEqualTo("INVITE");
    assertThat(m.requestUri()).isEqualTo("sip:1022@pbx.example.vn");
    assertThat(m.callId()).isEqualTo("c1@10.0.0.1");
    assertThat(m.cseq()).isEqualTo(new SipCSeq(1, "INVITE"));
    assertThat(m.vias()).hasSize(2);
    SipVia top = m.topVia();
    assertThat(top.transport()).isEqualTo("UDP");
    assertThat(top.host()).isEqualTo("10.0.0.1");
    assertThat(top.port()).isEqualTo(5060);
    assertThat(top.branch()).isEqualTo("z9hG4bK776asdhds");
    assertThat(top.rport()).isTrue();
    assertThat(top.rportValue()).isEqualTo(-1);
    assertThat(m.vias().get(1).transport()).isEqualTo("TCP");
    assertThat(m.vias().get(1).received()).isEqualTo("192.0.2.7");
    assertThat(m.from().displayName()).isEqualTo("Nguyen Van A");
    assertThat(m.from().user()).isEqualTo("0912345678");
    assertThat(m.from().host()).isEqualTo("trunk.example.vn");
    assertThat(m.from().tag()).isEqualTo("abc123");
    assertThat(m.to().tag()).isNull();
    assertThat(m.to().user()).isEqualTo("1022");
    assertThat(m.pAssertedIdentity().user()).isEqualTo("+84912345678");
    assertThat(m.pAssertedIdentities()).extracting(SipAddress::uri)
        .containsExactly("sip:+84912345678@trunk.example.vn", "tel:+84912345678");
    assertThat(new String(m.body(), StandardCharsets.UTF_8)).isEqualTo(SipTexts.SDP);
    assertThat(m.header("max-forwards")).isEqualTo("70");
    assertThat(m.header("Subject")).isNull();
    assertThat(m.headers("Route")).isEmpty();
  }

  @Test
  void responseStatusReasonAndToTag() throws Exception {
    SipMessage m = SipParser.parseDatagram(wire(SipTexts.response("c1", 180, "Ringing", "pbx9", "INVITE")));
    assertThat(m.isRequest()).isFalse();
    assertThat(m.method()).isNull();
    assertThat(m.status()).isEqualTo(180);
    assertThat(m.reason()).isEqualTo("Ringing");
    assertThat(m.to().tag()).isEqualTo("pbx9");
    assertThat(m.topVia().rportValue()).isEqualTo(5060);
  }

  @Test
  void compactFormsMapToFullNames() throws Exception {
    SipMessage m = SipParser.parseDatagram(wire("""
        OPTIONS sip:1022@pbx SIP/2.0
        v: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKa
        f: <sip:alice@a>;tag=1
        t: sip:1022@pbx
        i: opt-1
        CSeq: 7 OPTIONS
        k: timer, 100rel
        m: <sip:alice@10.0.0.1>
        l: 0

        """));
    assertThat(m.callId()).isEqualTo("opt-1");
    assertThat(m.header("Call-ID")).isEqualTo("opt-1");
    assertThat(m.header("i")).isEqualTo("opt-1");
    assertThat(m.headers("Supported")).containsExactly("timer", "100rel");
    assertThat(m.header("Contact")).isEqualTo("<sip:alice@10.0.0.1>");
    assertThat(m.to().uri()).isEqualTo("sip:1022@pbx");
    assertThat(m.headerLines()).extracting(SipHeader::name)
        .containsExactly("Via", "From", "To", "Call-ID", "CSeq", "Supported", "Contact", "Content-Length");
  }

  @Test
  void commaSeparatedAndRepeatedViasKeepTheirOrder() throws Exception {
    SipMessage m = SipParser.parseDatagram(wire("""
        SIP/2.0 200 OK
        Via: SIP/2.0/UDP a.example;branch=z9hG4bK1, SIP/2.0/TCP b.example:5070;branch=z9hG4bK2
        Via: SIP/2.0/UDP [2001:db8::9]:5080;branch=z9hG4bK3
        Record-Route: <sip:p1;lr>, <sip:p2;lr>
        From: <sip:a@a>;tag=1
        To: <sip:b@b>;tag=2
        Call-ID: v1
        CSeq: 1 INVITE
        Content-Length: 0

        """));
    assertThat(m.vias()).extracting(SipVia::sentBy)
        .containsExactly("a.example", "b.example:5070", "[2001:db8::9]:5080");
    assertThat(m.vias()).extracting(SipVia::branch).containsExactly("z9hG4bK1", "z9hG4bK2", "z9hG4bK3");
    assertThat(m.headers("record-route")).containsExactly("<sip:p1;lr>", "<sip:p2;lr>");
    assertThat(m.headerLines()).filteredOn(h -> h.name().equals("Via")).hasSize(2);
  }

  @Test
  void displayNamesWithCommasAndEscapesDoNotSplitContacts() throws Exception {
    SipMessage m = SipParser.parseDatagram(wire("""
        REGISTER sip:pbx SIP/2.0
        Via: SIP/2.0/UDP h;branch=z9hG4bKr
        From: "Doe, \\"J\\"" <sip:j@pbx>;tag=x
        To: <sip:j@pbx>
        Call-ID: r1
        CSeq: 2 REGISTER
        Contact: "A, B" <sip:a@h>;q=0.5, <sip:b@h>
        Content-Length: 0

        """));
    assertThat(m.from().displayName()).isEqualTo("Doe, \"J\"");
    assertThat(m.headers("Contact")).containsExactly("\"A, B\" <sip:a@h>;q=0.5", "<sip:b@h>");
  }

  /** RFC 4475 §3.1.1.1 ("wsinv"): legal but tortuous whitespace, folding, case and escapes. */
  @Test
  void shortTortuousInvite() throws Exception {
    String body = crlf("""
        v=0
        o=mhandley 29739 7272939 IN IP4 192.0.2.3
        s=-
        c=IN IP4 192.0.2.4
        t=0 0
        m=audio 49217 RTP/AVP 0 12
        m=video 3227 RTP/AVP 31
        a=rtpmap:31 LPC
        """);
    String head = crlf("""
        INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0
        TO :
         sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n
        from   : "J Rosenberg \\\\\\""       <sip:jdrosen@example.com>
          ;
          tag = 98asjd8
        MaX-fOrWaRdS: 0068
        Call-ID: wsinv.ndaksdj@192.0.2.1
        Content-Length   : %d
        cseq: 0009
          INVITE
        Via  : SIP  /   2.0
         /UDP
            192.0.2.2;branch=390skdjuw
        s :
        NewFangledHeader:   newfangled value
         continued newfangled value
        UnknownHeaderWithUnusualValue: ;;,,;;,;
        Content-Type: application/sdp
        Route:
         <sip:services.example.com;lr;unknownwith=value;unknown-no-value>
        v:  SIP  / 2.0  / TCP     spindle.example.com   ;
          branch  =   z9hG4bK9ikj8  ,
         SIP  /    2.0   / UDP  192.168.255.111   ; branch=
         z9hG4bK30239
        m:"Quoted string \\"\\"" <sip:jdrosen@example.com> ; newparam =
              newvalue ;
          secondparam ; q = 0.33

        """.formatted(body.length()));
    SipMessage m = SipParser.parseDatagram(Buffer.buffer(head + body));

    assertThat(m.to().tag()).isEqualTo("1918181833n");
    assertThat(m.from().tag()).isEqualTo("98asjd8");
    assertThat(m.from().displayName()).isEqualTo("J Rosenberg \\\"");
    assertThat(m.cseq()).isEqualTo(new SipCSeq(9, "INVITE"));
    assertThat(m.vias()).extracting(SipVia::host).containsExactly("192.0.2.2", "spindle.example.com", "192.168.255.111");
    assertThat(m.vias()).extracting(SipVia::transport).containsExactly("UDP", "TCP", "UDP");
    assertThat(m.vias().get(2).branch()).isEqualTo("z9hG4bK30239");
    assertThat(m.header("NewFangledHeader")).isEqualTo("newfangled value continued newfangled value");
    assertThat(m.header("Subject")).isEmpty();
    assertThat(m.headers("Contact")).hasSize(1);
    assertThat(m.bodyLength()).isEqualTo(body.length());
  }

  /** RFC 4475 §3.1.1.3 ("intmeth") and §3.1.1.4 ("esc02"-like escapes in the user part). */
  @Test
  void unusualMethodTokenAndEscapedUser() throws Exception {
    SipMessage m = SipParser.parseDatagram(wire("""
        !interesting-Method0123456789_*+`.%indeed'~ sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com SIP/2.0
        Via: SIP/2.0/TCP host1.example.com;branch=z9hG4bK-.!%66*_+`'~
        To: "BEL:\\\u0007 NUL:\\\u0000 DEL:\\\u007F" <sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*@example.com>
        From: token1~` token2'+_ token3*%!.- <sip:mundane@example.com>;fromParam''~+*_!.-%="работающий";tag=_token~1'+`*%!-.
        Call-ID: intmeth.word%ZK-!.*_+'@word`~)(><:\\/"][?}{
        CSeq: 139122385 !interesting-Method0123456789_*+`.%indeed'~
        Max-Forwards: 255
        extensionHeader-!.%*+_`'~:﻿大停電
        Content-Length: 0

        """));
    assertThat(m.method()).isEqualTo("!interesting-Method0123456789_*+`.%indeed'~");
    assertThat(m.from().displayName()).isEqualTo("token1~` token2'+_ token3*%!.-");
    assertThat(m.from().tag()).isEqualTo("_token~1'+`*%!-.");
    assertThat(m.topVia().branch()).isEqualTo("z9hG4bK-.!%66*_+`'~");
    assertThat(m.callId()).isEqualTo("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
    assertThat(m.header("extensionHeader-!.%*+_`'~")).isEqualTo("\uFEFF大停電");
  }

  @Test
  void escapedUserPartIsDecoded() throws Exception {
    SipMessage m = SipParser.parseDatagram(wire("""
        INVITE sip:1022@pbx SIP/2.0
        Via: SIP/2.0/UDP h;branch=z9hG4bKe
        From: <sip:%2B84%39123@trunk;user=phone>;tag=e
        To: <tel:1022;phone-context=+84237>
        Call-ID: esc
        CSeq: 1 INVITE
        Content-Length: 0

        """));
    assertThat(m.from().user()).isEqualTo("+849123");
    assertThat(m.to().user()).isEqualTo("1022");
    assertThat(m.to().host()).isNull();
  }

  @Test
  void crlfBeforeTheStartLineAndBareLfLineEndsAreTolerated() throws Exception {
    String lf = "\r\n\r\nBYE sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bKb\nFrom: <sip:x@y>;tag=1\n"
        + "To: <sip:a@b>;tag=2\nCall-ID: lf\nCSeq: 2 BYE\nContent-Length: 0\n\n";
    SipMessage m = SipParser.parseDatagram(Buffer.buffer(lf));
    assertThat(m.method()).isEqualTo("BYE");
    assertThat(m.callId()).isEqualTo("lf");
  }

  @Test
  void datagramWithoutContentLengthTakesTheRestAndExtraBytesAreIgnored() throws Exception {
    String head = """
        MESSAGE sip:a@b SIP/2.0
        Via: SIP/2.0/UDP h;branch=z9hG4bKm
        From: <sip:x@y>;tag=1
        To: <sip:a@b>
        Call-ID: m1
        CSeq: 1 MESSAGE
        """;
    SipMessage noLength = SipParser.parseDatagram(Buffer.buffer(crlf(head + "\n") + "hello world"));
    assertThat(new String(noLength.body(), StandardCharsets.UTF_8)).isEqualTo("hello world");

    SipMessage longer = SipParser.parseDatagram(Buffer.buffer(crlf(head + "Content-Length: 5\n\n") + "hello world"));
    assertThat(new String(longer.body(), StandardCharsets.UTF_8)).isEqualTo("hello");
  }

  /** RFC 4475 §3.1.2 invalid messages and our bounds: each a typed refusal. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      clerr: body shorter than Content-Length     | Content-Length: 9999                               | TRUNCATED_BODY
      ncl: negative Content-Length                 | Content-Length: -999                               | BAD_CONTENT_LENGTH
      two different Content-Lengths                | Content-Length: 0\\nl: 10                           | DUPLICATE_HEADER
      scalar02: CSeq number over 2^31              | CSeq: 36893488147419103232 INVITE\\nContent-Length: 0 | BAD_CSEQ
      mismatch01: CSeq method differs              | CSeq: 1 OPTIONS\\nContent-Length: 0                 | BAD_CSEQ
      header without colon                         | Nonsense here\\nContent-Length: 0                   | BAD_HEADER
      header name not a token                      | Bad Name: x\\nContent-Length: 0                     | BAD_HEADER
      """)
  void refusedExtras(String name, String extra, Reason reason) {
    String base = """
        INVITE sip:1022@pbx SIP/2.0
        Via: SIP/2.0/UDP h;branch=z9hG4bKx
        From: <sip:a@b>;tag=1
        To: <sip:1022@pbx>
        Call-ID: bad1
        """;
    String cseq = extra.contains("CSeq") ? "" : "CSeq: 1 INVITE\n";
    String text = base + cseq + extra.replace("\\n", "\n") + "\n\n";
    assertThatThrownBy(() -> SipParser.parseDatagram(wire(text)))
        .isInstanceOfSatisfying(SipParseException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      badvers: SIP/7.0                 | INVITE sip:1022@pbx SIP/7.0            | BAD_VERSION
      ltgtruri: URI in angle brackets  | INVITE <sip:1022@pbx> SIP/2.0          | BAD_START_LINE
      lwsruri: space in Request-URI    | INVITE sip:1022@pbx; lr SIP/2.0        | BAD_START_LINE
      bigcode: status over 3 digits    | SIP/2.0 4294967301 better not break the receiver | BAD_START_LINE
      no version                       | INVITE sip:1022@pbx                    | BAD_START_LINE
      garbage                          | \u0001\u0002 hello                      | BAD_START_LINE
      """)
  void refusedStartLines(String name, String startLine, Reason reason) {
    String text = startLine + """

        Via: SIP/2.0/UDP h;branch=z9hG4bKx
        From: <sip:a@b>;tag=1
        To: <sip:1022@pbx>
        Call-ID: bad2
        CSeq: 1 INVITE
        Content-Length: 0

        """;
    assertThatThrownBy(() -> SipParser.parseDatagram(wire(text)))
        .isInstanceOfSatisfying(SipParseException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  @Test
  void cseqMethodMismatchIsRefused() {
    String text = SipTexts.invite("mm", "z9hG4bKq").replace("CSeq: 1 INVITE", "CSeq: 1 OPTIONS");
    assertThatThrownBy(() -> SipParser.parseDatagram(Buffer.buffer(text)))
        .isInstanceOfSatisfying(SipParseException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_CSEQ));
  }

  @Test
  void unbalancedQuoteInFromIsRefused() {
    String text = SipTexts.invite("qb", "z9hG4bKq").replace("From: \"Nguyen Van A\"", "From: \"Nguyen Van A");
    assertThatThrownBy(() -> SipParser.parseDatagram(Buffer.buffer(text)))
        .isInstanceOfSatisfying(SipParseException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_ADDRESS));
  }

  @ParameterizedTest(name = "missing {0}")
  @CsvSource({"Via", "From", "To", "Call-ID", "CSeq"})
  void mandatoryHeadersMissing(String header) {
    String text = SipTexts.invite("ms", "z9hG4bKq").replaceAll("(?m)^" + header + ":.*\r\n", "");
    assertThatThrownBy(() -> SipParser.parseDatagram(Buffer.buffer(text)))
        .isInstanceOfSatisfying(SipParseException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MISSING_HEADER));
  }

  @Test
  void duplicateCallIdIsRefused() {
    String text = SipTexts.invite("d1", "z9hG4bKq").replace("CSeq: 1 INVITE", "Call-ID: d2\r\nCSeq: 1 INVITE");
    assertThatThrownBy(() -> SipParser.parseDatagram(Buffer.buffer(text)))
        .isInstanceOfSatisfying(SipParseException.class, e -> assertThat(e.reason()).isEqualTo(Reason.DUPLICATE_HEADER));
  }

  @Test
  void badViaIsRefused() {
    String text = SipTexts.invite("bv", "z9hG4bKq").replace("SIP/2.0/UDP 10.0.0.1:5060", "SIP/3.0/UDP 10.0.0.1:99999");
    assertThatThrownBy(() -> SipParser.parseDatagram(Buffer.buffer(text)))
        .isInstanceOfSatisfying(SipParseException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_VIA));
  }

  @Test
  void boundsAreEnforced() {
    byte[] huge = new byte[SipParser.MAX_MESSAGE_BYTES + 1];
    assertThatThrownBy(() -> SipParser.parseDatagram(Buffer.buffer(huge)))
        .isInstanceOfSatisfying(SipParseException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE));

    String longLine = SipTexts.invite("ll", "z9hG4bKq")
        .replace("Max-Forwards: 70", "Subject: " + "x".repeat(SipParser.MAX_LINE_CHARS));
    assertThatThrownBy(() -> SipParser.parseDatagram(Buffer.buffer(longLine)))
        .isInstanceOfSatisfying(SipParseException.class, e -> assertThat(e.reason()).isEqualTo(Reason.LINE_TOO_LONG));

    String folded = SipTexts.invite("fl", "z9hG4bKq")
        .replace("Max-Forwards: 70", "Subject: a" + "\r\n b".repeat(SipParser.MAX_LINE_CHARS / 2));
    assertThatThrownBy(() -> SipParser.parseDatagram(Buffer.buffer(folded)))
        .isInstanceOfSatisfying(SipParseException.class, e -> assertThat(e.reason()).isEqualTo(Reason.LINE_TOO_LONG));

    String many = SipTexts.invite("mh", "z9hG4bKq")
        .replace("Max-Forwards: 70", "X-H: 1\r\n".repeat(SipParser.MAX_HEADERS) + "Max-Forwards: 70");
    assertThatThrownBy(() -> SipParser.parseDatagram(Buffer.buffer(many)))
        .isInstanceOfSatisfying(SipParseException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_MANY_HEADERS));
  }

  @Test
  void truncatedAndEmptyInputs() {
    String full = SipTexts.invite("tr", "z9hG4bKq");
    String headersCut = full.substring(0, full.indexOf("Content-Type"));
    assertThatThrownBy(() -> SipParser.parseDatagram(Buffer.buffer(headersCut)))
        .isInstanceOfSatisfying(SipParseException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED));
    assertThatThrownBy(() -> SipParser.parseDatagram(Buffer.buffer(full.substring(0, full.length() - 5))))
        .isInstanceOfSatisfying(SipParseException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED_BODY));
    assertThatThrownBy(() -> SipParser.parseDatagram(Buffer.buffer()))
        .isInstanceOfSatisfying(SipParseException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED));
    assertThat(SipParser.isKeepAlive(Buffer.buffer("\r\n\r\n"))).isTrue();
    assertThat(SipParser.isKeepAlive(Buffer.buffer(full))).isFalse();
  }

  @Test
  void serializationRoundTrips() throws Exception {
    SipMessage m = SipParser.parseDatagram(wire(SipTexts.invite("rt@h", "z9hG4bKrt")));
    SipMessage again = SipParser.parseDatagram(m.toBuffer());
    assertThat(again.headerLines()).isEqualTo(m.headerLines());
    assertThat(again.body()).isEqualTo(m.body());
    assertThat(again.requestUri()).isEqualTo(m.requestUri());
    assertThat(m.toBuffer().toString()).startsWith("INVITE sip:1022@pbx.example.vn SIP/2.0\r\nVia: ");
  }

  @Test
  void builtRequestsGetTheParserChecksAndAContentLength() throws Exception {
    SipMessage sub = SipMessage.request("SUBSCRIBE", "sip:1022@pbx", java.util.List.of(
        new SipHeader("Via", "SIP/2.0/UDP gw:5060;branch=z9hG4bKs1"),
        new SipHeader("From", "<sip:gw@gw>;tag=g1"),
        new SipHeader("To", "<sip:1022@pbx>"),
        new SipHeader("Call-ID", "sub-1"),
        new SipHeader("CSeq", "1 SUBSCRIBE"),
        new SipHeader("Event", "dialog")), null);
    assertThat(sub.toBuffer().toString()).endsWith("Event: dialog\r\nContent-Length: 0\r\n\r\n");
    assertThat(SipParser.parseDatagram(sub.toBuffer()).header("o")).isEqualTo("dialog");
    assertThatThrownBy(() -> SipMessage.request("SUBSCRIBE", "sip:1022@pbx", java.util.List.of(), null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
