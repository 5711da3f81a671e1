package org.hotline1022.gateway.adapter.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.hotline1022.gateway.adapter.sip.SipParseException.Reason;
import org.junit.jupiter.api.Test;

class SipStreamFramerTest {

  private final SipStreamFramer framer = new SipStreamFramer();
  private final List<SipMessage> out = new ArrayList<>();

  @Test
  void severalMessagesInOneReadWithKeepAlivesBetween() throws Exception {
    String stream = "\r\n\r\n" + SipTexts.invite("a", "z9hG4bK1") + "\r\n"
        + SipTexts.response("a", 180, "Ringing", "t", "INVITE") + "\r\n\r\n"
        + SipTexts.invite("b", "z9hG4bK2");
    framer.feed(Buffer.buffer(stream), out::add);
    assertThat(out).extracting(SipMessage::callId).containsExactly("a", "a", "b");
    assertThat(out.get(0).bodyLength()).isEqualTo(SipTexts.SDP.length());
    assertThat(framer.buffered()).isZero();
  }

  @Test
  void oneMessageSplitAcrossEveryBytePosition() throws Exception {
    byte[] bytes = (SipTexts.invite("s", "z9hG4bK1") + SipTexts.invite("t", "z9hG4bK2")).getBytes();
    for (int cut = 1; cut < bytes.length; cut += 7) {
      SipStreamFramer f = new SipStreamFramer();
      List<SipMessage> got = new ArrayList<>();
      f.feed(Buffer.buffer().appendBytes(bytes, 0, cut), got::add);
      f.feed(Buffer.buffer().appendBytes(bytes, cut, bytes.length - cut), got::add);
      assertThat(got).as("cut at %d", cut).extracting(SipMessage::callId).containsExactly("s", "t");
    }
  }

  @Test
  void byteByByte() throws Exception {
    byte[] bytes = SipTexts.invite("bb", "z9hG4bK1").getBytes();
    for (byte b : bytes) {
      framer.feed(Buffer.buffer(new byte[] {b}), out::add);
    }
    assertThat(out).hasSize(1);
    assertThat(out.get(0).body()).isEqualTo(SipTexts.SDP.getBytes());
  }

  @Test
  void contentLengthIsMandatoryOnAStream() {
    String noLength = SipTexts.response("n", 200, "OK", "t", "INVITE").replace("Content-Length: 0\r\n", "");
    assertThatThrownBy(() -> framer.feed(Buffer.buffer(noLength), out::add))
        .isInstanceOfSatisfying(SipParseException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MISSING_HEADER));
  }

  @Test
  void headersThatNeverEndAreBoundedAndTheStreamStaysFailed() throws Exception {
    framer.feed(Buffer.buffer("INVITE sip:a@b SIP/2.0\r\n"), out::add);
    Buffer filler = Buffer.buffer("X-Filler: " + "y".repeat(1000) + "\r\n");
    assertThatThrownBy(() -> {
      for (int i = 0; i < 100; i++) {
        framer.feed(filler, out::add);
      }
    }).isInstanceOfSatisfying(SipParseException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE));
    assertThat(framer.buffered()).isZero();
    assertThatThrownBy(() -> framer.feed(Buffer.buffer(SipTexts.invite("z", "z9hG4bK1")), out::add))
        .isInstanceOf(SipParseException.class);
    assertThat(out).isEmpty();
  }

  @Test
  void contentLengthOverTheBoundIsRefusedBeforeBuffering() {
    String big = SipTexts.response("big", 200, "OK", "t", "INVITE").replace("Content-Length: 0", "Content-Length: 65500");
    assertThatThrownBy(() -> framer.feed(Buffer.buffer(big), out::add))
        .isInstanceOfSatisfying(SipParseException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE));
  }

  @Test
  void aBodyStillArrivingIsHeld() throws Exception {
    String full = SipTexts.invite("h", "z9hG4bK1");
    framer.feed(Buffer.buffer(full.substring(0, full.length() - 10)), out::add);
    assertThat(out).isEmpty();
    assertThat(framer.buffered()).isPositive();
    framer.feed(Buffer.buffer(full.substring(full.length() - 10)), out::add);
    assertThat(out).hasSize(1);
    assertThat(framer.buffered()).isZero();
  }
}
