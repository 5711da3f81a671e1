package org.hotline1022.gateway.adapter.mail;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.hotline1022.gateway.app.TestGateway;
import org.hotline1022.gateway.support.Eventually;
import org.hotline1022.gateway.support.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two mailboxes on two mail servers (GreenMail IMAP + SMTP each): both are read, each with its own
 * checkpoint, and a reply leaves through the SMTP account of the mailbox its inquiry came in on.
 */
class MailSeveralMailboxesIT {
  private static final Session SESSION = Session.getInstance(new Properties());

  private static GreenMail server() {
    GreenMail g = new GreenMail(new ServerSetup[] {new ServerSetup(Ports.free(), "127.0.0.1", ServerSetup.PROTOCOL_IMAP),
        new ServerSetup(Ports.free(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP)});
    g.start();
    return g;
  }

  private static void deliver(GreenMailUser to, String from, String id, String subject) throws Exception {
    String mime = "From: " + from + "\r\nSubject: " + subject + "\r\nMessage-ID: <" + id + ">\r\n\r\n" + subject + "\r\n";
    to.deliver(new MimeMessage(SESSION, new ByteArrayInputStream(mime.getBytes(StandardCharsets.UTF_8))));
  }

  private static String code(TestGateway gw, String externalId) {
    var rows = gw.sql().preparedQuery("select i.tracking_code from message m join inquiry i on i.id = m.inquiry_id where m.external_id = $1")
        .execute(Tuple.of(externalId)).await();
    return rows.iterator().next().getString(0);
  }

  private static void reply(TestGateway gw, String code, String text) {
    var r = gw.http.post("/api/v1/inquiries/" + code + "/reply").putHeader("Authorization", "Bearer " + gw.token("op", "operator", null))
        .sendJsonObject(new JsonObject().put("text", text)).await();
    assertThat(r.statusCode()).isEqualTo(200);
  }

  @Test
  void eachMailboxShouldBeReadAndAnsweredThroughItsOwnAccount(@TempDir Path dir) throws Exception {
    GreenMail a = server();
    GreenMail b = server();
    try {
      GreenMailUser main = a.setUser("1022@tinh.gov.vn", "hotline", "secret");
      GreenMailUser yte = b.setUser("yte@syt.gov.vn", "yte", "secret2");
      deliver(main, "an@example.vn", "to-main@example.vn", "Đường ngập");
      deliver(yte, "binh@example.vn", "to-yte@example.vn", "Hỏi lịch tiêm");
      Map<String, String> env = Map.of(
          "HOTLINE_IMAP_URL", "imap://hotline:secret@127.0.0.1:" + a.getImap().getPort() + "/INBOX",
          "HOTLINE_SMTP_URL", "smtp://127.0.0.1:" + a.getSmtp().getPort(),
          "HOTLINE_MAIL_FROM_ADDRESS", "1022@tinh.gov.vn",
          "HOTLINE_MAIL_MAILBOXES", "yte",
          "HOTLINE_IMAP_URL_YTE", "imap://yte:secret2@127.0.0.1:" + b.getImap().getPort() + "/INBOX",
          "HOTLINE_SMTP_URL_YTE", "smtp://127.0.0.1:" + b.getSmtp().getPort(),
          "HOTLINE_MAIL_ADDRESS_YTE", "yte@syt.gov.vn",
          "HOTLINE_MAIL_IDLE_RENEW_SECONDS", "2",
          "HOTLINE_REPLY_POLL_INTERVAL_MS", "200");
      try (TestGateway gw = TestGateway.start(dir, env)) {
        assertThat(gw.config.unknownEnv()).isEmpty();
        Eventually.until(Duration.ofSeconds(20), "both read", () -> gw.count("select count(*) from message where channel = 'email'") == 2);
        Eventually.until(Duration.ofSeconds(5), "two checkpoints", () -> gw.count("select count(*) from mail_checkpoint") == 2);
        deliver(yte, "binh@example.vn", "later@example.vn", "Bổ sung");
        Eventually.until(Duration.ofSeconds(10), "new mail via idle", () -> gw.count("select count(*) from message where channel = 'email'") == 3);

        reply(gw, code(gw, "to-yte@example.vn"), "Lịch tiêm: thứ Hai.");
        reply(gw, code(gw, "to-main@example.vn"), "Đã báo công ty thoát nước.");
        Eventually.until(Duration.ofSeconds(20), "both answers sent",
            () -> a.getReceivedMessagesForDomain("example.vn").length + b.getReceivedMessagesForDomain("example.vn").length == 2);
        MimeMessage viaB = b.getReceivedMessagesForDomain("example.vn")[0];
        MimeMessage viaA = a.getReceivedMessagesForDomain("example.vn")[0];
        assertThat(viaB.getAllRecipients()[0].toString()).isEqualTo("binh@example.vn");
        assertThat(viaB.getFrom()[0].toString()).contains("yte@syt.gov.vn");
        assertThat(viaA.getAllRecipients()[0].toString()).isEqualTo("an@example.vn");
        assertThat(viaA.getFrom()[0].toString()).contains("1022@tinh.gov.vn");
        for (String tag : new String[] {"main", "yte"}) {
          assertThat(gw.registry.find("hotline.mail.connected").tag("mailbox", tag).gauge().value()).isEqualTo(1.0);
          assertThat(gw.registry.find("hotline.mail.messages.fetched").tag("mailbox", tag).counter().count()).isGreaterThanOrEqualTo(1);
        }
        var ready = gw.http.get("/health/ready").send().await().bodyAsJsonObject();
        assertThat(ready.getString("status")).isEqualTo("UP");
        assertThat(ready.getJsonObject("checks").getString("mail.main")).isEqualTo("UP");
        assertThat(ready.getJsonObject("checks").getString("mail.yte")).isEqualTo("UP");
        assertThat(ready.getJsonObject("details").getString("mail.yte")).isEqualTo("reading");
      }
    } finally {
      a.stop();
      b.stop();
    }
  }
}
