package org.hotline1022.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HepConfigTest {
  private static final String YAML = ConfigFiles.read("gateway.yaml");

  @Test
  void defaultsFromTheShippedFile() {
    HepConfig c = HepConfig.fromYaml(YAML, Map.of());
    assertThat(c.enabled()).isTrue();
    assertThat(c.port()).isEqualTo(9060);
    assertThat(c.finalResponseTimeoutMs()).isEqualTo(32_000);
    assertThat(c.ringTimeoutSeconds()).isEqualTo(180);
    assertThat(c.maxCalls()).isEqualTo(100_000);
  }

  @Test
  void bothPortVariablesWorkAndTheLongOneWins() {
    assertThat(HepConfig.fromYaml(YAML, Map.of("HOTLINE_HEP_PORT", "19060")).port()).isEqualTo(19060);
    assertThat(HepConfig.fromYaml(YAML, Map.of("HOTLINE_PHONE_HEP_PORT", "19061")).port()).isEqualTo(19061);
    assertThat(HepConfig.fromYaml(YAML, Map.of("HOTLINE_HEP_PORT", "1", "HOTLINE_PHONE_HEP_PORT", "19062")).port())
        .isEqualTo(19062);
    assertThat(GatewayConfig.fromYaml(YAML, Map.of("HOTLINE_HEP_PORT", "19063")).unknownEnv()).isEmpty();
    assertThat(HepConfig.fromYaml(YAML, Map.of("HOTLINE_PHONE_HEP_T1_MS", "20")).finalResponseTimeoutMs()).isEqualTo(1280);
  }

  @Test
  void allowFromFromYamlOrACommaSeparatedVariable() {
    assertThat(HepConfig.fromYaml(YAML, Map.of()).allowFrom()).isEmpty();
    assertThat(HepConfig.fromYaml(YAML, Map.of("HOTLINE_PHONE_HEP_ALLOW_FROM", "10.0.0.0/24, 192.0.2.7")).allowFrom())
        .containsExactly("10.0.0.0/24", "192.0.2.7");
  }

  @Test
  void badValuesNameTheirKey() {
    assertThatThrownBy(() -> HepConfig.fromYaml(YAML, Map.of("HOTLINE_HEP_PORT", "70000")))
        .hasMessageContaining("outside");
    assertThatThrownBy(() -> HepConfig.fromYaml(YAML, Map.of("HOTLINE_PHONE_HEP_MAX_CALLS", "0")))
        .hasMessageContaining("phone.hep.maxCalls");
  }
}
