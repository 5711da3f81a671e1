package org.hotline1022.gateway.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.hotline1022.gateway.inquiry.Attachment;
import org.hotline1022.gateway.inquiry.Inbound;
import org.hotline1022.gateway.inquiry.TrackingCodes;
import org.hotline1022.gateway.intake.Submission;

/** Turns a batch of submissions into the jsonb argument of {@code hotline_ingest}. */
final class SubmissionEncoder {
  private SubmissionEncoder() {}

  static JsonArray encode(List<? extends Submission> batch) {
    JsonArray items = new JsonArray();
    for (int i = 0; i < batch.size(); i++) {
      items.add(encode(i, batch.get(i)));
    }
    return items;
  }

  private static JsonObject encode(int idx, Submission s) {
    Inbound in = s.inbound();
    JsonObject item = new JsonObject()
        .put("idx", idx)
        .put("channel", in.channel().tag())
        .put("external_id", clean(in.externalId()))
        .put("received_at", in.receivedAt().toString())
        .put("address", clean(in.contact().address()))
        .put("display_name", clean(in.contact().displayName()))
        .put("phone", clean(in.contact().phone()))
        .put("email", clean(in.contact().email()))
        .put("thread_key", clean(in.threadKey()))
        .put("new_thread", in.newThread() || s.threadingWindow().isZero())
        .put("window_seconds", s.threadingWindow().toSeconds())
        .put("district", clean(in.district()))
        .put("subject", clean(in.subject()))
        .put("body", clean(in.text()))
        .put("raw", clean(in.raw()))
        .put("topic", s.topic().code())
        .put("priority", s.priority().code())
        .put("department", s.department())
        .put("due_at", s.dueAt().toString())
        // drawn here, at each write attempt: a retry after a (1 in 10^12) collision draws again
        .put("tracking_code", TrackingCodes.random());
    if (!in.attachments().isEmpty()) {
      JsonArray attachments = new JsonArray();
      for (Attachment a : in.attachments()) {
        attachments.add(new JsonObject().put("name", clean(a.name())).put("contentType", clean(a.contentType()))
            .put("size", a.size()).put("url", clean(a.url())));
      }
      item.put("attachments", attachments);
    }
    if (!in.facts().isEmpty()) {
      JsonObject facts = new JsonObject();
      in.facts().forEach((k, v) -> facts.put(clean(k), clean(v)));
      item.put("facts", facts);
    }
    return item;
  }

  /**
   * Postgres text and jsonb refuse U+0000, and an unpaired surrogate cannot be encoded as UTF-8:
   * either would fail a whole batch, so they are replaced here (NUL dropped, surrogate → U+FFFD).
   */
  static String clean(String s) {
    if (s == null) {
      return null;
    }
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (c == 0 || Character.isSurrogate(c)) {
        break;
      }
      i++;
    }
    if (i == n) {
      return s;
    }
    StringBuilder sb = new StringBuilder(n).append(s, 0, i);
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c == 0) {
        continue;
      }
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        sb.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        sb.append('\uFFFD');
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
