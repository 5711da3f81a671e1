package org.hotline1022.gateway.config;

import java.util.Map;

/**
 * The Zalo OA access-token refresh ({@code webhooks.zalo.token*} in gateway.yaml). The app id, app
 * secret and first refresh token are in {@link WebhookConfig}; the optional first access token comes
 * from {@code HOTLINE_ZALO_ACCESS_TOKEN}. {@link #toString()} hides it.
 *
 * @param bootstrapAccessToken an access token to use until the first refresh (HOTLINE_ZALO_ACCESS_TOKEN), or empty
 * @param refreshAheadMinutes refresh when the access token has less than this left (Zalo's last 25 h)
 * @param checkSeconds how often each process looks whether the stored token is due for a refresh
 * @param timeoutMs the OAuth call's timeout; the row lock is held at most about this long
 * @param retrySeconds after a transient refresh failure, no process tries again for this long
 */
public record ZaloTokenConfig(String bootstrapAccessToken, int refreshAheadMinutes, int checkSeconds, int timeoutMs,
    int retrySeconds) {

  public static final String ACCESS_TOKEN_ENV = "HOTLINE_ZALO_ACCESS_TOKEN";

  public static ZaloTokenConfig fromYaml(String yaml, Map<String, String> env) {
    ConfigTree.Section s = ConfigTree.parse(yaml, env).section("webhooks.zalo");
    return new ZaloTokenConfig(env.getOrDefault(ACCESS_TOKEN_ENV, "").strip(), s.integer("tokenRefreshAheadMinutes", 720, 0, 1440),
        s.integer("tokenCheckSeconds", 300, 1, 86_400), s.integer("tokenTimeoutMs", 10_000, 100, 120_000),
        s.integer("tokenRetrySeconds", 60, 1, 86_400));
  }

  @Override
  public String toString() {
    return "ZaloTokenConfig[bootstrapAccessToken=" + (bootstrapAccessToken.isEmpty() ? "off" : "set") + ", refreshAheadMinutes="
        + refreshAheadMinutes + ", checkSeconds=" + checkSeconds + ", timeoutMs=" + timeoutMs + ", retrySeconds=" + retrySeconds + "]";
  }
}
