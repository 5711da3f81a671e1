package org.hotline1022.gateway.adapter.webhook;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import org.hotline1022.gateway.inquiry.Channel;
import org.hotline1022.gateway.inquiry.Inbound;

/**
 * One platform's read API, for reconciliation: the citizens' messages of recent conversations as
 * the same {@link Inbound} records its {@link WebhookProvider} makes of a webhook (same external ids,
 * same contact and thread key), so the store's dedupe turns what is already stored into no-ops.
 *
 * <p>Threading: called on the reconciliation verticle's event loop; non-blocking.
 */
public interface PlatformReader {

  /** What a fetch read before it ended. */
  record Fetched(List<Inbound> inbounds, ReadApiException failure) {
    public Fetched {
      inbounds = List.copyOf(inbounds);
    }
  }

  Channel channel();

  /** False when a token or id it needs is not set: runs end at once with {@code not_configured}. */
  boolean configured();

  /**
   * Reads citizens' messages (never the page's or OA's own) sent at or after {@code since}, within the
   * configured bounds, oldest first within a conversation. Never fails: a read error ends the fetch
   * and comes back in {@link Fetched#failure()} with what was read before it.
   */
  Future<Fetched> fetch(Instant since);
}
