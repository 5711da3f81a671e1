package org.hotline1022.gateway.adapter.webhook.zalo;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.hotline1022.gateway.adapter.webhook.Signatures;

/** Zalo OA events composed from the documented shapes (channels.md §1.2–1.3). */
public final class ZaloFixtures {
  private ZaloFixtures() {}

  public static final String APP_ID = "1234567890123456789";
  public static final String SECRET = "zalo-oa-secret-for-tests";
  /** channels.md §1.2, 302 bytes of UTF-8, no trailing newline. */
  public static final String VECTOR_BODY = "{\"app_id\":\"1234567890123456789\",\"user_id_by_app\":\"5521772797175877301\","
      + "\"event_name\":\"user_send_text\",\"timestamp\":\"1735689600000\",\"sender\":{\"id\":\"2468458835296197922\"},"
      + "\"recipient\":{\"id\":\"3886132808788086451\"},\"message\":{\"msg_id\":\"96d3cdf3af150460909a\",\"text\":\"Đường ngập nước ở phường 5\"}}";
  public static final String VECTOR_MAC = "48c84d97880a1822b2052b8575909006816b806abe66d612a138bdb740470209";

  public static String event(String name, String sender, String msgId, long ts, JsonObject message) {
    JsonObject e = new JsonObject().put("app_id", APP_ID).put("user_id_by_app", "5521772797175877301").put("event_name", name)
        .put("timestamp", String.valueOf(ts)).put("sender", new JsonObject().put("id", sender))
        .put("recipient", new JsonObject().put("id", "3886132808788086451"));
    if (message != null) {
      e.put("message", message.copy().put("msg_id", msgId));
    }
    return e.encode();
  }

  public static String text(String sender, String msgId, long ts, String text) {
    return event("user_send_text", sender, msgId, ts, new JsonObject().put("text", text));
  }

  public static String attachment(String name, String sender, String msgId, String type, JsonObject payload) {
    return event(name, sender, msgId, 1735689601000L,
        new JsonObject().put("attachments", new JsonArray().add(new JsonObject().put("type", type).put("payload", payload))));
  }

  /** The header value Zalo sends: mac=sha256(app_id + body + timestamp + OA secret). */
  public static String mac(String body, String timestamp) {
    return "mac=" + Signatures.toHex(Signatures.sha256(APP_ID.getBytes(StandardCharsets.UTF_8), body.getBytes(StandardCharsets.UTF_8),
        timestamp.getBytes(StandardCharsets.UTF_8), SECRET.getBytes(StandardCharsets.UTF_8)));
  }

  public static String mac(String body) {
    return mac(body, new JsonObject(body).getString("timestamp"));
  }
}
