package org.hotline1022.gateway.agent;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;
import org.hotline1022.gateway.store.CommandException;
import org.hotline1022.gateway.stream.FeedEvent;

/** A session's filters; an empty set lets everything through. Scope is checked separately. */
record Subscription(Set<String> topics, Set<String> departments, Set<String> statuses, Set<String> priorities) {
  static final Subscription ALL = new Subscription(Set.of(), Set.of(), Set.of(), Set.of());

  static Subscription of(JsonObject cmd) {
    return new Subscription(set(cmd, "topics"), set(cmd, "departments"), set(cmd, "statuses"), set(cmd, "priorities"));
  }

  private static Set<String> set(JsonObject cmd, String key) {
    Object v = cmd.getValue(key);
    if (v == null) {
      return Set.of();
    }
    if (!(v instanceof JsonArray arr) || arr.size() > 100) {
      throw new CommandException("bad_request", key + " must be an array of strings");
    }
    Set<String> out = new HashSet<>();
    for (Object o : arr) {
      if (!(o instanceof String s)) {
        throw new CommandException("bad_request", key + " must be an array of strings");
      }
      out.add(s);
    }
    return Set.copyOf(out);
  }

  /** No filter: every event matches. */
  boolean all() {
    return topics.isEmpty() && departments.isEmpty() && statuses.isEmpty() && priorities.isEmpty();
  }

  boolean matches(FeedEvent e) {
    return (topics.isEmpty() || e.topic() == null || topics.contains(e.topic()))
        && (departments.isEmpty() || e.department() == null || departments.contains(e.department())
            || (e.previousDepartment() != null && departments.contains(e.previousDepartment())))
        && (statuses.isEmpty() || e.status() == null || statuses.contains(e.status()))
        && (priorities.isEmpty() || e.priority() == null || priorities.contains(e.priority()));
  }
}
