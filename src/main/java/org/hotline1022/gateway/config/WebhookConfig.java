package org.hotline1022.gateway.config;

import java.util.Map;

/**
 * The Facebook Page and Zalo OA channels ({@code webhooks:} in gateway.yaml). Secrets and tokens
 * come from the environment only; an empty secret means the channel is not configured and its
 * webhook answers 503 (it never accepts unsigned traffic). {@link #toString()} hides every secret.
 *
 * @param maxBodyBytes largest webhook body read; a larger one is answered 413
 * @param facebookAppSecret key of {@code X-Hub-Signature-256} (HOTLINE_FACEBOOK_APP_SECRET)
 * @param facebookVerifyToken the token of the GET handshake (HOTLINE_FACEBOOK_VERIFY_TOKEN)
 * @param facebookPageToken Send API token (HOTLINE_FACEBOOK_PAGE_TOKEN)
 * @param graphBaseUrl Graph API base, without version (tests point it at a local fake)
 * @param graphVersion Graph API version, e.g. {@code v25.0}: versions retire after about 2 years
 * @param zaloAppId the Zalo app id (HOTLINE_ZALO_APP_ID); when set, events for another app are refused
 * @param zaloAppSecret OAuth only, never the webhook key (HOTLINE_ZALO_APP_SECRET)
 * @param zaloOaSecret key of {@code X-ZEvent-Signature} (HOTLINE_ZALO_OA_SECRET)
 * @param zaloRefreshToken the first OA refresh token (HOTLINE_ZALO_REFRESH_TOKEN)
 * @param zaloApiBaseUrl OA API base ({@code https://openapi.zalo.me})
 * @param zaloOauthBaseUrl OAuth base ({@code https://oauth.zaloapp.com})
 * @param zaloStoreSignatureMismatch go-live diagnosis only: store mismatching Zalo events flagged
 *     instead of refusing them (channels.md §1.1: the signature scheme is not certain)
 */
public record WebhookConfig(
    int maxBodyBytes,
    String facebookAppSecret,
    String facebookVerifyToken,
    String facebookPageToken,
    String graphBaseUrl,
    String graphVersion,
    String zaloAppId,
    String zaloAppSecret,
    String zaloOaSecret,
    String zaloRefreshToken,
    String zaloApiBaseUrl,
    String zaloOauthBaseUrl,
    boolean zaloStoreSignatureMismatch) {

  /** Reads the {@code webhooks} section and the secrets from {@code env}; throws IllegalArgumentException naming a bad key. */
  public static WebhookConfig fromYaml(String yaml, Map<String, String> env) {
    ConfigTree.Section s = ConfigTree.parse(yaml, env).section("webhooks");
    ConfigTree.Section fb = s.child("facebook");
    ConfigTree.Section zalo = s.child("zalo");
    return new WebhookConfig(
        s.integer("maxBodyBytes", 1_048_576, 1024, 16 << 20),
        secret(env, "HOTLINE_FACEBOOK_APP_SECRET"), secret(env, "HOTLINE_FACEBOOK_VERIFY_TOKEN"),
        secret(env, "HOTLINE_FACEBOOK_PAGE_TOKEN"),
        trimSlash(fb.string("graphBaseUrl", "https://graph.facebook.com")), fb.string("graphVersion", "v25.0"),
        secret(env, "HOTLINE_ZALO_APP_ID"), secret(env, "HOTLINE_ZALO_APP_SECRET"), secret(env, "HOTLINE_ZALO_OA_SECRET"),
        secret(env, "HOTLINE_ZALO_REFRESH_TOKEN"),
        trimSlash(zalo.string("apiBaseUrl", "https://openapi.zalo.me")),
        trimSlash(zalo.string("oauthBaseUrl", "https://oauth.zaloapp.com")),
        zalo.bool("storeSignatureMismatch", false));
  }

  public boolean facebookConfigured() {
    return !facebookAppSecret.isEmpty();
  }

  public boolean zaloConfigured() {
    return !zaloOaSecret.isEmpty();
  }

  private static String secret(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null ? "" : v.strip();
  }

  private static String trimSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  @Override
  public String toString() {
    return "WebhookConfig[maxBodyBytes=" + maxBodyBytes + ", facebook=" + (facebookConfigured() ? "configured" : "off")
        + ", graph=" + graphBaseUrl + "/" + graphVersion + ", zalo=" + (zaloConfigured() ? "configured" : "off")
        + ", zaloApi=" + zaloApiBaseUrl + ", zaloStoreSignatureMismatch=" + zaloStoreSignatureMismatch + "]";
  }
}
