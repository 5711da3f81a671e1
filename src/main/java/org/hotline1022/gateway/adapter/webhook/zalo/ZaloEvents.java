package org.hotline1022.gateway.adapter.webhook.zalo;

import static org.hotline1022.gateway.adapter.webhook.JsonFields.arr;
import static org.hotline1022.gateway.adapter.webhook.JsonFields.obj;
import static org.hotline1022.gateway.adapter.webhook.JsonFields.str;
import static org.hotline1022.gateway.adapter.webhook.JsonFields.time;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hotline1022.gateway.adapter.webhook.Delivery;
import org.hotline1022.gateway.adapter.webhook.JsonFields;
import org.hotline1022.gateway.inquiry.Attachment;
import org.hotline1022.gateway.inquiry.Channel;
import org.hotline1022.gateway.inquiry.Contact;
import org.hotline1022.gateway.inquiry.Inbound;

/**
 * One Zalo OA event per request (channels.md §1.3). Citizens' messages ({@code user_send_*},
 * {@code anonymous_send_*}) become inbounds. Follow/unfollow carry no words from the citizen, so
 * they open no inquiry: counted, not stored. OA echoes and receipts are counted and dropped.
 */
final class ZaloEvents {
  private ZaloEvents() {}

  static Delivery parse(Buffer rawBody, Instant receivedAt) {
    JsonObject e = JsonFields.object(rawBody);
    String name = str(e, "event_name");
    if (name == null) {
      return ignored("unknown");
    }
    if (name.equals("follow") || name.equals("unfollow")) {
      return ignored(name);
    }
    if (name.startsWith("oa_send_")) {
      return ignored("echo");
    }
    if (name.equals("user_received_message")) {
      return ignored("delivery");
    }
    if (name.equals("user_seen_message")) {
      return ignored("read");
    }
    if (!name.startsWith("user_send_") && !name.startsWith("anonymous_send_")) {
      return ignored("unknown");
    }
    JsonObject message = obj(e, "message");
    String msgId = str(message, "msg_id");
    String sender = str(obj(e, "sender"), "id");
    if (msgId == null || sender == null) {
      return ignored("unknown");
    }
    Map<String, String> facts = new HashMap<>();
    facts.put("event_name", name);
    putIfPresent(facts, "oa_id", str(obj(e, "recipient"), "id"));
    putIfPresent(facts, "user_id_by_app", str(e, "user_id_by_app"));
    putIfPresent(facts, "quote_msg_id", str(message, "quote_msg_id"));
    putIfPresent(facts, "conversation_id", str(message, "conversation_id"));
    String text = message.getValue("text") instanceof String s ? s : "";
    Inbound in = new Inbound(Channel.ZALO, msgId, time(e, "timestamp", receivedAt), Contact.of(sender, null), sender, false,
        null, null, text, attachments(message, facts), rawBody.toString(StandardCharsets.UTF_8), facts);
    return new Delivery(List.of(in), List.of());
  }

  private static List<Attachment> attachments(JsonObject message, Map<String, String> facts) {
    List<Attachment> out = new ArrayList<>();
    for (Object a : arr(message, "attachments")) {
      if (!(a instanceof JsonObject o)) {
        continue;
      }
      String type = str(o, "type") == null ? "file" : str(o, "type");
      JsonObject p = obj(o, "payload");
      switch (type) {
        case "location" -> {
          JsonObject c = obj(p, "coordinates");
          String lat = str(c, "latitude");
          String lng = str(c, "longitude");
          if (lat != null && lng != null) {
            facts.put("latitude", lat);
            facts.put("longitude", lng);
            out.add(new Attachment("location", "location", null, "geo:" + lat + "," + lng));
          }
        }
        case "file" -> out.add(new Attachment(str(p, "name") == null ? "file" : str(p, "name"), str(p, "type"), size(str(p, "size")),
            str(p, "url")));
        case "sticker" -> {
          putIfPresent(facts, "sticker_id", str(p, "id"));
          out.add(new Attachment("sticker", "sticker", null, str(p, "url")));
        }
        default -> out.add(new Attachment(type, type, null, str(p, "url")));
      }
    }
    return out;
  }

  private static Long size(String s) {
    try {
      return s == null ? null : Long.valueOf(s.strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Delivery ignored(String kind) {
    return new Delivery(List.of(), List.of(kind));
  }

  private static void putIfPresent(Map<String, String> m, String key, String value) {
    if (value != null) {
      m.put(key, value);
    }
  }
}
