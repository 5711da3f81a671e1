package org.hotline1022.gateway.adapter.mail;

import jakarta.mail.internet.MimeUtility;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Map;

/** Bytes of mail to stored text: charset choice with fallbacks, NFC, and the raw source for audit. */
final class MailText {
  private static final Charset WINDOWS_1258 = Charset.forName("windows-1258");

  private MailText() {}

  /**
   * The declared charset when Java knows it; else strict UTF-8, else windows-1258 (the legacy
   * Vietnamese charset), flagged. Undeclared 8-bit text is treated the same way.
   */
  static String decode(byte[] bytes, String declared, Map<String, String> facts) {
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

  /** The source as text for audit: UTF-8 when it is, else byte-for-byte ISO-8859-1. */
  static String raw(byte[] bytes) {
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
