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
 * Not a test of correctness: prints how fast a GreenMail backlog is ingested. Runs only when asked:
 * {@code mvn -o verify -Dit.test=MailBacklogBenchIT -Dmail.bench.messages=10000 -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "mail.bench.messages", matches = "\\d+")
class MailBacklogBenchIT {
  @Test
  void backlog(@TempDir Path dir) throws Exception {
    int n = Integer.getInteger("mail.bench.messages", 2000);
    int port = Ports.free();
    GreenMail mail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_IMAP));
    mail.start();
    try {
      GreenMailUser user = mail.setUser("bench@tinh.gov.vn", "bench", "secret");
      Session session = Session.getInstance(new Properties());
      for (int i = 0; i < n; i++) {
        String mime = "From: c" + (i % 500) + "@example.vn\r\nSubject: Phản ánh " + i + "\r\nMessage-ID: <bench" + i
            + "@example.vn>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nĐường ngõ " + i + " bị ngập, đề nghị xử lý.\r\n";
        user.deliver(new MimeMessage(session, new ByteArrayInputStream(mime.getBytes(StandardCharsets.UTF_8))));
      }
      try (TestGateway gw = TestGateway.start(dir, Map.of("HOTLINE_IMAP_URL", "imap://bench:secret@127.0.0.1:" + port + "/INBOX"))) {
        long t0 = System.nanoTime();
        Eventually.until(Duration.ofMinutes(5), "backlog", () -> gw.count("select count(*) from message where channel = 'email'") == n);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("MAIL BENCH: %d messages in %.1f s = %.0f messages/s%n", n, s, n / s);
      }
    } finally {
      mail.stop();
    }
  }
}
