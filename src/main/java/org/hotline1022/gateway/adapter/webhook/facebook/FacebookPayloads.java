package org.hotline1022.gateway.adapter.webhook.facebook;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hotline1022.gateway.adapter.webhook.Delivery;
import org.hotline1022.gateway.adapter.webhook.MalformedPayload;
import org.hotline1022.gateway.inquiry.Attachment;
import org.hotline1022.gateway.inquiry.Channel;
import org.hotline1022.gateway.inquiry.Contact;
import org.hotline1022.gateway.inquiry.Inbound;

import static org.hotline1022.gateway.adapter.webhook.JsonFields.arr;
import static org.hotline1022.gateway.adapter.webhook.JsonFields.obj;
import static org.hotline1022.gateway.adapter.webhook.JsonFields.str;
import static org.hotline1022.gateway.adapter.webhook.JsonFields.time;

/**
 * The {@code {"object":"page","entry":[...]}} envelope (channels.md §2.3–2.5): every entry, every
 * {@code messaging}/{@code standby} item, every feed change. Only citizens' messages, postbacks and
 * comments become inbounds; echoes, receipts and the Page's own comments are counted and dropped.
 * Each inbound keeps its own event object as its raw audit copy, not the whole batch.
 */
final class FacebookPayloads {
  private FacebookPayloads() {}

  static Delivery parse(Buffer rawBody, Instant receivedAt) {
    JsonObject root = org.hotline1022.gateway.adapter.webhook.JsonFields.object(rawBody);
    if (!(root.getValue("entry") instanceof JsonArray entries)) {
      throw new MalformedPayload("no entry array");
    }
    List<Inbound> inbounds = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    if (!"page".equals(root.getValue("object"))) {
      ignored.add("unknown");
      return new Delivery(inbounds, ignored);
    }
    for (Object e : entries) {
      if (!(e instanceof JsonObject entry)) {
        ignored.add("unknown");
        continue;
      }
      String pageId = str(entry, "id");
      // standby: another app owns the thread (handover protocol), but the citizen still wrote to us
      for (String key : List.of("messaging", "standby")) {
        for (Object item : arr(entry, key)) {
          messaging(item instanceof JsonObject o ? o : null, pageId, receivedAt, inbounds, ignored);
        }
      }
      for (Object change : arr(entry, "changes")) {
        change(change instanceof JsonObject o ? o : null, pageId, receivedAt, inbounds, ignored);
      }
    }
    return new Delivery(inbounds, ignored);
  }

  private static void messaging(JsonObject item, String pageId, Instant receivedAt, List<Inbound> out, List<String> ignored) {
    String psid = str(obj(item, "sender"), "id");
    Instant at = time(item, "timestamp", receivedAt);
    JsonObject message = obj(item, "message");
    JsonObject postback = obj(item, "postback");
    if (message != null && Boolean.TRUE.equals(message.getValue("is_echo"))) {
      ignored.add("echo"); // the Page's own outbound message (ours, or typed in the Page Inbox)
    } else if (message != null && psid != null && str(message, "mid") != null) {
      Map<String, String> facts = facts("message", pageId);
      putIfPresent(facts, "quick_reply_payload", str(obj(message, "quick_reply"), "payload"));
      putIfPresent(facts, "reply_to", str(obj(message, "reply_to"), "mid"));
      out.add(inbound(str(message, "mid"), psid, null, at, text(message, "text"), attachments(arr(message, "attachments")),
          item, facts));
    } else if (postback != null && psid != null) {
      // before Graph v11.0 a postback had no mid: the sender and the time identify the tap
      String mid = str(postback, "mid") != null ? str(postback, "mid") : "postback:" + psid + ":" + at.toEpochMilli();
      Map<String, String> facts = facts("postback", pageId);
      putIfPresent(facts, "postback_payload", str(postback, "payload"));
      out.add(inbound(mid, psid, null, at, text(postback, "title"), List.of(), item, facts));
    } else if (item != null && item.containsKey("delivery")) {
      ignored.add("delivery");
    } else if (item != null && item.containsKey("read")) {
      ignored.add("read");
    } else {
      ignored.add("unknown");
    }
  }

  private static void change(JsonObject change, String pageId, Instant receivedAt, List<Inbound> out, List<String> ignored) {
    JsonObject v = obj(change, "value");
    if (change == null || !"feed".equals(change.getValue("field")) || v == null || !"comment".equals(v.getValue("item"))) {
      ignored.add("unknown");
      return;
    }
    String commentId = str(v, "comment_id");
    JsonObject from = obj(v, "from");
    String fromId = str(from, "id");
    if (!"add".equals(v.getValue("verb"))) {
      ignored.add("comment_change"); // edited/removed/hidden: the first text stays the record
    } else if (fromId != null && fromId.equals(pageId)) {
      ignored.add("echo"); // the Page (or an admin as the Page) commenting
    } else if (commentId == null || fromId == null) {
      ignored.add("unknown");
    } else {
      Map<String, String> facts = facts("comment", pageId);
      putIfPresent(facts, "post_id", str(v, "post_id"));
      putIfPresent(facts, "parent_id", str(v, "parent_id"));
      putIfPresent(facts, "permalink_url", str(obj(v, "post"), "permalink_url"));
      List<Attachment> media = new ArrayList<>();
      if (str(v, "photo") != null) {
        media.add(new Attachment("photo", "image", null, str(v, "photo")));
      }
      if (str(v, "video") != null) {
        media.add(new Attachment("video", "video", null, str(v, "video")));
      }
      out.add(inbound(commentId, fromId, str(from, "name"), time(v, "created_time", receivedAt), text(v, "message"), media,
          change, facts));
    }
  }

  private static Inbound inbound(String externalId, String sender, String name, Instant at, String text, List<Attachment> attachments,
      JsonObject event, Map<String, String> facts) {
    return new Inbound(Channel.FACEBOOK, externalId, at, Contact.of(sender, name), sender, false, null, null, text, attachments,
        event.encode(), facts);
  }

  private static List<Attachment> attachments(JsonArray items) {
    List<Attachment> out = new ArrayList<>();
    for (Object a : items) {
      if (a instanceof JsonObject o) {
        String type = str(o, "type") == null ? "file" : str(o, "type");
        JsonObject payload = obj(o, "payload");
        out.add(new Attachment(type, type, null, str(payload, "url")));
      }
    }
    return out;
  }

  private static String text(JsonObject o, String key) {
    return o.getValue(key) instanceof String s ? s : "";
  }

  private static Map<String, String> facts(String kind, String pageId) {
    Map<String, String> f = new HashMap<>();
    f.put("kind", kind);
    putIfPresent(f, "page_id", pageId);
    return f;
  }

  private static void putIfPresent(Map<String, String> m, String key, String value) {
    if (value != null) {
      m.put(key, value);
    }
  }
}
