package org.hotline1022.gateway.adapter.webhook.facebook;

import static org.hotline1022.gateway.adapter.webhook.JsonFields.arr;
import static org.hotline1022.gateway.adapter.webhook.JsonFields.obj;
import static org.hotline1022.gateway.adapter.webhook.JsonFields.str;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hotline1022.gateway.adapter.webhook.JsonFields;
import org.hotline1022.gateway.adapter.webhook.MalformedPayload;
import org.hotline1022.gateway.inquiry.Attachment;
import org.hotline1022.gateway.inquiry.Channel;
import org.hotline1022.gateway.inquiry.Contact;
import org.hotline1022.gateway.inquiry.Inbound;

/**
 * Graph read answers for reconciliation: {@code /{page-id}/conversations} with its nested
 * {@code messages} edge, and {@code /{conversation-id}/messages}. Both are {@code {data: [...],
 * paging: {cursors: {before, after}, next?}}}; newest first. A message becomes the same inbound as
 * its webhook: external id = the message {@code id} (the webhook's {@code mid}), contact and thread
 * key = the sender's PSID. Messages from the Page itself (its replies, Page Inbox answers) and items
 * missing an id, a sender or a readable time are skipped.
 */
final class FacebookReadPayloads {
  private FacebookReadPayloads() {}

  /** Graph's {@code 2026-11-29T10:00:00+0000}; ISO offsets are accepted too. */
  private static final DateTimeFormatter GRAPH_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssZ");

  /** One page of a Graph edge: its items and the cursor of the next page (null: the last one). */
  record Page<T>(List<T> items, String after) {}

  /** A conversation and the first page of its messages. */
  record Conversation(String id, Instant updated, Page<Message> messages) {}

  /** A message of a conversation or a comment; {@code inbound} is null when it is the Page's own. */
  record Message(Instant createdAt, Inbound inbound) {}

  /** A Page feed post and the first page of its comments (every level: {@code filter(stream)}). */
  record Post(String id, Instant updated, String permalink, Page<Message> comments) {}

  static Page<Conversation> conversations(JsonObject root, String pageId) {
    List<Conversation> out = new ArrayList<>();
    for (Object item : data(root)) {
      if (item instanceof JsonObject c && str(c, "id") != null) {
        Instant updated = time(str(c, "updated_time"));
        JsonObject messages = obj(c, "messages");
        out.add(new Conversation(str(c, "id"), updated == null ? Instant.EPOCH : updated,
            messages == null ? new Page<>(List.of(), null) : messages(messages, pageId)));
      }
    }
    return new Page<>(out, after(root));
  }

  static Page<Message> messages(JsonObject root, String pageId) {
    List<Message> out = new ArrayList<>();
    for (Object item : data(root)) {
      Message m = item instanceof JsonObject o ? message(o, pageId) : null;
      if (m != null) {
        out.add(m);
      }
    }
    return new Page<>(out, after(root));
  }

  static Page<Post> posts(JsonObject root, String pageId) {
    List<Post> out = new ArrayList<>();
    for (Object item : data(root)) {
      if (item instanceof JsonObject p && str(p, "id") != null) {
        Instant updated = time(str(p, "updated_time"));
        String permalink = str(p, "permalink_url");
        JsonObject comments = obj(p, "comments");
        out.add(new Post(str(p, "id"), updated == null ? Instant.EPOCH : updated, permalink,
            comments == null ? new Page<>(List.of(), null) : comments(comments, pageId, str(p, "id"), permalink)));
      }
    }
    return new Page<>(out, after(root));
  }

  /**
   * Comments of a post as the webhook's feed {@code comment}/{@code add} makes them: external id =
   * comment {@code id} ({@code <post>_<comment>}, the webhook's {@code comment_id}), contact and
   * thread key = {@code from.id}; the Page's own comments are skipped.
   */
  static Page<Message> comments(JsonObject root, String pageId, String postId, String permalink) {
    List<Message> out = new ArrayList<>();
    for (Object item : data(root)) {
      Message m = item instanceof JsonObject o ? comment(o, pageId, postId, permalink) : null;
      if (m != null) {
        out.add(m);
      }
    }
    return new Page<>(out, after(root));
  }

  private static Message comment(JsonObject c, String pageId, String postId, String permalink) {
    String id = str(c, "id");
    String from = str(obj(c, "from"), "id");
    Instant at = time(str(c, "created_time"));
    if (id == null || from == null || at == null) {
      return null; // without from (a missing permission), the comment cannot be threaded to its author
    }
    if (from.equals(pageId)) {
      return new Message(at, null);
    }
    Map<String, String> facts = new HashMap<>();
    facts.put("kind", "comment");
    facts.put("page_id", pageId);
    facts.put("post_id", postId);
    facts.put("parent_id", str(obj(c, "parent"), "id") != null ? str(obj(c, "parent"), "id") : postId);
    facts.put("recovered", "reconcile");
    if (permalink != null) {
      facts.put("permalink_url", permalink);
    }
    List<Attachment> media = new ArrayList<>();
    JsonObject attachment = obj(c, "attachment");
    String type = str(attachment, "type");
    if (type != null && type.contains("video")) {
      media.add(new Attachment("video", "video", null, str(attachment, "url")));
    } else if (str(obj(obj(attachment, "media"), "image"), "src") != null) {
      media.add(new Attachment("photo", "image", null, str(obj(obj(attachment, "media"), "image"), "src")));
    }
    String text = c.getValue("message") instanceof String s ? s : "";
    return new Message(at, new Inbound(Channel.FACEBOOK, id, at, Contact.of(from, str(obj(c, "from"), "name")), from, false, null, null,
        text, media, c.encode(), facts));
  }

  private static JsonArray data(JsonObject root) {
    if (!(root.getValue("data") instanceof JsonArray data)) {
      throw new MalformedPayload("no data array");
    }
    return data;
  }

  /** Graph omits {@code paging.next} on the last page; a cursor alone does not mean more. */
  private static String after(JsonObject root) {
    JsonObject paging = obj(root, "paging");
    return str(paging, "next") == null ? null : str(obj(paging, "cursors"), "after");
  }

  private static Message message(JsonObject m, String pageId) {
    String id = str(m, "id");
    String from = str(obj(m, "from"), "id");
    Instant at = time(str(m, "created_time"));
    if (id == null || from == null || at == null) {
      return null;
    }
    if (from.equals(pageId)) {
      return new Message(at, null);
    }
    Map<String, String> facts = new HashMap<>();
    facts.put("kind", "message");
    facts.put("page_id", pageId);
    facts.put("recovered", "reconcile");
    String text = m.getValue("message") instanceof String s ? s : "";
    return new Message(at, new Inbound(Channel.FACEBOOK, id, at, Contact.of(from, str(obj(m, "from"), "name")), from, false, null, null,
        text, attachments(arr(obj(m, "attachments"), "data")), m.encode(), facts));
  }

  private static List<Attachment> attachments(JsonArray items) {
    List<Attachment> out = new ArrayList<>();
    for (Object a : items) {
      if (a instanceof JsonObject o) {
        String type = str(o, "mime_type");
        String url = str(obj(o, "image_data"), "url") != null ? str(obj(o, "image_data"), "url")
            : str(obj(o, "video_data"), "url") != null ? str(obj(o, "video_data"), "url") : str(o, "file_url");
        String name = str(o, "name") == null ? (type == null ? "file" : type) : str(o, "name");
        Long size = o.getValue("size") instanceof Number n ? n.longValue() : null;
        out.add(new Attachment(name, type, size, url));
      }
    }
    return out;
  }

  static Instant time(String s) {
    if (s == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(s, GRAPH_TIME).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(s).toInstant();
      } catch (DateTimeParseException e2) {
        Instant epoch = JsonFields.time(new JsonObject().put("t", s), "t", null);
        return epoch;
      }
    }
  }
}
