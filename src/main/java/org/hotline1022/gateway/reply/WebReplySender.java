package org.hotline1022.gateway.reply;

import io.vertx.core.Future;
import org.hotline1022.gateway.inquiry.Channel;

/**
 * The web channel has nothing to push: the citizen reads answers at
 * {@code GET /api/v1/web/inquiries/{code}}, which shows outbound messages whose outbox row is
 * {@code sent}. Marking the row sent is the delivery, so this succeeds at once.
 */
public final class WebReplySender implements ReplySender {

  @Override
  public Channel channel() {
    return Channel.WEB;
  }

  @Override
  public Future<Void> send(OutboundReply reply) {
    return Future.succeededFuture();
  }
}
