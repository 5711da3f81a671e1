package org.hotline1022.gateway.adapter.mail;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.hotline1022.gateway.inquiry.Attachment;
import org.hotline1022.gateway.inquiry.Channel;
import org.hotline1022.gateway.inquiry.Contact;
import org.hotline1022.gateway.inquiry.ContactNormalizer;
import org.hotline1022.gateway.inquiry.Inbound;

/**
 * Turns one raw RFC 5322 message into an {@link Inbound}. Pure and thread-safe: no network, no
 * clock. Every text is NFC (windows-1258 decodes to combining tone marks). Nothing is ever dropped:
 * what cannot be read is flagged in the facts ({@code broken}, {@code truncated}, ...) and the source
 * is kept in {@code raw}. Bounded by {@link Limits}: message bytes, MIME parts, header bytes.
 */
public final class MimeDecoder {
  /** Where the external id falls back to when a message has no Message-ID. */
  static final String NO_SENDER = "unknown@mail.invalid";
  private static final int MAX_HEADER_VALUE = 998;

  /**
   * @param maxMessageBytes bytes of a message decoded; the rest is cut off and {@code truncated} set
   * @param maxParts MIME parts walked; more set {@code partsTruncated}
   * @param maxHeaderBytes bytes of the header block; more are cut and {@code headersTruncated} set
   * @param maxAttachmentBytes an attachment above it is listed with {@code attachmentsOversize}
   */
  public record Limits(int maxMessageBytes, int maxParts, int maxHeaderBytes, long maxAttachmentBytes) {}

  /**
   * Where a message was read.
   *
   * @param receivedAt the IMAP INTERNALDATE (or the fetch time when the server gives none)
   */
  public record Origin(String mailbox, long uidValidity, long uid, Instant receivedAt) {}

  // lenient parsing: a citizen's broken mail is still a citizen's mail
  private static final Session SESSION = Session.getInstance(props());

  private final Limits limits;
  private final String mailboxName;

  public MimeDecoder(Limits limits) {
    this(limits, null);
  }

  /** @param mailboxName the configured mailbox's name (fact {@code mailboxName}: replies leave through its SMTP account) */
  public MimeDecoder(Limits limits, String mailboxName) {
    this.limits = limits;
    this.mailboxName = mailboxName;
  }

  private static Properties props() {
    Properties p = new Properties();
    p.setProperty("mail.mime.address.strict", "false");
    p.setProperty("mail.mime.decodeparameters", "true");
    return p;
  }

  public Inbound decode(byte[] source, Origin origin) {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("mailbox", origin.mailbox());
    if (mailboxName != null) {
      facts.put("mailboxName", mailboxName);
    }
    facts.put("uidValidity", Long.toString(origin.uidValidity()));
    facts.put("uid", Long.toString(origin.uid()));
    byte[] bytes = source;
    if (bytes.length > limits.maxMessageBytes()) {
      bytes = java.util.Arrays.copyOf(bytes, limits.maxMessageBytes());
      facts.put("truncated", Integer.toString(source.length));
    }
    bytes = capHeaders(bytes, facts);

    MimeMessage msg;
    try {
      msg = new MimeMessage(SESSION, new ByteArrayInputStream(bytes));
    } catch (MessagingException e) {
      // unreadable even as headers: keep the bytes as the text so an agent can still read it
      facts.put("broken", "unparseable");
      String text = MailText.nfc(MailText.decode(bytes, null, facts));
      return new Inbound(Channel.EMAIL, MessageIds.fallbackId(origin, null), origin.receivedAt(), Contact.of(NO_SENDER, null),
          null, false, null, null, text, List.of(), MailText.raw(bytes), facts);
    }

    String messageId = MessageIds.firstId(header(msg, "Message-ID"));
    String date = header(msg, "Date");
    String externalId = messageId != null ? messageId : MessageIds.fallbackId(origin, date);
    if (messageId == null) {
      facts.put("messageIdMissing", "true");
    } else {
      facts.put("messageId", messageId);
    }
    String inReplyTo = MessageIds.firstId(header(msg, "In-Reply-To"));
    List<String> references = MessageIds.ids(header(msg, "References"));
    putCapped(facts, "inReplyTo", inReplyTo);
    putCapped(facts, "references", references.isEmpty() ? null : String.join(" ", references));
    // the root of the thread: every reply in it (ours included) carries it first in References
    String threadKey = !references.isEmpty() ? references.get(0) : inReplyTo != null ? inReplyTo : externalId;

    String subject = subject(msg);
    MessageIds.subjectCode(subject).ifPresent(code -> facts.put("subjectCode", code));
    facts.put("contentHash", MessageIds.contentHash(bytes, header(msg, "From"), date, header(msg, "Subject")));
    Contact contact = sender(msg, facts);
    String reason = AutoSubmitted.reason(msg, contact.address());

    Body body = new Body();
    try {
      walk(msg, body, facts, 0);
    } catch (MessagingException | IOException | RuntimeException e) {
      facts.put("broken", "structure");
    }
    if (body.parts > limits.maxParts()) {
      facts.put("partsTruncated", Integer.toString(body.parts));
    }
    if (body.multipartReport && reason == null) {
      reason = "multipart-report";
    }
    if (reason != null) {
      facts.put("auto", reason);
    }
    if (body.oversize > 0) {
      facts.put("attachmentsOversize", Integer.toString(body.oversize));
    }
    String full = body.plain.length() > 0 ? body.plain.toString() : body.html.toString();
    full = full.strip();
    if (full.isEmpty() && body.plain.length() == 0 && body.html.length() == 0 && body.attachments.isEmpty()
        && !facts.containsKey("broken")) {
      facts.put("empty", "true");
    }
    String display = QuoteTrimmer.trim(full);
    if (!display.equals(full)) {
      facts.put("quoteTrimmed", "true");
    }
    return new Inbound(Channel.EMAIL, externalId, origin.receivedAt(), contact, threadKey, false, null, subject, display,
        body.attachments, MailText.raw(bytes), facts);
  }

  /** Text collected while walking the MIME tree. */
  private static final class Body {
    final StringBuilder plain = new StringBuilder();
    final StringBuilder html = new StringBuilder();
    final List<Attachment> attachments = new ArrayList<>();
    int parts;
    int oversize;
    boolean multipartReport;
  }

  private void walk(Part part, Body body, Map<String, String> facts, int depth) throws MessagingException, IOException {
    if (++body.parts > limits.maxParts() || depth > 20) {
      return;
    }
    ContentType type = contentType(part, facts);
    String base = type.getBaseType().toLowerCase(Locale.ROOT);
    if (base.startsWith("multipart/")) {
      if (base.equals("multipart/report")) {
        body.multipartReport = true;
      }
      Object content;
      try {
        content = part.getContent();
      } catch (MessagingException | IOException e) {
        facts.put("broken", "multipart");
        appendText(part, null, body.plain, facts); // the undelimited body is still readable text
        return;
      }
      if (!(content instanceof Multipart mp)) {
        facts.put("broken", "multipart");
        return;
      }
      int count;
      try {
        count = mp.getCount();
      } catch (MessagingException e) {
        facts.put("broken", "multipart");
        return;
      }
      if (base.equals("multipart/alternative")) {
        alternative(mp, count, body, facts, depth);
        return;
      }
      for (int i = 0; i < count && body.parts <= limits.maxParts(); i++) {
        child(mp, i, body, facts, depth);
      }
      return;
    }
    boolean attachment = Part.ATTACHMENT.equalsIgnoreCase(disposition(part)) || fileName(part) != null;
    if (!attachment && base.equals("text/plain")) {
      appendText(part, type.getParameter("charset"), body.plain, facts);
    } else if (!attachment && base.equals("text/html")) {
      StringBuilder html = new StringBuilder();
      appendText(part, type.getParameter("charset"), html, facts);
      separate(body.html).append(HtmlText.toText(html.toString()));
    } else if (!attachment && base.startsWith("text/") && depth == 0) {
      appendText(part, type.getParameter("charset"), body.plain, facts);
    } else {
      body.attachments.add(attachment(part, base, body));
    }
  }

  /** RFC 2046 §5.1.4: text/plain is our canonical body; HTML only when there is no plain text. */
  private void alternative(Multipart mp, int count, Body body, Map<String, String> facts, int depth) throws MessagingException {
    int plain = -1;
    for (int i = 0; i < count; i++) {
      BodyPart p = mp.getBodyPart(i);
      if (plain < 0 && safeType(p).equals("text/plain")) {
        plain = i;
      }
    }
    if (plain >= 0) {
      body.parts += count - 1; // the skipped alternatives count against the part cap too
      child(mp, plain, body, facts, depth);
      return;
    }
    // the richest alternative is last; walk it (multipart/related, or text/html)
    child(mp, count - 1, body, facts, depth);
  }

  private void child(Multipart mp, int i, Body body, Map<String, String> facts, int depth) {
    try {
      walk(mp.getBodyPart(i), body, facts, depth + 1);
    } catch (MessagingException | IOException | RuntimeException e) {
      facts.put("broken", "part");
    }
  }

  private static String safeType(Part p) {
    try {
      return new ContentType(p.getContentType()).getBaseType().toLowerCase(Locale.ROOT);
    } catch (MessagingException | RuntimeException e) {
      return "application/octet-stream";
    }
  }

  private static ContentType contentType(Part part, Map<String, String> facts) {
    try {
      String ct = part.getContentType();
      return new ContentType(ct == null ? "text/plain" : ct);
    } catch (MessagingException | RuntimeException e) {
      facts.put("broken", "content-type");
      return new ContentType("text", "plain", null);
    }
  }

  private static String disposition(Part part) {
    try {
      return part.getDisposition();
    } catch (MessagingException | RuntimeException e) {
      return null;
    }
  }

  private static String fileName(Part part) {
    try {
      String name = part.getFileName();
      if (name != null && name.contains("=?")) {
        name = MimeUtility.decodeText(name); // RFC 2047 inside a quoted parameter: not standard, but common
      }
      return name == null || name.isBlank() ? null : MailText.nfc(name.strip());
    } catch (MessagingException | IOException | RuntimeException e) {
      return null;
    }
  }

  private Attachment attachment(Part part, String type, Body body) {
    String name = fileName(part);
    if (name == null) {
      name = type.equals("message/rfc822") ? "forwarded.eml" : "unnamed";
    }
    long size = 0;
    try (InputStream in = part.getInputStream()) {
      byte[] buf = new byte[8192];
      for (int n; (n = in.read(buf)) > 0 && size <= limits.maxAttachmentBytes(); ) {
        size += n;
      }
    } catch (MessagingException | IOException | RuntimeException e) {
      size = -1;
    }
    if (size > limits.maxAttachmentBytes()) {
      body.oversize++;
    }
    return new Attachment(name, type, size < 0 ? null : size, null);
  }

  private static void appendText(Part part, String charset, StringBuilder out, Map<String, String> facts) {
    byte[] bytes;
    try (InputStream in = part.getInputStream()) {
      bytes = in.readAllBytes();
    } catch (MessagingException | IOException | RuntimeException e) {
      // bad base64 or quoted-printable: fall back to the undecoded bytes, flagged
      facts.put("broken", "transfer-encoding");
      bytes = rawBytes(part);
      if (bytes == null) {
        return;
      }
    }
    separate(out).append(MailText.nfc(MailText.decode(bytes, charset, facts)).strip());
  }

  private static byte[] rawBytes(Part part) {
    try (InputStream in = part instanceof jakarta.mail.internet.MimeBodyPart p ? p.getRawInputStream()
        : part instanceof MimeMessage m ? m.getRawInputStream() : null) {
      return in == null ? null : in.readAllBytes();
    } catch (MessagingException | IOException | RuntimeException e) {
      return null;
    }
  }

  private static StringBuilder separate(StringBuilder out) {
    if (out.length() > 0) {
      out.append("\n\n");
    }
    return out;
  }

  private static String subject(MimeMessage msg) {
    String rawSubject = header(msg, "Subject");
    if (rawSubject == null) {
      return null;
    }
    String s;
    try {
      s = MimeUtility.decodeText(MimeUtility.unfold(rawSubject));
    } catch (IOException | RuntimeException e) {
      s = rawSubject;
    }
    s = MailText.nfc(s).strip();
    return s.length() > MAX_HEADER_VALUE ? s.substring(0, MAX_HEADER_VALUE) : s;
  }

  private static Contact sender(MimeMessage msg, Map<String, String> facts) {
    for (String name : new String[] {"From", "Sender", "Reply-To"}) {
      String h = header(msg, name);
      if (h == null) {
        continue;
      }
      try {
        for (InternetAddress a : InternetAddress.parseHeader(h, false)) {
          var email = ContactNormalizer.email(a.getAddress());
          if (email.isPresent()) {
            String personal = a.getPersonal();
            return new Contact(email.get(), personal == null || personal.isBlank() ? null : MailText.nfc(personal.strip()), null, email.get());
          }
        }
      } catch (MessagingException | RuntimeException e) {
        facts.put("broken", "address");
      }
    }
    facts.put("senderMissing", "true");
    return Contact.of(NO_SENDER, null);
  }

  private static String header(MimeMessage msg, String name) {
    try {
      return msg.getHeader(name, " ");
    } catch (MessagingException | RuntimeException e) {
      return null;
    }
  }

  private static void putCapped(Map<String, String> facts, String key, String value) {
    if (value != null) {
      facts.put(key, value.length() > 2000 ? value.substring(0, 2000) : value);
    }
  }

  /** Cuts an oversized header block at a line boundary, keeping the body. */
  private byte[] capHeaders(byte[] bytes, Map<String, String> facts) {
    int end = headerEnd(bytes);
    if (end <= limits.maxHeaderBytes()) {
      return bytes;
    }
    int cut = limits.maxHeaderBytes();
    while (cut > 0 && bytes[cut - 1] != '\n') {
      cut--;
    }
    facts.put("headersTruncated", Integer.toString(end));
    int bodyStart = end < 0 ? bytes.length : end;
    byte[] out = new byte[cut + (bytes.length - bodyStart)];
    System.arraycopy(bytes, 0, out, 0, cut);
    System.arraycopy(bytes, bodyStart, out, cut, bytes.length - bodyStart);
    return out;
  }

  /** Index of the blank line ending the headers, or the length when there is none. */
  private static int headerEnd(byte[] b) {
    for (int i = 0; i + 1 < b.length; i++) {
      if (b[i] == '\n' && (b[i + 1] == '\n' || (b[i + 1] == '\r' && i + 2 < b.length && b[i + 2] == '\n'))) {
        return i + 1;
      }
    }
    return b.length;
  }
}
