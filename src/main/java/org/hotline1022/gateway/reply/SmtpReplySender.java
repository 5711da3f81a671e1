package org.hotline1022.gateway.reply;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.SMTPException;
import io.vertx.ext.mail.StartTLSOptions;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;
import org.hotline1022.gateway.config.MailConfig;
import org.hotline1022.gateway.inquiry.Channel;
import org.hotline1022.gateway.inquiry.ContactNormalizer;

/**
 * Agents' answers by e-mail through vertx-mail-client (non-blocking SMTP). Each reply carries our
 * own Message-ID, stable across retries (the outbox delivers at least once, so a resend is the same
 * message to the recipient's client), and {@code In-Reply-To}/{@code References} naming the
 * citizen's latest mail and the thread root, so their client threads it and their answer joins the
 * inquiry. The subject is {@code Re: <subject> [<tracking code>]}, RFC 2047-encoded by the client.
 */
public final class SmtpReplySender implements ReplySender {
  private static final Pattern REPLY_PREFIX = Pattern.compile("(?i)^\\s*((re|tl|fw|fwd|trả lời)\\s*:\\s*)+");

  private final Vertx vertx;
  private final io.vertx.ext.mail.MailConfig smtp;
  private final String from;
  private final String domain;
  private MailClient client;

  public SmtpReplySender(Vertx vertx, MailConfig config) {
    this.vertx = vertx;
    this.smtp = smtpConfig(config.smtpUrl());
    String address = config.fromAddress();
    this.domain = address.contains("@") ? address.substring(address.indexOf('@') + 1) : "localhost";
    this.smtp.setOwnHostname(domain);
    this.from = config.fromName().isBlank() ? address : config.fromName() + " <" + address + ">";
  }

  /** {@code smtp://user:password@host:port}, {@code smtps://...}, {@code ?starttls=required}. */
  static io.vertx.ext.mail.MailConfig smtpConfig(String url) {
    URI uri = URI.create(url.strip());
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("smtp") && !scheme.equals("smtps") || uri.getHost() == null) {
      throw new IllegalArgumentException("HOTLINE_SMTP_URL: expected smtp[s]://user:password@host:port");
    }
    boolean tls = scheme.equals("smtps");
    io.vertx.ext.mail.MailConfig c = new io.vertx.ext.mail.MailConfig().setHostname(uri.getHost())
        .setPort(uri.getPort() > 0 ? uri.getPort() : tls ? 465 : 25).setSsl(tls)
        .setStarttls(String.valueOf(uri.getQuery()).contains("starttls=required") ? StartTLSOptions.REQUIRED : StartTLSOptions.OPTIONAL);
    String info = uri.getRawUserInfo();
    if (info != null && !info.isEmpty()) {
      int colon = info.indexOf(':');
      c.setUsername(URLDecoder.decode(colon < 0 ? info : info.substring(0, colon), StandardCharsets.UTF_8));
      c.setPassword(colon < 0 ? "" : URLDecoder.decode(info.substring(colon + 1), StandardCharsets.UTF_8));
      c.setLogin(LoginOption.REQUIRED);
    } else {
      c.setLogin(LoginOption.DISABLED);
    }
    return c;
  }

  @Override
  public Channel channel() {
    return Channel.EMAIL;
  }

  /** Our Message-ID for an outbound message: the same on every attempt. */
  String messageId(OutboundReply reply) {
    return "1022." + reply.messageId() + "." + reply.inquiryId() + "@" + domain;
  }

  static String subject(OutboundReply reply) {
    String base = reply.subject() == null || reply.subject().isBlank() ? "Phản ánh" : REPLY_PREFIX.matcher(reply.subject()).replaceFirst("");
    String code = reply.trackingCode();
    return "Re: " + base.strip() + (code == null || base.contains(code) ? "" : " [" + code + "]");
  }

  @Override
  public Future<Void> send(OutboundReply reply) {
    var to = ContactNormalizer.email(reply.contactAddress());
    if (to.isEmpty()) {
      return Future.failedFuture(DeliveryException.permanent("bad_address", "not an e-mail address [outboxId: " + reply.outboxId() + "]"));
    }
    if (client == null) {
      client = MailClient.createShared(vertx, smtp, "hotline-smtp");
    }
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().set("Message-ID", "<" + messageId(reply) + ">");
    if (reply.inReplyTo() != null) {
      headers.set("In-Reply-To", "<" + reply.inReplyTo() + ">");
    }
    String refs = (reply.threadKey() == null ? "" : "<" + reply.threadKey() + ">")
        + (reply.inReplyTo() == null || reply.inReplyTo().equals(reply.threadKey()) ? "" : " <" + reply.inReplyTo() + ">");
    if (!refs.isBlank()) {
      headers.set("References", refs.strip());
    }
    MailMessage message = new MailMessage().setFrom(from).setTo(to.get()).setSubject(subject(reply)).setText(reply.text())
        .setHeaders(headers);
    return client.sendMail(message).<Void>mapEmpty().recover(failure -> Future.failedFuture(classify(failure, reply)));
  }

  private static DeliveryException classify(Throwable failure, OutboundReply reply) {
    if (failure instanceof SMTPException e && e.isPermanent()) {
      return new DeliveryException(true, "rejected", "smtp " + e.getReplyCode() + " [outboxId: " + reply.outboxId() + "]", failure);
    }
    return new DeliveryException(false, "smtp", "smtp failed [outboxId: " + reply.outboxId() + "]: " + failure.getClass().getSimpleName(),
        failure);
  }
}
