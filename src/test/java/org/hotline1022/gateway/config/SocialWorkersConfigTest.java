package org.hotline1022.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.hotline1022.gateway.inquiry.Channel;
import org.junit.jupiter.api.Test;

/** The media, receipts and Zalo token settings, read from the shipped gateway.yaml. */
class SocialWorkersConfigTest {
  static final String YAML = ConfigFiles.read("gateway.yaml");

  @Test
  void receiptsAreOffByDefaultAndSwitchedOnPerChannel() {
    ReceiptConfig off = ReceiptConfig.fromYaml(YAML, Map.of());
    assertThat(off.enabled()).isFalse();
    assertThat(off.textFor("1022-ABCD-EFGH")).contains("1022-ABCD-EFGH").contains("Tổng đài 1022");

    ReceiptConfig on = GatewayConfig.fromYaml(YAML, Map.of("HOTLINE_RECEIPTS_ZALO", "true", "HOTLINE_RECEIPTS_EMAIL", "true")).receipts();
    assertThat(on.channels()).containsExactlyInAnyOrder(Channel.ZALO, Channel.EMAIL);
    assertThat(GatewayConfig.fromYaml(YAML, Map.of("HOTLINE_RECEIPTS_FACEBOOK", "true")).unknownEnv()).isEmpty();
    assertThatThrownBy(() -> ReceiptConfig.fromYaml(YAML, Map.of("HOTLINE_RECEIPTS_TEXT", "Đã nhận")))
        .hasMessageContaining("receipts.text");
  }

  @Test
  void mediaDefaultsAndALeaseShorterThanADownloadIsRefused() {
    MediaConfig m = MediaConfig.fromYaml(YAML, Map.of());
    assertThat(m.enabled()).isTrue();
    assertThat(m.maxBytes()).isEqualTo(10L << 20);
    assertThat(MediaConfig.fromYaml(YAML, Map.of("HOTLINE_MEDIA_MAX_BYTES", "1000")).maxBytes()).isEqualTo(1000);
    assertThatThrownBy(() -> MediaConfig.fromYaml(YAML, Map.of("HOTLINE_MEDIA_LEASE_SECONDS", "30")))
        .hasMessageContaining("media.leaseSeconds");
  }

  @Test
  void theZaloAccessTokenIsReadFromTheEnvironmentAndNeverPrinted() {
    GatewayConfig c = GatewayConfig.fromYaml(YAML, Map.of("HOTLINE_ZALO_ACCESS_TOKEN", "secret-access-token",
        "HOTLINE_ZALO_REFRESH_TOKEN", "secret-refresh-token", "HOTLINE_WEBHOOKS_ZALO_TOKEN_CHECK_SECONDS", "60"));
    assertThat(c.zaloToken().bootstrapAccessToken()).isEqualTo("secret-access-token");
    assertThat(c.zaloToken().checkSeconds()).isEqualTo(60);
    assertThat(c.zaloToken().refreshAheadMinutes()).isEqualTo(720);
    assertThat(c.unknownEnv()).isEmpty();
    assertThat(c.describe() + c.webhooks() + c.zaloToken()).doesNotContain("secret-access-token").doesNotContain("secret-refresh-token");
  }
}
