package org.hotline1022.gateway.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The frame an agent gets is the event's fields followed by the payload's members, as the server wrote them. */
class FeedEventTest {
  private static final Instant AT = Instant.parse("2026-11-29T19:53:18.573911Z");

  static Stream<Long> seeds() {
    return LongStream.range(0, 200).boxed();
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void aFrameIsTheEventsFieldsThenThePayloadsMembersInOrder(long seed) {
    Random random = new Random(seed);
    JsonObject payload = randomObject(random, 0);
    // the server's text of a jsonb value has a space after ':' and ','; either spacing must splice
    String text = random.nextBoolean() ? serverText(payload) : payload.encode();

    String frame = new String(FeedEvent.frame("inquiry.created", 42 + seed, AT, text.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);

    JsonObject parsed = new JsonObject(frame);
    List<String> keys = new ArrayList<>(List.of("type", "seq", "at"));
    keys.addAll(payload.fieldNames());
    assertThat(new ArrayList<>(parsed.fieldNames())).isEqualTo(keys);
    JsonObject expected = new JsonObject().put("type", "inquiry.created").put("seq", 42 + seed).put("at", AT.toString());
    payload.forEach(e -> expected.put(e.getKey(), e.getValue()));
    assertThat(parsed).isEqualTo(expected);
  }

  @Test
  void anEmptyPayloadLeavesTheEventsOwnFields() {
    for (String empty : List.of("{}", "{ }", " {\n} ")) {
      String frame = new String(FeedEvent.frame("reply.sent", 7, AT, empty.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
      assertThat(new JsonObject(frame)).isEqualTo(new JsonObject().put("type", "reply.sent").put("seq", 7).put("at", AT.toString()));
    }
  }

  @Test
  void aPayloadThatIsNotAnObjectGoesWholeUnderPayload() {
    String frame = new String(FeedEvent.frame("odd", 8, AT, "[1, {\"a\": 2}]".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    assertThat(new JsonObject(frame).getJsonArray("payload")).isEqualTo(new JsonArray().add(1).add(new JsonObject().put("a", 2)));
    assertThat(new JsonObject(frame).getString("type")).isEqualTo("odd");
  }

  @Test
  void vietnameseTextKeepsItsBytes() {
    JsonObject payload = new JsonObject().put("message", new JsonObject().put("text", "Tôi bị khó thở, SpO2 thấp \"gấp\" \\ ở phường"));
    String frame = new String(FeedEvent.frame("message.created", 9, AT, serverText(payload).getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    assertThat(new JsonObject(frame).getJsonObject("message").getString("text")).isEqualTo("Tôi bị khó thở, SpO2 thấp \"gấp\" \\ ở phường");
  }

  /** Renders like Postgres's jsonb output: ", " between members and ": " after keys. */
  private static String serverText(Object value) {
    if (value instanceof JsonObject o) {
      StringBuilder sb = new StringBuilder("{");
      for (Map.Entry<String, Object> e : o) {
        if (sb.length() > 1) {
          sb.append(", ");
        }
        sb.append(new JsonArray().add(e.getKey()).encode(), 1, new JsonArray().add(e.getKey()).encode().length() - 1).append(": ").append(serverText(e.getValue()));
      }
      return sb.append('}').toString();
    }
    if (value instanceof JsonArray a) {
      StringBuilder sb = new StringBuilder("[");
      for (Object v : a) {
        if (sb.length() > 1) {
          sb.append(", ");
        }
        sb.append(serverText(v));
      }
      return sb.append(']').toString();
    }
    String one = new JsonArray().add(value).encode();
    return one.substring(1, one.length() - 1);
  }

  private static JsonObject randomObject(Random random, int depth) {
    JsonObject o = new JsonObject();
    int n = depth == 0 ? 1 + random.nextInt(8) : random.nextInt(5);
    for (int i = 0; i < n; i++) {
      o.put(randomText(random, 1 + random.nextInt(10)) + i, randomValue(random, depth));
    }
    return o;
  }

  private static Object randomValue(Random random, int depth) {
    int kind = random.nextInt(depth < 3 ? 7 : 5);
    return switch (kind) {
      case 0 -> null;
      case 1 -> random.nextLong();
      case 2 -> random.nextBoolean();
      case 3, 4 -> randomText(random, random.nextInt(40));
      case 5 -> randomObject(random, depth + 1);
      default -> {
        JsonArray a = new JsonArray();
        for (int i = random.nextInt(4); i > 0; i--) {
          a.add(randomValue(random, depth + 1));
        }
        yield a;
      }
    };
  }

  private static String randomText(Random random, int length) {
    String alphabet = "abcđăâêôơưáàảãạ ÁỆ\"\\/{}[],:\n\t😀xyz";
    StringBuilder sb = new StringBuilder();
    while (sb.length() < length) {
      sb.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0, random.nextInt(alphabet.codePointCount(0, alphabet.length())))));
    }
    return sb.toString();
  }
}
