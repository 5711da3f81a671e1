package org.hotline1022.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MailConfigTest {
  private static final String YAML = ConfigFiles.read("gateway.yaml");

  @Test
  void mainAndExtraMailboxesShouldComeFromTheEnvironment() {
    GatewayConfig c = GatewayConfig.fromYaml(YAML, Map.of("HOTLINE_IMAP_URL", "imap://a:b@h/INBOX", "HOTLINE_SMTP_URL", "smtp://h:25",
        "HOTLINE_MAIL_MAILBOXES", "yte, GTVT", "HOTLINE_IMAP_URL_YTE", "imaps://y:p@h2/INBOX", "HOTLINE_SMTP_URL_YTE", "smtps://h2",
        "HOTLINE_MAIL_ADDRESS_YTE", "yte@syt.gov.vn", "HOTLINE_SMTP_URL_GTVT", "smtp://h3:25", "HOTLINE_MAIL_AFTER_COMMIT", "move:Đã xử lý"));
    MailConfig m = c.mail();
    assertThat(c.unknownEnv()).isEmpty();
    assertThat(m.mailboxes()).extracting(MailConfig.Mailbox::name).containsExactly("main", "yte", "gtvt");
    assertThat(m.mailbox("yte").fromAddress()).isEqualTo("yte@syt.gov.vn");
    assertThat(m.mailbox("gtvt").reads()).isFalse();
    assertThat(m.mailbox("gtvt").fromAddress()).isEqualTo(m.fromAddress());
    assertThat(m.afterCommit()).isEqualTo(new MailConfig.AfterCommit(MailConfig.AfterCommit.Action.MOVE, "Đã xử lý"));
    assertThat(m.toString()).doesNotContain("b@h").doesNotContain("y:p");
    assertThat(m.imapEnabled()).isTrue();
    assertThat(m.smtpEnabled()).isTrue();
  }

  @Test
  void badMailboxSettingsShouldBeRefusedByName() {
    assertThatThrownBy(() -> GatewayConfig.fromYaml(YAML, Map.of("HOTLINE_MAIL_MAILBOXES", "yte")))
        .hasMessageContaining("HOTLINE_IMAP_URL_YTE");
    assertThatThrownBy(() -> GatewayConfig.fromYaml(YAML, Map.of("HOTLINE_MAIL_MAILBOXES", "main", "HOTLINE_IMAP_URL_MAIN", "imap://h")))
        .hasMessageContaining("mail.mailboxes");
    assertThatThrownBy(() -> GatewayConfig.fromYaml(YAML, Map.of("HOTLINE_MAIL_AFTER_COMMIT", "delete")))
        .hasMessageContaining("mail.afterCommit");
    assertThat(GatewayConfig.fromYaml(YAML, Map.of()).mail().mailboxes()).isEmpty();
  }
}
