package org.hotline1022.gateway.adapter.webhook;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import org.hotline1022.gateway.inquiry.Channel;

/**
 * One platform behind the webhook adapter (Hono's provider pattern): it knows its signature scheme
 * and its payload shapes, nothing about HTTP answers, intake or the store. {@link WebhookRoutes}
 * calls {@link #verify} on the raw bytes first and {@link #parse} only on a verified body.
 *
 * <p>Threading: called on an event loop; every method is pure CPU work on the given bytes and must
 * not block. Implementations are immutable and shared by the HTTP verticle instances.
 */
public interface WebhookProvider {

  /** The channel the parsed inbounds belong to; also the metric tag. */
  Channel channel();

  /** The route, e.g. {@code /webhooks/facebook}. */
  String path();

  /** False when the channel's secret is not set: the route answers 503 and never reads the body. */
  boolean configured();

  /**
   * Checks the signature over the body exactly as received (never a re-encoding: Vietnamese text
   * breaks it), in constant time.
   */
  Verification verify(MultiMap headers, Buffer rawBody);

  /**
   * Turns a verified delivery into the inbounds it carries, in order, and the kinds of the events
   * that are not inquiries.
   *
   * @throws MalformedPayload when the body is not the JSON envelope the platform sends
   */
  Delivery parse(Buffer rawBody, Instant receivedAt);

  /** The answer to a {@code GET} on {@link #path()}, or null when the platform has no handshake (405). */
  default Handshake handshake(MultiMap query) {
    return null;
  }

  /** Status and plain-text body of a handshake answer. */
  record Handshake(int status, String body) {}
}
