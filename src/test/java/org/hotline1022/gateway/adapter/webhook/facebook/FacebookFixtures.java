package org.hotline1022.gateway.adapter.webhook.facebook;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Facebook payloads composed from the documented shapes (channels.md §2). */
public final class FacebookFixtures {
  private FacebookFixtures() {}

  public static final String SECRET = "fb-app-secret-for-tests";
  public static final String PAGE = "111111111111111";

  /** channels.md §2.2, byte for byte (ASCII with \\u escapes, no trailing newline). */
  public static final String VECTOR_BODY = "{\"object\":\"page\",\"entry\":[{\"id\":\"111111111111111\",\"time\":1735689600123,"
      + "\"messaging\":[{\"sender\":{\"id\":\"2222222222222222\"},\"recipient\":{\"id\":\"111111111111111\"},"
      + "\"timestamp\":1735689600000,\"message\":{\"mid\":\"m_test_0001\",\"text\":\"Xin ch\\u00e0o, \\u0111\\u01b0\\u1eddng b\\u1ecb ng\\u1eadp\"}}]}]}";
  public static final String VECTOR_SIGNATURE = "sha256=62aac234e01a2a499b2e189fdb5b3f50fb4fd337147bd6f4fea8a16d56391c72";

  /** A text message event. */
  public static JsonObject text(String psid, String mid, long ts, String text) {
    return new JsonObject().put("sender", new JsonObject().put("id", psid)).put("recipient", new JsonObject().put("id", PAGE))
        .put("timestamp", ts).put("message", new JsonObject().put("mid", mid).put("text", text));
  }

  /** A delivery of {@code entries} entries with {@code perEntry} text messages each, ids prefixed. */
  public static String batch(String prefix, int entries, int perEntry, long ts) {
    JsonArray es = new JsonArray();
    for (int e = 0; e < entries; e++) {
      JsonArray ms = new JsonArray();
      for (int m = 0; m < perEntry; m++) {
        ms.add(text("90000000000000" + e + m, prefix + "-" + e + "-" + m, ts + e * 10 + m, "Đường ngập ở phường " + e + " tin " + m));
      }
      es.add(new JsonObject().put("id", PAGE).put("time", ts).put("messaging", ms));
    }
    return new JsonObject().put("object", "page").put("entry", es).encode();
  }

  public static String envelope(JsonObject... entries) {
    return new JsonObject().put("object", "page").put("entry", new JsonArray(java.util.List.of((Object[]) entries))).encode();
  }

  public static String comment(String from, String name, String commentId, String verb) {
    JsonObject value = new JsonObject().put("from", new JsonObject().put("id", from).put("name", name)).put("item", "comment")
        .put("verb", verb).put("post_id", PAGE + "_444444444444444").put("comment_id", commentId)
        .put("parent_id", PAGE + "_444444444444444").put("created_time", 1735689799L).put("message", "Đèn đường ở tổ 3 bị hỏng 1 tuần rồi");
    return envelope(new JsonObject().put("id", PAGE).put("time", 1735689800L)
        .put("changes", new JsonArray().add(new JsonObject().put("field", "feed").put("value", value))));
  }
}
