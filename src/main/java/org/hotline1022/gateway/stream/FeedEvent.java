package org.hotline1022.gateway.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;

/**
 * One event of the log, ready to push: the wire frame is encoded once and shared by every session;
 * the fields the agents' filters need are pulled out of the payload.
 */
public record FeedEvent(long seq, long atMillis, String type, String department, String previousDepartment, String topic,
    String status, String priority, String frame, ByteBuf frameBytes, ByteBuf wire) {

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

  /** From a row of {@code select seq, type, at, department, payload from event}. */
  public static FeedEvent of(Row row) {
    long seq = row.getLong("seq");
    String type = row.getString("type");
    OffsetDateTime at = row.getOffsetDateTime("at");
    JsonObject payload = (JsonObject) row.getValue("payload");
    JsonObject frame = new JsonObject().put("type", type).put("seq", seq).put("at", at.toInstant().toString());
    if (payload != null) {
      payload.forEach(e -> frame.put(e.getKey(), e.getValue()));
    }
    JsonObject inquiry = payload == null ? null : payload.getJsonObject("inquiry");
    JsonObject from = payload == null || payload.getJsonObject("change") == null ? null : payload.getJsonObject("change").getJsonObject("from");
    String encoded = frame.encode();
    byte[] utf8 = encoded.getBytes(StandardCharsets.UTF_8);
    return new FeedEvent(seq, at.toInstant().toEpochMilli(), type, row.getString("department"), from == null ? null : from.getString("department"),
        inquiry == null ? null : inquiry.getString("topic"), inquiry == null ? null : inquiry.getString("status"),
        inquiry == null ? null : inquiry.getString("priority"), encoded,
        Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(utf8)), WireFrames.text(utf8));
  }
}
