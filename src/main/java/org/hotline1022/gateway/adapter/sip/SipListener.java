package org.hotline1022.gateway.adapter.sip;

import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.hotline1022.gateway.config.SipConfig;

/**
 * Answers every request that reaches the SIP listener (sip.md §2): INVITE to the overflow intake,
 * CANCEL to its transaction (481 without one), OPTIONS with what we accept (503 while draining),
 * BYE 481 (no dialog ever exists: we never answer 200), NOTIFY and PUBLISH to the dialog-event
 * input, every other method 405 + Allow; an unknown {@code Require} 420 + Unsupported; 503 +
 * Retry-After when the transaction table is full. Non-INVITE retransmissions get the answer already
 * given. Confined to the listener's event loop.
 */
final class SipListener {
  static final String ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, NOTIFY, PUBLISH";
  static final String ACCEPT = "application/sdp, application/dialog-info+xml";

  private final SipConfig config;
  private final OverflowUas overflow;
  private final ResponseCache answers;
  private final DialogSubscriber subscriber;
  private final DialogPublications publications;
  private final SipUasMetrics metrics;
  private final BooleanSupplier draining;

  SipListener(SipConfig config, OverflowUas overflow, ResponseCache answers, DialogSubscriber subscriber,
      DialogPublications publications, SipUasMetrics metrics, BooleanSupplier draining) {
    this.config = config;
    this.overflow = overflow;
    this.answers = answers;
    this.subscriber = subscriber;
    this.publications = publications;
    this.metrics = metrics;
    this.draining = draining;
  }

  int transactions() {
    return overflow.size() + answers.size();
  }

  void onMessage(SipMessage m, SipChannel channel) {
    if (!m.isRequest()) {
      subscriber.response(m);
      return;
    }
    String method = m.method();
    if (method.equals("ACK")) {
      overflow.ack(m);
      return;
    }
    if (method.equals("INVITE") && overflow.retransmission(m)) {
      return;
    }
    String key = TransactionKeys.own(m);
    Buffer earlier = answers.answered(key);
    if (earlier != null) {
      metrics.retransmission(true);
      channel.send(earlier);
      return;
    }
    if (method.equals("CANCEL")) {
      overflow.cancel(m, channel, answers); // no Require check for CANCEL (RFC 3261 §8.2.2.3)
      return;
    }
    List<String> required = m.headers("Require");
    if (!required.isEmpty()) {
      answer(key, m, channel, response(m, channel, 420).header("Unsupported", String.join(", ", required)));
      return;
    }
    if (transactions() >= config.maxTransactions() || (method.equals("INVITE") && draining.getAsBoolean())) {
      // stateless, so a full table stays bounded: a retransmission simply gets another 503
      SipMessage busy = response(m, channel, 503).header("Retry-After", Integer.toString(config.overloadRetryAfterSeconds())).build();
      channel.send(busy);
      metrics.answered(method, 503);
      return;
    }
    switch (method) {
      case "INVITE" -> {
        if (m.to().tag() != null) {
          answer(key, m, channel, response(m, channel, 481)); // a re-INVITE: no dialog of ours exists
        } else {
          overflow.invite(m, channel);
        }
      }
      case "OPTIONS" -> answer(key, m, channel, draining.getAsBoolean()
          ? response(m, channel, 503).header("Retry-After", Integer.toString(config.overloadRetryAfterSeconds()))
          : response(m, channel, 200).header("Allow", ALLOW).header("Accept", ACCEPT).header("Supported", "")
              .header("Allow-Events", "dialog"));
      case "BYE" -> answer(key, m, channel, response(m, channel, 481));
      case "NOTIFY" -> {
        int status = subscriber.notify(m);
        SipResponses.Builder b = response(m, channel, status);
        if (status == 489) {
          b.header("Allow-Events", "dialog");
        }
        answer(key, m, channel, b);
      }
      case "PUBLISH" -> publish(key, m, channel);
      default -> answer(key, m, channel, response(m, channel, 405).header("Allow", ALLOW));
    }
  }

  private void publish(String key, SipMessage m, SipChannel channel) {
    if (!"dialog".equals(DialogSubscriber.eventPackage(m.header("Event")))) {
      answer(key, m, channel, response(m, channel, 489).header("Allow-Events", "dialog"));
      return;
    }
    DialogPublications.Answer a = publications.publish(m, System.currentTimeMillis());
    SipResponses.Builder b = response(m, channel, a.status());
    if (a.status() == 200) {
      b.header("SIP-ETag", a.etag()).header("Expires", Integer.toString(a.expires()));
    } else if (a.status() == 503) {
      b.header("Retry-After", Integer.toString(config.overloadRetryAfterSeconds()));
    }
    answer(key, m, channel, b);
  }

  private static SipResponses.Builder response(SipMessage m, SipChannel channel, int status) {
    return SipResponses.to(m).status(status).toTag(SipResponses.newTag()).source(channel.sourceHost(), channel.sourcePort());
  }

  private void answer(String key, SipMessage m, SipChannel channel, SipResponses.Builder b) {
    SipMessage r = b.build();
    answers.answer(key, channel, r);
    metrics.answered(m.method(), r.status());
  }
}
