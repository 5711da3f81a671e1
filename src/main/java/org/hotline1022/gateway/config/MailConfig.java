package org.hotline1022.gateway.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The e-mail channel ({@code mail:} in gateway.yaml). The mailbox and the SMTP server are given as
 * URLs in the environment only, since they carry passwords: {@code HOTLINE_IMAP_URL} and
 * {@code HOTLINE_SMTP_URL}. No IMAP URL: the mail intake is not deployed.
 *
 * @param imapUrl {@code imap://user:password@host:port/INBOX} or {@code imaps://...}; empty when off
 * @param smtpUrl {@code smtp://user:password@host:port} or {@code smtps://...}; empty when off
 * @param idleRenewSeconds IDLE is ended and re-issued this often (RFC 2177 allows 29 min; O365 ~10)
 * @param pollIntervalMs how often the mailbox is polled when the server has no IDLE
 * @param fetchBatch messages fetched and submitted per round; the checkpoint advances per round
 * @param reconnectBaseMs first delay after a connection failure; doubles up to reconnectMaxMs
 * @param reconnectMaxMs cap on the reconnect delay
 * @param timeoutMs IMAP connect, read and write timeout
 * @param maxMessageBytes bytes of one message decoded (the rest is cut and flagged)
 * @param maxParts MIME parts walked per message
 * @param maxHeaderBytes bytes of one message's header block
 * @param maxAttachmentBytes attachments above it are listed and flagged as oversize
 * @param fromAddress the hotline's address on replies; its domain ends our Message-IDs
 * @param fromName the display name on replies
 * @param leaseSeconds a gateway reads the mailbox only while it holds this lease (renewed every third);
 *     another process takes over this long after the holder died
 * @param afterCommit what is done to a message in the mailbox once it is committed and checkpointed
 * @param trustCaFile a PEM file of CA certificates trusted for imaps/smtps besides the JVM's; empty: JVM only
 * @param mailboxes every mailbox read: {@code main} from {@code HOTLINE_IMAP_URL}/{@code HOTLINE_SMTP_URL},
 *     then each name of {@code mail.mailboxes} from {@code HOTLINE_IMAP_URL_<NAME>}/{@code HOTLINE_SMTP_URL_<NAME>}
 */
public record MailConfig(String imapUrl, String smtpUrl, int idleRenewSeconds, long pollIntervalMs, int fetchBatch,
    long reconnectBaseMs, long reconnectMaxMs, int timeoutMs, int maxMessageBytes, int maxParts, int maxHeaderBytes,
    long maxAttachmentBytes, String fromAddress, String fromName, int leaseSeconds, AfterCommit afterCommit,
    String trustCaFile, List<Mailbox> mailboxes) {

  /** The environment variables holding the URLs (not keys of gateway.yaml). */
  public static final String IMAP_URL_ENV = "HOTLINE_IMAP_URL";
  public static final String SMTP_URL_ENV = "HOTLINE_SMTP_URL";
  /** Prefix of an extra mailbox's reply address variable: {@code HOTLINE_MAIL_ADDRESS_<NAME>}. */
  public static final String ADDRESS_ENV = "HOTLINE_MAIL_ADDRESS";
  /** The name of the mailbox given by {@code HOTLINE_IMAP_URL} and {@code HOTLINE_SMTP_URL}. */
  public static final String MAIN = "main";

  /**
   * One mailbox: where mail is read and the SMTP account its replies leave through.
   *
   * @param name a fixed config name (lower-case letters and digits), also the metrics tag
   * @param imapUrl empty: replies only (no intake)
   * @param smtpUrl empty: this mailbox's replies go through the main account
   * @param fromAddress the sender of its replies; its domain ends our Message-IDs
   */
  public record Mailbox(String name, String imapUrl, String smtpUrl, String fromAddress) {
    public boolean reads() {
      return !imapUrl.isBlank();
    }

    public boolean sends() {
      return !smtpUrl.isBlank();
    }

    @Override
    public String toString() {
      return name + "(imap=" + (reads() ? "set" : "off") + ", smtp=" + (sends() ? "set" : "off") + ")";
    }
  }

  /** {@code none}, {@code seen} (set the Seen flag) or {@code move:<folder>}. */
  public record AfterCommit(Action action, String folder) {
    public enum Action { NONE, SEEN, MOVE }

    static AfterCommit parse(String s) {
      String v = s.strip();
      if (v.equalsIgnoreCase("none") || v.isEmpty()) {
        return new AfterCommit(Action.NONE, null);
      }
      if (v.equalsIgnoreCase("seen")) {
        return new AfterCommit(Action.SEEN, null);
      }
      if (v.regionMatches(true, 0, "move:", 0, 5) && !v.substring(5).isBlank() && v.length() <= 200) {
        return new AfterCommit(Action.MOVE, v.substring(5).strip());
      }
      throw new IllegalArgumentException("config mail.afterCommit: expected none, seen or move:<folder>");
    }

    @Override
    public String toString() {
      return action == Action.MOVE ? "move:" + folder : action.name().toLowerCase(Locale.ROOT);
    }
  }

  public boolean imapEnabled() {
    return mailboxes.stream().anyMatch(Mailbox::reads);
  }

  public boolean smtpEnabled() {
    return mailboxes.stream().anyMatch(Mailbox::sends);
  }

  /** Reads the {@code mail} section; throws IllegalArgumentException naming a bad key. */
  public static MailConfig fromYaml(String yaml, Map<String, String> env) {
    ConfigTree.Section s = ConfigTree.parse(yaml, env).section("mail");
    return new MailConfig(env.getOrDefault(IMAP_URL_ENV, "").trim(), env.getOrDefault(SMTP_URL_ENV, "").trim(),
        s.integer("idleRenewSeconds", 600, 1, 1740), s.number("pollIntervalMs", 30_000, 100, 3_600_000),
        s.integer("fetchBatch", 200, 1, 10_000), s.number("reconnectBaseMs", 1000, 10, 3_600_000),
        s.number("reconnectMaxMs", 60_000, 10, 3_600_000), s.integer("timeoutMs", 30_000, 100, 600_000),
        s.integer("maxMessageBytes", 10 << 20, 1024, 100 << 20), s.integer("maxParts", 200, 1, 10_000),
        s.integer("maxHeaderBytes", 256 << 10, 1024, 10 << 20), s.number("maxAttachmentBytes", 25L << 20, 0, 1L << 32),
        s.string("fromAddress", "1022@localhost"), s.string("fromName", "Tổng đài 1022"),
        s.integer("leaseSeconds", 30, 3, 3600), AfterCommit.parse(s.string("afterCommit", "none")), s.string("trustCaFile", ""),
        mailboxes(s.string("mailboxes", ""), s.string("fromAddress", "1022@localhost"), env));
  }

  private static List<Mailbox> mailboxes(String names, String fromAddress, Map<String, String> env) {
    List<Mailbox> out = new ArrayList<>();
    String imap = env.getOrDefault(IMAP_URL_ENV, "").trim();
    String smtp = env.getOrDefault(SMTP_URL_ENV, "").trim();
    if (!imap.isEmpty() || !smtp.isEmpty()) {
      out.add(new Mailbox(MAIN, imap, smtp, fromAddress));
    }
    for (String raw : names.split(",")) {
      String name = raw.strip().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      if (!name.matches("[a-z0-9]{1,20}") || name.equals(MAIN) || out.stream().anyMatch(m -> m.name().equals(name))) {
        throw new IllegalArgumentException("config mail.mailboxes: '" + name + "' must be unique letters/digits (max 20), not 'main'");
      }
      String suffix = "_" + name.toUpperCase(Locale.ROOT);
      String mImap = env.getOrDefault(IMAP_URL_ENV + suffix, "").trim();
      String mSmtp = env.getOrDefault(SMTP_URL_ENV + suffix, "").trim();
      if (mImap.isEmpty() && mSmtp.isEmpty()) {
        throw new IllegalArgumentException("config mail.mailboxes: '" + name + "' has neither " + IMAP_URL_ENV + suffix + " nor "
            + SMTP_URL_ENV + suffix);
      }
      out.add(new Mailbox(name, mImap, mSmtp, env.getOrDefault(ADDRESS_ENV + suffix, fromAddress).trim()));
    }
    return List.copyOf(out);
  }

  /** The mailbox of that name, or null. */
  public Mailbox mailbox(String name) {
    return mailboxes.stream().filter(m -> m.name().equals(name)).findFirst().orElse(null);
  }

  /** Without the URLs' passwords. */
  @Override
  public String toString() {
    return "MailConfig[imap=" + (imapEnabled() ? "set" : "off") + ", smtp=" + (smtpUrl.isBlank() ? "off" : "set")
        + ", idleRenewSeconds=" + idleRenewSeconds + ", pollIntervalMs=" + pollIntervalMs + ", fetchBatch=" + fetchBatch
        + ", maxMessageBytes=" + maxMessageBytes + ", afterCommit=" + afterCommit + ", trustCaFile="
        + (trustCaFile.isBlank() ? "-" : trustCaFile) + ", mailboxes=" + mailboxes + "]";
  }
}
