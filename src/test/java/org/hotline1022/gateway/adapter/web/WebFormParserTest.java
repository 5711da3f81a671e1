package org.hotline1022.gateway.adapter.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.hotline1022.gateway.config.WebConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class WebFormParserTest {
  private final WebFormParser parser = new WebFormParser(new WebConfig(65536, 5000, 200, 0, 0, false));

  @Test
  void jsonFieldsAreValidatedAndNormalized() {
    WebForm f = parser.parse("application/json; charset=utf-8", Buffer.buffer(
        "{\"text\":\"  Xin chào\\r\\nTôi cần hỗ trợ\\u0007 \",\"name\":\"Lê\\tThị B\",\"phone\":\"0912.345.678\",\"email\":\"B@X.VN\","
            + "\"submissionId\":\"abc-12345\"}"));
    assertThat(f.text()).isEqualTo("Xin chào\nTôi cần hỗ trợ");
    assertThat(f.name()).isEqualTo("Lê\tThị B");
    assertThat(f.phone()).isEqualTo("+84912345678");
    assertThat(f.email()).isEqualTo("b@x.vn");
    assertThat(f.submissionId()).isEqualTo("abc-12345");
  }

  @Test
  void overlongNamesAreRefused() {
    assertThatThrownBy(() -> parser.parse("application/json", Buffer.buffer("{\"text\":\"x\",\"name\":\"" + "n".repeat(201) + "\"}")))
        .isInstanceOfSatisfying(BadInput.class, e -> assertThat(e.field).isEqualTo("name"));
  }

  static Stream<Long> seeds() {
    return IntStream.range(0, 40).mapToObj(i -> 1022L * 7919 + i);
  }

  /** Hostile bytes: whatever arrives, the parser answers a form or a BadInput, never anything else. */
  @ParameterizedTest
  @MethodSource("seeds")
  void randomBytesNeverEscapeAsOtherExceptions(long seed) {
    Random random = new Random(seed);
    for (int i = 0; i < 200; i++) {
      byte[] bytes = new byte[random.nextInt(400)];
      random.nextBytes(bytes);
      if (random.nextBoolean()) {
        // mostly-valid prefixes reach deeper code paths
        byte[] prefix = (random.nextBoolean() ? "{\"text\":\"" : "text=").getBytes();
        System.arraycopy(prefix, 0, bytes, 0, Math.min(prefix.length, bytes.length));
      }
      String type = random.nextBoolean() ? "application/json" : "application/x-www-form-urlencoded";
      try {
        WebForm f = parser.parse(type, Buffer.buffer(bytes));
        assertThat(f.text()).isNotBlank();
      } catch (BadInput expected) {
        assertThat(expected.field).isNotBlank();
      }
    }
  }
}
