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
  void mediaDownloadsDefaultToTheCdnsOverHttpsAndTestsOverrideThem() {
    MediaConfig m = MediaConfig.fromYaml(YAML, Map.of());
    assertThat(m.allowedHosts(Channel.FACEBOOK)).containsExactly("fbcdn.net", "fbsbx.com", "facebook.com");
    assertThat(m.allowedHosts(Channel.ZALO)).containsExactly("zdn.vn", "zadn.vn", "zalo.me", "zaloapp.com");
    assertThat(m.allowedHosts(Channel.EMAIL)).isEmpty();
    assertThat(m.allowHttp()).isFalse();
    assertThat(m.allowPrivateAddresses()).isFalse();
    assertThat(m.maxRedirects()).isEqualTo(3);

    Map<String, String> env = Map.of("HOTLINE_MEDIA_ALLOWED_HOSTS_ZALO", " 127.0.0.1, .Example.ORG. ", "HOTLINE_MEDIA_ALLOWED_HOSTS_FACEBOOK", "",
        "HOTLINE_MEDIA_ALLOW_HTTP", "true", "HOTLINE_MEDIA_ALLOW_PRIVATE_ADDRESSES", "true", "HOTLINE_MEDIA_MAX_REDIRECTS", "0");
    GatewayConfig g = GatewayConfig.fromYaml(YAML, env);
    assertThat(g.unknownEnv()).isEmpty();
    assertThat(g.media().allowedHosts(Channel.ZALO)).containsExactly("127.0.0.1", "example.org");
    assertThat(g.media().allowedHosts(Channel.FACEBOOK)).isEmpty();
    assertThat(g.media().allowHttp()).isTrue();
    assertThat(g.media().allowPrivateAddresses()).isTrue();
    assertThat(g.media().maxRedirects()).isZero();
    for (String bad : new String[] {"*.zdn.vn", "zdn.vn:443", "https://zdn.vn", "zdn.vn/x", "user@zdn.vn", "zd n.vn"}) {
      assertThatThrownBy(() -> MediaConfig.fromYaml(YAML, Map.of("HOTLINE_MEDIA_ALLOWED_HOSTS_ZALO", bad)))
          .as(bad).hasMessageContaining("media.allowedHosts.zalo");
    }
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
