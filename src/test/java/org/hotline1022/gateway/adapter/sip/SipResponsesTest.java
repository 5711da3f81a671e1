package org.hotline1022.gateway.adapter.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hotline1022.gateway.adapter.sip.SipTexts.wire;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SipResponsesTest {

  @Test
  void busyEchoesViasInOrderFromCallIdCseqAndTagsTo() throws Exception {
    SipMessage invite = SipParser.parseDatagram(wire(SipTexts.invite("call-9@h", "z9hG4bKtop")));
    SipMessage busy = SipResponses.to(invite).status(486).toTag("gw77").header("Retry-After", "30").build();
    SipMessage wire = SipParser.parseDatagram(busy.toBuffer());

    assertThat(wire.status()).isEqualTo(486);
    assertThat(wire.reason()).isEqualTo("Busy Here");
    assertThat(wire.vias()).extracting(SipVia::raw).containsExactlyElementsOf(
        invite.vias().stream().map(SipVia::raw).toList());
    assertThat(wire.from().raw()).isEqualTo(invite.from().raw());
    assertThat(wire.to().tag()).isEqualTo("gw77");
    assertThat(wire.to().uri()).isEqualTo(invite.to().uri());
    assertThat(wire.callId()).isEqualTo("call-9@h");
    assertThat(wire.cseq()).isEqualTo(new SipCSeq(1, "INVITE"));
    assertThat(wire.header("Retry-After")).isEqualTo("30");
    assertThat(wire.header("Content-Length")).isEqualTo("0");
    assertThat(wire.bodyLength()).isZero();
  }

  @Test
  void anExistingToTagIsKept() throws Exception {
    SipMessage bye = SipParser.parseDatagram(wire("""
        BYE sip:gw SIP/2.0
        Via: SIP/2.0/UDP pbx;branch=z9hG4bKbye
        From: <sip:pbx@pbx>;tag=p
        To: <sip:gw@gw>;tag=already
        Call-ID: b1
        CSeq: 3 BYE
        Content-Length: 0

        """));
    SipMessage r = SipResponses.to(bye).status(481).toTag("other").build();
    assertThat(r.to().tag()).isEqualTo("already");
    assertThat(r.reason()).isEqualTo("Call/Transaction Does Not Exist");
  }

  @Test
  void topViaGetsRportAndReceivedFromTheSource() throws Exception {
    SipMessage invite = SipParser.parseDatagram(wire(SipTexts.invite("c", "z9hG4bKtop")));
    SipMessage trying = SipResponses.to(invite).status(100).source("127.0.0.1", 5091).build();
    SipVia top = trying.topVia();
    assertThat(top.rportValue()).isEqualTo(5091);
    assertThat(top.received()).isEqualTo("127.0.0.1");
    assertThat(top.branch()).isEqualTo("z9hG4bKtop");
    assertThat(trying.vias().get(1).raw()).isEqualTo(invite.vias().get(1).raw());
    assertThat(trying.to().tag()).isNull();
  }

  @Test
  void receivedOnlyWhenTheHostDiffersAndNoRport() throws Exception {
    SipVia via = SipVia.parse("SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1");
    assertThat(SipResponses.stampVia(via, "10.0.0.1", 5060)).isEqualTo(via.raw());
    assertThat(SipResponses.stampVia(via, "192.0.2.1", 5060)).endsWith(";received=192.0.2.1");
    SipVia rportFirst = SipVia.parse("SIP/2.0/UDP h:5999;rport;branch=z9hG4bK1");
    assertThat(SipResponses.stampVia(rportFirst, "127.0.0.1", 5091))
        .isEqualTo("SIP/2.0/UDP h:5999;rport=5091;branch=z9hG4bK1;received=127.0.0.1");
  }

  @Test
  void bodyAndContentTypeAreSerializedWithTheirLength() throws Exception {
    SipMessage opts = SipParser.parseDatagram(wire("""
        OPTIONS sip:gw SIP/2.0
        Via: SIP/2.0/TCP pbx;branch=z9hG4bKo
        From: <sip:pbx@pbx>;tag=p
        To: <sip:gw@gw>
        Call-ID: o1
        CSeq: 1 OPTIONS
        Content-Length: 0

        """));
    byte[] xml = "<x>é</x>".getBytes(StandardCharsets.UTF_8);
    SipMessage r = SipResponses.to(opts).toTag(SipResponses.newTag()).header("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS")
        .body("application/xml", xml).build();
    Buffer b = r.toBuffer();
    SipMessage again = new java.util.ArrayList<SipMessage>() {
      {
        new SipStreamFramer().feed(b, this::add);
      }
    }.get(0);
    assertThat(again.body()).isEqualTo(xml);
    assertThat(again.header("l")).isEqualTo(Integer.toString(xml.length));
    assertThat(again.headers("Allow")).contains("INVITE", "OPTIONS");
    assertThat(again.to().tag()).hasSize(16);
  }
}
