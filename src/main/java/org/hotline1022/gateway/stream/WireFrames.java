package org.hotline1022.gateway.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Server-to-client WebSocket text frames (RFC 6455 §5.2: FIN, opcode 1, no mask) encoded once, so
 * a frame pushed to a thousand agents is built once and written as shared bytes.
 */
public final class WireFrames {
  private WireFrames() {}

  /** One final text frame carrying {@code payload}; the result cannot be released, only duplicated. */
  public static ByteBuf text(byte[] payload) {
    int n = payload.length;
    int header = n < 126 ? 2 : n <= 0xFFFF ? 4 : 10;
    ByteBuf buf = Unpooled.buffer(header + n, header + n);
    buf.writeByte(0x81);
    if (n < 126) {
      buf.writeByte(n);
    } else if (n <= 0xFFFF) {
      buf.writeByte(126).writeShort(n);
    } else {
      buf.writeByte(127).writeLong(n);
    }
    buf.writeBytes(payload);
    return Unpooled.unreleasableBuffer(buf);
  }
}
