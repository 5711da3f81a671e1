package org.hotline1022.gateway.agent;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.text.Normalizer;
import java.util.Set;
import org.hotline1022.gateway.inquiry.Priority;
import org.hotline1022.gateway.inquiry.Routing;
import org.hotline1022.gateway.inquiry.Topic;
import org.hotline1022.gateway.inquiry.TrackingCodes;
import org.hotline1022.gateway.reply.OutboxSignals;
import org.hotline1022.gateway.store.AgentStore;
import org.hotline1022.gateway.store.CommandException;

/**
 * The commands agents send over the WebSocket or REST: validated here (codes, departments, topics,
 * text limits), then run atomically by the store. After a reply commits, the outbox dispatcher is
 * woken so delivery starts at once.
 */
public final class AgentCommands {
  public static final Set<String> OPS = Set.of("claim", "reply", "transfer", "note", "update", "close", "callback");
  /** Outcomes of a {@code callback} attempt. */
  public static final Set<String> CALLBACK_OUTCOMES = Set.of("reached", "no_answer", "busy", "wrong_number");
  private static final int MAX_TEXT = 10_000;

  private final Vertx vertx;
  private final AgentStore store;
  private final Routing routing;

  public AgentCommands(Vertx vertx, AgentStore store, Routing routing) {
    this.vertx = vertx;
    this.store = store;
    this.routing = routing;
  }

  /** Runs {@code op} on the inquiry {@code trackingCode}; fails with {@link CommandException}. */
  public Future<JsonObject> run(Agent agent, String op, String trackingCode, JsonObject body) {
    JsonObject args;
    String code;
    try {
      if (!OPS.contains(op)) {
        throw new CommandException("unknown_op", "unknown op: " + op);
      }
      code = TrackingCodes.canonical(trackingCode).orElseThrow(() -> new CommandException("not_found", "no such inquiry"));
      args = arguments(op, body == null ? new JsonObject() : body);
    } catch (CommandException e) {
      return Future.failedFuture(e);
    }
    return store.command(op, code, agent.sub(), agent.scopeDepartment(), args)
        .onSuccess(result -> {
          if (op.equals("reply")) {
            vertx.eventBus().publish(OutboxSignals.WAKE, null);
          }
        });
  }

  private JsonObject arguments(String op, JsonObject body) {
    JsonObject args = new JsonObject();
    switch (op) {
      case "reply", "note" -> args.put("text", text(body, "text", true));
      case "transfer" -> {
        args.put("department", department(string(body, "department"), true));
        putIfPresent(args, "reason", text(body, "reason", false));
      }
      case "update" -> {
        String topic = string(body, "topic");
        String priority = string(body, "priority");
        String department = string(body, "department");
        if (topic == null && priority == null && department == null) {
          throw new CommandException("bad_request", "give topic, priority or department");
        }
        putIfPresent(args, "topic", topic == null ? null : parse(() -> Topic.of(topic).code(), "topic"));
        putIfPresent(args, "priority", priority == null ? null : parse(() -> Priority.of(priority).code(), "priority"));
        putIfPresent(args, "department", department(department, false));
      }
      case "close" -> putIfPresent(args, "resolution", text(body, "resolution", false));
      case "callback" -> {
        String outcome = string(body, "outcome");
        if (outcome == null || !CALLBACK_OUTCOMES.contains(outcome)) {
          throw new CommandException("bad_request", "outcome must be reached, no_answer, busy or wrong_number");
        }
        args.put("outcome", outcome);
        putIfPresent(args, "note", text(body, "note", false));
      }
      default -> { }
    }
    return args;
  }

  private String department(String code, boolean required) {
    if (code == null) {
      if (required) {
        throw new CommandException("bad_request", "department is required");
      }
      return null;
    }
    if (!routing.isDepartment(code)) {
      throw new CommandException("bad_request", "unknown department " + code);
    }
    return code;
  }

  private static String string(JsonObject body, String key) {
    Object v = body.getValue(key);
    if (v != null && !(v instanceof String)) {
      throw new CommandException("bad_request", key + " must be a string");
    }
    String s = (String) v;
    return s == null || s.isBlank() ? null : s.strip();
  }

  private static String text(JsonObject body, String key, boolean required) {
    String s = string(body, key);
    if (s == null) {
      if (required) {
        throw new CommandException("bad_request", key + " is required");
      }
      return null;
    }
    s = Normalizer.normalize(s.replace("\u0000", ""), Normalizer.Form.NFC);
    if (s.codePointCount(0, s.length()) > MAX_TEXT) {
      throw new CommandException("bad_request", key + " is longer than " + MAX_TEXT + " characters");
    }
    return s;
  }

  private static String parse(java.util.function.Supplier<String> parser, String key) {
    try {
      return parser.get();
    } catch (IllegalArgumentException e) {
      throw new CommandException("bad_request", "unknown " + key);
    }
  }

  private static void putIfPresent(JsonObject o, String key, String value) {
    if (value != null) {
      o.put(key, value);
    }
  }
}
