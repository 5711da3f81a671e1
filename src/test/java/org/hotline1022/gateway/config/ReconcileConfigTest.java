package org.hotline1022.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ReconcileConfigTest {
  private static final String YAML = ConfigFiles.read("gateway.yaml");

  @Test
  void defaultsAreEveryTenMinutesOverADayWithinBounds() {
    ReconcileConfig c = ReconcileConfig.fromYaml(YAML, Map.of());
    assertThat(c.enabled()).isTrue();
    assertThat(c.intervalSeconds()).isEqualTo(600);
    assertThat(c.lookbackMinutes()).isEqualTo(1440);
    assertThat(c.maxConversations()).isEqualTo(50);
    assertThat(c.maxMessages()).isEqualTo(500);
    assertThat(c.facebookPageId()).isEmpty();
    assertThat(c.zaloAccessToken()).isEmpty();
    assertThat(c.facebookComments()).isFalse();
  }

  @Test
  void environmentOverridesEveryKeyAndTheTokenIsNeverPrintedNorReportedUnknown() {
    Map<String, String> env = Map.of("HOTLINE_WEBHOOKS_RECONCILE_INTERVAL_SECONDS", "60", "HOTLINE_WEBHOOKS_FACEBOOK_PAGE_ID",
        "111111111111111", "HOTLINE_WEBHOOKS_ZALO_OA_ID", "3886132808788086451", "HOTLINE_ZALO_ACCESS_TOKEN", "tok-xyz",
        "HOTLINE_WEBHOOKS_RECONCILE_OUTAGE_CHECK_MS", "250", "HOTLINE_WEBHOOKS_RECONCILE_MAX_MESSAGES", "20");
    GatewayConfig all = GatewayConfig.fromYaml(YAML, env);
    ReconcileConfig c = all.reconcile();
    assertThat(c.intervalSeconds()).isEqualTo(60);
    assertThat(c.outageCheckMs()).isEqualTo(250);
    assertThat(c.maxMessages()).isEqualTo(20);
    assertThat(c.facebookPageId()).isEqualTo("111111111111111");
    assertThat(c.zaloOaId()).isEqualTo("3886132808788086451");
    assertThat(c.zaloAccessToken()).isEqualTo("tok-xyz");
    assertThat(all.unknownEnv()).isEmpty();
    assertThat(all.describe()).doesNotContain("xyz");
  }

  @Test
  void anOutOfRangeValueNamesItsKey() {
    assertThatThrownBy(() -> ReconcileConfig.fromYaml(YAML, Map.of("HOTLINE_WEBHOOKS_RECONCILE_MAX_MESSAGES", "0")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxMessages");
  }
}
