package org.hotline1022.gateway.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import org.hotline1022.gateway.inquiry.CallSignal;
import org.hotline1022.gateway.inquiry.TrackingCodes;
import org.hotline1022.gateway.intake.CallSubmission;

/** Turns a batch of call submissions into the jsonb argument of {@code hotline_call_signals}. */
final class CallSignalEncoder {
  private CallSignalEncoder() {}

  static JsonArray encode(List<CallSubmission> batch) {
    JsonArray items = new JsonArray();
    for (int i = 0; i < batch.size(); i++) {
      items.add(encode(i, batch.get(i)));
    }
    return items;
  }

  private static JsonObject encode(int idx, CallSubmission s) {
    CallSignal c = s.signal();
    JsonObject item = new JsonObject()
        .put("idx", idx)
        .put("call_id", SubmissionEncoder.clean(c.callId()))
        .put("step", c.step().name().toLowerCase(Locale.ROOT))
        .put("at", c.at().toString())
        .put("caller", s.caller())
        .put("caller_name", SubmissionEncoder.clean(c.callerName()))
        .put("callee", SubmissionEncoder.clean(c.callee()))
        .put("cause", c.cause() == null ? null : c.cause().tag())
        .put("source", c.source().name().toLowerCase(Locale.ROOT))
        .put("agent", SubmissionEncoder.clean(c.agent()))
        .put("flagged", "true".equalsIgnoreCase(c.facts().get("flagged")))
        .put("topic", s.topic())
        .put("priority", s.priority())
        .put("department", s.department())
        .put("due_at", s.dueAt().toString())
        // drawn at each write attempt: a retry after a (1 in 10^12) collision draws again
        .put("tracking_code", TrackingCodes.random());
    if (!c.facts().isEmpty()) {
      JsonObject facts = new JsonObject();
      c.facts().forEach((k, v) -> facts.put(SubmissionEncoder.clean(k), SubmissionEncoder.clean(v)));
      item.put("facts", facts);
    }
    return item;
  }
}
