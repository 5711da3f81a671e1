package org.hotline1022.gateway.adapter.sip;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Non-INVITE server transactions (RFC 3261 §17.2.2) in their completed state: the final answer is
 * kept for Timer J (64·T1 over UDP, none over TCP) and sent again for each retransmission of the
 * request, which is not processed twice (a retransmitted PUBLISH must not mint a second entity-tag).
 * Confined to the listener's event loop.
 */
final class ResponseCache {
  private final Vertx vertx;
  private final long timerJMs;
  private final Map<String, Buffer> answers = new HashMap<>();

  ResponseCache(Vertx vertx, long timerJMs) {
    this.vertx = vertx;
    this.timerJMs = timerJMs;
  }

  int size() {
    return answers.size();
  }

  /** The answer already given to this transaction, or null. */
  Buffer answered(String key) {
    return answers.get(key);
  }

  /** Sends the final answer and, over UDP, keeps it for Timer J. */
  void answer(String key, SipChannel channel, SipMessage response) {
    Buffer b = response.toBuffer();
    channel.send(b);
    if (!channel.reliable() && answers.put(key, b) == null) {
      vertx.setTimer(timerJMs, t -> answers.remove(key));
    }
  }
}
