package org.hotline1022.gateway.adapter.webhook.zalo;

import static org.hotline1022.gateway.adapter.webhook.JsonFields.arr;
import static org.hotline1022.gateway.adapter.webhook.JsonFields.str;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.hotline1022.gateway.adapter.webhook.JsonFields;
import org.hotline1022.gateway.adapter.webhook.MalformedPayload;
import org.hotline1022.gateway.inquiry.Attachment;
import org.hotline1022.gateway.inquiry.Channel;
import org.hotline1022.gateway.inquiry.Contact;
import org.hotline1022.gateway.inquiry.Inbound;

/**
 * Zalo OA v2.0 read answers ({@code listrecentchat}, {@code conversation}): {@code {"error":0,
 * "message":"Success","data":[{src, time, type, message, message_id, from_id, to_id, ...}]}},
 * newest first, at most 10 per request. {@code src} 1 is the user writing to the OA, 0 the OA
 * writing; without {@code src}, the OA id decides (see {@link #inferOa}). A user's message becomes the same inbound as its webhook event: external id =
 * {@code message_id} (the webhook's {@code msg_id}), contact and thread key = {@code from_id}.
 */
final class ZaloReadPayloads {
  private ZaloReadPayloads() {}

  /** One item: who the OA talked with, when, and the inbound when the user wrote it (else null). */
  record Item(String userId, Instant time, Inbound inbound) {}

  /**
   * The items of a successful answer; {@link MalformedPayload} when there is no data array.
   *
   * @param oaId the OA's id when configured, else null
   * @param user the user whose conversation this is ({@code conversation}), null for {@code listrecentchat}
   */
  static List<Item> items(JsonObject root, String oaId, String user) {
    if (!(root.getValue("data") instanceof JsonArray data)) {
      throw new MalformedPayload("no data array");
    }
    String oa = oaId != null ? oaId : inferOa(data);
    List<Item> out = new ArrayList<>();
    for (Object o : data) {
      Item item = o instanceof JsonObject j ? item(j, oa, user) : null;
      if (item != null) {
        out.add(item);
      }
    }
    return out;
  }

  /**
   * The documented rows carry {@code src}; rows seen live in 2026 do not (a public integration's
   * note), so the direction comes from the OA id: configured, or the one id that is in every row.
   */
  static String inferOa(JsonArray data) {
    Set<String> common = null;
    for (Object o : data) {
      if (o instanceof JsonObject j && str(j, "from_id") != null && str(j, "to_id") != null) {
        Set<String> ids = new HashSet<>(List.of(str(j, "from_id"), str(j, "to_id")));
        if (common == null) {
          common = ids;
        } else {
          common.retainAll(ids);
        }
      }
    }
    return common != null && common.size() == 1 ? common.iterator().next() : null;
  }

  /** "1": the user wrote, "0": the OA wrote, null: cannot tell (the row is skipped). */
  private static String direction(JsonObject m, String from, String to, String oa, String user) {
    String src = str(m, "src");
    if ("0".equals(src) || "1".equals(src)) {
      return src;
    }
    if (src != null) {
      return null;
    }
    if (oa != null) {
      return oa.equals(from) ? "0" : oa.equals(to) ? "1" : null;
    }
    if (user != null) {
      return user.equals(from) ? "1" : user.equals(to) ? "0" : null;
    }
    return null;
  }

  private static Item item(JsonObject m, String oa, String user) {
    String from = str(m, "from_id");
    String to = str(m, "to_id");
    Instant at = JsonFields.time(m, "time", null);
    String src = at == null || from == null || to == null ? null : direction(m, from, to, oa, user);
    if (src == null) {
      return null;
    }
    if ("0".equals(src)) {
      return new Item(to, at, null); // the OA's own message: shows the conversation, is not an inquiry
    }
    String id = str(m, "message_id");
    if (id == null) {
      return null;
    }
    String type = str(m, "type") == null ? "text" : str(m, "type").toLowerCase(Locale.ROOT);
    Map<String, String> facts = new HashMap<>();
    facts.put("event_name", eventName(type));
    facts.put("oa_id", to);
    facts.put("recovered", "reconcile");
    List<Attachment> attachments = new ArrayList<>();
    String url = str(m, "url");
    switch (type) {
      case "photo", "image" -> attachments.add(new Attachment("image", "image", null, url == null ? str(m, "thumb") : url));
      case "gif" -> attachments.add(new Attachment("gif", "gif", null, url == null ? str(m, "thumb") : url));
      case "voice" -> attachments.add(new Attachment("audio", "audio", null, url));
      case "file" -> attachments.add(new Attachment("file", null, null, url));
      case "sticker" -> attachments.add(new Attachment("sticker", "sticker", null, url));
      case "link", "links" -> {
        for (Object link : arr(m, "links")) {
          if (link instanceof String s) {
            attachments.add(new Attachment("link", "link", null, s));
          }
        }
      }
      case "location" -> {
        if (str(m, "location") != null) {
          facts.put("location", str(m, "location"));
        }
      }
      default -> { }
    }
    boolean hasText = type.equals("text") || type.equals("link") || type.equals("links") || type.equals("photo");
    String text = hasText && m.getValue("message") instanceof String s ? s : "";
    return new Item(from, at, new Inbound(Channel.ZALO, id, at, Contact.of(from, str(m, "from_display_name")), from, false, null, null,
        text, attachments, m.encode(), facts));
  }

  /** The webhook event name of the same message, so both paths store the same facts. */
  static String eventName(String type) {
    return switch (type) {
      case "text" -> "user_send_text";
      case "photo", "image" -> "user_send_image";
      case "file" -> "user_send_file";
      case "gif" -> "user_send_gif";
      case "voice" -> "user_send_audio";
      case "sticker" -> "user_send_sticker";
      case "location" -> "user_send_location";
      case "link", "links" -> "user_send_link";
      default -> type.matches("[a-z_]{1,20}") ? "user_send_" + type : "user_send_unknown";
    };
  }
}
