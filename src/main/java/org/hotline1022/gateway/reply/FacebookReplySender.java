package org.hotline1022.gateway.reply;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.hotline1022.gateway.config.WebhookConfig;
import org.hotline1022.gateway.inquiry.Channel;

/**
 * Facebook Send API ({@code POST <graph>/<version>/me/messages}, channels.md §2.7) with the Page
 * token, as a {@code RESPONSE} inside the 24-hour window. The outbox id travels in
 * {@code message.metadata} so the echo webhook can be matched to it. Graph errors are mapped to
 * codes the agent can act on; the closed window is {@code window_closed}, permanent.
 */
public final class FacebookReplySender implements ReplySender {
  static final int MAX_TEXT = 2000;

  private final WebhookConfig config;
  private WebClient client;

  public FacebookReplySender(WebhookConfig config) {
    this.config = config;
  }

  @Override
  public Channel channel() {
    return Channel.FACEBOOK;
  }

  @Override
  public Future<Void> send(OutboundReply reply) {
    if (config.facebookPageToken().isEmpty()) {
      return Future.failedFuture(DeliveryException.permanent("not_configured", "HOTLINE_FACEBOOK_PAGE_TOKEN is not set"));
    }
    if (reply.text().length() >= MAX_TEXT) {
      return Future.failedFuture(DeliveryException.permanent("too_long", "Messenger text must be under 2000 characters"));
    }
    JsonObject message = new JsonObject().put("text", reply.text()).put("metadata", "outbox:" + reply.outboxId());
    JsonObject body = isCommentId(reply.inReplyTo())
        // a Page comment: the commenter's id is not a PSID, so answer with a private reply to the comment
        // (one per comment, within 7 days; channels.md §2.5)
        ? new JsonObject().put("recipient", new JsonObject().put("comment_id", reply.inReplyTo())).put("message", message)
        : new JsonObject().put("recipient", new JsonObject().put("id", reply.contactAddress())).put("messaging_type", "RESPONSE")
            .put("message", message);
    return client().postAbs(config.graphBaseUrl() + "/" + config.graphVersion() + "/me/messages")
        .putHeader("Authorization", "Bearer " + config.facebookPageToken())
        .sendJsonObject(body)
        .recover(failure -> Future.failedFuture(DeliveryException.retryable("unreachable", "Graph API not reachable")))
        .compose(FacebookReplySender::outcome);
  }

  /**
   * Comment ids are {@code <postId>_<commentId>}, digits only; Messenger mids start with {@code m_}
   * (and our synthesized postback ids with {@code postback:}), so the latest inbound id tells them apart.
   */
  static boolean isCommentId(String externalId) {
    return externalId != null && externalId.matches("[0-9]+_[0-9]+");
  }

  /** Graph answers 2xx on success, else {@code {"error":{"code","error_subcode",...}}}. */
  static Future<Void> outcome(HttpResponse<Buffer> r) {
    if (r.statusCode() / 100 == 2) {
      return Future.succeededFuture();
    }
    JsonObject error = errorOf(r);
    int code = error.getInteger("code", -1);
    int sub = error.getInteger("error_subcode", -1);
    String what = "graph error " + code + "/" + sub + " (HTTP " + r.statusCode() + ")";
    if (code == 10 && sub == 2018278) {
      return Future.failedFuture(DeliveryException.permanent("window_closed", "outside the 24-hour messaging window: " + what));
    }
    if (code == 551 || sub == 1545041) {
      return Future.failedFuture(DeliveryException.permanent("recipient_unavailable", what));
    }
    if (code == 4 || code == 17 || code == 32 || code == 613 || r.statusCode() == 429) {
      return Future.failedFuture(DeliveryException.retryable("rate_limited", what));
    }
    if (code == 190) {
      return Future.failedFuture(DeliveryException.permanent("token_invalid", what));
    }
    if (r.statusCode() >= 500 || code == 1 || code == 2) {
      return Future.failedFuture(DeliveryException.retryable("http_5xx", what));
    }
    return Future.failedFuture(DeliveryException.permanent("rejected", what));
  }

  private static JsonObject errorOf(HttpResponse<Buffer> r) {
    try {
      JsonObject e = r.bodyAsJsonObject() == null ? null : r.bodyAsJsonObject().getJsonObject("error");
      return e == null ? new JsonObject() : e;
    } catch (RuntimeException notJson) {
      return new JsonObject();
    }
  }

  private WebClient client() {
    if (client == null) {
      // created on the dispatcher's context, which owns it from then on
      client = WebClient.create(Vertx.currentContext().owner());
    }
    return client;
  }
}
