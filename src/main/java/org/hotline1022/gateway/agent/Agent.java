package org.hotline1022.gateway.agent;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Set;

/**
 * A signed-in agent, from the token's claims. Operators, supervisors and admins see every
 * inquiry; an officer only those of their department.
 *
 * @param expiresAt when the gateway stops accepting the token ({@code exp} plus the allowed clock
 *     skew); a live socket is closed then (null: the token has none)
 */
public record Agent(String sub, String name, Set<String> roles, String department, Instant expiresAt) {
  public static final Set<String> ROLES = Set.of("operator", "officer", "supervisor", "admin");

  /** An agent whose token does not expire (e.g. one being minted a token). */
  public Agent(String sub, String name, Set<String> roles, String department) {
    this(sub, name, roles, department, null);
  }

  public boolean seesAll() {
    return roles.contains("operator") || roles.contains("supervisor") || roles.contains("admin");
  }

  /** The department an officer is confined to; null for agents who see everything. */
  public String scopeDepartment() {
    return seesAll() ? null : department;
  }

  /** True for an event or inquiry of {@code department} (or one just transferred away from it). */
  public boolean sees(String department, String previousDepartment) {
    return seesAll() || (this.department != null && (this.department.equals(department) || this.department.equals(previousDepartment)));
  }

  public JsonObject toJson() {
    return new JsonObject().put("sub", sub).put("name", name).put("roles", new JsonArray(roles.stream().sorted().toList()))
        .put("department", department);
  }
}
