package org.hotline1022.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookConfigTest {
  private static final String YAML = ConfigFiles.read("gateway.yaml");

  @Test
  void channelsAreOffWithoutTheirSecrets() {
    WebhookConfig c = WebhookConfig.fromYaml(YAML, Map.of());
    assertThat(c.facebookConfigured()).isFalse();
    assertThat(c.zaloConfigured()).isFalse();
    assertThat(c.graphBaseUrl()).isEqualTo("https://graph.facebook.com");
    assertThat(c.zaloStoreSignatureMismatch()).isFalse();
  }

  @Test
  void secretsComeFromTheEnvironmentAndAreNeverPrintedNorReportedUnknown() {
    Map<String, String> env = Map.of("HOTLINE_FACEBOOK_APP_SECRET", "fb-secret-xyz", "HOTLINE_ZALO_OA_SECRET", "zalo-secret-xyz",
        "HOTLINE_ZALO_REFRESH_TOKEN", "refresh-xyz", "HOTLINE_WEBHOOKS_FACEBOOK_GRAPH_BASE_URL", "http://127.0.0.1:9999/");
    WebhookConfig c = WebhookConfig.fromYaml(YAML, env);
    assertThat(c.facebookConfigured()).isTrue();
    assertThat(c.zaloOaSecret()).isEqualTo("zalo-secret-xyz");
    assertThat(c.graphBaseUrl()).isEqualTo("http://127.0.0.1:9999");
    assertThat(c.toString()).doesNotContain("xyz");
    GatewayConfig all = GatewayConfig.fromYaml(YAML, env);
    assertThat(all.unknownEnv()).isEmpty();
    assertThat(all.webhooks().facebookAppSecret()).isEqualTo("fb-secret-xyz");
  }
}
