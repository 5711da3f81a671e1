package org.hotline1022.gateway.config;

import java.util.Map;

/**
 * Reconciliation of the Facebook and Zalo channels ({@code webhooks.reconcile} in gateway.yaml):
 * fetching recent conversations through each platform's read API to store what a refused webhook
 * lost. Read once at startup; tokens come from the environment only.
 *
 * @param enabled false: no reconciliation at all (neither scheduled nor after an outage)
 * @param intervalSeconds time between scheduled runs per platform
 * @param outageCheckMs how often a process that refused a webhook looks whether the database is back
 * @param lookbackMinutes a run reads messages this far back (further after a longer outage)
 * @param maxConversations conversations read per run at most
 * @param maxMessages citizen messages taken per run at most
 * @param pageSize Graph page size for conversations and their messages (Zalo pages are 10, fixed)
 * @param maxResponseBytes a read-API answer larger than this is refused (counted, nothing taken from it)
 * @param requestTimeoutMs each read-API request
 * @param facebookPageId the Page whose conversations are read; empty: asked of Graph ({@code /me} with the Page token)
 * @param zaloOaId the OA's id; optional: tells the OA's rows from the users' when the API omits {@code src}
 * @param zaloAccessToken a static OA access token (HOTLINE_ZALO_ACCESS_TOKEN), until a token store
 *     exists; empty: Zalo runs fail with {@code no_access_token}
 * @param facebookComments also read the Page feed's comments (needs Graph read permissions on the feed)
 */
public record ReconcileConfig(
    boolean enabled,
    int intervalSeconds,
    long outageCheckMs,
    int lookbackMinutes,
    int maxConversations,
    int maxMessages,
    int pageSize,
    int maxResponseBytes,
    int requestTimeoutMs,
    String facebookPageId,
    String zaloOaId,
    String zaloAccessToken,
    boolean facebookComments) {

  public static final String ZALO_ACCESS_TOKEN_ENV = "HOTLINE_ZALO_ACCESS_TOKEN";

  /** Reads {@code webhooks.reconcile} and {@code webhooks.facebook.pageId}; throws IllegalArgumentException naming a bad key. */
  public static ReconcileConfig fromYaml(String yaml, Map<String, String> env) {
    ConfigTree.Section s = ConfigTree.parse(yaml, env).section("webhooks.reconcile");
    ConfigTree.Section fb = ConfigTree.parse(yaml, env).section("webhooks.facebook");
    ConfigTree.Section zalo = ConfigTree.parse(yaml, env).section("webhooks.zalo");
    String token = env.get(ZALO_ACCESS_TOKEN_ENV);
    return new ReconcileConfig(s.bool("enabled", true), s.integer("intervalSeconds", 600, 1, 86_400),
        s.number("outageCheckMs", 5000, 50, 600_000), s.integer("lookbackMinutes", 1440, 1, 43_200),
        s.integer("maxConversations", 50, 1, 10_000), s.integer("maxMessages", 500, 1, 100_000),
        s.integer("pageSize", 25, 1, 100), s.integer("maxResponseBytes", 2 << 20, 1024, 64 << 20),
        s.integer("requestTimeoutMs", 10_000, 100, 120_000), fb.string("pageId", "").strip(),
        zalo.string("oaId", "").strip(), token == null ? "" : token.strip(), s.bool("facebookComments", false));
  }

  @Override
  public String toString() {
    return "ReconcileConfig[enabled=" + enabled + ", intervalSeconds=" + intervalSeconds + ", lookbackMinutes=" + lookbackMinutes
        + ", facebookComments=" + facebookComments + ", maxConversations=" + maxConversations + ", maxMessages=" + maxMessages + ", facebookPageId="
        + (facebookPageId.isEmpty() ? "unset" : "set") + ", zaloAccessToken=" + (zaloAccessToken.isEmpty() ? "unset" : "set") + "]";
  }
}
