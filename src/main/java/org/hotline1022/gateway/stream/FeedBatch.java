package org.hotline1022.gateway.stream;

import java.util.List;

/** Events the feed read in one go, in seq order; published to every agent hub of the process. */
public record FeedBatch(List<FeedEvent> events) {
  public static final String ADDRESS = "hotline.stream.events";

  public FeedBatch {
    events = List.copyOf(events);
  }
}
