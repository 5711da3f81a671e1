package org.hotline1022.gateway.adapter.mail;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.hotline1022.gateway.app.TestGateway;
import org.hotline1022.gateway.support.Eventually;
import org.hotline1022.gateway.support.PgServer;
import org.hotline1022.gateway.support.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole gateway reading a GreenMail IMAP mailbox on loopback into embedded Postgres. */
class MailIntakeIT {
  private static final String VI = "Phản ánh đường Nguyễn Văn Cừ bị ngập sâu, đề nghị xử lý";
  private static final Session SESSION = Session.getInstance(new Properties());
  static GreenMail mail;
  static int imapPort;

  @BeforeAll
  static void startMail() {
    imapPort = Ports.free();
    mail = new GreenMail(new ServerSetup[] {new ServerSetup(imapPort, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
    mail.start();
  }

  @AfterAll
  static void stopMail() {
    if (mail != null) {
      mail.stop();
    }
  }

  private static GreenMailUser user(String login) {
    return mail.setUser(login + "@tinh.gov.vn", login, "secret");
  }

  private static TestGateway gateway(Path dataDir, String login, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(extra);
    env.put("HOTLINE_IMAP_URL", "imap://" + login + ":secret@127.0.0.1:" + imapPort + "/INBOX");
    env.put("HOTLINE_MAIL_RECONNECT_BASE_MS", "100");
    return TestGateway.start(dataDir, env);
  }

  private static void deliver(GreenMailUser user, byte[] mime) throws Exception {
    user.deliver(new MimeMessage(SESSION, new ByteArrayInputStream(mime)));
  }

  private static void deliver(GreenMailUser user, String mime) throws Exception {
    deliver(user, mime.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
  }

  private static Row message(TestGateway gw, String externalId) {
    var rows = gw.sql().preparedQuery("select subject, body, inquiry_id, facts->>'auto' from message where channel = 'email' and external_id = $1")
        .execute(Tuple.of(externalId)).await();
    return rows.size() == 0 ? null : rows.iterator().next();
  }

  @Test
  void vietnameseMailInUtf8Windows1258AndRfc2047ShouldBeStoredAsNfcText(@TempDir Path dataDir) throws Exception {
    GreenMailUser user = user("vi");
    deliver(user, """
        From: =?UTF-8?Q?Nguy=E1=BB=85n_V?= =?UTF-8?Q?=C4=83n_D=C3=A2n?= <dan@example.vn>
        To: vi@tinh.gov.vn
        Subject: %s
        Message-ID: <utf8@example.vn>
        Content-Type: text/plain; charset=utf-8
        Content-Transfer-Encoding: base64

        %s
        """.formatted(MimeDecoderTest.qWord("UTF-8", VI.getBytes(StandardCharsets.UTF_8)),
        Base64.getMimeEncoder().encodeToString(VI.getBytes(StandardCharsets.UTF_8))));
    ByteArrayOutputStream legacy = new ByteArrayOutputStream();
    legacy.writeBytes(("From: lan@example.vn\r\nTo: vi@tinh.gov.vn\r\nSubject: " + MimeDecoderTest.qWord("windows-1258", MimeDecoderTest.cp1258(VI))
        + "\r\nMessage-ID: <w1258@example.vn>\r\nContent-Type: text/plain; charset=windows-1258\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    legacy.writeBytes(MimeDecoderTest.cp1258(VI));
    legacy.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    deliver(user, legacy.toByteArray());

    try (TestGateway gw = gateway(dataDir, "vi", Map.of())) {
      Eventually.until(Duration.ofSeconds(20), "two mails stored", () -> gw.count("select count(*) from message where channel = 'email'") == 2);
      for (String id : new String[] {"utf8@example.vn", "w1258@example.vn"}) {
        Row r = message(gw, id);
        assertThat(r.getString(0)).as(id).isEqualTo(VI);
        assertThat(r.getString(1)).as(id).isEqualTo(VI);
      }
      assertThat(gw.count("select count(*) from contact where channel = 'email' and display_name = 'Nguyễn Văn Dân'")).isEqualTo(1);
    }
  }

  @Test
  void replyWithInReplyToShouldJoinTheInquiryAndNewMailShouldArriveThroughIdle(@TempDir Path dataDir) throws Exception {
    GreenMailUser user = user("thread");
    deliver(user, "From: an@example.vn\nSubject: Đèn đường hỏng\nMessage-ID: <root@example.vn>\n\nĐèn đường hỏng ở ngõ 5.\n");
    deliver(user, "From: binh@example.vn\nSubject: Khác\nMessage-ID: <other@example.vn>\n\nViệc khác.\n");
    try (TestGateway gw = gateway(dataDir, "thread", Map.of("HOTLINE_MAIL_IDLE_RENEW_SECONDS", "2"))) {
      Eventually.until(Duration.ofSeconds(20), "two mails stored", () -> gw.count("select count(*) from message where channel = 'email'") == 2);
      // arrives while the intake sits in IDLE (renewed every 2 s, so at least one renewal happens first)
      Thread.sleep(2500);
      deliver(user, """
          From: An <AN@example.vn>
          Subject: Re: Đèn đường hỏng
          Message-ID: <reply@example.vn>
          In-Reply-To: <ours-1@tinh.gov.vn>
          References: <root@example.vn> <ours-1@tinh.gov.vn>
          Auto-Submitted: no

          Vẫn chưa sửa.

          On Mon, 30 Nov 2026, 1022 <vi@tinh.gov.vn> wrote:
          > Đã tiếp nhận.
          """);
      deliver(user, "From: an@example.vn\nSubject: Tự động\nMessage-ID: <ooo@example.vn>\nAuto-Submitted: auto-replied\n\nVắng mặt.\n");
      Eventually.until(Duration.ofSeconds(10), "reply stored", () -> gw.count("select count(*) from message where channel = 'email'") == 4);
      Row root = message(gw, "root@example.vn");
      Row reply = message(gw, "reply@example.vn");
      assertThat(reply.getLong(2)).isEqualTo(root.getLong(2));
      assertThat(reply.getString(1)).isEqualTo("Vẫn chưa sửa.");
      assertThat(message(gw, "other@example.vn").getLong(2)).isNotEqualTo(root.getLong(2));
      assertThat(message(gw, "ooo@example.vn").getString(3)).isEqualTo("auto-submitted");
      assertThat(gw.count("select message_count from inquiry where id = " + root.getLong(2))).isEqualTo(2);
    }
  }

  @Test
  void restartMidBacklogShouldStoreEveryMessageExactlyOnce(@TempDir Path dataDir) throws Exception {
    GreenMailUser user = user("backlog");
    int total = 300; // 60 rounds of 5: the first gateway is stopped well before the end
    for (int i = 1; i <= total; i++) {
      deliver(user, "From: c" + (i % 7) + "@example.vn\nSubject: Phản ánh " + i + "\nMessage-ID: <b" + i + "@example.vn>\n\nNội dung " + i + "\n");
    }
    Map<String, String> small = Map.of("HOTLINE_MAIL_FETCH_BATCH", "5");
    try (TestGateway gw = gateway(dataDir, "backlog", small)) {
      Eventually.until(Duration.ofSeconds(20), "part of the backlog", () -> gw.count("select count(*) from message where channel = 'email'") >= 10);
    }
    try (TestGateway gw = gateway(dataDir, "backlog", small)) {
      long before = gw.count("select count(*) from message where channel = 'email'");
      assertThat(before).isLessThan(total);
      Eventually.until(Duration.ofSeconds(30), "whole backlog", () -> gw.count("select count(*) from message where channel = 'email'") == total);
      Eventually.until(Duration.ofSeconds(5), "checkpoint at the end",
          () -> gw.count("select last_uid from mail_checkpoint where mailbox like 'backlog@%'") == total);
      assertThat(gw.count("select count(distinct external_id) from message where channel = 'email'")).isEqualTo(total);
      assertThat(gw.count("select count(*) from inquiry where channel = 'email'")).isEqualTo(total);
      // resumed from the checkpoint, not from UID 1: at most one batch was read twice
      double duplicates = gw.registry.find("hotline.inquiries.received").tag("outcome", "duplicate").counters().stream()
          .mapToDouble(c -> c.count()).sum();
      assertThat(duplicates).isLessThanOrEqualTo(5);
    }
  }

  private static double stored(TestGateway gw) {
    return gw.registry.find("hotline.inquiries.received").tag("channel", "email").counters().stream()
        .mapToDouble(c -> c.count()).sum();
  }

  @Test
  void twoGatewaysShouldReadAMailboxOneAtATimeAndTakeOverOnStop(@TempDir Path dir) throws Exception {
    GreenMailUser user = user("lease");
    for (int i = 1; i <= 10; i++) {
      deliver(user, "From: d@example.vn\nSubject: L " + i + "\nMessage-ID: <l" + i + "@example.vn>\n\nNội dung " + i + "\n");
    }
    Map<String, String> env = new HashMap<>(Map.of("HOTLINE_MAIL_LEASE_SECONDS", "3", "HOTLINE_MAIL_IDLE_RENEW_SECONDS", "2"));
    try (PgServer pg = PgServer.start(dir.resolve("pg"))) {
      env.put("HOTLINE_DB_URL", pg.url());
      TestGateway a = gateway(dir.resolve("a"), "lease", env);
      try (TestGateway b = gateway(dir.resolve("b"), "lease", env)) {
        try {
          Eventually.until(Duration.ofSeconds(20), "backlog stored", () -> a.count("select count(*) from message where channel = 'email'") == 10);
          Thread.sleep(2500); // b has had lease ticks by now; it must stay on standby
          Eventually.until(Duration.ofSeconds(5), "counted by a", () -> stored(a) == 10);
          assertThat(stored(b)).isZero();
        } finally {
          a.close(); // releases the lease: b takes over at its next tick
        }
        deliver(user, "From: d@example.vn\nSubject: L 11\nMessage-ID: <l11@example.vn>\n\nSau khi chuyển\n");
        Eventually.until(Duration.ofSeconds(20), "taken over", () -> b.count("select count(*) from message where channel = 'email'") == 11);
        // the row is visible a moment before the intake future (and its counter) completes
        Eventually.until(Duration.ofSeconds(5), "counted by b", () -> stored(b) == 1);
      }
    }
  }

  @Test
  void serverRestartShouldBeReconnectedAndANewUidValidityReScanned(@TempDir Path dataDir) throws Exception {
    int port = Ports.free();
    GreenMail first = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_IMAP));
    first.start();
    GreenMail second = null;
    try {
      GreenMailUser u1 = first.setUser("moved@tinh.gov.vn", "moved", "secret");
      deliver(u1, "From: e@example.vn\nMessage-ID: <m1@example.vn>\n\nMột\n");
      deliver(u1, "From: e@example.vn\nMessage-ID: <m2@example.vn>\n\nHai\n");
      Map<String, String> env = Map.of("HOTLINE_IMAP_URL", "imap://moved:secret@127.0.0.1:" + port + "/INBOX",
          "HOTLINE_MAIL_RECONNECT_BASE_MS", "100", "HOTLINE_MAIL_RECONNECT_MAX_MS", "500");
      try (TestGateway gw = TestGateway.start(dataDir, env)) {
        Eventually.until(Duration.ofSeconds(20), "two stored", () -> gw.count("select count(*) from message where channel = 'email'") == 2);
        // the checkpoint advances just after the commit that stored them
        Eventually.until(Duration.ofSeconds(20), "checkpoint at the second message",
            () -> gw.count("select count(*) from mail_checkpoint where mailbox like 'moved@%' and last_uid >= 2") == 1);
        long oldValidity = gw.count("select uid_validity from mail_checkpoint where mailbox like 'moved@%'");
        first.stop();
        Thread.sleep(1100); // GreenMail derives UIDVALIDITY from the clock: the new server's differs
        second = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_IMAP));
        second.start();
        GreenMailUser u2 = second.setUser("moved@tinh.gov.vn", "moved", "secret");
        // the mailbox as restored on the new server: an old message again (UID 1) and a new one (UID 2)
        deliver(u2, "From: e@example.vn\nMessage-ID: <m1@example.vn>\n\nMột\n");
        deliver(u2, "From: e@example.vn\nMessage-ID: <m3@example.vn>\n\nBa\n");
        Eventually.until(Duration.ofSeconds(20), "new mail after reconnect",
            () -> gw.count("select count(*) from message where channel = 'email'") == 3);
        Eventually.until(Duration.ofSeconds(5), "checkpoint under the new uidvalidity",
            () -> gw.count("select uid_validity from mail_checkpoint where mailbox like 'moved@%'") != oldValidity);
        assertThat(gw.count("select last_uid from mail_checkpoint where mailbox like 'moved@%'")).isEqualTo(2);
        assertThat(message(gw, "m3@example.vn").getString(1)).isEqualTo("Ba");
      }
    } finally {
      first.stop();
      if (second != null) {
        second.stop();
      }
    }
  }
}
