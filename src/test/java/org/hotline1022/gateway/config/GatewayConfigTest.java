package org.hotline1022.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.hotline1022.gateway.inquiry.Channel;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {
  private static final String YAML = ConfigFiles.read("gateway.yaml");

  @Test
  void defaultsComeFromGatewayYaml() {
    GatewayConfig c = GatewayConfig.fromYaml(YAML, Map.of());
    assertThat(c.http().port()).isEqualTo(8080);
    assertThat(c.db().embedded()).isTrue();
    assertThat(c.web().rateLimit()).isEqualTo(120);
    assertThat(c.threadingWindows().get(Channel.WEB)).isEqualTo(Duration.ZERO);
    assertThat(c.threadingWindows().get(Channel.ZALO)).isEqualTo(Duration.ofHours(24));
  }

  @Test
  void environmentOverridesAnyKeyByItsPath() {
    GatewayConfig c = GatewayConfig.fromYaml(YAML, Map.of(
        "HOTLINE_HTTP_PORT", "9090",
        "HOTLINE_DB_URL", "postgresql://gw:s3cret@db.internal:5432/hotline",
        "HOTLINE_WEB_RATE_LIMIT", "0",
        "HOTLINE_WRITER_QUEUE_CAPACITY", "77",
        "HOTLINE_THREADING_WINDOW_MINUTES_ZALO", "30",
        "HOTLINE_DATA_DIR", "/var/lib/hotline",
        "HOTLINE_NO_SUCH_KEY", "1",
        "PATH", "/usr/bin"));
    assertThat(c.http().port()).isEqualTo(9090);
    assertThat(c.db().embedded()).isFalse();
    assertThat(c.web().rateLimit()).isZero();
    assertThat(c.writer().queueCapacity()).isEqualTo(77);
    assertThat(c.threadingWindows().get(Channel.ZALO)).isEqualTo(Duration.ofMinutes(30));
    assertThat(c.dataDir().toString()).isEqualTo("/var/lib/hotline");
    assertThat(c.unknownEnv()).containsExactly("HOTLINE_NO_SUCH_KEY");
  }

  @Test
  void theDescriptionForLogsHidesThePassword() {
    GatewayConfig c = GatewayConfig.fromYaml(YAML, Map.of("HOTLINE_DB_URL", "postgresql://gw:s3cret@db:5432/hotline"));
    assertThat(c.describe()).doesNotContain("s3cret").contains("postgresql://gw:***@db:5432/hotline");
  }

  @Test
  void badValuesNameTheirKey() {
    assertThatThrownBy(() -> GatewayConfig.fromYaml(YAML, Map.of("HOTLINE_HTTP_PORT", "eighty")))
        .hasMessageContaining("http.port");
    assertThatThrownBy(() -> GatewayConfig.fromYaml(YAML, Map.of("HOTLINE_WRITER_MAX_BATCH", "0")))
        .hasMessageContaining("writer.maxBatch");
  }
}
