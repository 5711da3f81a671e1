package org.hotline1022.gateway.adapter.web;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.hotline1022.gateway.config.WebConfig;
import org.hotline1022.gateway.inquiry.ContactNormalizer;

/**
 * Parses and validates a portal submission from JSON or form-urlencoded bytes. Strict UTF-8 (bad
 * bytes are refused, not replaced), text normalized to NFC, control characters other than line
 * breaks and tabs removed, every limit checked; failures are {@link BadInput} naming the field.
 */
final class WebFormParser {
  private static final Pattern SUBMISSION_ID = Pattern.compile("[A-Za-z0-9._:-]{8,100}");
  private static final int MAX_FIELDS = 20;
  private static final java.util.List<String> FIELDS = java.util.List.of("text", "name", "phone", "email", "district", "submissionId");

  private final WebConfig config;

  WebFormParser(WebConfig config) {
    this.config = config;
  }

  WebForm parse(String contentType, Buffer body) {
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    Map<String, String> fields;
    if (type.startsWith("application/json")) {
      fields = json(body);
    } else if (type.startsWith("application/x-www-form-urlencoded")) {
      fields = form(body);
    } else {
      throw new BadInput("body", "unsupported_content_type", "send application/json or application/x-www-form-urlencoded");
    }
    String text = clean(fields.get("text"), true);
    if (text == null || text.isBlank()) {
      throw new BadInput("text", "required", "text is required");
    }
    if (text.codePoints().noneMatch(Character::isLetterOrDigit)) {
      throw new BadInput("text", "no_words", "text has no letters or digits");
    }
    if (text.codePointCount(0, text.length()) > config.maxTextChars()) {
      throw new BadInput("text", "too_long", "text is longer than " + config.maxTextChars() + " characters");
    }
    String name = bounded("name", clean(fields.get("name"), false), config.maxNameChars());
    String district = bounded("district", clean(fields.get("district"), false), 100);
    String phone = blankToNull(fields.get("phone"));
    if (phone != null) {
      phone = ContactNormalizer.phone(phone).orElseThrow(() -> new BadInput("phone", "invalid", "not a phone number"));
    }
    String email = blankToNull(fields.get("email"));
    if (email != null) {
      email = ContactNormalizer.email(email).orElseThrow(() -> new BadInput("email", "invalid", "not an e-mail address"));
    }
    String submissionId = blankToNull(fields.get("submissionId"));
    if (submissionId != null && !SUBMISSION_ID.matcher(submissionId).matches()) {
      throw new BadInput("submissionId", "invalid", "8-100 characters of A-Z a-z 0-9 . _ : -");
    }
    return new WebForm(text.strip(), name, phone, email, district, submissionId);
  }

  private static Map<String, String> json(Buffer body) {
    String s = utf8(body.getBytes());
    JsonObject o;
    try {
      o = new JsonObject(s);
    } catch (DecodeException | ClassCastException e) {
      throw new BadInput("body", "invalid_json", "the body is not a JSON object");
    }
    Map<String, String> out = new HashMap<>();
    for (String key : FIELDS) {
      Object v = o.getValue(key);
      if (v == null) {
        continue;
      }
      if (!(v instanceof String str)) {
        throw new BadInput(key, "not_a_string", key + " must be a string");
      }
      out.put(key, str);
    }
    return out;
  }

  private static Map<String, String> form(Buffer body) {
    Map<String, String> out = new HashMap<>();
    byte[] bytes = body.getBytes();
    int start = 0;
    int count = 0;
    while (start <= bytes.length) {
      int end = indexOf(bytes, (byte) '&', start);
      if (end > start) {
        if (++count > MAX_FIELDS) {
          throw new BadInput("body", "too_many_fields", "too many form fields");
        }
        int eq = indexOf(bytes, (byte) '=', start);
        int keyEnd = eq >= 0 && eq < end ? eq : end;
        String key = utf8(percentDecode(bytes, start, keyEnd, "body"));
        if (FIELDS.contains(key)) { // unknown fields are ignored, and never echoed back
          String value = keyEnd < end ? utf8OrBad(percentDecode(bytes, keyEnd + 1, end, key), key) : "";
          out.putIfAbsent(key, value);
        }
      }
      start = end + 1;
    }
    return out;
  }

  private static int indexOf(byte[] b, byte c, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return b.length;
  }

  private static byte[] percentDecode(byte[] b, int from, int to, String field) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
    for (int i = from; i < to; i++) {
      byte c = b[i];
      if (c == '+') {
        out.write(' ');
      } else if (c == '%') {
        if (i + 2 >= to) {
          throw new BadInput(field, "bad_encoding", "truncated percent escape");
        }
        int hi = Character.digit(b[i + 1], 16);
        int lo = Character.digit(b[i + 2], 16);
        if (hi < 0 || lo < 0) {
          throw new BadInput(field, "bad_encoding", "bad percent escape");
        }
        out.write(hi << 4 | lo);
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toByteArray();
  }

  private static String utf8(byte[] bytes) {
    return utf8OrBad(bytes, "body");
  }

  private static String utf8OrBad(byte[] bytes, String field) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new BadInput(field, "invalid_utf8", "not valid UTF-8");
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  private static String bounded(String field, String value, int max) {
    if (value != null && value.codePointCount(0, value.length()) > max) {
      throw new BadInput(field, "too_long", field + " is longer than " + max + " characters");
    }
    return value;
  }

  /** NFC, control characters removed (line breaks and tabs kept in multi-line text). */
  static String clean(String s, boolean multiline) {
    if (s == null) {
      return null;
    }
    String n = Normalizer.normalize(s, Normalizer.Form.NFC);
    StringBuilder sb = null;
    for (int i = 0; i < n.length(); i++) {
      char c = n.charAt(i);
      boolean keep = !Character.isISOControl(c) || (multiline && (c == '\n' || c == '\t')) || (!multiline && c == '\t');
      if (c == '\r') {
        keep = false;
      }
      if (!keep && sb == null) {
        sb = new StringBuilder(n.length()).append(n, 0, i);
      } else if (keep && sb != null) {
        sb.append(c);
      }
    }
    String out = sb == null ? n : sb.toString();
    out = out.strip();
    return out.isEmpty() ? null : out;
  }
}
