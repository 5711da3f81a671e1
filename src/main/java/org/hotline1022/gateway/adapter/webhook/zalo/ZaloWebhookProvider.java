package org.hotline1022.gateway.adapter.webhook.zalo;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import org.hotline1022.gateway.adapter.webhook.Delivery;
import org.hotline1022.gateway.adapter.webhook.JsonFields;
import org.hotline1022.gateway.adapter.webhook.MalformedPayload;
import org.hotline1022.gateway.adapter.webhook.Signatures;
import org.hotline1022.gateway.adapter.webhook.Verification;
import org.hotline1022.gateway.adapter.webhook.WebhookProvider;
import org.hotline1022.gateway.config.WebhookConfig;
import org.hotline1022.gateway.inquiry.Channel;

/**
 * Zalo OA webhooks. {@code X-ZEvent-Signature: mac=<hex sha256(app_id + body + timestamp + OA secret)>}
 * (a plain SHA-256, not an HMAC; channels.md §1.1). The scheme is not certain, so the documented
 * variants are all accepted: with or without {@code mac=}, hex in either case, the timestamp from
 * an {@code X-ZEvent-Timestamp} header or from the body.
 */
public final class ZaloWebhookProvider implements WebhookProvider {
  public static final String PATH = "/webhooks/zalo";
  static final String SIGNATURE_HEADER = "X-ZEvent-Signature";
  static final String TIMESTAMP_HEADER = "X-ZEvent-Timestamp";

  private final String oaSecret;
  private final String appId;
  private final boolean storeMismatch;

  public ZaloWebhookProvider(WebhookConfig config) {
    this.oaSecret = config.zaloOaSecret();
    this.appId = config.zaloAppId();
    this.storeMismatch = config.zaloStoreSignatureMismatch();
  }

  @Override
  public Channel channel() {
    return Channel.ZALO;
  }

  @Override
  public String path() {
    return PATH;
  }

  @Override
  public boolean configured() {
    return !oaSecret.isEmpty();
  }

  @Override
  public Verification verify(MultiMap headers, Buffer rawBody) {
    String header = headers.get(SIGNATURE_HEADER);
    if (header == null || header.isBlank()) {
      // Zalo checks a newly saved URL with an unsigned "{}" and wants a 200 (UNCERTAIN, §1.1)
      String text = rawBody.length() > 16 ? null : rawBody.toString(StandardCharsets.UTF_8).strip();
      return text != null && (text.isEmpty() || text.equals("{}")) ? Verification.PROBE : Verification.missing();
    }
    String value = header.strip();
    if (value.regionMatches(true, 0, "mac=", 0, 4)) {
      value = value.substring(4);
    }
    byte[] given = Signatures.fromHex(value.strip(), 32);
    if (given == null) {
      return mismatch("bad_signature_format");
    }
    JsonObject body;
    try {
      body = JsonFields.object(rawBody);
    } catch (MalformedPayload e) {
      return Verification.invalid("unverifiable_body"); // the signed fields live inside the JSON
    }
    String bodyAppId = JsonFields.str(body, "app_id");
    if (!appId.isEmpty() && bodyAppId != null && !appId.equals(bodyAppId)) {
      return Verification.invalid("wrong_app");
    }
    String signingAppId = bodyAppId != null ? bodyAppId : appId;
    Set<String> timestamps = new LinkedHashSet<>();
    if (headers.get(TIMESTAMP_HEADER) != null) {
      timestamps.add(headers.get(TIMESTAMP_HEADER).strip());
    }
    if (JsonFields.str(body, "timestamp") != null) {
      timestamps.add(JsonFields.str(body, "timestamp"));
    }
    byte[] raw = rawBody.getBytes();
    boolean ok = false;
    for (String ts : timestamps) {
      // no early exit: each candidate costs the same whether an earlier one matched
      ok |= Signatures.same(Signatures.sha256(utf8(signingAppId), raw, utf8(ts), utf8(oaSecret)), given);
    }
    return ok ? Verification.VALID : mismatch("bad_signature");
  }

  private Verification mismatch(String reason) {
    return storeMismatch ? new Verification(Verification.Outcome.FLAGGED, reason) : Verification.invalid(reason);
  }

  @Override
  public Delivery parse(Buffer rawBody, Instant receivedAt) {
    return ZaloEvents.parse(rawBody, receivedAt);
  }

  private static byte[] utf8(String s) {
    return s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
  }
}
