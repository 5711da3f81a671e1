package org.hotline1022.gateway.adapter.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.hotline1022.gateway.config.ConfigFiles;
import org.hotline1022.gateway.config.GatewayConfig;
import org.junit.jupiter.api.Test;

class ImapUrlTest {
  @Test
  void urlShouldGiveServerAccountAndFolderWithoutShowingThePassword() {
    ImapUrl u = ImapUrl.parse("imaps://hotline%40tinh.gov.vn:p%3Ass+w@mail.tinh.gov.vn/Hop%20thu");
    assertThat(u.tls()).isTrue();
    assertThat(u.port()).isEqualTo(993);
    assertThat(u.user()).isEqualTo("hotline@tinh.gov.vn");
    assertThat(u.password()).isEqualTo("p:ss+w");
    assertThat(u.folder()).isEqualTo("Hop thu");
    assertThat(u.mailbox()).isEqualTo("hotline@tinh.gov.vn@mail.tinh.gov.vn:993/Hop thu");
    assertThat(u.toString()).doesNotContain("p:ss");
    assertThat(ImapUrl.parse("imap://u:p@127.0.0.1:3143").folder()).isEqualTo("INBOX");
    assertThatThrownBy(() -> ImapUrl.parse("pop3://u:p@h")).hasMessageContaining("scheme");
  }

  @Test
  void configShouldTakeUrlsFromTheEnvironmentAndKeysFromTheMailSection() {
    GatewayConfig c = GatewayConfig.fromYaml(ConfigFiles.read("gateway.yaml"), Map.of("HOTLINE_IMAP_URL", "imap://u:secret@h:1/INBOX",
        "HOTLINE_SMTP_URL", "smtp://u:secret@h:2", "HOTLINE_MAIL_FETCH_BATCH", "7"));
    assertThat(c.mail().imapEnabled()).isTrue();
    assertThat(c.mail().fetchBatch()).isEqualTo(7);
    assertThat(c.mail().idleRenewSeconds()).isEqualTo(600);
    assertThat(c.unknownEnv()).isEmpty();
    assertThat(c.describe()).doesNotContain("secret");
    assertThat(GatewayConfig.fromYaml(ConfigFiles.read("gateway.yaml"), Map.of()).mail().imapEnabled()).isFalse();
  }
}
