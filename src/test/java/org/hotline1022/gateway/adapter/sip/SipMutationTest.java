package org.hotline1022.gateway.adapter.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded random mutations of valid messages: the parser and the stream framer may refuse them, but
 * only with {@link SipParseException}; whatever they accept serializes and parses back the same.
 */
class SipMutationTest {

  private static final byte[][] SEEDS = {
      SipTexts.invite("mut-1@10.0.0.1", "z9hG4bKmut").getBytes(StandardCharsets.UTF_8),
      SipTexts.response("mut-2", 486, "Busy Here", "tt", "INVITE").getBytes(StandardCharsets.UTF_8),
      SipTexts.crlf("""
          CANCEL sip:1022@pbx SIP/2.0
          v: SIP/2.0/UDP a;branch=z9hG4bKc, SIP/2.0/TCP [::1]:5070;rport;received=::1
          f: "Q, \\"x\\"" <sip:%41b@a;user=phone>;tag=f
          t: tel:1022
          i: mut-3
          CSeq: 4 CANCEL
          Subject: folded
           across lines
          l: 0

          """).getBytes(StandardCharsets.UTF_8)};

  private static final byte[] NOISE = " \t\r\n:;,<>\"\\/=@%[]0123456789zZ\u00ff".getBytes(StandardCharsets.ISO_8859_1);

  static LongStream seeds() {
    return LongStream.rangeClosed(1, 300);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void mutatedDatagramsAreParsedOrRefusedWithAReason(long seed) {
    Random r = new Random(seed);
    for (int round = 0; round < 20; round++) {
      byte[] input = mutate(SEEDS[r.nextInt(SEEDS.length)], r);
      SipMessage m;
      try {
        m = SipParser.parseDatagram(Buffer.buffer(input));
      } catch (SipParseException e) {
        assertThat(e.reason()).isNotNull();
        continue;
      } catch (Throwable t) {
        throw new AssertionError("seed " + seed + " round " + round + " threw " + t, t);
      }
      roundTrip(m, seed);
    }
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void mutatedStreamsInRandomReadsNeverThrowAnythingElse(long seed) {
    Random r = new Random(seed * 31 + 7);
    byte[] stream = concat(mutate(SEEDS[r.nextInt(SEEDS.length)], r), SEEDS[r.nextInt(SEEDS.length)],
        mutate(SEEDS[r.nextInt(SEEDS.length)], r));
    SipStreamFramer framer = new SipStreamFramer();
    List<SipMessage> got = new ArrayList<>();
    int pos = 0;
    try {
      while (pos < stream.length) {
        int n = Math.min(stream.length - pos, 1 + r.nextInt(300));
        framer.feed(Buffer.buffer().appendBytes(stream, pos, n), got::add);
        pos += n;
      }
    } catch (SipParseException e) {
      assertThat(e.reason()).isNotNull();
    } catch (Throwable t) {
      fail("seed " + seed + " threw " + t, t);
    }
    for (SipMessage m : got) {
      roundTrip(m, seed);
    }
  }

  private static void roundTrip(SipMessage m, long seed) {
    try {
      SipMessage again = SipParser.parseDatagram(m.toBuffer());
      assertThat(again.callId()).isEqualTo(m.callId());
      assertThat(again.cseq()).isEqualTo(m.cseq());
      assertThat(again.vias()).hasSameSizeAs(m.vias());
      assertThat(again.body()).isEqualTo(m.body());
    } catch (SipParseException e) {
      fail("seed " + seed + ": accepted message does not parse back: " + e.reason(), e);
    }
  }

  private static byte[] mutate(byte[] in, Random r) {
    byte[] b = in.clone();
    int edits = 1 + r.nextInt(4);
    for (int i = 0; i < edits && b.length > 0; i++) {
      int at = r.nextInt(b.length);
      switch (r.nextInt(7)) {
        case 0 -> b[at] = (byte) r.nextInt(256);
        case 1 -> b[at] = NOISE[r.nextInt(NOISE.length)];
        case 2 -> b = Arrays.copyOf(b, at);
        case 3 -> {
          int len = Math.min(b.length - at, 1 + r.nextInt(40));
          b = concat(Arrays.copyOfRange(b, 0, at), Arrays.copyOfRange(b, at + len, b.length));
        }
        case 4 -> {
          int len = Math.min(b.length - at, 1 + r.nextInt(60));
          byte[] dup = Arrays.copyOfRange(b, at, at + len);
          b = concat(Arrays.copyOfRange(b, 0, at), dup, Arrays.copyOfRange(b, at, b.length));
        }
        case 5 -> {
          byte[] ins = new byte[1 + r.nextInt(5)];
          for (int k = 0; k < ins.length; k++) {
            ins[k] = NOISE[r.nextInt(NOISE.length)];
          }
          b = concat(Arrays.copyOfRange(b, 0, at), ins, Arrays.copyOfRange(b, at, b.length));
        }
        default -> {
          byte[] digits = Integer.toString(r.nextInt(Integer.MAX_VALUE)).getBytes(StandardCharsets.US_ASCII);
          b = concat(Arrays.copyOfRange(b, 0, at), digits, Arrays.copyOfRange(b, at, b.length));
        }
      }
    }
    return b;
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int pos = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, pos, p.length);
      pos += p.length;
    }
    return out;
  }
}
