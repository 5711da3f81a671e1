package org.hotline1022.gateway.reply;

import io.vertx.core.Future;
import org.hotline1022.gateway.inquiry.Channel;

/**
 * Delivers an agent's answer on one channel (web, SMTP, Zalo OA, Facebook Send API). The
 * {@link OutboxDispatcherVerticle} calls it on its own event loop, outside any database
 * transaction, with everything it needs in the {@link OutboundReply}; a sender keeps no state about
 * the outbox and never touches the database.
 *
 * <p>Threading: {@link #send} is called on an event loop and must not block; a sender that needs
 * a blocking client runs it on a worker. A sender instance is used by one dispatcher verticle; one
 * that owns clients (HTTP, SMTP) creates them lazily on the caller's Vert.x context or is given them.
 *
 * <p>Delivery is at-least-once across crashes: a sender that can pass an idempotency key to its
 * provider should use {@link OutboundReply#outboxId()}.
 */
public interface ReplySender {

  /** The channel this sender delivers to; the dispatcher routes each outbox row by its channel. */
  Channel channel();

  /**
   * Delivers one reply.
   *
   * @return succeeds once the provider accepted the reply; fails with a {@link DeliveryException}
   *     saying whether a retry can help (any other exception counts as retryable). A send that has
   *     not completed within the dispatcher's lease is given up and retried.
   */
  Future<Void> send(OutboundReply reply);
}
