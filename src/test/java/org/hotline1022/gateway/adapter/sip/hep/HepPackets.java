package org.hotline1022.gateway.adapter.sip.hep;

import io.vertx.core.buffer.Buffer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Builds HEP v3 packets for tests, chunk by chunk, in any order. */
public final class HepPackets {

  private final List<Buffer> chunks = new ArrayList<>();

  public static HepPackets hep() {
    return new HepPackets();
  }

  /** The chunks Kamailio's siptrace sends for one SIP message over UDP/IPv4 (sip.md §4.2). */
  public static Buffer sip(String sipText, Instant at, String src, int srcPort, String dst, int dstPort) {
    return hep().u8(1, 2).u8(2, 17).ip(3, src).ip(4, dst).u16(7, srcPort).u16(8, dstPort)
        .u32(9, at.getEpochSecond()).u32(10, at.getNano() / 1000).u8(11, 1).u32(12, 1022)
        .payload(sipText).build();
  }

  public HepPackets chunk(int vendor, int type, byte[] data) {
    Buffer c = Buffer.buffer().appendUnsignedShort(vendor).appendUnsignedShort(type)
        .appendUnsignedShort(6 + data.length).appendBytes(data);
    chunks.add(c);
    return this;
  }

  public HepPackets u8(int type, int v) {
    return chunk(0, type, new byte[] {(byte) v});
  }

  public HepPackets u16(int type, int v) {
    return chunk(0, type, new byte[] {(byte) (v >> 8), (byte) v});
  }

  public HepPackets u32(int type, long v) {
    return chunk(0, type, new byte[] {(byte) (v >> 24), (byte) (v >> 16), (byte) (v >> 8), (byte) v});
  }

  public HepPackets ip(int type, String address) {
    try {
      return chunk(0, type, InetAddress.getByName(address).getAddress());
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  public HepPackets text(int type, String s) {
    return chunk(0, type, s.getBytes(StandardCharsets.UTF_8));
  }

  public HepPackets payload(String sip) {
    return text(15, sip);
  }

  public HepPackets shuffled(java.util.Random r) {
    Collections.shuffle(chunks, r);
    return this;
  }

  public Buffer build() {
    Buffer body = Buffer.buffer();
    chunks.forEach(body::appendBuffer);
    return Buffer.buffer().appendString("HEP3").appendUnsignedShort(6 + body.length()).appendBuffer(body);
  }
}
