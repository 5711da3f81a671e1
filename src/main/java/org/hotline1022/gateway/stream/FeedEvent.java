package org.hotline1022.gateway.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import org.hotline1022.gateway.store.EventColumns;

/**
 * One event of the log, ready to push: the wire frame is built once and shared by every session;
 * the fields the agents' filters need come picked out of the payload by the server.
 */
public record FeedEvent(long seq, long atMillis, String type, String department, String previousDepartment, String topic,
    String status, String priority, ByteBuf frameBytes, ByteBuf wire) {

  /**
   * The whole WebSocket frame (header and payload) as shared bytes: a socket's own duplicate can be
   * written straight to its channel, below Vert.x's frame encoding (see AgentSession#write).
   */
  public ByteBuf wireBytes() {
    return wire.duplicate();
  }

  /**
   * The frame as a WebSocket text frame over bytes encoded once for every socket (the UTF-8
   * encoding per socket was a third of the fan-out's CPU). The buffer cannot be released, so each
   * socket's write of its own duplicate leaves it intact. Uses Vert.x's frame class directly: the
   * public factory only takes a String.
   */
  public WebSocketFrame wireFrame() {
    return new WebSocketFrameImpl(WebSocketFrameType.TEXT, frameBytes.duplicate(), true);
  }

  /** The frame as a string, for the rare message too long for one shared frame. */
  public String frame() {
    return frameBytes.toString(StandardCharsets.UTF_8);
  }

  /** From a row of {@code select} {@link EventColumns#FEED} {@code from event}. */
  public static FeedEvent of(Row row) {
    long seq = row.getLong("seq");
    String type = row.getString("type");
    Instant at = row.getOffsetDateTime("at").toInstant();
    byte[] utf8 = frame(type, seq, at, row.getBuffer("payload_utf8").getBytes());
    return new FeedEvent(seq, at.toEpochMilli(), type, row.getString("department"), row.getString("from_department"),
        row.getString("topic"), row.getString("status"), row.getString("priority"),
        Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(utf8)), WireFrames.text(utf8));
  }

  /**
   * {@code {"type":…,"seq":…,"at":…, <the payload's members>}}: the event's own fields first, then the
   * payload's members as the server wrote them. Payloads are objects (jsonb_build_object or a Java
   * JsonObject); anything else would go whole under "payload" rather than break the feed.
   */
  static byte[] frame(String type, long seq, Instant at, byte[] payload) {
    byte[] head = new JsonObject().put("type", type).put("seq", seq).put("at", at.toString()).encode().getBytes(StandardCharsets.UTF_8);
    int open = skipSpace(payload, 0);
    boolean object = open < payload.length && payload[open] == '{';
    byte[] middle;
    int from;
    if (!object) {
      middle = ",\"payload\":".getBytes(StandardCharsets.US_ASCII);
      from = 0;
    } else if (payload[Math.min(skipSpace(payload, open + 1), payload.length - 1)] == '}') {
      middle = new byte[0]; // an empty payload: the head alone
      from = payload.length;
    } else {
      middle = new byte[] {','};
      from = open + 1; // the payload's members and its closing brace
    }
    int tail = payload.length - from;
    // the head without its closing brace, then the payload's members; a wrapped value needs the brace back
    byte[] out = new byte[head.length - 1 + middle.length + tail + (object && tail > 0 ? 0 : 1)];
    System.arraycopy(head, 0, out, 0, head.length - 1);
    System.arraycopy(middle, 0, out, head.length - 1, middle.length);
    System.arraycopy(payload, from, out, head.length - 1 + middle.length, tail);
    if (!object || tail == 0) {
      out[out.length - 1] = '}';
    }
    return out;
  }

  private static int skipSpace(byte[] b, int from) {
    int i = from;
    while (i < b.length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) {
      i++;
    }
    return i;
  }
}
