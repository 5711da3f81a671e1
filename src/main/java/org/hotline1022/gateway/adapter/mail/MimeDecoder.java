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
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
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
  private static final Charset WINDOWS_1258 = Charset.forName("windows-1258");

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

  public MimeDecoder(Limits limits) {
    this.limits = limits;
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
      String text = nfc(decodeBytes(bytes, null, facts));
      return new Inbound(Channel.EMAIL, fallbackId(origin, null), origin.receivedAt(), Contact.of(NO_SENDER, null),
          null, false, null, null, text, List.of(), raw(bytes), facts);
    }

    String messageId = firstId(header(msg, "Message-ID"));
    String date = header(msg, "Date");
    String externalId = messageId != null ? messageId : fallbackId(origin, date);
    if (messageId == null) {
      facts.put("messageIdMissing", "true");
    } else {
      facts.put("messageId", messageId);
    }
    String inReplyTo = firstId(header(msg, "In-Reply-To"));
    List<String> references = ids(header(msg, "References"));
    putCapped(facts, "inReplyTo", inReplyTo);
    putCapped(facts, "references", references.isEmpty() ? null : String.join(" ", references));
    // the root of the thread: every reply in it (ours included) carries it first in References
    String threadKey = !references.isEmpty() ? references.get(0) : inReplyTo != null ? inReplyTo : externalId;

    String subject = subject(msg);
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
        body.attachments, raw(bytes), facts);
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
      return name == null || name.isBlank() ? null : nfc(name.strip());
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
    separate(out).append(nfc(decodeBytes(bytes, charset, facts)).strip());
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

  /**
   * The declared charset when Java knows it; else strict UTF-8, else windows-1258 (the legacy
   * Vietnamese charset), flagged. Undeclared 8-bit text is treated the same way.
   */
  static String decodeBytes(byte[] bytes, String declared, Map<String, String> facts) {
    if (declared != null && !declared.isBlank()) {
      Charset cs = charset(declared);
      boolean ascii = cs != null && cs.equals(StandardCharsets.US_ASCII);
      if (cs != null && !(ascii && has8Bit(bytes))) {
        return cs.decode(ByteBuffer.wrap(bytes)).toString();
      }
      facts.put("charsetFallback", declared.strip());
    } else if (has8Bit(bytes)) {
      facts.put("charsetFallback", "none");
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return WINDOWS_1258.decode(ByteBuffer.wrap(bytes)).toString();
    }
  }

  private static Charset charset(String name) {
    try {
      return Charset.forName(MimeUtility.javaCharset(name.strip()));
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static boolean has8Bit(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0) {
        return true;
      }
    }
    return false;
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
    s = nfc(s).strip();
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
            return new Contact(email.get(), personal == null || personal.isBlank() ? null : nfc(personal.strip()), null, email.get());
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

  /** The ids of a Message-ID, In-Reply-To or References header, without angle brackets. */
  static List<String> ids(String header) {
    List<String> out = new ArrayList<>();
    if (header == null) {
      return out;
    }
    var m = java.util.regex.Pattern.compile("<([^<>\\s]{1,500})>").matcher(header);
    while (m.find() && out.size() < 100) {
      out.add(m.group(1));
    }
    if (out.isEmpty()) {
      String bare = header.strip();
      if (!bare.isEmpty() && bare.length() <= 500 && !bare.contains(" ")) {
        out.add(bare); // some mailers omit the brackets
      }
    }
    return out;
  }

  private static String firstId(String header) {
    List<String> ids = ids(header);
    return ids.isEmpty() ? null : ids.get(0);
  }

  /** Stable across re-reads of the same mailbox copy, so a re-fetch is still deduplicated. */
  static String fallbackId(Origin origin, String date) {
    String key = origin.mailbox() + "\n" + origin.uidValidity() + "\n" + origin.uid() + "\n" + (date == null ? "" : date.strip());
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return "no-message-id-" + java.util.HexFormat.of().formatHex(d, 0, 16) + "@hotline1022.invalid";
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
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

  /** The source as text for audit: UTF-8 when it is, else byte-for-byte ISO-8859-1. */
  private static String raw(byte[] bytes) {
    String s;
    try {
      s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      s = new String(bytes, StandardCharsets.ISO_8859_1);
    }
    return s.replace("\u0000", "");
  }

  static String nfc(String s) {
    String t = s.replace("\r\n", "\n").replace('\r', '\n').replace("\u0000", "");
    return Normalizer.isNormalized(t, Normalizer.Form.NFC) ? t : Normalizer.normalize(t, Normalizer.Form.NFC);
  }
}
