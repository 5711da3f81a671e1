package org.hotline1022.gateway.adapter.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hotline1022.gateway.app.TestGateway;
import org.hotline1022.gateway.support.DovecotServer;
import org.hotline1022.gateway.support.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mail intake against a real Dovecot (started by the test, see {@link DovecotServer}): IDLE
 * delivery within 2 seconds, a restart mid-backlog and a server restart storing everything exactly
 * once, and IMAPS with a self-signed certificate trusted through {@code mail.trustCaFile} only.
 */
class DovecotMailIT {
  private static final Map<String, String> USERS = Map.of("hotline", "secret");

  private static String mail(int i) {
    return "From: c" + (i % 5) + "@example.vn\nSubject: Phản ánh " + i + "\nMessage-ID: <dv" + i + "@example.vn>\n"
        + "Content-Type: text/plain; charset=utf-8\n\nNội dung phản ánh số " + i + "\n";
  }

  private static TestGateway gateway(Path dir, String url, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(extra);
    env.put("HOTLINE_IMAP_URL", url);
    env.put("HOTLINE_MAIL_RECONNECT_BASE_MS", "100");
    env.put("HOTLINE_MAIL_RECONNECT_MAX_MS", "500");
    return TestGateway.start(dir, env);
  }

  private static long stored(TestGateway gw) {
    return gw.count("select count(*) from message where channel = 'email'");
  }

  @Test
  void newMailShouldArriveThroughIdleWithinTwoSeconds(@TempDir Path dir) throws Exception {
    DovecotServer.require(false);
    try (DovecotServer dovecot = DovecotServer.start(dir.resolve("dovecot"), USERS, false);
        TestGateway gw = gateway(dir.resolve("gw"), "imap://hotline:secret@127.0.0.1:" + dovecot.imapPort + "/INBOX",
            Map.of("HOTLINE_MAIL_IDLE_RENEW_SECONDS", "3"))) {
      dovecot.append("hotline", mail(1));
      Eventually.until(Duration.ofSeconds(20), "first stored", () -> stored(gw) == 1);
      for (int i = 2; i <= 4; i++) {
        Thread.sleep(i == 3 ? 3500 : 500); // once across an IDLE renewal
        long t0 = System.nanoTime();
        dovecot.append("hotline", mail(i));
        int n = i;
        Eventually.until(Duration.ofSeconds(5), "mail " + i, () -> stored(gw) == n);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("dovecot IDLE delivery: mail " + i + " stored " + ms + " ms after APPEND");
        assertThat(ms).as("APPEND to committed row").isLessThan(2000);
      }
    }
  }

  @Test
  void gatewayAndServerRestartsShouldStoreEveryMessageExactlyOnce(@TempDir Path dir) throws Exception {
    DovecotServer.require(false);
    DovecotServer dovecot = DovecotServer.start(dir.resolve("dovecot"), USERS, false);
    try {
      List<String> backlog = new ArrayList<>();
      for (int i = 1; i <= 400; i++) {
        backlog.add(mail(i));
      }
      dovecot.append("hotline", backlog);
      String url = "imap://hotline:secret@127.0.0.1:" + dovecot.imapPort + "/INBOX";
      Map<String, String> small = Map.of("HOTLINE_MAIL_FETCH_BATCH", "10");
      try (TestGateway gw = gateway(dir.resolve("gw"), url, small)) {
        Eventually.until(Duration.ofSeconds(30), "part of the backlog", () -> stored(gw) >= 20);
      }
      try (TestGateway gw = gateway(dir.resolve("gw"), url, small)) {
        assertThat(stored(gw)).isLessThan(400);
        Eventually.until(Duration.ofSeconds(60), "whole backlog", () -> stored(gw) == 400);
        // the server goes away and comes back with the same maildir (same UIDVALIDITY)
        dovecot.stop();
        dovecot.start();
        dovecot.append("hotline", mail(401));
        Eventually.until(Duration.ofSeconds(30), "mail after the server restart", () -> stored(gw) == 401);
        assertThat(gw.count("select count(distinct external_id) from message where channel = 'email'")).isEqualTo(401);
        // the checkpoint advances after the round's commit, in its own statement
        Eventually.until(Duration.ofSeconds(10), "checkpoint at the last UID", () -> gw.count("select last_uid from mail_checkpoint") == 401);
        assertThat(gw.registry.find("hotline.mail.reconnects").counter().count()).isGreaterThanOrEqualTo(1);
      }
    } finally {
      dovecot.stop();
    }
  }

  @Test
  void imapsShouldTrustTheConfiguredCaAndNothingElse(@TempDir Path dir) throws Exception {
    DovecotServer.require(true);
    try (DovecotServer dovecot = DovecotServer.start(dir.resolve("dovecot"), USERS, true)) {
      dovecot.append("hotline", mail(1));
      String url = "imaps://hotline:secret@127.0.0.1:" + dovecot.imapsPort + "/INBOX";
      // the JVM's trust store does not know the self-signed certificate: nothing is read, the reader retries
      try (TestGateway gw = gateway(dir.resolve("untrusted"), url, Map.of())) {
        Eventually.until(Duration.ofSeconds(20), "refused and retried",
            () -> gw.registry.find("hotline.mail.reconnects").counter() != null
                && gw.registry.find("hotline.mail.reconnects").counter().count() >= 2);
        assertThat(stored(gw)).isZero();
      }
      try (TestGateway gw = gateway(dir.resolve("trusted"), url, Map.of("HOTLINE_MAIL_TRUST_CA_FILE", dovecot.certificate().toString(),
          "HOTLINE_MAIL_IDLE_RENEW_SECONDS", "3"))) {
        Eventually.until(Duration.ofSeconds(20), "read over TLS", () -> stored(gw) == 1);
        dovecot.append("hotline", mail(2));
        Eventually.until(Duration.ofSeconds(5), "IDLE over TLS", () -> stored(gw) == 2);
      }
    }
  }
}
