package org.hotline1022.gateway.adapter.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/** Hostile bodies for parsers: each must parse or fail with {@link MalformedPayload}, nothing else. */
public final class Hostile {
  private Hostile() {}

  public static List<byte[]> variantsOf(String valid, long seed) {
    byte[] bytes = valid.getBytes(StandardCharsets.UTF_8);
    List<byte[]> out = new ArrayList<>();
    for (int cut = 0; cut < bytes.length; cut += Math.max(1, bytes.length / 40)) {
      out.add(java.util.Arrays.copyOf(bytes, cut)); // truncated, also inside a multi-byte character
    }
    out.add(valid.getBytes(StandardCharsets.ISO_8859_1)); // wrong charset
    out.add(valid.getBytes(StandardCharsets.UTF_16)); // wrong charset, with BOM
    out.add("[]".getBytes(StandardCharsets.UTF_8));
    out.add("null".getBytes(StandardCharsets.UTF_8));
    out.add("\"x\"".getBytes(StandardCharsets.UTF_8));
    out.add("[".repeat(5000).getBytes(StandardCharsets.UTF_8)); // deep nesting
    out.add(("{\"a\":" + "[".repeat(3000) + "]".repeat(3000) + "}").getBytes(StandardCharsets.UTF_8));
    Random random = new Random(seed);
    for (int i = 0; i < 300; i++) {
      byte[] noise = new byte[random.nextInt(600)];
      random.nextBytes(noise);
      out.add(noise);
      byte[] flipped = bytes.clone();
      for (int k = 0; k < 1 + random.nextInt(4); k++) {
        flipped[random.nextInt(flipped.length)] = (byte) random.nextInt(256);
      }
      out.add(flipped);
    }
    // type confusion: every string value replaced by a number, an object, an array
    for (String repl : List.of("1", "{}", "[]", "null", "true", "123456789012345678901234567890")) {
      out.add(valid.replaceAll("\"[^\"]*\"(?=[,}\\]])", repl).getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  /** Runs the parser on every variant; returns how many parsed without a rejection. */
  public static int assertOnlyTypedRejections(List<byte[]> bodies, Function<Buffer, Delivery> parser) {
    int parsed = 0;
    for (byte[] b : bodies) {
      try {
        Delivery d = parser.apply(Buffer.buffer(b));
        assertThat(d).isNotNull();
        parsed++;
      } catch (MalformedPayload expected) {
        // the typed rejection
      }
    }
    return parsed;
  }

  public static Instant now() {
    return Instant.parse("2026-01-01T00:00:00Z");
  }
}
