package org.hotline1022.gateway.adapter.sip;

import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;
import org.hotline1022.gateway.adapter.sip.SipParseException.Reason;

/**
 * Frames SIP messages on a stream (TCP, RFC 3261 §18.3): CRLFs before a start line are skipped
 * (keep-alives), Content-Length is mandatory and delimits the body, several messages per read and
 * one message split across reads both work. Holds at most one message ({@link
 * SipParser#MAX_MESSAGE_BYTES}) plus one read. After a {@link SipParseException} the stream cannot
 * be resynchronised: the caller closes the connection, and every later {@link #feed} throws again.
 * One instance per connection; not thread-safe (used from the connection's event loop).
 */
public final class SipStreamFramer {

  private byte[] buf = new byte[4096];
  private int len;
  /** Where the next header-end search resumes (headers of the pending message). */
  private int scanFrom;
  private SipParser.Head head;
  private int bodyStart;
  private SipParseException failed;

  /** Appends one read and hands every complete message to {@code out}, in order. */
  public void feed(Buffer data, Consumer<SipMessage> out) throws SipParseException {
    if (failed != null) {
      throw failed;
    }
    try {
      append(data);
      drain(out);
    } catch (SipParseException e) {
      failed = e;
      buf = new byte[0];
      len = 0;
      throw e;
    }
  }

  /** Bytes held for an incomplete message. */
  public int buffered() {
    return len;
  }

  private void append(Buffer data) {
    int n = data.length();
    if (len + n > buf.length) {
      byte[] grown = new byte[Math.max(buf.length * 2, len + n)];
      System.arraycopy(buf, 0, grown, 0, len);
      buf = grown;
    }
    data.getBytes(0, n, buf, len);
    len += n;
  }

  private void drain(Consumer<SipMessage> out) throws SipParseException {
    int pos = 0;
    while (true) {
      if (head == null) {
        int start = SipParser.skipCrlf(buf, pos, len);
        pos = start;
        scanFrom = Math.max(scanFrom, start);
        int end = SipParser.headerEnd(buf, Math.max(start, scanFrom - 3), len);
        if (end < 0) {
          if (len - start > SipParser.MAX_MESSAGE_BYTES) {
            throw new SipParseException(Reason.TOO_LARGE, "no end of headers within the message bound");
          }
          scanFrom = len;
          break;
        }
        head = SipParser.parseHead(buf, start, end);
        if (head.contentLength < 0) {
          throw new SipParseException(Reason.MISSING_HEADER, "Content-Length missing on a stream");
        }
        if (end - start + head.contentLength > SipParser.MAX_MESSAGE_BYTES) {
          throw new SipParseException(Reason.TOO_LARGE, "message over the bound");
        }
        bodyStart = end;
      }
      if (len - bodyStart < head.contentLength) {
        break;
      }
      byte[] body = new byte[head.contentLength];
      System.arraycopy(buf, bodyStart, body, 0, body.length);
      pos = bodyStart + body.length;
      SipParser.Head done = head;
      head = null;
      scanFrom = pos;
      out.accept(SipParser.finish(done, body));
    }
    compact(pos);
  }

  /** Drops consumed bytes so offsets restart at 0. */
  private void compact(int pos) {
    if (pos == 0) {
      return;
    }
    System.arraycopy(buf, pos, buf, 0, len - pos);
    len -= pos;
    scanFrom = Math.max(0, scanFrom - pos);
    if (head != null) {
      bodyStart -= pos;
    }
    if (buf.length > 65_536 && len < 4096) {
      byte[] small = new byte[4096];
      System.arraycopy(buf, 0, small, 0, len);
      buf = small;
    }
  }
}
