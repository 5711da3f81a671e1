import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * HEP v3 load for bench/hep-load.sh: replays a recorded call (bench/hep-call.txt: the 13 packets
 * Kamailio's siptrace mirrored for one answered call through one proxy hop) as new calls, each with
 * its own Call-ID and caller number, over UDP at a set packet rate. Packets of a call keep their
 * recorded order and time offsets (capture timestamps = now + offset). Plain JDK, no dependencies.
 *
 * Run: java bench/HepLoad.java HOST PORT PACKETS_PER_SECOND SECONDS [TEMPLATE] [RUN_ID]
 * Prints "RESULT key value" lines: calls, packets, seconds, rate.
 */
public class HepLoad {
  /** What the recording used; replaced per call. */
  private static final String CALL_ID = "1-5851@127.0.0.1";
  private static final String CALLER = "0912345678";

  record Packet(int srcPort, int dstPort, long offsetMs, String sip) {}

  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    int rate = Integer.parseInt(args[2]);
    int seconds = Integer.parseInt(args[3]);
    Path template = Path.of(args.length > 4 ? args[4] : "bench/hep-call.txt");
    String run = args.length > 5 ? args[5] : Long.toString(System.currentTimeMillis() % 100000);
    List<Packet> call = load(template);

    DatagramChannel ch = DatagramChannel.open();
    ch.connect(new InetSocketAddress(host, port));
    long total = (long) rate * seconds;
    long start = System.nanoTime();
    long sent = 0;
    int calls = 0;
    ByteBuffer buf = ByteBuffer.allocate(65535);
    while (sent < total) {
      String callId = "hl-" + run + "-" + calls + "@127.0.0.1";
      String caller = String.format("09%08d", (Integer.parseInt(run) * 7919L + calls) % 100_000_000L);
      long base = System.currentTimeMillis();
      for (Packet p : call) {
        if (sent >= total) {
          break;
        }
        // Pace: packet n goes out at start + n/rate seconds.
        long due = start + sent * 1_000_000_000L / rate;
        long wait = due - System.nanoTime();
        if (wait > 200_000) {
          LockSupport.parkNanos(wait);
        }
        String sip = p.sip().replace(CALL_ID, callId).replace(CALLER, caller);
        encode(buf, p, sip, base + p.offsetMs());
        ch.write(buf);
        sent++;
      }
      calls++;
    }
    double secs = (System.nanoTime() - start) / 1e9;
    System.out.printf("RESULT calls %d%nRESULT packets %d%nRESULT seconds %.2f%nRESULT rate %.0f%n", calls, sent, secs, sent / secs);
  }

  static List<Packet> load(Path file) throws IOException {
    List<Packet> out = new ArrayList<>();
    String[] parts = Files.readString(file, StandardCharsets.UTF_8).split("(?m)^=== ");
    for (String part : parts) {
      if (part.isBlank()) {
        continue;
      }
      int nl = part.indexOf('\n');
      String[] head = part.substring(0, nl).trim().split(" ");
      String sip = part.substring(nl + 1).replace("\n", "\r\n");
      out.add(new Packet(Integer.parseInt(head[0]), Integer.parseInt(head[1]), Long.parseLong(head[2]), sip));
    }
    return out;
  }

  /** HEP3 with the chunks Kamailio sends: family, proto, IPv4 src/dst, ports, time, type SIP, capture id, payload. */
  static void encode(ByteBuffer b, Packet p, String sip, long atMs) {
    byte[] payload = sip.getBytes(StandardCharsets.UTF_8);
    b.clear();
    b.put("HEP3".getBytes(StandardCharsets.US_ASCII)).putShort((short) 0);
    chunk(b, 1, 7).put((byte) 2);
    chunk(b, 2, 7).put((byte) 17);
    chunk(b, 3, 10).put(new byte[] {127, 0, 0, 1});
    chunk(b, 4, 10).put(new byte[] {127, 0, 0, 1});
    chunk(b, 7, 8).putShort((short) p.srcPort());
    chunk(b, 8, 8).putShort((short) p.dstPort());
    chunk(b, 9, 10).putInt((int) (atMs / 1000));
    chunk(b, 10, 10).putInt((int) (atMs % 1000 * 1000));
    chunk(b, 11, 7).put((byte) 1);
    chunk(b, 12, 10).putInt(1022);
    chunk(b, 15, 6 + payload.length).put(payload);
    b.putShort(4, (short) b.position());
    b.flip();
  }

  static ByteBuffer chunk(ByteBuffer b, int type, int length) {
    return b.putShort((short) 0).putShort((short) type).putShort((short) length);
  }
}
