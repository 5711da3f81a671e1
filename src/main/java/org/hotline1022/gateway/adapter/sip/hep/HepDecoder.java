package org.hotline1022.gateway.adapter.sip.hep;

import io.vertx.core.buffer.Buffer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.hotline1022.gateway.adapter.sip.hep.HepDecodeException.Reason;

/**
 * HEP v3 decoder (sip.md §4.1). Chunks are read in any order; vendor chunks (vendor id ≠ 0) and
 * unknown generic types are skipped; a repeated chunk keeps its last value. Lengths are checked
 * against the bytes actually present, so a packet that lies about a length is refused, not read
 * past. Stateless and thread-safe.
 */
public final class HepDecoder {

  /** {@code HEP3}. */
  static final int MAGIC = 0x48455033;
  /** Magic plus the uint16 total length. */
  public static final int HEADER_BYTES = 6;
  private static final int CHUNK_HEADER = 6;

  private HepDecoder() {}

  /** Decodes one whole packet (one UDP datagram, or one frame from {@link HepStreamFramer}). */
  public static HepPacket decode(Buffer packet) throws HepDecodeException {
    int n = packet.length();
    if (n < HEADER_BYTES) {
      throw new HepDecodeException(Reason.BAD_LENGTH, "shorter than the HEP header");
    }
    if (packet.getInt(0) != MAGIC) {
      throw new HepDecodeException(Reason.BAD_MAGIC, "not HEP3");
    }
    int total = packet.getUnsignedShort(4);
    if (total != n) {
      throw new HepDecodeException(Reason.BAD_LENGTH, "total length " + total + " but " + n + " bytes");
    }
    int family = 0;
    int proto = 0;
    String src = null;
    String dst = null;
    int srcPort = -1;
    int dstPort = -1;
    long seconds = -1;
    long micros = 0;
    int type = 0;
    long captureId = 0;
    String correlation = null;
    String node = null;
    byte[] payload = null;
    boolean compressed = false;
    int pos = HEADER_BYTES;
    while (pos < n) {
      if (n - pos < CHUNK_HEADER) {
        throw new HepDecodeException(Reason.TRUNCATED_CHUNK, "chunk header cut short");
      }
      int vendor = packet.getUnsignedShort(pos);
      int chunkType = packet.getUnsignedShort(pos + 2);
      int len = packet.getUnsignedShort(pos + 4);
      if (len < CHUNK_HEADER || len > n - pos) {
        throw new HepDecodeException(Reason.TRUNCATED_CHUNK, "chunk length " + len + " out of the packet");
      }
      int data = pos + CHUNK_HEADER;
      int size = len - CHUNK_HEADER;
      pos += len;
      if (vendor != 0) {
        continue;
      }
      switch (chunkType) {
        case 1 -> family = uint(packet, data, size, 1);
        case 2 -> proto = uint(packet, data, size, 1);
        case 3 -> src = address(packet, data, size, 4);
        case 4 -> dst = address(packet, data, size, 4);
        case 5 -> src = address(packet, data, size, 16);
        case 6 -> dst = address(packet, data, size, 16);
        case 7 -> srcPort = uint(packet, data, size, 2);
        case 8 -> dstPort = uint(packet, data, size, 2);
        case 9 -> seconds = packet.getUnsignedInt(checked(data, size, 4));
        case 10 -> micros = packet.getUnsignedInt(checked(data, size, 4));
        case 11 -> type = uint(packet, data, size, 1);
        case 12 -> captureId = captureId(packet, data, size);
        case 15 -> payload = packet.getBytes(data, data + size);
        case 16 -> compressed = true;
        case 17 -> correlation = new String(packet.getBytes(data, data + size), StandardCharsets.UTF_8);
        case 19 -> node = new String(packet.getBytes(data, data + size), StandardCharsets.UTF_8);
        default -> {
          // 13 keep-alive, 14 auth key, 18 VLAN and future types carry nothing the tracker uses.
        }
      }
    }
    if (payload == null) {
      throw new HepDecodeException(Reason.NO_PAYLOAD, compressed ? "compressed payload only" : "no payload chunk");
    }
    Instant ts = seconds < 0 ? null : Instant.ofEpochSecond(seconds, Math.min(micros, 999_999) * 1000);
    return new HepPacket(family, proto, src, srcPort, dst, dstPort, ts, type, captureId, correlation, node, payload);
  }

  private static int checked(int data, int size, int expected) throws HepDecodeException {
    if (size != expected) {
      throw new HepDecodeException(Reason.BAD_CHUNK, "chunk of " + size + " bytes, " + expected + " expected");
    }
    return data;
  }

  private static int uint(Buffer b, int data, int size, int expected) throws HepDecodeException {
    checked(data, size, expected);
    return expected == 1 ? b.getUnsignedByte(data) : b.getUnsignedShort(data);
  }

  /** Any width up to 4 bytes: senders disagree (and sngrep writes host byte order), so never a key. */
  private static long captureId(Buffer b, int data, int size) {
    long v = 0;
    for (int i = 0; i < Math.min(size, 4); i++) {
      v = (v << 8) | b.getUnsignedByte(data + i);
    }
    return v;
  }

  private static String address(Buffer b, int data, int size, int expected) throws HepDecodeException {
    checked(data, size, expected);
    try {
      return InetAddress.getByAddress(b.getBytes(data, data + size)).getHostAddress();
    } catch (UnknownHostException e) {
      throw new HepDecodeException(Reason.BAD_CHUNK, "bad address");
    }
  }
}
