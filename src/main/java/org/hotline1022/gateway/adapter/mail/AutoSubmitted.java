package org.hotline1022.gateway.adapter.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.util.Locale;

/**
 * Recognises mail that no machine of ours may answer: auto-replies, bounces and list mail (RFC
 * 3834, and what Zammad checks). The reason goes into the message's facts as {@code auto}; a
 * receipt or auto-acknowledgement must never be sent to such a message, or two autoresponders loop.
 */
final class AutoSubmitted {
  private AutoSubmitted() {}

  /** Why the message is automatic, or null for a human's mail. */
  static String reason(MimeMessage msg, String senderAddress) {
    String autoSubmitted = header(msg, "Auto-Submitted");
    if (autoSubmitted != null && !autoSubmitted.strip().toLowerCase(Locale.ROOT).startsWith("no")) {
      return "auto-submitted";
    }
    String precedence = header(msg, "Precedence");
    if (precedence != null && precedence.strip().toLowerCase(Locale.ROOT).matches("bulk|list|junk|auto_reply")) {
      return "precedence";
    }
    if (header(msg, "X-Autoreply") != null || header(msg, "X-Autorespond") != null) {
      return "x-autoreply";
    }
    String suppress = header(msg, "X-Auto-Response-Suppress");
    if (suppress != null && suppress.toLowerCase(Locale.ROOT).matches(".*\\b(all|oof|autoreply)\\b.*")) {
      return "x-auto-response-suppress";
    }
    if (header(msg, "List-Id") != null || header(msg, "List-Unsubscribe") != null) {
      return "list";
    }
    String returnPath = header(msg, "Return-Path");
    if (returnPath != null && returnPath.replaceAll("\\s", "").equals("<>")) {
      return "null-return-path";
    }
    String local = senderAddress.contains("@") ? senderAddress.substring(0, senderAddress.indexOf('@')) : senderAddress;
    if (local.matches("mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounces?(\\+.*)?")) {
      return "system-sender";
    }
    return null;
  }

  private static String header(MimeMessage msg, String name) {
    try {
      return msg.getHeader(name, ",");
    } catch (MessagingException | RuntimeException e) {
      return null;
    }
  }
}
