package org.hotline1022.gateway.health;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/** {@code /health/live} (the event loop answers) and {@code /health/ready} (safe to send traffic here). */
public final class HealthRoutes {
  /** Liveness path; the Kubernetes probes in k8s/ use these (K8sManifestsTest checks). */
  public static final String LIVE = "/health/live";
  public static final String READY = "/health/ready";

  private HealthRoutes() {}

  public static void mount(Router router, Readiness readiness) {
    router.get(LIVE).handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("status", "UP").encode()));
    router.get(READY).handler(ctx -> {
      boolean ready = readiness.ready();
      JsonObject checks = new JsonObject();
      readiness.snapshot().forEach((k, v) -> checks.put(k, v ? "UP" : "DOWN"));
      if (readiness.isShuttingDown()) {
        checks.put("shutdown", "IN_PROGRESS");
      }
      JsonObject body = new JsonObject().put("status", ready ? "UP" : "DOWN").put("checks", checks);
      if (!readiness.details().isEmpty()) {
        body.put("details", new JsonObject(new java.util.LinkedHashMap<>(readiness.details())));
      }
      ctx.response().setStatusCode(ready ? 200 : 503).putHeader("Content-Type", "application/json").end(body.encode());
    });
  }
}
