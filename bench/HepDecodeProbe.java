import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.hotline1022.gateway.adapter.sip.SipMessage;
import org.hotline1022.gateway.adapter.sip.SipParser;
import org.hotline1022.gateway.adapter.sip.hep.CallTracker;
import org.hotline1022.gateway.adapter.sip.hep.HepDecoder;
import org.hotline1022.gateway.adapter.sip.hep.HepMetrics;
import org.hotline1022.gateway.adapter.sip.hep.HepPacket;

/**
 * The HEP collector's per-packet work without sockets or the store: HEP decode, SIP parse and the
 * call tracker, on one thread, over packets built in advance from bench/hep-call.txt (13 per call,
 * distinct Call-IDs). Shows the ceiling of one collector event loop.
 *
 * Run: java -cp target/hotline-gateway.jar bench/HepDecodeProbe.java [calls=20000] [rounds=5]
 */
public class HepDecodeProbe {
  public static void main(String[] args) throws Exception {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 20000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    List<String[]> call = new ArrayList<>();
    for (String part : Files.readString(Path.of("bench/hep-call.txt")).split("(?m)^=== ")) {
      if (!part.isBlank()) {
        int nl = part.indexOf('\n');
        call.add(new String[] {part.substring(0, nl), part.substring(nl + 1).replace("\n", "\r\n")});
      }
    }
    for (int r = 0; r < rounds; r++) {
      List<Buffer> packets = new ArrayList<>(calls * call.size());
      for (int c = 0; c < calls; c++) {
        for (String[] p : call) {
          packets.add(hep(p[1].replace("1-5851@127.0.0.1", "probe-" + r + "-" + c), System.currentTimeMillis()));
        }
      }
      long[] signals = {0};
      CallTracker tracker = new CallTracker(new CallTracker.Settings(2000, 32000, 180000, 14_400_000, 32000, 100_000),
          s -> signals[0]++, HepMetrics.NOOP);
      long t0 = System.nanoTime();
      for (Buffer b : packets) {
        HepPacket p = HepDecoder.decode(b);
        SipMessage m = SipParser.parseDatagram(p.payload(), 0, p.payload().length);
        tracker.onMessage(m, p.timestamp() == null ? Instant.now() : p.timestamp(), p.correlationId(), System.nanoTime() / 1_000_000);
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      System.out.printf("round %d: %d packets in %.2f s = %.0f packets/s, %d signals, %.1f us/packet%n",
          r, packets.size(), secs, packets.size() / secs, signals[0], secs * 1e6 / packets.size());
    }
  }

  static Buffer hep(String sip, long atMs) {
    byte[] payload = sip.getBytes(StandardCharsets.UTF_8);
    Buffer b = Buffer.buffer().appendString("HEP3").appendUnsignedShort(0);
    chunk(b, 1, 1).appendByte((byte) 2);
    chunk(b, 2, 1).appendByte((byte) 17);
    chunk(b, 3, 4).appendBytes(new byte[] {127, 0, 0, 1});
    chunk(b, 4, 4).appendBytes(new byte[] {127, 0, 0, 1});
    chunk(b, 7, 2).appendUnsignedShort(5060);
    chunk(b, 8, 2).appendUnsignedShort(5070);
    chunk(b, 9, 4).appendUnsignedInt(atMs / 1000);
    chunk(b, 10, 4).appendUnsignedInt(atMs % 1000 * 1000);
    chunk(b, 11, 1).appendByte((byte) 1);
    chunk(b, 12, 4).appendUnsignedInt(1022);
    chunk(b, 15, payload.length).appendBytes(payload);
    b.setUnsignedShort(4, b.length());
    return b;
  }

  static Buffer chunk(Buffer b, int type, int size) {
    return b.appendUnsignedShort(0).appendUnsignedShort(type).appendUnsignedShort(6 + size);
  }
}
