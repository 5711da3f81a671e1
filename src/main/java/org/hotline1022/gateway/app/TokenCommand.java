package org.hotline1022.gateway.app;

import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import org.hotline1022.gateway.agent.Agent;
import org.hotline1022.gateway.agent.AgentAuth;
import org.hotline1022.gateway.agent.AuthKeys;
import org.hotline1022.gateway.config.GatewayConfig;

/**
 * {@code token --sub ID --role ROLE [--role ROLE] [--department CODE] [--name NAME] [--ttl 8h]}:
 * prints a token signed with the configured key (the same key the gateway verifies with).
 */
final class TokenCommand {
  private TokenCommand() {}

  static int run(String[] args, GatewayConfig config, PrintStream out, PrintStream err) {
    String sub = null;
    String name = null;
    String department = null;
    Set<String> roles = new LinkedHashSet<>();
    Duration ttl = Duration.ofHours(8);
    try {
      for (int i = 0; i < args.length; i++) {
        String value = i + 1 < args.length ? args[i + 1] : null;
        switch (args[i]) {
          case "--sub" -> sub = required(args[i], value);
          case "--name" -> name = required(args[i], value);
          case "--department" -> department = required(args[i], value);
          case "--role" -> roles.add(required(args[i], value));
          case "--ttl" -> ttl = parseTtl(required(args[i], value));
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
        i++;
      }
      if (sub == null || roles.isEmpty()) {
        throw new IllegalArgumentException("--sub and --role are required");
      }
      if (!Agent.ROLES.containsAll(roles)) {
        throw new IllegalArgumentException("roles are " + Agent.ROLES);
      }
      if (roles.equals(Set.of("officer")) && department == null) {
        throw new IllegalArgumentException("an officer needs --department");
      }
    } catch (IllegalArgumentException e) {
      err.println("token: " + e.getMessage());
      err.println("usage: token --sub ID --role operator|officer|supervisor|admin [--department CODE] [--name NAME] [--ttl 8h]");
      return 64;
    }
    AuthKeys keys = AuthKeys.resolve(config.auth(), config.dataDir(), config.db().embedded());
    Vertx vertx = Vertx.vertx();
    try {
      out.println(new AgentAuth(vertx, keys).mint(new Agent(sub, name == null ? sub : name, Set.copyOf(roles), department), ttl));
      return 0;
    } finally {
      vertx.close();
    }
  }

  private static String required(String option, String value) {
    if (value == null || value.startsWith("--")) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return value;
  }

  /** {@code 8h}, {@code 30m}, {@code 45s}, {@code 2d}, or ISO-8601 ({@code PT8H}). */
  static Duration parseTtl(String s) {
    try {
      if (s.startsWith("P") || s.startsWith("p")) {
        return Duration.parse(s);
      }
      long n = Long.parseLong(s.substring(0, s.length() - 1));
      return switch (Character.toLowerCase(s.charAt(s.length() - 1))) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        case 'd' -> Duration.ofDays(n);
        default -> throw new IllegalArgumentException("bad --ttl " + s);
      };
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("bad --ttl " + s + " (use 8h, 30m, 2d)");
    }
  }
}
