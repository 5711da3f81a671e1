package org.hotline1022.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplyDeadlineConfigTest {
  private static final String YAML = ConfigFiles.read("gateway.yaml");

  @Test
  void defaultsComeFromGatewayYaml() {
    assertThat(ReplyConfig.fromYaml(YAML, Map.of())).isEqualTo(new ReplyConfig(1000, 50, 8, 2000, 600_000, 60));
    assertThat(DeadlineConfig.fromYaml(YAML, Map.of())).isEqualTo(new DeadlineConfig(30, 60));
  }

  @Test
  void environmentOverridesReplyAndDeadlineKeys() {
    Map<String, String> env = Map.of("HOTLINE_REPLY_LEASE_SECONDS", "120", "HOTLINE_REPLY_MAX_ATTEMPTS", "3",
        "HOTLINE_DEADLINES_WARNING_LEAD_MINUTES", "15", "HOTLINE_DEADLINES_CHECK_INTERVAL_SECONDS", "5");
    ReplyConfig reply = ReplyConfig.fromYaml(YAML, env);
    assertThat(reply.leaseSeconds()).isEqualTo(120);
    assertThat(reply.maxAttempts()).isEqualTo(3);
    assertThat(DeadlineConfig.fromYaml(YAML, env)).isEqualTo(new DeadlineConfig(5, 15));
    // the gateway's own loader knows these keys exist, so it does not report the variables as unknown
    assertThat(GatewayConfig.fromYaml(YAML, env).unknownEnv()).isEmpty();
  }

  @Test
  void badValuesNameTheirKey() {
    assertThatThrownBy(() -> ReplyConfig.fromYaml(YAML, Map.of("HOTLINE_REPLY_BATCH_SIZE", "0")))
        .hasMessageContaining("reply.batchSize");
    assertThatThrownBy(() -> ReplyConfig.fromYaml(YAML, Map.of("HOTLINE_REPLY_BACKOFF_MAX_MS", "10")))
        .hasMessageContaining("reply.backoffMaxMs");
    assertThatThrownBy(() -> DeadlineConfig.fromYaml(YAML, Map.of("HOTLINE_DEADLINES_CHECK_INTERVAL_SECONDS", "x")))
        .hasMessageContaining("deadlines.checkIntervalSeconds");
  }
}
