package org.hotline1022.gateway.agent;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.auth.JWTOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

/** Verifies agents' JWTs (and mints them for the token sub-command). */
public final class AgentAuth {
  /** Clock skew allowed between the token's issuer and this gateway. */
  private static final int LEEWAY_SECONDS = 5;

  private final JWTAuth jwt;
  private final AuthKeys keys;

  public AgentAuth(Vertx vertx, AuthKeys keys) {
    this.keys = keys;
    JWTAuthOptions options = new JWTAuthOptions()
        .setJWTOptions(new JWTOptions().setLeeway(LEEWAY_SECONDS).setIssuer(keys.issuer()));
    options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(keys.algorithm()).setBuffer(keys.verifyKey()));
    if (keys.signKey() != null && keys.algorithm().equals("RS256")) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(keys.signKey()));
    }
    this.jwt = JWTAuth.create(vertx, options);
  }

  /** The agent of a token; fails with {@link AuthException} 401 (bad token) or 403 (no agent role). */
  public Future<Agent> authenticate(String token) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(new AuthException(401, "missing token"));
    }
    return jwt.authenticate(new TokenCredentials(token.strip()))
        .recover(e -> Future.failedFuture(new AuthException(401, "invalid token")))
        .compose(user -> {
          JsonObject claims = user.principal();
          String sub = claims.getString("sub");
          Set<String> roles = roles(claims.getValue("roles"));
          roles.retainAll(Agent.ROLES);
          String department = claims.getValue("department") instanceof String d && !d.isBlank() ? d : null;
          if (sub == null || sub.isBlank()) {
            return Future.failedFuture(new AuthException(401, "token without sub"));
          }
          // vertx-auth-jwt moves exp out of the principal into the user's attributes
          Object exp = user.attributes().getValue("exp", claims.getValue("exp"));
          // when this gateway starts refusing the token, so a live socket ends when a new one could not start
          Instant expiresAt = exp instanceof Number n ? Instant.ofEpochSecond(n.longValue() + LEEWAY_SECONDS) : null;
          Agent agent = new Agent(sub, claims.getValue("name") instanceof String n ? n : sub, Set.copyOf(roles), department, expiresAt);
          if (roles.isEmpty() || (!agent.seesAll() && department == null)) {
            return Future.failedFuture(new AuthException(403, "no agent role"));
          }
          return Future.succeededFuture(agent);
        });
  }

  private static Set<String> roles(Object claim) {
    Set<String> roles = new LinkedHashSet<>();
    if (claim instanceof JsonArray arr) {
      arr.forEach(r -> roles.add(String.valueOf(r)));
    } else if (claim instanceof String s) {
      roles.add(s);
    }
    return roles;
  }

  /** A signed token for an agent; needs the signing key (HS256 secret or RS256 private key). */
  public String mint(Agent agent, Duration ttl) {
    if (keys.signKey() == null) {
      throw new IllegalStateException("no signing key: set auth.privateKeyFile to mint RS256 tokens");
    }
    JsonObject claims = new JsonObject().put("sub", agent.sub()).put("name", agent.name())
        .put("roles", new JsonArray(agent.roles().stream().sorted().toList()));
    if (agent.department() != null) {
      claims.put("department", agent.department());
    }
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm(keys.algorithm()).setIssuer(keys.issuer())
        .setExpiresInSeconds((int) Math.min(Integer.MAX_VALUE, ttl.toSeconds())));
  }
}
