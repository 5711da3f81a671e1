package org.hotline1022.gateway.agent;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Open agent WebSockets of the process by role, for {@code hotline_agent_sessions{role}}. An agent
 * holding several roles counts once, under the widest ({@link #ROLE_ORDER}). Thread-safe: every
 * HTTP event loop opens and closes sessions.
 */
public final class SessionCounts {
  /** Widest first: an agent is counted under the first of these it holds. */
  public static final List<String> ROLE_ORDER = List.of("admin", "supervisor", "operator", "officer");

  private final Map<String, AtomicInteger> byRole =
      ROLE_ORDER.stream().collect(Collectors.toUnmodifiableMap(r -> r, r -> new AtomicInteger()));

  /** The role an agent's session is counted under. */
  public static String role(Agent agent) {
    return ROLE_ORDER.stream().filter(agent.roles()::contains).findFirst().orElse("officer");
  }

  void opened(Agent agent) {
    byRole.get(role(agent)).incrementAndGet();
  }

  void closed(Agent agent) {
    byRole.get(role(agent)).decrementAndGet();
  }

  /** Open sessions held under {@code role} (one of {@link #ROLE_ORDER}). */
  public int get(String role) {
    return byRole.get(role).get();
  }

  public int total() {
    return byRole.values().stream().mapToInt(AtomicInteger::get).sum();
  }
}
