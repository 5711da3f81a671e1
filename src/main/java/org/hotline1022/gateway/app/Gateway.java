package org.hotline1022.gateway.app;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.hotline1022.gateway.agent.AuthKeys;
import org.hotline1022.gateway.stream.EventFeedVerticle;
import org.hotline1022.gateway.stream.StreamHead;
import org.hotline1022.gateway.adapter.web.WebPortal;
import org.hotline1022.gateway.config.GatewayConfig;
import org.hotline1022.gateway.health.DatabaseProbeVerticle;
import org.hotline1022.gateway.health.Readiness;
import org.hotline1022.gateway.inquiry.Routing;
import org.hotline1022.gateway.intake.Intake;
import org.hotline1022.gateway.intake.Triage;
import org.hotline1022.gateway.metrics.GatewayMetrics;
import org.hotline1022.gateway.metrics.MicrometerGatewayMetrics;
import org.hotline1022.gateway.deadline.DeadlineWatcherVerticle;
import org.hotline1022.gateway.deadline.MicrometerDeadlineMetrics;
import org.hotline1022.gateway.reply.MicrometerReplyMetrics;
import org.hotline1022.gateway.reply.OutboxDispatcherVerticle;
import org.hotline1022.gateway.reply.FacebookReplySender;
import org.hotline1022.gateway.reply.ReplySender;
import org.hotline1022.gateway.reply.SmtpReplySender;
import org.hotline1022.gateway.reply.WebReplySender;
import org.hotline1022.gateway.reply.ZaloReplySender;
import org.hotline1022.gateway.store.DatabaseVerticle;
import org.hotline1022.gateway.store.WriterVerticle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys the gateway in dependency order (database and migrations → writer → listeners), so
 * nothing accepts traffic before it can be stored, and stops it in reverse: readiness off,
 * listeners closed gracefully, writer drained, database closed.
 */
public final class Gateway {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private final Vertx vertx;
  private final GatewayConfig config;
  private final MeterRegistry registry;
  private final Routing routing;
  private final Triage triage;
  private final Readiness readiness = new Readiness();
  private final List<String> deployments = new ArrayList<>();
  private DatabaseVerticle database;

  public Gateway(Vertx vertx, GatewayConfig config, MeterRegistry registry, Routing routing, Triage triage) {
    this.vertx = vertx;
    this.config = config;
    this.registry = registry;
    this.routing = routing;
    this.triage = triage;
  }

  public Readiness readiness() {
    return readiness;
  }

  /** The database in use, once started. */
  public org.hotline1022.gateway.store.DbEndpoint db() {
    return database.endpoint();
  }

  public Future<Gateway> start() {
    LOG.info("starting [{}]", config.describe());
    config.unknownEnv().forEach(name -> LOG.warn("environment variable matches no config key [name: {}]", name));
    Intake.registerCodecs(vertx);
    EventFeedVerticle.registerCodec(vertx);
    GatewayMetrics metrics = new MicrometerGatewayMetrics(registry);
    AuthKeys authKeys;
    try {
      authKeys = AuthKeys.resolve(config.auth(), config.dataDir(), config.db().embedded());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    StreamHead head = new StreamHead();
    AtomicInteger sessions = new AtomicInteger();
    metrics.agentSessions(sessions::get);
    metrics.feedLag(head::lag);
    database = new DatabaseVerticle(config.db(), config.dataDir());
    return deploy(database, new DeploymentOptions())
        .compose(v -> {
          Services s = new Services(config, database.endpoint(), routing, triage, registry, metrics, readiness,
              new WebPortal.Limits(vertx, config.web()), authKeys, head, sessions);
          return deploy(new WriterVerticle(s.db(), config.writer(), metrics), new DeploymentOptions())
              .compose(w -> deploy(new DatabaseProbeVerticle(s.db(), readiness), new DeploymentOptions()))
              .compose(p -> deploy(new EventFeedVerticle(s.db(), head, config.agents().feedPollMs()), new DeploymentOptions()))
              .compose(f -> deploy(new OutboxDispatcherVerticle(s.db(), config.reply(), replySenders(s.db()),
                  new MicrometerReplyMetrics(registry)), new DeploymentOptions()))
              .compose(d -> deploy(new DeadlineWatcherVerticle(s.db(), config.deadlines(), new MicrometerDeadlineMetrics(registry)),
                  new DeploymentOptions()))
              .compose(m -> deployMailboxes(s, metrics))
              .compose(p -> vertx.deployVerticle(() -> new HttpVerticle(s), new DeploymentOptions().setInstances(config.http().instances())))
              .onSuccess(deployments::add);
        })
        .map(v -> {
          readiness.set("http", true);
          LOG.info("gateway ready [httpPort: {}]", config.http().port());
          return this;
        });
  }

  /** One IMAP reader per configured mailbox, each with its own lease, checkpoint and worker pool. */
  private Future<String> deployMailboxes(Services s, GatewayMetrics metrics) {
    var mailMetrics = new org.hotline1022.gateway.adapter.mail.MicrometerMailMetrics(registry);
    Future<String> chain = Future.succeededFuture("");
    for (var mailbox : config.mail().mailboxes()) {
      if (!mailbox.reads()) {
        continue;
      }
      chain = chain.compose(prev -> deploy(new org.hotline1022.gateway.adapter.mail.ImapMailboxVerticle(config.mail(), mailbox,
          new Intake(vertx, triage, metrics, config.writer().ackTimeoutMs()),
          vx -> new org.hotline1022.gateway.store.PgMailCheckpoints(s.db().pool(vx, "mail-checkpoints", 1, false)), mailMetrics,
          (name, up, state) -> {
            readiness.set("mail." + name, up);
            readiness.detail("mail." + name, state);
          }), new DeploymentOptions()));
    }
    return chain;
  }

  /** One sender per channel that can answer; SMTP only when a server is configured. */
  private List<ReplySender> replySenders(org.hotline1022.gateway.store.DbEndpoint db) {
    List<ReplySender> senders = new ArrayList<>(List.of(new WebReplySender(), new FacebookReplySender(config.webhooks()),
        ZaloReplySender.withoutTokenStore(config.webhooks())));
    if (config.mail().smtpEnabled()) {
      senders.add(new SmtpReplySender(vertx, config.mail(),
          vx -> new org.hotline1022.gateway.store.PgOutboundMailIds(db.pool(vx, "mail-outbound-ids", 1, false))));
    }
    return senders;
  }

  private Future<String> deploy(io.vertx.core.Deployable verticle, DeploymentOptions options) {
    return vertx.deployVerticle(verticle, options).onSuccess(deployments::add);
  }

  /** Graceful stop in reverse deployment order; completes when everything is closed. */
  public Future<Void> stop() {
    readiness.shuttingDown();
    LOG.info("stopping: readiness off, closing listeners, draining the writer");
    Future<Void> chain = Future.succeededFuture();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      chain = chain.transform(v -> vertx.deploymentIDs().contains(id) ? vertx.undeploy(id) : Future.succeededFuture())
          .onFailure(e -> LOG.warn("undeploy failed [deployment: {}]", id, e));
    }
    return chain.transform(ar -> Future.<Void>succeededFuture()).onComplete(ar -> LOG.info("stopped"));
  }
}
