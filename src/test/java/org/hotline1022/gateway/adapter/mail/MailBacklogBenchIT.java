package org.hotline1022.gateway.adapter.mail;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
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
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prints how fast a mailbox backlog is ingested and checks stored = messages in the mailbox. Runs
 * only when asked ({@code bench/mail-backlog.sh}, or
 * {@code mvn -o verify -Dit.test=MailBacklogBenchIT -Dmail.bench.messages=10000 -Dmail.bench.server=dovecot -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false}). {@code mail.bench.server}: {@code dovecot} (default; a real
 * server, filled by IMAP APPEND) or {@code greenmail} (slows down as its mailbox grows).
 */
@EnabledIfSystemProperty(named = "mail.bench.messages", matches = "\\d+")
class MailBacklogBenchIT {
  private static String mime(int i) {
    return "From: c" + (i % 500) + "@example.vn\r\nSubject: Phản ánh " + i + "\r\nMessage-ID: <bench" + i
        + "@example.vn>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nĐường ngõ " + i + " bị ngập, đề nghị xử lý.\r\n";
  }

  @Test
  void dovecotBacklog(@TempDir Path dir) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeFalse("greenmail".equals(System.getProperty("mail.bench.server")));
    org.hotline1022.gateway.support.DovecotServer.require(false);
    int n = Integer.getInteger("mail.bench.messages", 2000);
    try (var dovecot = org.hotline1022.gateway.support.DovecotServer.start(dir.resolve("dovecot"), Map.of("bench", "secret"), false)) {
      long f0 = System.nanoTime();
      java.util.List<String> chunk = new java.util.ArrayList<>();
      for (int i = 0; i < n; i++) {
        chunk.add(mime(i));
        if (chunk.size() == 500 || i == n - 1) {
          dovecot.append("bench", chunk);
          chunk.clear();
        }
      }
      System.out.printf("MAIL BENCH: %d messages appended to Dovecot in %.1f s%n", n, (System.nanoTime() - f0) / 1e9);
      Map<String, String> env = new java.util.HashMap<>(Map.of("HOTLINE_IMAP_URL", "imap://bench:secret@127.0.0.1:" + dovecot.imapPort + "/INBOX"));
      if (System.getProperty("mail.bench.fetchBatch") != null) {
        env.put("HOTLINE_MAIL_FETCH_BATCH", System.getProperty("mail.bench.fetchBatch"));
      }
      measure(dir.resolve("gw"), env, n, inMailbox(dovecot.imapPort));
    }
  }

  private static java.util.concurrent.Callable<Integer> inMailbox(int port) {
    return () -> {
      jakarta.mail.Store store = Session.getInstance(new Properties()).getStore("imap");
      store.connect("127.0.0.1", port, "bench", "secret");
      try {
        return store.getFolder("INBOX").getMessageCount();
      } finally {
        store.close();
      }
    };
  }

  private static void measure(Path dir, Map<String, String> env, int n, java.util.concurrent.Callable<Integer> mailbox) throws Exception {
    try (TestGateway gw = TestGateway.start(dir, env)) {
      Eventually.until(Duration.ofMinutes(10), "backlog", () -> gw.count("select count(*) from message where channel = 'email'") >= n);
      // the reader starts before the gateway reports ready: time it from the mailbox's first commit
      // (its first fetch round excluded) to the last, in the database's clock
      double s = gw.sql().query("select extract(epoch from max(created_at) - min(created_at))::float8 from message where channel = 'email'")
          .execute().await().iterator().next().getDouble(0);
      long stored = gw.count("select count(distinct external_id) from message where channel = 'email'");
      int inBox = mailbox.call();
      System.out.printf("MAIL BENCH: %d messages, first to last commit %.1f s = %.0f messages/s%n", n, s, (n - 1) / s);
      System.out.printf("MAIL BENCH: stored %d, in the mailbox %d: %s%n", stored, inBox, stored == inBox ? "PASS" : "FAIL");
      org.assertj.core.api.Assertions.assertThat(stored).isEqualTo(inBox);
    }
  }

  @Test
  void greenmailBacklog(@TempDir Path dir) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue("greenmail".equals(System.getProperty("mail.bench.server")));
    int n = Integer.getInteger("mail.bench.messages", 2000);
    int port = Ports.free();
    GreenMail mail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_IMAP));
    mail.start();
    try {
      GreenMailUser user = mail.setUser("bench@tinh.gov.vn", "bench", "secret");
      Session session = Session.getInstance(new Properties());
      for (int i = 0; i < n; i++) {
        user.deliver(new MimeMessage(session, new ByteArrayInputStream(mime(i).getBytes(StandardCharsets.UTF_8))));
      }
      measure(dir, Map.of("HOTLINE_IMAP_URL", "imap://bench:secret@127.0.0.1:" + port + "/INBOX"), n, () -> n);
    } finally {
      mail.stop();
    }
  }
}
