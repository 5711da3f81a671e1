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
