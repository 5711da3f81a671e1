package org.hotline1022.gateway.config;

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
 */
public record MailConfig(String imapUrl, String smtpUrl, int idleRenewSeconds, long pollIntervalMs, int fetchBatch,
    long reconnectBaseMs, long reconnectMaxMs, int timeoutMs, int maxMessageBytes, int maxParts, int maxHeaderBytes,
    long maxAttachmentBytes, String fromAddress, String fromName, int leaseSeconds) {

  /** The environment variables holding the URLs (not keys of gateway.yaml). */
  public static final String IMAP_URL_ENV = "HOTLINE_IMAP_URL";
  public static final String SMTP_URL_ENV = "HOTLINE_SMTP_URL";

  public boolean imapEnabled() {
    return !imapUrl.isBlank();
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
        s.integer("leaseSeconds", 30, 3, 3600));
  }

  /** Without the URLs' passwords. */
  @Override
  public String toString() {
    return "MailConfig[imap=" + (imapEnabled() ? "set" : "off") + ", smtp=" + (smtpUrl.isBlank() ? "off" : "set")
        + ", idleRenewSeconds=" + idleRenewSeconds + ", pollIntervalMs=" + pollIntervalMs + ", fetchBatch=" + fetchBatch
        + ", maxMessageBytes=" + maxMessageBytes + "]";
  }
}
