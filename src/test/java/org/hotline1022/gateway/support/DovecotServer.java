package org.hotline1022.gateway.support;

import static org.junit.jupiter.api.Assertions.fail;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Dovecot IMAP server for one test: {@code /usr/sbin/dovecot -F} with a config written into a
 * temporary directory (passwd-file users, maildir, loopback, random ports, optional IMAPS with a
 * self-signed certificate made by the JDK's keytool). Stopped by the PID it was started with. As root (CI) the
 * internal and login processes run as Debian's {@code dovecot}/{@code dovenull} users and the mail as
 * {@code dovenull}; otherwise everything runs as the current user. A throwaway server: no fsync.
 */
public final class DovecotServer implements AutoCloseable {
  public static final String DOVECOT = "/usr/sbin/dovecot";
  private static final Session SESSION = Session.getInstance(new Properties());

  private final Path dir;
  private final Map<String, String> users;
  private final boolean tls;
  public final int imapPort;
  public final int imapsPort;
  private Process process;

  /** Fails under CI=true when Dovecot is missing, skips loudly otherwise. */
  public static void require(boolean tls) {
    String missing = !new File(DOVECOT).canExecute() ? DOVECOT + " (apt-get install -y dovecot-imapd)" : null;
    if (missing != null) {
      String reason = "Dovecot ITs NEED " + missing;
      if ("true".equals(System.getenv("CI"))) {
        fail(reason + "; CI=true, so this is a failure, not a skip");
      }
      System.err.println("\n*** SKIPPING " + reason + " ***\n");
      Assumptions.assumeTrue(false, "SKIPPED: " + reason);
    }
  }

  private DovecotServer(Path dir, Map<String, String> users, boolean tls, int imapPort, int imapsPort) {
    this.dir = dir;
    this.users = users;
    this.tls = tls;
    this.imapPort = imapPort;
    this.imapsPort = imapsPort;
  }

  /** Starts a server with these users (login → password); the same {@code dir} keeps the mail across restarts. */
  public static DovecotServer start(Path dir, Map<String, String> users, boolean tls) throws Exception {
    DovecotServer s = new DovecotServer(dir, users, tls, Ports.free(), tls ? Ports.free() : 0);
    s.configure();
    s.start();
    return s;
  }

  /** The CA file to trust for IMAPS (the self-signed server certificate itself). */
  public Path certificate() {
    return dir.resolve("cert.pem");
  }

  private static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  private void configure() throws Exception {
    Files.createDirectories(dir.resolve("run"));
    Path mail = Files.createDirectories(dir.resolve("mail"));
    StringBuilder passwd = new StringBuilder();
    users.forEach((u, p) -> passwd.append(u).append(":{PLAIN}").append(p).append("::::::\n"));
    Files.writeString(dir.resolve("passwd"), passwd);
    String internal = System.getProperty("user.name");
    String login = internal;
    String mailUser = internal;
    if (root()) {
      // Dovecot refuses root for mail and prefers unprivileged internal/login users; the temp path must be traversable
      internal = "dovecot";
      login = "dovenull";
      mailUser = "dovenull";
      // (only our own directories strictly below the temp root, never the shared root itself)
      Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
      for (Path p = dir.toAbsolutePath().normalize(); p != null && p.startsWith(tmp) && !p.equals(tmp); p = p.getParent()) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
      run(List.of("chown", "-R", "dovenull:dovenull", mail.toString()));
    }
    if (tls && !Files.exists(certificate())) {
      selfSigned();
    }
    String dh = Files.exists(Path.of("/usr/share/dovecot/dh.pem")) ? "ssl_dh = </usr/share/dovecot/dh.pem\n" : "";
    String conf = """
        instance_name = hotline-test-%d
        base_dir = %s
        state_dir = %s
        listen = 127.0.0.1
        protocols = imap
        disable_plaintext_auth = no
        auth_mechanisms = plain login
        default_internal_user = %s
        default_login_user = %s
        log_path = %s
        mail_location = maildir:%s/%%u
        first_valid_uid = 1
        mail_fsync = never
        %s
        passdb {
          driver = passwd-file
          args = scheme=PLAIN username_format=%%u %s
        }
        userdb {
          driver = static
          args = uid=%s gid=%s home=%s/%%u
        }
        service imap-login {
          chroot =
          inet_listener imap {
            address = 127.0.0.1
            port = %d
          }
          inet_listener imaps {
            address = 127.0.0.1
            port = %d
          }
        }
        service anvil {
          chroot =
        }
        """.formatted(imapPort, dir.resolve("run"), dir.resolve("run"), internal, login, dir.resolve("dovecot.log"), mail,
        tls ? "ssl = yes\nssl_cert = <" + certificate() + "\nssl_key = <" + dir.resolve("key.pem") + "\n" + dh : "ssl = no",
        dir.resolve("passwd"), mailUser, mailUser, mail, imapPort, imapsPort);
    Files.writeString(dir.resolve("dovecot.conf"), conf);
  }

  /** A self-signed server certificate and key as PEM, made with the JDK's keytool (no openssl needed). */
  private void selfSigned() throws Exception {
    Path p12 = dir.resolve("server.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    run(List.of(keytool, "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12", "-keystore", p12.toString(),
        "-storepass", "changeit", "-keypass", "changeit"));
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(p12)) {
      ks.load(in, "changeit".toCharArray());
    }
    var mime = java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
    Files.writeString(certificate(), "-----BEGIN CERTIFICATE-----\n" + mime.encodeToString(ks.getCertificate("server").getEncoded())
        + "\n-----END CERTIFICATE-----\n");
    Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n"
        + mime.encodeToString(ks.getKey("server", "changeit".toCharArray()).getEncoded()) + "\n-----END PRIVATE KEY-----\n");
  }

  private void run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("setup.log").toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(command.get(0) + " failed: " + Files.readString(dir.resolve("setup.log")));
    }
  }

  public void start() throws Exception {
    process = new ProcessBuilder(DOVECOT, "-F", "-c", dir.resolve("dovecot.conf").toString()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile())).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!Ports.open(imapPort) || (tls && !Ports.open(imapsPort))) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        String log = Files.exists(dir.resolve("dovecot.log")) ? Files.readString(dir.resolve("dovecot.log")) : "";
        stop();
        throw new IOException("dovecot did not start: " + Files.readString(dir.resolve("stdout.log")) + log);
      }
      Thread.sleep(50);
    }
  }

  /** Stops the master we started (SIGTERM, then SIGKILL), which takes its children down. */
  public void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    process = null;
  }

  /** Delivers by IMAP APPEND, as a mail server's delivery agent would put it in the INBOX. */
  public void append(String user, List<String> messages) throws Exception {
    Store store = SESSION.getStore("imap");
    store.connect("127.0.0.1", imapPort, user, users.get(user));
    try {
      Folder inbox = store.getFolder("INBOX");
      Message[] batch = new Message[messages.size()];
      for (int i = 0; i < batch.length; i++) {
        batch[i] = new MimeMessage(SESSION, new ByteArrayInputStream(messages.get(i).replace("\r\n", "\n").replace("\n", "\r\n")
            .getBytes(StandardCharsets.UTF_8)));
        batch[i].setFlags(new Flags(), false);
      }
      inbox.appendMessages(batch);
    } finally {
      store.close();
    }
  }

  public void append(String user, String message) throws Exception {
    append(user, List.of(message));
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
