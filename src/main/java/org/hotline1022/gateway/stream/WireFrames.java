package org.hotline1022.gateway.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.List;

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
    ByteBuf buf = direct(header + n);
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

  /**
   * The events' frames back to back, for a socket that gets every one (one write per batch); null
   * when the batch is empty or one frame is too big to share.
   */
  public static ByteBuf concat(List<FeedEvent> events) {
    int total = 0;
    for (FeedEvent e : events) {
      if (e.frameBytes().readableBytes() >= FeedEvent.SHARED_FRAME_LIMIT) {
        return null;
      }
      total += e.wire().readableBytes();
    }
    if (total == 0) {
      return null;
    }
    ByteBuf buf = direct(total);
    for (FeedEvent e : events) {
      buf.writeBytes(e.wire(), e.wire().readerIndex(), e.wire().readableBytes());
    }
    return Unpooled.unreleasableBuffer(buf);
  }

  /**
   * Direct memory, so a socket write does not copy the bytes into a direct buffer of its own (Netty
   * does that for every heap buffer written to a socket: a copy per agent per frame). A JDK buffer,
   * freed by the garbage collector once no frame refers to it: these are never released.
   */
  private static ByteBuf direct(int size) {
    return Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(size)).clear();
  }
}
