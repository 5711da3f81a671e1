package org.hotline1022.gateway.reply;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.SMTPException;
import io.vertx.ext.mail.StartTLSOptions;
import io.vertx.core.net.PemTrustOptions;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.hotline1022.gateway.config.MailConfig;
import org.hotline1022.gateway.inquiry.Channel;
import org.hotline1022.gateway.inquiry.ContactNormalizer;

/**
 * Agents' answers by e-mail through vertx-mail-client (non-blocking SMTP), each through the SMTP
 * account of the mailbox the inquiry's latest mail came in on (the main account when that mailbox
 * has none, or the mail is older than the mailbox names). Each reply carries our own Message-ID,
 * recorded in the store before the first attempt and reused on every retry (the outbox delivers at
 * least once, so a resend is the same message to the recipient's client); it has a random part, so
 * nobody can forge a thread link to another inquiry from its ids. {@code In-Reply-To}/{@code References}
 * name the citizen's latest mail and the thread root, so their client threads it and their answer joins
 * the inquiry. The subject is {@code Re: <subject> [<tracking code>]}, RFC 2047-encoded by the client.
 */
public final class SmtpReplySender implements ReplySender {
  private static final Pattern REPLY_PREFIX = Pattern.compile("(?i)^\\s*((re|tl|fw|fwd|trả lời)\\s*:\\s*)+");
  private static final String BASE32 = "0123456789abcdefghjkmnpqrstvwxyz";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One mailbox's SMTP account. */
  private record Account(String name, io.vertx.ext.mail.MailConfig smtp, String from, String domain) {}

  private final Vertx vertx;
  private final Map<String, Account> accounts = new LinkedHashMap<>();
  private final Function<Vertx, OutboundMailIds> idsFactory;
  private final Map<String, MailClient> clients = new HashMap<>();
  private OutboundMailIds ids;

  /** Without a store: Message-IDs are not recorded (tests of the SMTP side alone). */
  public SmtpReplySender(Vertx vertx, MailConfig config) {
    this(vertx, config, vx -> OutboundMailIds.NONE);
  }

  /** @param ids opened lazily, on the dispatcher's context, at the first reply */
  public SmtpReplySender(Vertx vertx, MailConfig config, Function<Vertx, OutboundMailIds> ids) {
    this.vertx = vertx;
    this.idsFactory = ids;
    for (MailConfig.Mailbox m : config.mailboxes()) {
      if (!m.sends()) {
        continue;
      }
      io.vertx.ext.mail.MailConfig smtp = smtpConfig(m.smtpUrl());
      if (!config.trustCaFile().isBlank()) {
        smtp.setTrustOptions(new PemTrustOptions().addCertPath(config.trustCaFile()));
      }
      String address = m.fromAddress();
      String domain = address.contains("@") ? address.substring(address.indexOf('@') + 1) : "localhost";
      smtp.setOwnHostname(domain);
      String from = config.fromName().isBlank() ? address : config.fromName() + " <" + address + ">";
      accounts.put(m.name(), new Account(m.name(), smtp, from, domain));
    }
    if (accounts.isEmpty()) {
      throw new IllegalArgumentException("no mailbox has an SMTP URL");
    }
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

  /** A fresh candidate Message-ID; the first one recorded for the message is used on every attempt. */
  static String newMessageId(OutboundReply reply, String domain) {
    char[] token = new char[16];
    for (int i = 0; i < token.length; i++) {
      token[i] = BASE32.charAt(RANDOM.nextInt(32));
    }
    return "1022." + reply.messageId() + "." + new String(token) + "@" + domain;
  }

  /** The account a reply leaves through: its mailbox's, else main's, else the first configured. */
  private Account account(String mailboxName) {
    Account a = mailboxName == null ? null : accounts.get(mailboxName);
    if (a == null) {
      a = accounts.get(MailConfig.MAIN);
    }
    return a != null ? a : accounts.values().iterator().next();
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
    if (ids == null) {
      ids = idsFactory.apply(vertx);
    }
    // the candidate's domain is the main account's; a recorded id keeps the domain it was drawn with
    String candidate = newMessageId(reply, account(null).domain());
    return ids.prepare(reply.messageId(), reply.inquiryId(), candidate)
        .recover(e -> Future.failedFuture(DeliveryException.retryable("store", "cannot record the Message-ID [outboxId: "
            + reply.outboxId() + "]: " + e.getClass().getSimpleName())))
        .compose(prepared -> send(reply, to.get(), prepared));
  }

  private Future<Void> send(OutboundReply reply, String to, OutboundMailIds.Prepared prepared) {
    Account account = account(prepared.mailboxName());
    MailClient client = clients.computeIfAbsent(account.name(), n -> MailClient.createShared(vertx, account.smtp(), "hotline-smtp-" + n));
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().set("Message-ID", "<" + prepared.mailId() + ">");
    if (reply.inReplyTo() != null) {
      headers.set("In-Reply-To", "<" + reply.inReplyTo() + ">");
    }
    String refs = (reply.threadKey() == null ? "" : "<" + reply.threadKey() + ">")
        + (reply.inReplyTo() == null || reply.inReplyTo().equals(reply.threadKey()) ? "" : " <" + reply.inReplyTo() + ">");
    if (!refs.isBlank()) {
      headers.set("References", refs.strip());
    }
    MailMessage message = new MailMessage().setFrom(account.from()).setTo(to).setSubject(subject(reply)).setText(reply.text())
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
