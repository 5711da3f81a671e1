package org.hotline1022.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SipConfigTest {
  private static final String YAML = ConfigFiles.read("gateway.yaml");

  @Test
  void defaults() {
    SipConfig c = GatewayConfig.fromYaml(YAML, Map.of()).sip();
    assertThat(c.enabled()).isTrue();
    assertThat(c.port()).isEqualTo(5060);
    assertThat(c.answerCode()).isEqualTo(486);
    assertThat(c.retryAfterSeconds()).isEqualTo(30);
    assertThat(c.t1Ms()).isEqualTo(500);
    assertThat(c.timerHMs()).isEqualTo(32_000);
    assertThat(c.subscriptions()).isEmpty();
    assertThat(c.contactHost()).isEqualTo("127.0.0.1");
  }

  @Test
  void shortPortVariableAndEnvironmentOverrides() {
    GatewayConfig g = GatewayConfig.fromYaml(YAML, Map.of("HOTLINE_SIP_PORT", "5099", "HOTLINE_PHONE_SIP_ANSWER_CODE", "480",
        "HOTLINE_PHONE_SIP_SUBSCRIPTIONS", "sip:1022@pbx:5062, sip:queue@pbx", "HOTLINE_PHONE_SIP_T1_MS", "50"));
    assertThat(g.sip().port()).isEqualTo(5099);
    assertThat(g.sip().answerCode()).isEqualTo(480);
    assertThat(g.sip().subscriptions()).containsExactly("sip:1022@pbx:5062", "sip:queue@pbx");
    assertThat(g.sip().timerHMs()).isEqualTo(3200);
    assertThat(g.unknownEnv()).isEmpty();
    assertThat(GatewayConfig.fromYaml(YAML, Map.of("HOTLINE_SIP_PORT", "5099", "HOTLINE_PHONE_SIP_PORT", "5098")).sip().port())
        .isEqualTo(5098);
  }

  @Test
  void badValuesNameTheKey() {
    assertThatThrownBy(() -> GatewayConfig.fromYaml(YAML, Map.of("HOTLINE_PHONE_SIP_ANSWER_CODE", "200")))
        .hasMessageContaining("phone.sip.answerCode");
    assertThatThrownBy(() -> GatewayConfig.fromYaml(YAML, Map.of("HOTLINE_SIP_PORT", "70000"))).hasMessageContaining("outside");
  }
}
