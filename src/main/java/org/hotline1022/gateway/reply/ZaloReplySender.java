package org.hotline1022.gateway.reply;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.function.Supplier;
import org.hotline1022.gateway.config.WebhookConfig;
import org.hotline1022.gateway.inquiry.Channel;

/**
 * Zalo OA consultation message ({@code POST <api>/v3.0/oa/message/cs}, header {@code access_token},
 * channels.md §1.6). Zalo reports failures with HTTP 200 and a negative {@code error}; the 7-day
 * interaction window ({@code -230}, {@code -232}) is {@code window_closed}, permanent. The OA access
 * token comes from a {@link TokenSource} (in the gateway: {@link ZaloTokenVerticle}, which keeps it in
 * Postgres and refreshes it); when Zalo calls it invalid or expired ({@code -216}, {@code -220}) the
 * sender asks for a newer one and sends again, once.
 */
public final class ZaloReplySender implements ReplySender {
  static final int MAX_TEXT = 2000;

  /** Hands out the OA access token. */
  @FunctionalInterface
  public interface TokenSource {
    /**
     * @param stale a token Zalo just refused, or null: the answer is then a different (refreshed) one
     * @return the token, or a failure carrying a {@link DeliveryException} (permanent when an admin must act)
     */
    Future<String> token(String stale);
  }

  private final WebhookConfig config;
  private final TokenSource tokens;
  private WebClient client;

  public ZaloReplySender(WebhookConfig config, TokenSource tokens) {
    this.config = config;
    this.tokens = tokens;
  }

  /** A fixed token source, for tests. */
  public ZaloReplySender(WebhookConfig config, Supplier<Future<String>> accessToken) {
    this(config, stale -> accessToken.get());
  }

  /** A sender with no token source: every reply fails at once with a clear, permanent code. */
  public static ZaloReplySender withoutTokenStore(WebhookConfig config) {
    return new ZaloReplySender(config,
        stale -> Future.failedFuture(DeliveryException.permanent("no_access_token", "no Zalo OA token store")));
  }

  @Override
  public Channel channel() {
    return Channel.ZALO;
  }

  @Override
  public Future<Void> send(OutboundReply reply) {
    if (reply.text().length() > MAX_TEXT) {
      return Future.failedFuture(DeliveryException.permanent("too_long", "Zalo text must be at most 2000 characters"));
    }
    JsonObject body = new JsonObject().put("recipient", new JsonObject().put("user_id", reply.contactAddress()))
        .put("message", new JsonObject().put("text", reply.text()));
    return tokens.token(null)
        .compose(token -> post(token, body).compose(r -> tokenRefused(r)
            ? tokens.token(token).compose(fresh -> post(fresh, body)) // refreshed (or refreshed elsewhere): one more try
            : Future.succeededFuture(r)))
        .compose(ZaloReplySender::outcome);
  }

  private Future<HttpResponse<Buffer>> post(String token, JsonObject body) {
    return client().postAbs(config.zaloApiBaseUrl() + "/v3.0/oa/message/cs").putHeader("access_token", token)
        .sendJsonObject(body)
        .recover(failure -> Future.failedFuture(DeliveryException.retryable("unreachable", "Zalo OA API not reachable")));
  }

  /** {@code -216} access token invalid, {@code -220} expired or removed (channels.md §1.6). */
  static boolean tokenRefused(HttpResponse<Buffer> r) {
    if (r.statusCode() != 200) {
      return false;
    }
    try {
      JsonObject b = r.bodyAsJsonObject();
      Integer error = b == null ? null : b.getInteger("error");
      return error != null && (error == -216 || error == -220);
    } catch (RuntimeException notJson) {
      return false;
    }
  }

  static Future<Void> outcome(HttpResponse<Buffer> r) {
    if (r.statusCode() == 429 || r.statusCode() >= 500) {
      return Future.failedFuture(DeliveryException.retryable(r.statusCode() == 429 ? "rate_limited" : "http_5xx", "HTTP " + r.statusCode()));
    }
    Integer error;
    try {
      error = r.statusCode() == 200 && r.bodyAsJsonObject() != null ? r.bodyAsJsonObject().getInteger("error") : null;
    } catch (RuntimeException notJson) {
      error = null;
    }
    if (error == null) {
      return Future.failedFuture(DeliveryException.retryable("bad_response", "HTTP " + r.statusCode() + " without a Zalo envelope"));
    }
    String what = "zalo error " + error;
    return switch (error) {
      case 0 -> Future.succeededFuture();
      case -230, -232 -> Future.failedFuture(DeliveryException.permanent("window_closed", "no interaction within 7 days: " + what));
      case -32 -> Future.failedFuture(DeliveryException.retryable("rate_limited", what));
      case -216, -220 -> Future.failedFuture(DeliveryException.retryable("token_expired", what));
      case -213, -227, -244 -> Future.failedFuture(DeliveryException.permanent("recipient_unavailable", what));
      case -211, -218 -> Future.failedFuture(DeliveryException.retryable("quota", what));
      default -> Future.failedFuture(DeliveryException.permanent("rejected", what));
    };
  }

  private WebClient client() {
    if (client == null) {
      client = WebClient.create(Vertx.currentContext().owner());
    }
    return client;
  }
}
