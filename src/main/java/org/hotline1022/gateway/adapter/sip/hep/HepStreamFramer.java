package org.hotline1022.gateway.adapter.sip.hep;

import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;
import org.hotline1022.gateway.adapter.sip.hep.HepDecodeException.Reason;

/**
 * Splits a TCP stream of back-to-back HEP packets (sip.md §4.1: peek the 6-byte header, read the
 * total length) into one buffer per packet, across reads. A packet is at most 65,535 bytes (the
 * length is a uint16), so at most one packet plus one read is held. A wrong magic or a length under
 * the header size loses the framing: {@link #feed} throws and keeps throwing, and the caller closes
 * the connection. Packets with bad chunks are still framed; {@link HepDecoder} refuses them one by one.
 */
public final class HepStreamFramer {

  private Buffer pending = Buffer.buffer();
  private HepDecodeException failed;

  public void feed(Buffer data, Consumer<Buffer> packets) throws HepDecodeException {
    if (failed != null) {
      throw failed;
    }
    Buffer buf = pending.length() == 0 ? data : pending.appendBuffer(data);
    int pos = 0;
    int n = buf.length();
    while (n - pos >= HepDecoder.HEADER_BYTES) {
      if (buf.getInt(pos) != HepDecoder.MAGIC) {
        throw fail(new HepDecodeException(Reason.BAD_MAGIC, "stream lost HEP3 framing"));
      }
      int total = buf.getUnsignedShort(pos + 4);
      if (total < HepDecoder.HEADER_BYTES) {
        throw fail(new HepDecodeException(Reason.BAD_LENGTH, "packet length under the header size"));
      }
      if (n - pos < total) {
        break;
      }
      packets.accept(buf.slice(pos, pos + total));
      pos += total;
    }
    pending = pos == n ? Buffer.buffer() : buf.getBuffer(pos, n);
  }

  /** Bytes held for an incomplete packet. */
  public int buffered() {
    return pending.length();
  }

  private HepDecodeException fail(HepDecodeException e) {
    failed = e;
    pending = Buffer.buffer();
    return e;
  }
}
