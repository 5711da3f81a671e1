package org.hotline1022.gateway.adapter.webhook.facebook;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import org.hotline1022.gateway.adapter.webhook.Delivery;
import org.hotline1022.gateway.adapter.webhook.Signatures;
import org.hotline1022.gateway.adapter.webhook.Verification;
import org.hotline1022.gateway.adapter.webhook.WebhookProvider;
import org.hotline1022.gateway.config.WebhookConfig;
import org.hotline1022.gateway.inquiry.Channel;

/**
 * Facebook Page webhooks (Messenger and Page feed): GET handshake with the verify token, POST signed
 * with {@code X-Hub-Signature-256} = HMAC-SHA256 of the raw body with the app secret (channels.md §2).
 */
public final class FacebookWebhookProvider implements WebhookProvider {
  public static final String PATH = "/webhooks/facebook";
  static final String SIGNATURE_HEADER = "X-Hub-Signature-256";

  private final String appSecret;
  private final String verifyToken;

  public FacebookWebhookProvider(WebhookConfig config) {
    this.appSecret = config.facebookAppSecret();
    this.verifyToken = config.facebookVerifyToken();
  }

  @Override
  public Channel channel() {
    return Channel.FACEBOOK;
  }

  @Override
  public String path() {
    return PATH;
  }

  @Override
  public boolean configured() {
    return !appSecret.isEmpty();
  }

  @Override
  public Verification verify(MultiMap headers, Buffer rawBody) {
    String header = headers.get(SIGNATURE_HEADER);
    if (header == null || header.isBlank()) {
      // the legacy sha1 X-Hub-Signature alone is not enough
      return Verification.missing();
    }
    String value = header.strip();
    if (!value.regionMatches(true, 0, "sha256=", 0, 7)) {
      return Verification.invalid("bad_signature_format");
    }
    byte[] given = Signatures.fromHex(value.substring(7), 32);
    byte[] expected = Signatures.hmacSha256(appSecret, rawBody.getBytes());
    return Signatures.same(expected, given) ? Verification.VALID : Verification.invalid("bad_signature");
  }

  @Override
  public Delivery parse(Buffer rawBody, Instant receivedAt) {
    return FacebookPayloads.parse(rawBody, receivedAt);
  }

  @Override
  public Handshake handshake(MultiMap query) {
    if (verifyToken.isEmpty()) {
      return new Handshake(503, "verify token not configured");
    }
    String challenge = query.get("hub.challenge");
    if ("subscribe".equals(query.get("hub.mode")) && challenge != null
        && Signatures.sameText(verifyToken, query.get("hub.verify_token"))) {
      return new Handshake(200, challenge);
    }
    return new Handshake(403, "forbidden");
  }
}
