package org.hotline1022.gateway.adapter.webhook;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * Lenient field access for platform payloads: a field of the wrong type reads as absent instead of
 * throwing, and ids are always strings (they exceed 2^53, so never a double).
 */
public final class JsonFields {
  private JsonFields() {}

  /** Decodes a JSON object or throws {@link MalformedPayload}; never any other exception. */
  public static JsonObject object(Buffer body) {
    try {
      Object v = body.length() == 0 ? null : io.vertx.core.json.Json.decodeValue(body);
      if (v instanceof JsonObject o) {
        return o;
      }
      throw new MalformedPayload("not a JSON object");
    } catch (MalformedPayload e) {
      throw e;
    } catch (RuntimeException e) {
      // DecodeException, and Jackson's nesting/length constraint errors on hostile input
      throw new MalformedPayload("not JSON");
    }
  }

  public static JsonObject obj(JsonObject o, String key) {
    return o != null && o.getValue(key) instanceof JsonObject j ? j : null;
  }

  public static JsonArray arr(JsonObject o, String key) {
    return o != null && o.getValue(key) instanceof JsonArray a ? a : new JsonArray();
  }

  /** A string or integer field as text; null for absent, blank, or any other type. */
  public static String str(JsonObject o, String key) {
    if (o == null) {
      return null;
    }
    Object v = o.getValue(key);
    String s = v instanceof String t ? t
        : v instanceof Long || v instanceof Integer || v instanceof java.math.BigInteger ? String.valueOf(v) : null;
    return s == null || s.isBlank() ? null : s;
  }

  /** Epoch time from a number or numeric string; values below 10^11 are seconds (feed), else ms. */
  public static Instant time(JsonObject o, String key, Instant fallback) {
    String s = str(o, key);
    if (s == null) {
      return fallback;
    }
    try {
      long n = Long.parseLong(s.strip());
      if (n <= 0) {
        return fallback;
      }
      return n < 100_000_000_000L ? Instant.ofEpochSecond(n) : Instant.ofEpochMilli(n);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
