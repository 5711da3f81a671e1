package org.hotline1022.gateway.reply;

import java.util.Locale;
import java.util.Map;
import org.hotline1022.gateway.inquiry.Channel;

/**
 * The reply outbox's meters, behind a domain interface so only {@link MicrometerReplyMetrics} knows
 * Micrometer. A null channel (an outbox row naming no known channel) is tagged {@code unknown}.
 * Implementations are called from event loops and must be thread-safe and non-blocking.
 */
public interface ReplyMetrics {

  /** What became of one delivery attempt. */
  enum Outcome {
    SENT, RETRY, FAILED;

    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Pending outbox rows of the whole database by channel (a channel missing from the map has none),
   * and the age of the oldest pending row in seconds (0 when there is none), as last counted.
   */
  void backlog(Map<Channel, Long> pending, double oldestSeconds);

  /** One finished attempt. */
  void attempt(Channel channel, Outcome outcome);

  /** A delivered reply: time from the commit of the reply to its {@code sent} commit. */
  void delivered(Channel channel, long nanosSinceCommit);

  ReplyMetrics NOOP = new ReplyMetrics() {
    @Override
    public void backlog(Map<Channel, Long> pending, double oldestSeconds) {}

    @Override
    public void attempt(Channel channel, Outcome outcome) {}

    @Override
    public void delivered(Channel channel, long nanosSinceCommit) {}
  };
}
