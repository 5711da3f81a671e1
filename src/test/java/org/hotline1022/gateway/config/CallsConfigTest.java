package org.hotline1022.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CallsConfigTest {
  private static final String YAML = ConfigFiles.read("gateway.yaml");

  @Test
  void defaultsComeFromGatewayYamlAndThePhoneThreadingWindow() {
    CallsConfig c = GatewayConfig.fromYaml(YAML, Map.of()).calls();
    assertThat(c).isEqualTo(new CallsConfig(20_000, 500, 2, 10_000, "other", "normal", "", 1440));
  }

  @Test
  void environmentOverridesEveryKey() {
    GatewayConfig g = GatewayConfig.fromYaml(YAML, Map.of("HOTLINE_PHONE_CALLS_QUEUE_CAPACITY", "7", "HOTLINE_PHONE_CALLS_DEPARTMENT", "SYT",
        "HOTLINE_THREADING_WINDOW_MINUTES_PHONE", "30", "HOTLINE_PHONE_CALLS_MAX_BATCH", "50"));
    assertThat(g.calls().queueCapacity()).isEqualTo(7);
    assertThat(g.calls().maxBatch()).isEqualTo(50);
    assertThat(g.calls().department()).isEqualTo("SYT");
    assertThat(g.calls().windowMinutes()).isEqualTo(30);
    assertThat(g.unknownEnv()).isEmpty();
  }

  @Test
  void anOutOfRangeValueNamesItsKey() {
    assertThatThrownBy(() -> GatewayConfig.fromYaml(YAML, Map.of("HOTLINE_PHONE_CALLS_MAX_BATCH", "0")))
        .hasMessageContaining("phone.calls.maxBatch");
  }
}
