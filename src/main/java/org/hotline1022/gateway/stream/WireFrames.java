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

  /** Longest payload of one frame: below the 64 KiB frame limit common clients (Vert.x's default) keep. */
  public static final int MAX_FRAME_PAYLOAD = 60_000;

  /**
   * {@code payload} as one text message: one final frame, or for a long one a text frame and
   * continuation frames of at most {@link #MAX_FRAME_PAYLOAD} bytes. The result cannot be released,
   * only duplicated.
   */
  public static ByteBuf text(byte[] payload) {
    int n = payload.length;
    int frames = Math.max(1, (n + MAX_FRAME_PAYLOAD - 1) / MAX_FRAME_PAYLOAD);
    int size = 0;
    for (int i = 0; i < frames; i++) {
      int len = Math.min(MAX_FRAME_PAYLOAD, n - i * MAX_FRAME_PAYLOAD);
      size += header(len) + len;
    }
    ByteBuf buf = direct(size);
    for (int i = 0; i < frames; i++) {
      int off = i * MAX_FRAME_PAYLOAD;
      int len = Math.min(MAX_FRAME_PAYLOAD, n - off);
      buf.writeByte((i == frames - 1 ? 0x80 : 0) | (i == 0 ? 0x1 : 0x0)); // FIN on the last; text, then continuation
      if (len < 126) {
        buf.writeByte(len);
      } else {
        buf.writeByte(126).writeShort(len);
      }
      buf.writeBytes(payload, off, len);
    }
    return Unpooled.unreleasableBuffer(buf);
  }

  private static int header(int len) {
    return len < 126 ? 2 : 4;
  }

  /** The events' frames back to back, for a socket that gets every one (one write per batch); null when empty. */
  public static ByteBuf concat(List<FeedEvent> events) {
    int total = 0;
    for (FeedEvent e : events) {
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
