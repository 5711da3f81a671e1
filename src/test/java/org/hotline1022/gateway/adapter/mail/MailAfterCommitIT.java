package org.hotline1022.gateway.adapter.mail;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.hotline1022.gateway.app.TestGateway;
import org.hotline1022.gateway.support.Eventually;
import org.hotline1022.gateway.support.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mail.afterCommit}: Seen flag or a move, only after the commit; a failure there loses and repeats nothing. */
class MailAfterCommitIT {
  private static final Session SESSION = Session.getInstance(new Properties());
  GreenMail mail;
  GreenMailUser user;
  int port;

  @BeforeEach
  void start() {
    port = Ports.free();
    mail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_IMAP));
    mail.start();
    user = mail.setUser("hotline@tinh.gov.vn", "hotline", "secret");
  }

  @AfterEach
  void stop() {
    mail.stop();
  }

  private void deliver(int i) throws Exception {
    String mime = "From: c" + i + "@example.vn\r\nSubject: Thư " + i + "\r\nMessage-ID: <ac" + i + "@example.vn>\r\n\r\nNội dung " + i + "\r\n";
    user.deliver(new MimeMessage(SESSION, new ByteArrayInputStream(mime.getBytes(StandardCharsets.UTF_8))));
  }

  private TestGateway gateway(Path dir, String afterCommit) {
    Map<String, String> env = new HashMap<>();
    env.put("HOTLINE_IMAP_URL", "imap://hotline:secret@127.0.0.1:" + port + "/INBOX");
    env.put("HOTLINE_MAIL_RECONNECT_BASE_MS", "100");
    env.put("HOTLINE_MAIL_IDLE_RENEW_SECONDS", "2");
    env.put("HOTLINE_MAIL_AFTER_COMMIT", afterCommit);
    return TestGateway.start(dir, env);
  }

  /** Opens the hotline's mailbox as a mail client would: [unseen in INBOX, total in INBOX, total in folder]. */
  private long[] look(String other) throws Exception {
    Store store = SESSION.getStore("imap");
    store.connect("127.0.0.1", port, "hotline", "secret");
    try {
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      long unseen = 0;
      for (Message m : inbox.getMessages()) {
        unseen += m.isSet(Flags.Flag.SEEN) ? 0 : 1;
      }
      long total = inbox.getMessageCount();
      inbox.close(false);
      Folder f = other == null ? null : store.getFolder(other);
      long moved = f == null || !f.exists() ? -1 : f.getMessageCount();
      return new long[] {unseen, total, moved};
    } finally {
      store.close();
    }
  }

  private static long stored(TestGateway gw) {
    return gw.count("select count(*) from message where channel = 'email'");
  }

  @Test
  void seenShouldBeSetOnlyOnCommittedMail(@TempDir Path dir) throws Exception {
    for (int i = 1; i <= 3; i++) {
      deliver(i);
    }
    try (TestGateway gw = gateway(dir, "seen")) {
      Eventually.until(Duration.ofSeconds(20), "stored", () -> stored(gw) == 3);
      Eventually.until(Duration.ofSeconds(10), "marked seen", () -> look(null)[0] == 0);
      deliver(4);
      Eventually.until(Duration.ofSeconds(10), "new mail stored", () -> stored(gw) == 4);
      Eventually.until(Duration.ofSeconds(10), "new mail seen", () -> look(null)[0] == 0);
      assertThat(look(null)[1]).as("still in the inbox").isEqualTo(4);
    }
  }

  @Test
  void moveShouldEmptyTheInboxIntoTheFolderAndARestartShouldStoreNothingTwice(@TempDir Path dir) throws Exception {
    for (int i = 1; i <= 5; i++) {
      deliver(i);
    }
    try (TestGateway gw = gateway(dir, "move:Đã xử lý")) {
      Eventually.until(Duration.ofSeconds(20), "stored", () -> stored(gw) == 5);
      Eventually.until(Duration.ofSeconds(10), "moved", () -> look("Đã xử lý")[1] == 0);
      assertThat(look("Đã xử lý")[2]).isEqualTo(5);
    }
    deliver(6);
    try (TestGateway gw = gateway(dir, "move:Đã xử lý")) {
      Eventually.until(Duration.ofSeconds(20), "new mail stored", () -> stored(gw) == 6);
      Eventually.until(Duration.ofSeconds(10), "new mail moved", () -> look("Đã xử lý")[2] == 6);
      assertThat(gw.count("select count(distinct external_id) from message where channel = 'email'")).isEqualTo(6);
    }
  }

  @Test
  void aFailedMoveShouldLeaveTheMailInPlaceStoredOnceAndNotReadAgain(@TempDir Path dir) throws Exception {
    deliver(1);
    try (TestGateway gw = gateway(dir, "move:Processed")) {
      Eventually.until(Duration.ofSeconds(20), "stored and moved", () -> stored(gw) == 1 && look("Processed")[2] == 1);
      // someone deletes the folder under the running reader: the next move fails
      Store store = SESSION.getStore("imap");
      store.connect("127.0.0.1", port, "hotline", "secret");
      store.getFolder("Processed").delete(true);
      store.close();
      deliver(2);
      deliver(3);
      Eventually.until(Duration.ofSeconds(20), "stored", () -> stored(gw) == 3);
      Eventually.until(Duration.ofSeconds(10), "failure counted", () -> gw.registry.find("hotline.mail.after.commit.failures")
          .counters().stream().mapToDouble(c -> c.count()).sum() >= 1);
      // the reader reopens the mailbox after the failed step (the session that failed once missed mail
      // arriving meanwhile); the new session makes the folder again, so mail 3 is left or moved
      // depending on whether it was in the failed round; mail 2 stays in the inbox either way
      Eventually.until(Duration.ofSeconds(10), "folder made again", () -> look("Processed")[2] >= 0);
      long[] seen = look("Processed");
      assertThat(seen[1]).as("left in the inbox").isBetween(1L, 2L);
      assertThat(seen[1] + seen[2]).as("inbox + folder: mails 2 and 3, each once").isEqualTo(2);
    }
    try (TestGateway gw = gateway(dir, "move:Processed")) {
      deliver(4);
      Eventually.until(Duration.ofSeconds(20), "new one stored", () -> stored(gw) == 4);
      assertThat(gw.count("select count(distinct external_id) from message where channel = 'email'")).isEqualTo(4);
      // those left behind are behind the checkpoint: not read again (no duplicate counted)
      assertThat(gw.registry.find("hotline.inquiries.received").tag("outcome", "duplicate").counters().stream()
          .mapToDouble(c -> c.count()).sum()).isZero();
    }
  }
}
