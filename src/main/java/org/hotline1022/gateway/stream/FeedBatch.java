package org.hotline1022.gateway.stream;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Events the feed read in one go, in seq order; published to every agent hub of the process.
 *
 * @param wire every event's whole WebSocket frames back to back, for a socket that gets them all;
 *     null when the batch is empty
 */
public record FeedBatch(List<FeedEvent> events, ByteBuf wire) {
  public static final String ADDRESS = "hotline.stream.events";

  public FeedBatch {
    events = List.copyOf(events);
  }

  public static FeedBatch of(List<FeedEvent> events) {
    return new FeedBatch(events, WireFrames.concat(events));
  }

  /** A socket's own view of {@link #wire()} (null: write the events one by one). */
  public ByteBuf wireBytes() {
    return wire == null ? null : wire.duplicate();
  }

  /** The last seq of the batch (0 when empty). */
  public long lastSeq() {
    return events.isEmpty() ? 0 : events.get(events.size() - 1).seq();
  }
}
