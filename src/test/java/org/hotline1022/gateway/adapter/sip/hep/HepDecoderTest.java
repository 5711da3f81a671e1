package org.hotline1022.gateway.adapter.sip.hep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.hotline1022.gateway.adapter.sip.SipMessage;
import org.hotline1022.gateway.adapter.sip.SipParser;
import org.hotline1022.gateway.adapter.sip.hep.HepDecodeException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** sip.md §8 A1: HEP decoding on packets built from SIP texts. */
class HepDecoderTest {

  static final String INVITE = """
      INVITE sip:1022@127.0.0.1:5090 SIP/2.0\r
      Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1-0\r
      From: sipp <sip:sipp@127.0.0.1:5060>;tag=1\r
      To: <sip:1022@127.0.0.1:5090>\r
      Call-ID: 1-42@127.0.0.1\r
      CSeq: 1 INVITE\r
      Content-Length: 0\r
      \r
      """;

  private static final Instant AT = Instant.parse("2026-11-29T12:00:01.250500Z");

  @Test
  void kamailioStylePacketDecodesToAddressesTimesAndSip() throws Exception {
    HepPacket p = HepDecoder.decode(HepPackets.sip(INVITE, AT, "127.0.0.1", 5060, "127.0.0.2", 5090));
    assertThat(p.ipFamily()).isEqualTo(2);
    assertThat(p.ipProtocol()).isEqualTo(17);
    assertThat(p.srcIp()).isEqualTo("127.0.0.1");
    assertThat(p.dstIp()).isEqualTo("127.0.0.2");
    assertThat(p.srcPort()).isEqualTo(5060);
    assertThat(p.dstPort()).isEqualTo(5090);
    assertThat(p.timestamp()).isEqualTo(AT);
    assertThat(p.isSip()).isTrue();
    assertThat(p.captureId()).isEqualTo(1022);
    assertThat(p.correlationId()).isNull();
    SipMessage m = SipParser.parseDatagram(Buffer.buffer(p.payload()));
    assertThat(m.callId()).isEqualTo("1-42@127.0.0.1");
  }

  /**
   * The 13 HEP packets Kamailio 5.6 (siptrace, trace_mode) really sent for one answered sipp call
   * through one proxy hop, recorded on loopback (each prefixed with its uint32 length).
   */
  @Test
  void recordedKamailioCallDecodesAndRebuildsTheCall() throws Exception {
    byte[] rec;
    try (var in = HepDecoderTest.class.getResourceAsStream("/sip/hep/kamailio-answered-call.hep")) {
      rec = in.readAllBytes();
    }
    Buffer all = Buffer.buffer(rec);
    List<org.hotline1022.gateway.inquiry.CallSignal> signals = new ArrayList<>();
    CallTracker tracker = new CallTracker(CallTrackerTest.SETTINGS, signals::add, HepMetrics.NOOP);
    int packets = 0;
    for (int pos = 0; pos < all.length(); packets++) {
      int len = all.getInt(pos);
      HepPacket p = HepDecoder.decode(all.getBuffer(pos + 4, pos + 4 + len));
      pos += 4 + len;
      assertThat(p.isSip()).isTrue();
      assertThat(p.captureId()).isEqualTo(1022);
      assertThat(p.srcIp()).isEqualTo("127.0.0.1");
      SipMessage m = SipParser.parseDatagram(Buffer.buffer(p.payload()));
      tracker.onMessage(m, p.timestamp(), p.correlationId(), packets);
    }
    assertThat(packets).isEqualTo(13);
    assertThat(signals).extracting(org.hotline1022.gateway.inquiry.CallSignal::step).containsExactly(
        org.hotline1022.gateway.inquiry.CallSignal.Step.OFFERED, org.hotline1022.gateway.inquiry.CallSignal.Step.RINGING,
        org.hotline1022.gateway.inquiry.CallSignal.Step.ANSWERED, org.hotline1022.gateway.inquiry.CallSignal.Step.ENDED);
    assertThat(signals.get(0).caller()).isEqualTo("0912345678");
    assertThat(signals.get(0).callerName()).isEqualTo("Nguyen Van A");
    assertThat(signals.get(3).cause()).isEqualTo(org.hotline1022.gateway.inquiry.CallCause.NORMAL_CLEARING);
    assertThat(signals.get(3).facts()).containsEntry("byeFrom", "caller");
    assertThat(java.time.Duration.between(signals.get(2).at(), signals.get(3).at()).toMillis()).isBetween(250L, 2000L);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void chunkOrderDoesNotMatter(long seed) throws Exception {
    Buffer b = HepPackets.hep().u8(1, 10).u8(2, 6).ip(5, "2001:db8::1").ip(6, "2001:db8::2").u16(7, 5061)
        .u16(8, 5062).u32(9, AT.getEpochSecond()).u32(10, 250_500).u8(11, 1).text(17, "corr-1")
        .text(19, "edge-1").payload(INVITE).shuffled(new Random(seed)).build();
    HepPacket p = HepDecoder.decode(b);
    assertThat(p.ipFamily()).isEqualTo(10);
    assertThat(p.srcIp()).isEqualTo("2001:db8:0:0:0:0:0:1");
    assertThat(p.dstIp()).isEqualTo("2001:db8:0:0:0:0:0:2");
    assertThat(p.srcPort()).isEqualTo(5061);
    assertThat(p.timestamp()).isEqualTo(AT);
    assertThat(p.correlationId()).isEqualTo("corr-1");
    assertThat(p.nodeName()).isEqualTo("edge-1");
    assertThat(new String(p.payload(), StandardCharsets.UTF_8)).isEqualTo(INVITE);
  }

  @Test
  void sngrepCaptureIdByteOrderIsReadButNotTrusted() throws Exception {
    // sngrep 1.6.0 writes capture id 2002 as 07 d2 00 00 (sip.md §4.2).
    Buffer b = HepPackets.hep().chunk(0, 12, new byte[] {0x07, (byte) 0xd2, 0, 0}).u8(11, 1)
        .payload(INVITE).u32(9, AT.getEpochSecond()).build();
    HepPacket p = HepDecoder.decode(b);
    assertThat(p.captureId()).isEqualTo(131203072L);
    assertThat(p.isSip()).isTrue();
  }

  @Test
  void vendorAndUnknownChunksAreSkipped() throws Exception {
    Buffer b = HepPackets.hep().chunk(4, 15, "not the payload".getBytes()).chunk(0, 77, new byte[3])
        .chunk(0, 14, "secret".getBytes()).u8(11, 1).payload(INVITE).chunk(4, 1, new byte[9]).build();
    HepPacket p = HepDecoder.decode(b);
    assertThat(new String(p.payload(), StandardCharsets.UTF_8)).isEqualTo(INVITE);
    assertThat(p.timestamp()).isNull();
    assertThat(p.srcPort()).isEqualTo(-1);
  }

  @Test
  void nonSipPayloadTypesDecodeButAreMarked() throws Exception {
    HepPacket p = HepDecoder.decode(HepPackets.hep().u8(11, 100).payload("log line").build());
    assertThat(p.isSip()).isFalse();
    assertThat(p.payloadType()).isEqualTo(100);
  }

  @Test
  void refusals() {
    Buffer good = HepPackets.sip(INVITE, AT, "127.0.0.1", 5060, "127.0.0.2", 5090);
    assertRefused(Buffer.buffer("HEP"), Reason.BAD_LENGTH);
    assertRefused(Buffer.buffer("HEP2").appendBuffer(good.getBuffer(4, good.length())), Reason.BAD_MAGIC);
    assertRefused(Buffer.buffer("GET / HTTP/1.1\r\n\r\n"), Reason.BAD_MAGIC);
    // Truncated datagram: header says more than arrived.
    assertRefused(good.getBuffer(0, good.length() - 10), Reason.BAD_LENGTH);
    // Header says less than arrived (a lying total length).
    assertRefused(good.copy().appendBytes(new byte[4]), Reason.BAD_LENGTH);
    // A chunk claiming more bytes than the packet holds.
    Buffer lying = good.copy();
    lying.setUnsignedShort(6 + 4, 60_000);
    assertRefused(lying, Reason.TRUNCATED_CHUNK);
    // A chunk length under its own header size.
    Buffer tiny = good.copy();
    tiny.setUnsignedShort(6 + 4, 3);
    assertRefused(tiny, Reason.TRUNCATED_CHUNK);
    // An IPv4 chunk with 5 bytes.
    assertRefused(HepPackets.hep().chunk(0, 3, new byte[5]).payload(INVITE).build(), Reason.BAD_CHUNK);
    assertRefused(HepPackets.hep().u8(11, 1).build(), Reason.NO_PAYLOAD);
    assertRefused(HepPackets.hep().u8(11, 1).chunk(0, 16, new byte[20]).build(), Reason.NO_PAYLOAD);
  }

  @Test
  void tcpStreamWithTwoAndAHalfPacketsPerRead() throws Exception {
    List<Buffer> packets = new ArrayList<>();
    Buffer stream = Buffer.buffer();
    for (int i = 0; i < 10; i++) {
      Buffer p = HepPackets.sip(INVITE.replace("1-42@", i + "-42@"), AT, "127.0.0.1", 5060, "127.0.0.2", 5090);
      packets.add(p);
      stream.appendBuffer(p);
    }
    int per = packets.get(0).length() * 5 / 2;
    HepStreamFramer framer = new HepStreamFramer();
    List<String> callIds = new ArrayList<>();
    for (int pos = 0; pos < stream.length(); pos += per) {
      framer.feed(stream.getBuffer(pos, Math.min(stream.length(), pos + per)), frame -> {
        try {
          callIds.add(SipParser.parseDatagram(Buffer.buffer(HepDecoder.decode(frame).payload())).callId());
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
    }
    assertThat(callIds).hasSize(10).startsWith("0-42@127.0.0.1").endsWith("9-42@127.0.0.1");
    assertThat(framer.buffered()).isZero();
  }

  @Test
  void tcpStreamThatLosesFramingStaysFailed() throws Exception {
    HepStreamFramer framer = new HepStreamFramer();
    List<Buffer> got = new ArrayList<>();
    Buffer good = HepPackets.sip(INVITE, AT, "127.0.0.1", 5060, "127.0.0.2", 5090);
    framer.feed(good.copy().appendString("JUNK"), got::add);
    assertThat(got).hasSize(1);
    assertThatThrownBy(() -> framer.feed(Buffer.buffer("xxxx"), got::add))
        .isInstanceOfSatisfying(HepDecodeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_MAGIC));
    assertThatThrownBy(() -> framer.feed(good, got::add)).isInstanceOf(HepDecodeException.class);
    assertThat(framer.buffered()).isZero();
  }

  @ParameterizedTest
  @ValueSource(longs = {11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
  void randomCorruptionIsRefusedWithAReasonOnly(long seed) {
    Random r = new Random(seed);
    Buffer good = HepPackets.sip(INVITE, AT, "127.0.0.1", 5060, "127.0.0.2", 5090);
    for (int i = 0; i < 500; i++) {
      byte[] b = good.getBytes();
      int edits = 1 + r.nextInt(3);
      for (int k = 0; k < edits; k++) {
        b[r.nextInt(b.length)] = (byte) r.nextInt(256);
      }
      int len = r.nextInt(4) == 0 ? r.nextInt(b.length) : b.length;
      try {
        HepDecoder.decode(Buffer.buffer().appendBytes(b, 0, len));
        new HepStreamFramer().feed(Buffer.buffer().appendBytes(b, 0, len), x -> {});
      } catch (HepDecodeException e) {
        assertThat(e.reason()).isNotNull();
      } catch (Throwable t) {
        throw new AssertionError("seed " + seed + " threw " + t, t);
      }
    }
  }

  private static void assertRefused(Buffer b, Reason reason) {
    assertThatThrownBy(() -> HepDecoder.decode(b))
        .isInstanceOfSatisfying(HepDecodeException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }
}
