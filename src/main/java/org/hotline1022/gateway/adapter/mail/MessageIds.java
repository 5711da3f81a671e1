package org.hotline1022.gateway.adapter.mail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Message-ID, In-Reply-To and References values, and the stand-in id of a message without one. */
final class MessageIds {
  private MessageIds() {}

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

  // 1022-XXXX-XXXX as people retype it: any case, spaces or dashes between the groups
  private static final java.util.regex.Pattern CODE =
      java.util.regex.Pattern.compile("(?<![0-9A-Za-z])1022[\\s_-]*([0-9A-Za-z]{4})[\\s_-]*([0-9A-Za-z]{4})(?![0-9A-Za-z])");

  /** The first tracking code in a subject, canonical, or empty. */
  static java.util.Optional<String> subjectCode(String subject) {
    if (subject == null) {
      return java.util.Optional.empty();
    }
    var m = CODE.matcher(subject);
    while (m.find()) {
      var code = org.hotline1022.gateway.inquiry.TrackingCodes.canonical(m.group(1) + m.group(2));
      if (code.isPresent()) {
        return code;
      }
    }
    return java.util.Optional.empty();
  }

  /**
   * What makes two copies "the same message": sender, date, subject and the body bytes, not the
   * headers servers add in transit (Received, Delivered-To), so one mail seen in two mailboxes or
   * re-read hashes the same, while another message reusing its Message-ID does not.
   */
  static String contentHash(byte[] message, String from, String date, String subject) {
    try {
      var d = java.security.MessageDigest.getInstance("SHA-256");
      for (String h : new String[] {from, date, subject}) {
        d.update((h == null ? "" : h.strip()).getBytes(StandardCharsets.UTF_8));
        d.update((byte) 0);
      }
      int body = bodyStart(message);
      d.update(message, body, message.length - body);
      return java.util.HexFormat.of().formatHex(d.digest(), 0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int bodyStart(byte[] b) {
    for (int i = 0; i + 1 < b.length; i++) {
      if (b[i] == '\n' && b[i + 1] == '\n') {
        return i + 2;
      }
      if (b[i] == '\n' && b[i + 1] == '\r' && i + 2 < b.length && b[i + 2] == '\n') {
        return i + 3;
      }
    }
    return b.length;
  }

  static String firstId(String header) {
    List<String> ids = ids(header);
    return ids.isEmpty() ? null : ids.get(0);
  }

  /** Stable across re-reads of the same mailbox copy, so a re-fetch is still deduplicated. */
  static String fallbackId(MimeDecoder.Origin origin, String date) {
    String key = origin.mailbox() + "\n" + origin.uidValidity() + "\n" + origin.uid() + "\n" + (date == null ? "" : date.strip());
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return "no-message-id-" + java.util.HexFormat.of().formatHex(d, 0, 16) + "@hotline1022.invalid";
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
