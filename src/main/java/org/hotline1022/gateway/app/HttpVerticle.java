package org.hotline1022.gateway.app;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;
import org.hotline1022.gateway.adapter.web.WebPortal;
import org.hotline1022.gateway.agent.AgentAuth;
import org.hotline1022.gateway.agent.AgentCommands;
import org.hotline1022.gateway.agent.AgentHub;
import org.hotline1022.gateway.agent.AgentRoutes;
import org.hotline1022.gateway.store.AgentStore;
import org.hotline1022.gateway.health.HealthRoutes;
import org.hotline1022.gateway.intake.Intake;
import org.hotline1022.gateway.store.PgStatusLookup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP port: web portal, metrics, health and the public page. One instance per event loop,
 * each with its own read pool; they share the port. Stopping shuts the server down gracefully:
 * no new connections, requests in flight finish (their commits are still awaited).
 */
final class HttpVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);

  private final Services services;
  private HttpServer server;
  private Pool readPool;
  private AgentHub hub;

  HttpVerticle(Services services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    var cfg = services.config();
    readPool = services.db().cursorPool(vertx, "hotline-http-read", cfg.db().poolSize(), true);
    Intake intake = new Intake(vertx, services.triage(), services.metrics(), cfg.writer().ackTimeoutMs());

    Router router = Router.router(vertx);
    router.route().handler(ctx -> {
      // shutting down (drain delay): keep-alive clients and proxies finish this exchange and reconnect,
      // landing on another replica, instead of having an idle connection cut under their next request
      if (services.readiness().isShuttingDown() && ctx.request().getHeader(HttpHeaders.UPGRADE) == null) {
        ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
      }
      ctx.next();
    });
    HealthRoutes.mount(router, services.readiness());
    router.get("/metrics").handler(PrometheusScrapingHandler.create((PrometheusMeterRegistry) services.registry()));
    new WebPortal(intake, new PgStatusLookup(readPool), cfg.web(), services.webLimits(), services.metrics(),
        cfg.writer().retryAfterSeconds()).mount(router);
    org.hotline1022.gateway.adapter.webhook.WebhookRoutes.of(intake, cfg.webhooks(), services.metrics(), services.readiness(),
        cfg.writer().retryAfterSeconds()).mount(router);
    AgentStore agentStore = new AgentStore(readPool);
    AgentCommands commands = new AgentCommands(vertx, agentStore, services.routing());
    hub = new AgentHub(vertx, agentStore, commands, services.streamHead(), cfg.agents(), services.metrics(), services.agentSessions());
    AgentRoutes agents = new AgentRoutes(new AgentAuth(vertx, services.authKeys()), agentStore, commands, hub);
    agents.mount(router);
    // Vert.x matches "/console" for "/console/" too: redirect only the bare path
    router.get("/console").handler(ctx -> {
      if ("/console".equals(ctx.request().path())) {
        ctx.redirect("/console/");
      } else {
        ctx.next();
      }
    });
    router.get("/*").handler(StaticHandler.create("webroot").setCachingEnabled(true).setMaxAgeSeconds(300));

    server = vertx.createHttpServer(new HttpServerOptions().setCompressionSupported(true).setIdleTimeout(120)
        .setIdleTimeoutUnit(TimeUnit.SECONDS).setMaxWebSocketFrameSize(65_536).setMaxWebSocketMessageSize(65_536));
    return hub.start().compose(v -> server.requestHandler(req -> {
      if (AgentRoutes.isAgentUpgrade(req)) {
        agents.webSocket(req); // unwrapped by the router: see AgentRoutes#isAgentUpgrade
      } else {
        router.handle(req);
      }
    }).listen(cfg.http().port(), cfg.http().host()))
        .onSuccess(s -> LOG.info("http listening [port: {}]", s.actualPort()));
  }

  @Override
  public Future<?> stop() {
    // in-flight requests get until the drain deadline; the time after it is the writer's and the database's
    long budget = services.readiness().drainMillisLeft();
    long begin = System.nanoTime();
    int agents = hub.shutdown(); // agents reconnect to another replica (close 1012) while this one drains
    return server.shutdown(budget, TimeUnit.MILLISECONDS)
        .onComplete(ar -> LOG.info("http drained [agentsTold: {}, budgetMs: {}, tookMs: {}]", agents, budget,
            (System.nanoTime() - begin) / 1_000_000))
        .eventually(hub::stop).eventually(() -> readPool.close());
  }
}
